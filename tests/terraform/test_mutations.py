"""Proof the checks bite: copies of the tree, each broken on purpose, caught by the layer meant to.

  break                                   layer that catches it
  misspelled argument (metric_tables)     terraform validate, and the AWS provider 6.x schema check
  missing required argument (glue_job)    terraform validate, and the 6.x schema check
  S3 default encryption -> AES256         checkov: CKV_CM_2 (custom) and CKV_AWS_145 (builtin)
  wildcard IAM action (glue_job)          checkov: CKV_CM_4 (custom)
  module resource without tags            checkov: CKV_CM_1 (custom)
  metric tables without PITR              checkov: CKV_CM_3 (custom)
  prod deletion protection off            plan vs inventories/prod.yaml
  a common tag dropped from prod          plan vs inventories/prod.yaml (tags_all of every resource)
  key policy grants logs.amazonaws.com    aws_rules.regional_service_principals (logs.<region>...)
  Glue 4.0 logging argument on Glue 5.1   aws_rules.glue5_arguments
  ObjectRemoved dropped from the POS      aws_rules.pos_events_wiring
    notification, --keys_table renamed
  QuickSight role loses s3:PutObject on    aws_rules.quicksight_role_reads
    the results prefix
  one v_* view no longer created           aws_rules.data_set_views_exist (its data set reads nothing)
  S3 gateway endpoint off, no NAT         the plan fails (precondition of the JDBC connection, crawler
                                          and job) and aws_rules.subnet_route_to_s3

The copies reuse the session's `init` of the real tree (same modules, same provider), so each
break costs one validate, plan or checkov run, started early on the shared worker pool.
"""

from __future__ import annotations

import re
import shutil
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import aws_rules
import pytest
import scanners
from inventory import compare, load
from tfharness import WORK, Result, Stack, Terraform, base_env, diagnostics

from conftest import StackRun


def _edit(tree: Path, rel: str, pattern: str, replacement: str) -> int:
    """Apply one regex edit to tree/rel; return the 1-based line of the edit. Fails loudly if the
    anchor vanished (the module changed: pick a new anchor, the check itself is not at fault)."""
    path = tree / rel
    text = path.read_text()
    match = re.search(pattern, text, flags=re.MULTILINE)
    assert match, f"mutation anchor {pattern!r} not found in {rel}: update test_mutations.py"
    path.write_text(text[: match.start()] + match.expand(replacement) + text[match.end() :])
    return text[: match.start()].count("\n") + 1


def _copy(tree: Path, dest: Path) -> Path:
    shutil.copytree(tree, dest, symlinks=True, ignore=shutil.ignore_patterns(".terraform", "*.tfstate"))
    return dest


def _adopt_init(
    stack: Stack, source_run: StackRun, tree: Path, data_root: Path, env: dict[str, str]
) -> Terraform:
    """A Terraform for the stack in a mutated copy, reusing the initialised data dir of the real one."""
    assert source_run.init.ok, f"{stack.rel} did not initialise: see test_tf_plans.py"
    tf = Terraform(tree, stack, data_root, env)
    shutil.copytree(WORK / "data" / stack.id / ".terraform", tf.data / ".terraform", symlinks=True)
    shutil.copy2(WORK / "data" / stack.id / ".terraform.lock.hcl", tf.dir / ".terraform.lock.hcl")
    return tf


