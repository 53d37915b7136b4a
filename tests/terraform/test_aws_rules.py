"""AWS's own rules (aws_rules.py) on every environment root's plan; test_mutations.py breaks
each one on purpose and shows the rule catches it."""

from __future__ import annotations

from collections.abc import Callable

import aws_rules
import pytest
from tfharness import StackRun, discover

ROOTS = [s.id for s in discover() if s.is_root and s.id != "bootstrap"]
# The composition's example creates its VPC: the connection's subnet is known only after apply.
PLACED = [*ROOTS, "example-cinema_platform-basic"]
REGION = "us-east-1"  # every root's tfvars (the inventories pin it through names and endpoints)


def _summary(stack_runs: dict[str, StackRun], root: str):
    run = stack_runs[root]
    assert run.plan_json is not None, f"terraform/{root} has no plan (see test_tf_plans.py)"
    return run.summary


# Each rule and the stacks it applies to: (name, check of a StackRun, stacks). A rule returns one line per
# violation; an empty list means the plan obeys it.
RULES: list[tuple[str, Callable[[StackRun], list[str]], list[str]]] = [
    (
        "regional_service_principals",
        lambda r: aws_rules.regional_service_principals(r.summary, REGION),
        ROOTS,
    ),
    ("glue5_arguments", lambda r: aws_rules.glue5_arguments(r.summary), ROOTS),
    ("pos_events_wiring", lambda r: aws_rules.pos_events_wiring(r.summary), ROOTS),
    ("subnet_route_to_s3", lambda r: aws_rules.subnet_route_to_s3(r.summary), PLACED),
    ("subnet_reaches_apis", lambda r: aws_rules.subnet_reaches_apis(r.summary), PLACED),
    ("data_set_views_exist", lambda r: aws_rules.data_set_views_exist(r.summary), ROOTS),
    ("quicksight_role_reads", lambda r: aws_rules.quicksight_role_reads(r.plan_json or {}), ROOTS),
    ("table_formats_and_projection", lambda r: aws_rules.table_formats_and_projection(r.summary), ROOTS),
]


@pytest.mark.parametrize(
    ("check", "stack"),
    [(check, stack) for _, check, stacks in RULES for stack in stacks],
    ids=[f"{name}-{stack}" for name, _, stacks in RULES for stack in stacks],
)
def test_the_plan_obeys_the_rule(
    stack_runs: dict[str, StackRun], check: Callable[[StackRun], list[str]], stack: str
) -> None:
    run = stack_runs[stack]
    assert run.plan_json is not None, f"{stack} has no plan (see test_tf_plans.py)"
    problems = check(run)
    assert not problems, "\n".join(problems)


def test_the_quicksight_rules_are_not_vacuous_on_prod(stack_runs: dict[str, StackRun]) -> None:
    """prod turns QuickSight on: its data sets read views, and its service role gets a policy."""
    summary = _summary(stack_runs, "prod")
    assert summary.counts["aws_quicksight_data_set"] >= 1
    views = [v for a, v in summary.values.items() if v.get("table_type") == "VIRTUAL_VIEW"]
    assert len(views) >= summary.counts["aws_quicksight_data_set"] - 1, "fewer views than data sets"
    assert any(".quicksight." in a and t == "aws_iam_role_policy" for a, t in summary.types.items())


def test_views_json_is_rendered_from_the_sql() -> None:
    """scripts/athena/views.json (what modules/athena creates) matches scripts/athena/views/*.sql."""
    import subprocess
    import sys

    from tfharness import ROOT

    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "athena" / "render_views.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
