"""Security controls checked in code (issue 9 item 4), complementing checkov (tests/terraform,
policies/): the IAM statement inventory (no "*" action, every "*" resource allow-listed with a
reason), credentials only in Secrets Manager, a customer-managed KMS key on every data store of
every type, a TLS-only private bucket, QuickSight permissions for its groups only, and no
personal data in the metric outputs of a real run."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hcl2
import pyarrow.parquet as pq
import pytest
import yaml
from tests.reliability.common import dynamo_items

from cinema_metrics import contract

ROOT = Path(__file__).resolve().parents[2]
MODULES = ROOT / "modules"
ALLOW_LIST = Path(__file__).with_name("wildcard_resources.yaml")


def _load(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as f:
        return hcl2.load(f)


def _tf_files(*roots: Path) -> list[Path]:
    return sorted(p for r in roots for p in r.rglob("*.tf") if ".terraform" not in p.parts)


def _blocks(doc: dict[str, Any], kind: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(type, name, body) of every `resource`/`data` block of a parsed file."""
    for blk in doc.get(kind, []):
        for typ, objs in blk.items():
            for name, body in objs.items():
                yield typ, name, body


def _dynamic(body: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """Contents of `dynamic "<name>"` blocks (a statement that exists only behind a flag)."""
    out = []
    for d in body.get("dynamic", []):
        if name in d:
            out += d[name].get("content", [])
    return out


def _list(v: Any) -> list[Any]:
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


# ---------------------------------------------------------------- IAM statements

_JSON_ACTION = re.compile(r"\b(Action|NotAction|Resource)\"?\s*[=:]\s*(\[[^\]]*\]|\"[^\"]*\")")


def statements(files: list[Path]) -> list[dict[str, Any]]:
    """Every IAM statement in aws_iam_policy_document data sources and jsonencode()d policies:
    {where, sid, effect, actions, resources, principals}."""
    out = []
    for path in files:
        doc = _load(path)
        rel = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name
        for typ, name, body in _blocks(doc, "data"):
            if typ != "aws_iam_policy_document":
                continue
            for s in body.get("statement", []) + _dynamic(body, "statement"):
                principals = [i for p in s.get("principals", []) for i in _list(p.get("identifiers"))]
                out.append(
                    dict(
                        where=f"{rel} {name} {s.get('sid')}",
                        effect=s.get("effect", "Allow"),
                        actions=_list(s.get("actions")) + _list(s.get("not_actions")),
                        not_actions=bool(s.get("not_actions")),
                        resources=_list(s.get("resources")),
                        principals=principals,
                    )
                )
        for typ, name, body in _blocks(doc, "resource"):
            for attr in ("policy", "assume_role_policy", "inline_policy"):
                text = str(body.get(attr, ""))
                if "jsonencode" not in text:
                    continue
                found: dict[str, list[str]] = {"Action": [], "NotAction": [], "Resource": []}
                for key, value in _JSON_ACTION.findall(text):
                    found[key] += re.findall(r"\"([^\"]*)\"", value)
                out.append(
                    dict(
                        where=f"{rel} {typ}.{name} {attr}",
                        effect="Deny" if re.search(r"Effect\"?\s*[=:]\s*\"Deny\"", text) else "Allow",
                        actions=found["Action"] + found["NotAction"],
                        not_actions=bool(found["NotAction"]),
                        resources=found["Resource"],
                        principals=[],
                    )
                )
    return out


@pytest.fixture(scope="module")
def module_statements() -> list[dict[str, Any]]:
    return statements(_tf_files(MODULES))


def _wildcard_actions(stmts: list[dict[str, Any]]) -> list[str]:
    return [
        f"{s['where']}: {a}"
        for s in stmts
        if s["effect"] != "Deny"
        for a in (s["actions"] if not s["not_actions"] else ["NotAction"])
        if "*" in a or a == "NotAction"
    ]


def test_no_allow_statement_has_a_wildcard_action(module_statements) -> None:
    assert len(module_statements) >= 40, "the statement inventory looks empty: is the parser working?"
    assert not _wildcard_actions(module_statements)


def test_wildcard_scanner_catches_both_policy_forms(tmp_path: Path) -> None:
    """The scanner above really finds a "*" action, in a policy document and in jsonencode()."""
    bad = tmp_path / "bad.tf"
    bad.write_text(
        'data "aws_iam_policy_document" "p" {\n  statement {\n    actions   = ["s3:*"]\n'
        '    resources = ["*"]\n  }\n}\n'
        'resource "aws_iam_role_policy" "r" {\n  role   = "x"\n  policy = jsonencode({\n'
        '    Statement = [{ Effect = "Allow", Action = ["dynamodb:*"], Resource = "*" }]\n  })\n}\n'
    )
    found = _wildcard_actions(statements([bad]))
    assert len(found) == 2 and "s3:*" in found[0] and "dynamodb:*" in found[1], found


def test_every_wildcard_resource_is_allow_listed_with_a_reason(module_statements) -> None:
    allowed = yaml.safe_load(ALLOW_LIST.read_text(encoding="utf-8"))
    found = {s["where"] for s in module_statements if s["effect"] != "Deny" and "*" in s["resources"]}
    assert found, "no '*' resource at all: then the allow-list should be empty"
    assert sorted(found - set(allowed)) == [], f"'*' resources without a reason in {ALLOW_LIST.name}"
    assert sorted(set(allowed) - found) == [], f"stale entries in {ALLOW_LIST.name}"
    short = [k for k, reason in allowed.items() if len(str(reason).split()) < 6]
    assert not short, f"give a real reason for {short}"


def test_wildcard_principals_only_in_deny_statements(module_statements) -> None:
    """A '*' principal may only appear in a Deny (e.g. deny everyone plain HTTP)."""
    bad = [s["where"] for s in module_statements if "*" in s["principals"] and s["effect"] != "Deny"]
    assert not bad


# ---------------------------------------------------------------- credentials


def test_passwords_only_in_secrets_manager() -> None:
    tf_roots = [MODULES, ROOT / "terraform"]
    loose = []
    for path in _tf_files(*tf_roots):
        for blk in _load(path).get("variable", []):
            for name, body in blk.items():
                if (
                    re.search(r"pass(word)?|secret_value|credential", name, re.I)
                    and body.get("sensitive") is not True
                ):
                    loose.append(f"{path.relative_to(ROOT)} variable {name}")
    assert not loose, f"credential-like variables must be sensitive = true (better: not exist): {loose}"
    tfvars = sorted(p for r in tf_roots for p in r.rglob("*.tfvars") if ".terraform" not in p.parts)
    assert tfvars, "no tfvars found"
    for path in tfvars:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"(?i)password|passwd|pwd\s*=", text), (
            f"{path.relative_to(ROOT)} holds a password"
        )
        for url in re.findall(r"jdbc:[^\"\s]+", text):
            assert "@" not in url and "password" not in url.lower(), f"{path}: credentials in {url}"
    connections = [
        (name, body)
        for path in _tf_files(MODULES)
        for typ, name, body in _blocks(_load(path), "resource")
        if typ == "aws_glue_connection"
    ]
    assert connections, "no Glue JDBC connection found"
    for name, body in connections:
        props = body["connection_properties"]
        assert "SECRET_ID" in props, f"aws_glue_connection.{name} must take its credentials from SECRET_ID"
        assert not {"USERNAME", "PASSWORD"} & set(props), f"aws_glue_connection.{name} carries credentials"


