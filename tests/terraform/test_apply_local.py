"""`terraform apply` of terraform/local against moto creates every resource the emulator
supports (network included: VPC, security group, gateway endpoints), a second plan right after
it is empty, the applied IAM passes the AWS rules and parliament, and `terraform destroy`
removes them all; nothing secret shows up in clear text.

The root is applied from a staged copy with its own state and data dir, under a project name
of its own ("cmtest"), so neither a developer's `make apply ENV=local` nor the demo's
resources in the same emulator are touched.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import boto3
import hcl2
import pytest
from catalog_counts import metric_tables, quality_tables, quantities

ROOT = Path(__file__).resolve().parents[2]
TERRAFORM = os.environ.get("TERRAFORM", "terraform")
PROJECT = "cmtest"
PREFIX = f"{PROJECT}-local"
COPY = ("modules", "terraform/local", "scripts/athena", "dashboards")
IGNORE = shutil.ignore_patterns(".terraform", "*.tfstate*", "*.tfplan", ".terraform.lock.hcl", "__pycache__")

# Resource types the core modules must create on the emulator, with exact counts (within
# those modules; the analytics modules add their own) where the design fixes them; what follows
# from the metric declarations is counted from the catalog (catalog_counts.py), never typed.
CATALOG = quantities()
CORE_MODULES = tuple(
    f"module.platform.module.{m}"
    for m in (
        "data_bucket.",
        "metric_tables.",
        "glue_catalog.",
        "glue_job.",
        "pos_events.",
        "network[0].",
        "pos_vault[0].",
    )
)
EXPECTED_COUNTS = {
    "aws_kms_key": 3,  # data, metric tables, raw/pos/ vault
    "aws_s3_bucket": 3,  # data + access logs + raw/pos/ vault
    "aws_s3_bucket_logging": 1,
    "aws_s3_bucket_lifecycle_configuration": 3,
    "aws_s3_bucket_object_lock_configuration": 1,  # the vault's GOVERNANCE default retention
    "aws_dynamodb_table": CATALOG["metric_tables"] + 1,  # one per metric table + accepted POS keys
    "aws_glue_catalog_database": 1,
    # curated Parquet + the job's JSON records (quarantine, runs); the views: modules/athena
    "aws_glue_catalog_table": CATALOG["metric_tables"] + CATALOG["quality_tables"],
    "aws_glue_crawler": 2,
    "aws_glue_job": 1,
    "aws_glue_trigger": 3,  # schedule + after the JDBC crawl + weekly --reconcile
    "aws_sqs_queue": 2,  # POS events + dead-letter queue
    "aws_s3_bucket_notification": 1,
    "aws_security_group": 1,
    "aws_vpc_endpoint": 2,  # S3 + DynamoDB gateway endpoints
    "aws_vpc_security_group_ingress_rule": 1,  # Glue's self-referencing all-TCP rule
    "aws_glue_security_configuration": 2,
    "aws_s3_object": 2,  # entry script + package zip
    "aws_secretsmanager_secret": 1,
    "aws_cloudwatch_metric_alarm": 1,
    "aws_iam_role": 3,  # crawler, job, the vault's replication role
}
EXPECTED_TYPES = set(EXPECTED_COUNTS) | {
    "aws_kms_alias",
    "aws_s3_bucket_versioning",
    "aws_s3_bucket_public_access_block",
    "aws_s3_bucket_ownership_controls",
    "aws_s3_bucket_server_side_encryption_configuration",
    "aws_iam_role",
    "aws_iam_role_policy",
    "aws_cloudwatch_log_group",
    "aws_sns_topic",
    "aws_sns_topic_policy",
    "aws_cloudwatch_event_rule",
    "aws_cloudwatch_event_target",
    "aws_sqs_queue_policy",
    "aws_sqs_queue_redrive_policy",
    "aws_vpc",
    "aws_subnet",
    "aws_route_table",
    "aws_vpc_security_group_egress_rule",
}
# Attribute names whose value would be a credential (connection_properties is checked apart).
SECRET_KEYS = re.compile(r"(^|_)(password|secret_string|secret_binary|secret_key|private_key)$", re.I)


def _stage(dest: Path) -> Path:
    for part in COPY:
        shutil.copytree(ROOT / part, dest / part, ignore=IGNORE)
    subprocess.run(
        [sys.executable, "-m", "cinema_metrics.packaging", "--out", str(dest / "build" / "glue")],
        check=True,
        capture_output=True,
    )
    return dest / "terraform" / "local"


def _tf(root: Path, env: dict[str, str], *args: str, timeout: int = 420) -> str:
    start = time.monotonic()
    proc = subprocess.run(
        [TERRAFORM, *args], cwd=root, env=env, capture_output=True, text=True, timeout=timeout
    )
    print(f"terraform {args[0]}: {time.monotonic() - start:.0f} s")
    assert proc.returncode == 0, f"terraform {args[0]} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc.stdout


def _secret_values(node: Any, path: str = "") -> list[str]:
    """Paths of non-empty values stored under credential-like keys anywhere in a JSON tree."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{path}.{key}"
            if SECRET_KEYS.search(str(key)) and value not in (None, "", [], {}, False, True):
                found.append(here)
            if key == "connection_properties" and isinstance(value, dict):
                found += [f"{here}.{k}" for k in value if k.upper() in {"USERNAME", "PASSWORD"}]
                found += [
                    f"{here}.JDBC_CONNECTION_URL"
                    for v in value.values()
                    if re.search(r"password=|//[^/]*:[^/]*@", str(v), re.I)
                ]
            found += _secret_values(value, here)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _secret_values(value, f"{path}[{i}]")
    return found