@pytest.fixture(scope="session")
def mutations(
    stack_futures: dict[str, Future[StackRun]],
    tree: Path,
    moto_endpoint: str,
    pool: ThreadPoolExecutor,
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, Any]:
    base = tmp_path_factory.mktemp("mutations")
    env = base_env(moto_endpoint)
    prod = Stack("prod", "terraform/prod")
    found: dict[str, Any] = {}

    # 1, 2: HCL errors terraform validate must reject, one copy each (validate stops at the first
    # module with errors), validated from the prod root.
    misspelled, required = _copy(tree, base / "misspelled"), _copy(tree, base / "required")
    found["misspelled_line"] = _edit(
        misspelled, "modules/metric_tables/main.tf", r"^(\s*)billing_mode(\s*=)", r"\1biling_mode\2"
    )
    _edit(
        required,
        "modules/glue_job/main.tf",
        r'^(resource "aws_glue_job" "\w+" \{\n(?:.*\n)*?)\s*role_arn\s*=.*\n',
        r"\1",
    )

    def validate(copy: Path) -> tuple[bool, str]:
        tf = _adopt_init(prod, stack_futures["prod"].result(), copy, copy.with_name(copy.name + "-data"), env)
        result, report = tf.validate()
        return result.ok, diagnostics(report)

    found["validate_misspelled"] = pool.submit(validate, misspelled)
    found["validate_required"] = pool.submit(validate, required)
    found["schema_copies"] = (misspelled, required)

    # 3-6: policy breaks in different resources, one checkov run over the broken modules.
    policy = _copy(tree, base / "policy")
    _edit(policy, "modules/data_bucket/main.tf", r'(sse_algorithm\s*=\s*)"aws:kms"', r'\1"AES256"')
    _edit(policy, "modules/glue_job/main.tf", r'"cloudwatch:PutMetricData"', r'"cloudwatch:*"')
    _edit(
        policy,
        "modules/metric_tables/main.tf",
        r'^(resource "aws_dynamodb_table" "\w+" \{\n(?:.*\n)*?)\s*tags\s*=.*\n',
        r"\1",
    )
    _edit(
        policy,
        "modules/metric_tables/main.tf",
        r"(point_in_time_recovery \{\s*enabled\s*=\s*)[^\n]+",
        r"\1false",
    )
    found["checkov"] = pool.submit(scanners.checkov_hcl, policy / "modules")

    # 7, 8: prod plan breaks the inventory must catch.
    plan_tree = _copy(tree, base / "plan")
    _edit(plan_tree, "terraform/prod/terraform.tfvars", r"(deletion_protection\s*=\s*)true", r"\1false")
    _edit(plan_tree, "modules/cinema_platform/main.tf", r'^\s*ManagedBy\s*=\s*"terraform"\n', "")

    def plan_prod() -> StackRun:
        # Only what the two breaks touch (the metric tables and their key): a third of a full plan.
        tf = _adopt_init(prod, stack_futures["prod"].result(), plan_tree, base / "data-plan", env)
        run = StackRun(prod, Result(True, "init adopted"))
        run.validate, run.validate_report = tf.validate()
        run.plan, run.plan_json = tf.plan(targets=["module.platform.module.metric_tables"])
        return run

    found["plan"] = pool.submit(plan_prod)

    # 9-11: AWS rules moto does not enforce, broken in one copy, one targeted prod plan.
    rules_tree = _copy(tree, base / "rules")
    _edit(
        rules_tree,
        "modules/data_bucket/main.tf",
        r'"logs\.\$\{local\.region\}\.amazonaws\.com"',
        '"logs.amazonaws.com"',
    )
    _edit(
        rules_tree,
        "modules/glue_job/main.tf",
        r'^(\s*)"--custom-logGroup-prefix"(\s*)= local.log_group_prefix\n',
        r'\1"--enable-continuous-cloudwatch-log" = "true"\n'
        r'\1"--continuous-log-logGroup" = local.log_group_prefix\n',
    )
    _edit(
        rules_tree,
        "modules/pos_events/main.tf",
        r'"s3:ObjectCreated:\*", "s3:ObjectRemoved:\*"',
        '"s3:ObjectCreated:*"',
    )
    _edit(rules_tree, "modules/glue_job/main.tf", r'"--keys_table" = var', '"--keys-table" = var')
    _edit(
        rules_tree,
        "modules/quicksight/main.tf",
        r'"s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"',
        '"s3:AbortMultipartUpload", "s3:GetObject"',
    )
    _edit(
        rules_tree,
        "modules/athena/main.tf",
        r"(resource \"aws_glue_catalog_table\" \"view\" \{\n  for_each = )local\.views",
        r'\1{ for k, v in local.views : k => v if k != "v_chain_daily" }',
    )

    def plan_rules() -> StackRun:
        tf = _adopt_init(prod, stack_futures["prod"].result(), rules_tree, base / "data-rules", env)
        run = StackRun(prod, Result(True, "init adopted"))
        run.plan, run.plan_json = tf.plan(
            targets=[
                f"module.platform.module.{m}"
                for m in ("data_bucket", "glue_job", "pos_events", "metric_tables", "athena", "quicksight")
            ]
        )
        return run

    found["rules"] = pool.submit(plan_rules)

    # 12: the job and crawler's subnet loses its route to S3: the plan must stop.
    route_tree = _copy(tree, base / "route")
    _edit(
        route_tree,
        "terraform/prod/terraform.tfvars",
        r"gateway_endpoints\s*=\s*\{ s3 = true",
        "gateway_endpoints = { s3 = false",
    )
    _edit(
        route_tree, "terraform/prod/terraform.tfvars", r"egress_via_nat\s*=\s*true", "egress_via_nat = false"
    )

    def plan_route() -> StackRun:
        tf = _adopt_init(prod, stack_futures["prod"].result(), route_tree, base / "data-route", env)
        run = StackRun(prod, Result(True, "init adopted"))
        run.plan, run.plan_json = tf.plan(
            targets=[
                "module.platform.module.glue_catalog.aws_glue_connection.mysql",
                "module.platform.module.network",
            ]
        )
        return run

    found["route"] = pool.submit(plan_route)
    return found