# ---------------------------------------------------------------- encryption at rest


# type -> function(body) -> problem or None. A new data-store type in modules/ must be added here.
def _kms(value: Any) -> bool:
    return isinstance(value, str) and ("kms" in value.lower() or "key" in value.lower()) and "${" in value


def _s3_sse(b: dict) -> str | None:
    d = b["rule"][0]["apply_server_side_encryption_by_default"][0]
    ok = d.get("sse_algorithm") in ("aws:kms", "aws:kms:dsse") and _kms(d.get("kms_master_key_id"))
    return None if ok else f"sse {d}"


def _glue_sec(b: dict) -> str | None:
    e = b["encryption_configuration"][0]
    s3, cw, jb = e["s3_encryption"][0], e["cloudwatch_encryption"][0], e["job_bookmarks_encryption"][0]
    ok = s3["s3_encryption_mode"] == "SSE-KMS" and cw["cloudwatch_encryption_mode"] == "SSE-KMS"
    ok = ok and jb["job_bookmarks_encryption_mode"] == "CSE-KMS"
    ok = ok and all(_kms(x.get("kms_key_arn")) for x in (s3, cw, jb))
    return None if ok else str(e)


def _athena(b: dict) -> str | None:
    enc = b["configuration"][0]["result_configuration"][0]["encryption_configuration"][0]
    return (
        None
        if enc["encryption_option"] in ("SSE_KMS", "CSE_KMS") and _kms(enc.get("kms_key_arn"))
        else str(enc)
    )


