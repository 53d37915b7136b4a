"""checkov over modules/ + terraform/ (HCL) and over each root's plan JSON: zero failed checks,
custom policies (policies/) included, and every skip is an inline comment with a reason."""

from __future__ import annotations

import ast
from concurrent.futures import Future

import scanners
from tfharness import ROOT, StackRun

CUSTOM = {"CKV_CM_1", "CKV_CM_2", "CKV_CM_3", "CKV_CM_4"}


def _assert_clean(report: scanners.CheckovReport, what: str) -> None:
    assert not report.parsing_errors, f"checkov could not parse: {report.parsing_errors}"
    assert report.passed, (
        f"checkov passed no check on {what}: is it scanning anything?\n{report.raw_output[-2000:]}"
    )
    assert not report.failed, (
        f"checkov: {len(report.failed)} failed check(s) on {what}; fix the module or add an inline "
        f"`#checkov:skip=<id>:<reason>` next to the resource:\n{report.failures()}"
    )


def _assert_skips_have_reasons(report: scanners.CheckovReport) -> None:
    for skip in report.skipped:
        reason = (skip.get("check_result") or {}).get("suppress_comment", "")
        assert len(reason.strip()) >= 10, (
            f"{skip['check_id']} on {skip['resource']} is skipped without a real reason"
        )


def test_hcl_has_no_failed_checks(hcl_scan: Future[scanners.CheckovReport]) -> None:
    report = hcl_scan.result()
    _assert_clean(report, "modules/ and terraform/")
    _assert_skips_have_reasons(report)
    assert {c["check_id"] for c in report.passed} >= CUSTOM, "the custom policies in policies/ did not run"


def test_bootstrap_alone_has_no_failed_checks() -> None:
    """checkov merges same-named resources across the directories of one run (the bootstrap key
    policy hid behind the data bucket's `aws_iam_policy_document.kms`), so the only root with
    resources of its own is also scanned alone. (The environment roots hold one module call:
    the modules/ scan covers what they create.)"""
    report = scanners.checkov_hcl(ROOT / "terraform" / "bootstrap")
    _assert_clean(report, "terraform/bootstrap")
    _assert_skips_have_reasons(report)


def test_plans_have_no_failed_checks(plan_scan: scanners.CheckovReport) -> None:
    _assert_clean(plan_scan, "the roots' plan JSON")
    _assert_skips_have_reasons(plan_scan)
    assert CUSTOM - {"CKV_CM_4"} <= {c["check_id"] for c in plan_scan.passed}


def test_tag_policy_knows_every_taggable_type(stack_runs: dict[str, StackRun]) -> None:
    """CKV_CM_1 lists the taggable types it checks in HCL; a plan shows which types take tags (tags_all)."""
    source = (ROOT / "policies" / "cm_common_tags.py").read_text()
    tree = ast.parse(source)
    listed = next(
        ast.literal_eval(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "TAGGABLE" for t in node.targets)
    )
    taggable = set()
    for run in stack_runs.values():
        if run.plan_json is not None:
            summary = run.summary
            taggable |= {summary.types[a] for a, v in summary.values.items() if "tags_all" in v}
    assert taggable, "no plan shows a taggable resource"
    missing = sorted(taggable - set(listed))
    assert not missing, f"add these taggable types to TAGGABLE in policies/cm_common_tags.py: {missing}"