def test_misspelled_argument_fails_validate(mutations: dict[str, Any]) -> None:
    ok, messages = mutations["validate_misspelled"].result()
    assert not ok, "terraform validate accepted a misspelled argument"
    assert re.search(r'metric_tables/main\.tf:\d+: .*Unsupported argument.*"biling_mode"', messages), messages


def test_missing_required_argument_fails_validate(mutations: dict[str, Any]) -> None:
    ok, messages = mutations["validate_required"].result()
    assert not ok
    assert re.search(r'glue_job/main\.tf:\d+: .*Missing required argument.*"role_arn"', messages), messages


def test_schema6_reports_both_hcl_breaks_with_file_and_line(
    mutations: dict[str, Any], schema6_path: Path
) -> None:
    misspelled, required = mutations["schema_copies"]
    findings = [
        str(f) for f in scanners.schema_check([misspelled / "modules"], schema6_path, None, base=misspelled)
    ]
    line = mutations["misspelled_line"]
    assert any(
        f.startswith(f"modules/metric_tables/main.tf:{line}: ") and "unknown argument `biling_mode`" in f
        for f in findings
    ), findings
    findings = [
        str(f) for f in scanners.schema_check([required / "modules"], schema6_path, None, base=required)
    ]
    assert any(
        f.startswith("modules/glue_job/main.tf:") and "required argument `role_arn` is not set" in f
        for f in findings
    ), findings


def _failed(report: scanners.CheckovReport, check_id: str, file_part: str) -> list[dict[str, Any]]:
    return [c for c in report.failed if c["check_id"] == check_id and file_part in (c.get("file_path") or "")]


def test_encryption_removed_is_caught_by_checkov(mutations: dict[str, Any]) -> None:
    report: scanners.CheckovReport = mutations["checkov"].result()
    custom = _failed(report, "CKV_CM_2", "data_bucket/main.tf")
    assert custom and any("not aws:kms" in d for c in custom for d in c.get("details") or []), (
        report.failures()
    )
    assert _failed(report, "CKV_AWS_145", "data_bucket/main.tf"), report.failures()


def test_wildcard_iam_action_is_caught_by_checkov(mutations: dict[str, Any]) -> None:
    report: scanners.CheckovReport = mutations["checkov"].result()
    found = _failed(report, "CKV_CM_4", "glue_job/main.tf")
    assert any("cloudwatch:*" in d for c in found for d in c.get("details") or []), report.failures()


def test_untagged_resource_is_caught_by_checkov(mutations: dict[str, Any]) -> None:
    report: scanners.CheckovReport = mutations["checkov"].result()
    found = _failed(report, "CKV_CM_1", "metric_tables/main.tf")
    # module.metric_tables.aws_dynamodb_table.this[...] when checkov reaches it through the composition
    assert any("aws_dynamodb_table." in c["resource"] for c in found), report.failures()