def _attr(name: str):
    return lambda b: None if _kms(b.get(name)) else f"{name} = {b.get(name)!r}"


DATA_STORES = {
    "aws_s3_bucket_server_side_encryption_configuration": _s3_sse,
    "aws_dynamodb_table": lambda b: (
        None
        if b["server_side_encryption"][0]["enabled"] is True
        and _kms(b["server_side_encryption"][0].get("kms_key_arn"))
        else str(b.get("server_side_encryption"))
    ),
    "aws_glue_security_configuration": _glue_sec,
    "aws_athena_workgroup": _athena,
    "aws_sns_topic": _attr("kms_master_key_id"),
    "aws_cloudwatch_log_group": _attr("kms_key_id"),
    "aws_secretsmanager_secret": _attr("kms_key_id"),
    "aws_cloudtrail": _attr("kms_key_id"),
    "aws_glue_data_catalog_encryption_settings": lambda b: (
        None
        if _kms(b["data_catalog_encryption_settings"][0]["encryption_at_rest"][0].get("sse_aws_kms_key_id"))
        else "catalog not encrypted with the key"
    ),
    "aws_kms_key": lambda b: None if b.get("enable_key_rotation") is True else "key rotation off",
}
# Stores that cannot take a CMK, with the reason.
KMS_EXCEPTIONS = {
    "modules/data_bucket/main.tf aws_s3_bucket_server_side_encryption_configuration.logs": (
        "S3 server access logs can only be delivered to a target bucket with SSE-S3 (AES256) "
        "default encryption"
    ),
}
# Types that hold data but are encrypted through another resource listed above.
COVERED_ELSEWHERE = {
    "aws_s3_bucket": "aws_s3_bucket_server_side_encryption_configuration",
    "aws_glue_job": "aws_glue_security_configuration",
    "aws_glue_crawler": "aws_glue_security_configuration",
    "aws_glue_catalog_table": "aws_glue_data_catalog_encryption_settings",
    "aws_glue_catalog_database": "aws_glue_data_catalog_encryption_settings",
    "aws_quicksight_data_set": "aws_athena_workgroup",  # SPICE is encrypted by QuickSight; source via Athena
}


def test_customer_managed_keys_on_every_data_store() -> None:
    seen: dict[str, int] = {}
    problems = []
    for path in _tf_files(*[p for p in MODULES.iterdir() if p.is_dir()]):
        if "examples" in path.parts:
            continue
        rel = path.relative_to(ROOT).as_posix()
        for typ, name, body in _blocks(_load(path), "resource"):
            check = DATA_STORES.get(typ)
            if check is None:
                continue
            seen[typ] = seen.get(typ, 0) + 1
            where = f"{rel} {typ}.{name}"
            problem = check(body)
            if problem and where not in KMS_EXCEPTIONS:
                problems.append(f"{where}: {problem}")
            if not problem and where in KMS_EXCEPTIONS:
                problems.append(f"{where} is encrypted with a key now: drop its exception")
    assert not problems, "\n".join(problems)
    assert set(seen) == set(DATA_STORES), (
        f"data-store types not found in modules/: {set(DATA_STORES) - set(seen)}"
    )
    assert seen["aws_s3_bucket_server_side_encryption_configuration"] >= 3  # data, logs, audit buckets
    assert set(COVERED_ELSEWHERE.values()) <= set(DATA_STORES)


def test_every_bucket_is_private_and_encrypted() -> None:
    for path in _tf_files(*[p for p in MODULES.iterdir() if p.is_dir()]):
        if "examples" in path.parts:
            continue
        res = list(_blocks(_load(path), "resource"))
        # a protected bucket and its unprotected twin (the `prevent_destroy = false` form of the
        # same module) share one public access block and one encryption configuration
        buckets = {n.removesuffix("_unprotected") for t, n, _ in res if t == "aws_s3_bucket"}
        blocks = {n: b for t, n, b in res if t == "aws_s3_bucket_public_access_block"}
        sse = {n for t, n, _ in res if t == "aws_s3_bucket_server_side_encryption_configuration"}
        for name in buckets:
            assert name in blocks, f"{path}: aws_s3_bucket.{name} has no public access block"
            flags = (
                "block_public_acls",
                "block_public_policy",
                "ignore_public_acls",
                "restrict_public_buckets",
            )
            assert all(blocks[name].get(f) is True for f in flags), f"{path}: {name}: {blocks[name]}"
            assert name in sse, f"{path}: aws_s3_bucket.{name} has no default encryption"


