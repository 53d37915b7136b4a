"""Every IAM policy document the roots' plans know passes parliament, except the documented
exceptions in iam_lint.EXCEPTIONS (test_apply_local.py lints the applied stack, where the
documents that carry ARNs known only after apply are complete)."""

from __future__ import annotations

import json

import iam_lint
import pytest
from tfharness import StackRun, discover

ROOTS = [s.id for s in discover() if s.is_root]


@pytest.mark.parametrize("root", ROOTS)
def test_policies_pass_parliament(stack_runs: dict[str, StackRun], root: str) -> None:
    run = stack_runs[root]
    assert run.plan_json is not None
    problems, _, count = iam_lint.findings(run.plan_json)
    assert count > 0, f"terraform/{root}: no policy document known at plan time"
    assert not problems, "\n".join(problems)


def test_a_misspelled_action_is_caught() -> None:
    """The linter bites: a role policy naming an action that does not exist."""
    bad = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": ["s3:PutObjekt"], "Resource": "arn:aws:s3:::b/*"}],
        }
    )
    resource = {"address": "aws_iam_role_policy.x", "values": {"policy": bad}}
    problems, _, _ = iam_lint.findings({"planned_values": {"root_module": {"resources": [resource]}}})
    assert any("UNKNOWN_ACTION" in p and "s3:PutObjekt" in p for p in problems), problems