def _managed(state: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []

    def walk(module: dict[str, Any]) -> None:
        out.extend(r for r in module.get("resources", []) if r["mode"] == "managed")
        for child in module.get("child_modules", []):
            walk(child)

    walk(state.get("values", {}).get("root_module", {}))
    return out


@pytest.mark.terraform
@pytest.mark.e2e
@pytest.mark.slow
def test_apply_and_destroy_local_root_on_moto(services, aws_env, tmp_path: Path) -> None:
    assert shutil.which(TERRAFORM), "terraform not found on PATH: install Terraform 1.11 (see GUIDE.md)"
    rc = ROOT / "build" / "terraformrc"
    assert rc.exists(), "build/terraformrc missing: run `make tf-config`"
    root = _stage(tmp_path / "tree")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_VAR_", "TF_PLUGIN_CACHE"))}
    env.update(
        TF_CLI_CONFIG_FILE=str(rc),
        TF_DATA_DIR=str(tmp_path / "data"),
        TF_IN_AUTOMATION="1",
        CHECKPOINT_DISABLE="1",
    )
    tfvars = ["-var", f"aws_endpoint={services.aws_endpoint}", "-var", f"project={PROJECT}"]
    _tf(root, env, "init", "-input=false", f"-backend-config=path={tmp_path / 'terraform.tfstate'}")

    _tf(root, env, "plan", "-input=false", "-parallelism=20", "-out=local.tfplan", *tfvars)
    plan = json.loads(_tf(root, env, "show", "-json", "local.tfplan"))
    planned = {r["type"] for r in plan["resource_changes"]}
    assert "aws_secretsmanager_secret_version" not in planned, (
        "a secret value must never pass through Terraform"
    )
    assert _secret_values(plan.get("planned_values", {})) == []
    assert services.mysql_password not in json.dumps(plan.get("variables", {}))

    try:  # destroy even when apply or a check fails, so the shared emulator stays clean
        start = time.monotonic()
        _tf(root, env, "apply", "-input=false", "-auto-approve", "-parallelism=20", "local.tfplan")
        _check_applied(root, env, services.aws_endpoint, time.monotonic() - start)
        _check_second_plan_is_empty(root, env, tfvars)
    finally:
        start = time.monotonic()
        # The state was just written by apply: skip the refresh (about a third of the time).
        _tf(
            root,
            env,
            "destroy",
            "-input=false",
            "-auto-approve",
            "-refresh=false",
            "-parallelism=20",
            *tfvars,
        )
        print(f"destroyed in {time.monotonic() - start:.0f} s")
    after = json.loads(_tf(root, env, "show", "-json"))
    assert _managed(after) == [], "destroy left resources in state"
    ddb = boto3.client("dynamodb", endpoint_url=services.aws_endpoint, region_name="us-east-1")
    assert not [t for t in ddb.list_tables()["TableNames"] if t.startswith(f"{PREFIX}-")], (
        "tables left behind"
    )


def _check_applied(root: Path, env: dict[str, str], endpoint: str, apply_s: float) -> None:
    state = json.loads(_tf(root, env, "show", "-json"))
    resources = _managed(state)
    by_type = Counter(r["type"] for r in resources)
    core = Counter(r["type"] for r in resources if r["address"].startswith(CORE_MODULES))
    print(f"\napplied {len(resources)} resources to moto in {apply_s:.0f} s: {dict(sorted(by_type.items()))}")
    missing = EXPECTED_TYPES - set(core)
    assert not missing, f"resource types not created on moto: {sorted(missing)}"
    wrong = {t: (core[t], n) for t, n in EXPECTED_COUNTS.items() if core[t] != n}
    assert not wrong, f"(created, expected) counts differ: {wrong}"
    assert _secret_values(state) == []

    outputs = json.loads(_tf(root, env, "output", "-json"))
    assert _secret_values(outputs) == []
    assert not any(o.get("sensitive") and o.get("value") for o in outputs.values()), (
        "no output may carry a secret"
    )

    # The emulator really holds what the state says: a table per metric of the catalog, keyed as
    # its declaration says.
    ddb = boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1")
    tables = set(ddb.list_tables()["TableNames"])
    catalog = metric_tables()
    assert set(outputs["metric_table_names"]["value"]) == set(catalog)
    expected_tables = {f"{PREFIX}-{t}" for t in catalog}
    assert expected_tables <= tables, sorted(expected_tables - tables)
    for name, table in catalog.items():
        schema = ddb.describe_table(TableName=f"{PREFIX}-{name}")["Table"]["KeySchema"]
        keys = {k["KeyType"]: k["AttributeName"] for k in schema}
        assert keys == {"HASH": table["dynamodb"]["hash_key"], "RANGE": table["dynamodb"]["range_key"]}, name
    glue = boto3.client("glue", endpoint_url=endpoint, region_name="us-east-1")
    database = outputs["glue_database_name"]["value"]
    for name, table in quality_tables().items():  # the job's JSON records, as Athena reads them
        got = glue.get_table(DatabaseName=database, Name=name)["Table"]
        storage = got["StorageDescriptor"]
        assert storage["SerdeInfo"]["SerializationLibrary"] == table["serde"], name
        assert storage["Location"].endswith(f"/curated/{table['folder']}/"), storage["Location"]
        assert [(k["Name"], k["Type"]) for k in got["PartitionKeys"]] == [("run_date", "date")], name
        assert table["parameters"].items() <= got["Parameters"].items(), name
    job = glue.get_job(JobName=outputs["glue_job_name"]["value"])["Job"]
    assert job["GlueVersion"] == "5.1"
    assert job["DefaultArguments"]["--dynamodb_table_prefix"] == f"{PREFIX}-"
    assert job["DefaultArguments"]["--keys_table"] == f"{PREFIX}-accepted-keys"
    assert job["DefaultArguments"]["--pos_queue_url"].endswith(f"/{PREFIX}-pos-events")
    reconcile = glue.get_trigger(Name=f"{PREFIX}-metrics-reconcile")["Trigger"]
    assert reconcile["Type"] == "SCHEDULED" and reconcile["Actions"][0]["Arguments"] == {
        "--reconcile": "true"
    }

    # The raw/pos/ vault: Object Lock with its GOVERNANCE default retention, under its own key.
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    vault = outputs["pos_vault_bucket_name"]["value"]
    assert vault.startswith(f"{PREFIX}-pos-vault-")
    lock = s3.get_object_lock_configuration(Bucket=vault)["ObjectLockConfiguration"]
    assert lock["ObjectLockEnabled"] == "Enabled" and lock["Rule"]["DefaultRetention"]["Mode"] == "GOVERNANCE"
    keys = {
        b: s3.get_bucket_encryption(Bucket=b)["ServerSideEncryptionConfiguration"]["Rules"][0][
            "ApplyServerSideEncryptionByDefault"
        ]["KMSMasterKeyID"]
        for b in (vault, outputs["bucket_name"]["value"])
    }
    assert len(set(keys.values())) == 2, f"the vault shares the data key: {keys}"

    # What the plan could not show (ARNs known after apply): the IAM of the queue and keys table,
    # and every policy document through parliament.
    import aws_rules
    import iam_lint
    from tfharness import Summary

    values = {r["address"]: r.get("values", {}) for r in resources}
    types = {r["address"]: r["type"] for r in resources}
    summary = Summary(values, types, Counter(types.values()), {}, {})
    problems = (
        aws_rules.job_queue_and_keys_iam(summary)
        + aws_rules.job_metric_tables_iam(summary, {f"{PREFIX}-{t}" for t in catalog})
        + aws_rules.regional_service_principals(summary, "us-east-1")
    )
    assert not problems, "\n".join(problems)
    lint, excepted, count = iam_lint.findings(state)
    print(f"parliament: {count} policy documents, {len(excepted)} documented exceptions")
    assert count >= 8 and not lint, "\n".join(lint)


def _check_second_plan_is_empty(root: Path, env: dict[str, str], tfvars: list[str]) -> None:
    """Right after apply, a plan has nothing to do (no perpetual diff)."""
    proc = subprocess.run(
        [TERRAFORM, "plan", "-input=false", "-detailed-exitcode", "-no-color", "-parallelism=20", *tfvars],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=420,
    )
    changes = [line.strip() for line in proc.stdout.splitlines() if re.match(r"\s+# .* (will|must) be", line)]
    assert proc.returncode == 0, (
        f"second plan after apply is not empty (exit {proc.returncode}):\n"
        + "\n".join(changes or [proc.stdout[-3000:], proc.stderr[-2000:]])
    )


def test_no_credentials_in_any_tfvars() -> None:
    """Every committed tfvars file parses and holds no credential-like value."""
    files = sorted((ROOT / "terraform").glob("*/*.tfvars"))
    assert files, "no tfvars found under terraform/"
    for path in files:
        with path.open() as fh:
            data = hcl2.load(fh)
        assert _secret_values(data) == [], f"{path.relative_to(ROOT)} holds a credential-like value"
        text = path.read_text()
        assert not re.search(r"(?i)password\s*=|jdbc:[^\"]*(password=|://[^/\"]*:[^/\"]*@)", text), path