def test_data_bucket_is_tls_only() -> None:
    doc = _load(MODULES / "data_bucket" / "main.tf")
    (policy,) = [b for t, n, b in _blocks(doc, "data") if t == "aws_iam_policy_document" and n == "bucket"]
    deny = [s for s in policy["statement"] if s.get("effect") == "Deny"]
    assert deny, "no Deny statement in the bucket policy"
    s = deny[0]
    assert s["actions"] == ["s3:*"]
    assert any(r.endswith("/*") for r in s["resources"]) and len(s["resources"]) == 2
    (cond,) = s["condition"]
    assert (cond["test"], cond["variable"], cond["values"]) == ("Bool", "aws:SecureTransport", ["false"])
    variables = {
        k: v for blk in _load(MODULES / "data_bucket" / "variables.tf")["variable"] for k, v in blk.items()
    }
    assert variables["enforce_tls"]["default"] is True
    # Only the emulator root may switch it off (moto serves plain HTTP).
    for env in ("dev", "staging", "prod"):
        for tfvars in (ROOT / "terraform" / env).glob("*.tfvars"):
            assert not re.search(r"enforce_tls\s*=\s*false", tfvars.read_text()), f"{tfvars} turns TLS off"


def test_quicksight_permissions_name_only_its_groups() -> None:
    principals = []
    for path in _tf_files(MODULES / "quicksight"):
        if "examples" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        principals += re.findall(r"principal\s*=\s*([^\s,}]+)", text)
        assert not re.search(r"principal\s*=\s*\"\*\"", text)
    assert len(principals) >= 4, principals
    allowed = {"local.group_arn.readers", "local.group_arn.authors", "permissions.value.principal"}
    assert set(principals) <= allowed, set(principals) - allowed
    doc = _load(MODULES / "quicksight" / "main.tf")
    (locals_,) = [blk for blk in doc["locals"] if "group_arn" in blk]
    for arn in locals_["group_arn"].values():
        assert ":group/" in arn, f"{arn} is not a QuickSight group ARN"


# ---------------------------------------------------------------- personal data in outputs


def _personal_values(snapshot: Path) -> dict[str, set[str]]:
    with (snapshot / "crm" / "customers.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return {
        col: {r[col] for r in rows if len(r[col]) >= 3}
        for col in ("email", "first_name", "last_name", "birth_date")
    }


def find_personal(values: dict[str, set[str]], cells: Iterator[tuple[str, str]]) -> list[str]:
    """(where, text) cells that equal or contain a personal value (emails: substring; rest: equal)."""
    hits = []
    for where, text in cells:
        if text in values["first_name"] | values["last_name"] | values["birth_date"] | values["email"] or (
            "@" in text and any(e in text for e in values["email"])
        ):
            hits.append(f"{where}: {text!r}")
    return hits


def _parquet_cells(output: Path) -> Iterator[tuple[str, str]]:
    for path in sorted((output / "metrics").rglob("*.parquet")):
        table = pq.read_table(path)
        assert not set(table.column_names) & contract.PERSONAL_COLUMNS, path
        for name in table.column_names:
            for v in table.column(name).to_pylist():
                if v is not None:
                    yield f"{path.relative_to(output)}:{name}", str(v)


def test_no_personal_data_in_metric_tables(clean_run, generated: Path, services) -> None:
    values = _personal_values(generated)
    assert all(len(v) >= 10 for v in values.values()), {k: len(v) for k, v in values.items()}
    # The scanner finds a planted value (so an empty result below means something).
    planted = next(iter(values["email"]))
    assert find_personal(values, iter([("x", f"note {planted}")]))
    assert find_personal(values, iter([("x", next(iter(values["last_name"])))]))

    cells = list(_parquet_cells(clean_run.output))
    assert len(cells) > 1000
    assert not find_personal(values, iter(cells))
    items = dynamo_items(services.aws_endpoint, clean_run.prefix)
    assert sum(len(v) for v in items.values()) == sum(clean_run.report["tables"].values())
    item_cells = (
        (f"{t}:{k}:{a}", str(v))
        for t, got in items.items()
        for k, item in got.items()
        for a, v in item.items()
    )
    assert not find_personal(values, item_cells)
    raw = b"".join(p.read_bytes() for p in (clean_run.output / "metrics").rglob("*") if p.is_file())
    raw += (clean_run.output / "run_report.json").read_bytes()
    assert not [e for e in values["email"] if e.encode() in raw], (
        "an email in the Parquet bytes or the report"
    )