def test_pitr_off_is_caught_by_checkov(mutations: dict[str, Any]) -> None:
    report: scanners.CheckovReport = mutations["checkov"].result()
    found = _failed(report, "CKV_CM_3", "metric_tables/main.tf")
    assert any(
        "point_in_time_recovery.enabled is False" in d for c in found for d in c.get("details") or []
    ), report.failures()


def test_prod_deletion_protection_off_is_caught_by_the_inventory(mutations: dict[str, Any]) -> None:
    run: StackRun = mutations["plan"].result()
    assert run.plan_json is not None, run.plan.output if run.plan else run.validate and run.validate.output
    problems = compare(run.summary, load("prod"))  # a targeted plan: count lines are expected too
    off = [p for p in problems if "deletion_protection_enabled: expected True, plan has False" in p]
    assert len(off) == 5, "\n".join(problems)


def test_dropped_tag_is_caught_by_the_inventory(mutations: dict[str, Any]) -> None:
    run: StackRun = mutations["plan"].result()
    assert run.plan_json is not None
    problems = [p for p in compare(run.summary, load("prod")) if p.startswith("tags: ")]
    assert problems and all("'ManagedBy': None" in p for p in problems), problems
    assert any("aws_dynamodb_table" in p for p in problems)


def _rules_run(mutations: dict[str, Any]) -> StackRun:
    run: StackRun = mutations["rules"].result()
    assert run.plan_json is not None, run.plan.output[-3000:] if run.plan else "not planned"
    return run


def test_global_logs_principal_is_caught(mutations: dict[str, Any]) -> None:
    problems = aws_rules.regional_service_principals(_rules_run(mutations).summary, "us-east-1")
    assert any("'logs.amazonaws.com'" in p and "logs.us-east-1.amazonaws.com" in p for p in problems), (
        problems
    )


def test_glue_4_logging_arguments_are_caught(mutations: dict[str, Any]) -> None:
    problems = aws_rules.glue5_arguments(_rules_run(mutations).summary)
    assert any("--enable-continuous-cloudwatch-log is a Glue <= 4.0 argument" in p for p in problems), (
        problems
    )
    assert any("--continuous-log-logGroup" in p for p in problems), problems
    assert any("no --custom-logGroup-prefix" in p for p in problems), problems


def test_pos_events_breaks_are_caught(mutations: dict[str, Any]) -> None:
    problems = aws_rules.pos_events_wiring(_rules_run(mutations).summary)
    assert any("not ObjectCreated:* + ObjectRemoved:*" in p for p in problems), problems
    assert any("--keys_table is None, not the accepted-keys table" in p for p in problems), problems


def test_subnet_without_route_to_s3_fails_the_plan(mutations: dict[str, Any]) -> None:
    run: StackRun = mutations["route"].result()
    assert run.plan is not None and not run.plan.ok, "the plan accepted a JDBC subnet with no route to S3"
    assert "has no route to S3" in run.plan.output, run.plan.output[-3000:]


def test_subnet_route_rule_catches_a_missing_endpoint(stack_runs: dict[str, StackRun]) -> None:
    """The same break seen by the rule, on the real prod plan with its S3 gateway endpoint and
    NAT egress removed from the summary (the mutated plan itself never completes)."""
    summary = stack_runs["prod"].summary
    assert not aws_rules.subnet_route_to_s3(summary)
    for address in [
        a for a, t in summary.types.items() if t in ("aws_vpc_endpoint", "aws_vpc_security_group_egress_rule")
    ]:
        summary.values.pop(address)
    problems = aws_rules.subnet_route_to_s3(summary)
    assert problems and "no S3 gateway endpoint" in problems[0], problems


def test_quicksight_role_without_results_write_is_caught(mutations: dict[str, Any]) -> None:
    problems = aws_rules.quicksight_role_reads(_rules_run(mutations).plan_json)
    assert any("cannot write the results prefix" in p for p in problems), problems


def test_data_set_without_its_view_is_caught(mutations: dict[str, Any]) -> None:
    problems = aws_rules.data_set_views_exist(_rules_run(mutations).summary)
    assert any("v_chain_daily, which no aws_glue_catalog_table creates" in p for p in problems), problems
