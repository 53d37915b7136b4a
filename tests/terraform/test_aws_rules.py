"""AWS's own rules (aws_rules.py) on every environment root's plan; test_mutations.py breaks
each one on purpose and shows the rule catches it."""

from __future__ import annotations

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


@pytest.mark.parametrize("root", ROOTS)
def test_key_policies_name_regional_service_principals(stack_runs: dict[str, StackRun], root: str) -> None:
    problems = aws_rules.regional_service_principals(_summary(stack_runs, root), REGION)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("root", ROOTS)
def test_glue_5_job_has_no_glue_4_arguments(stack_runs: dict[str, StackRun], root: str) -> None:
    problems = aws_rules.glue5_arguments(_summary(stack_runs, root))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("root", ROOTS)
def test_pos_events_reach_the_job(stack_runs: dict[str, StackRun], root: str) -> None:
    problems = aws_rules.pos_events_wiring(_summary(stack_runs, root))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("root", PLACED)
def test_jdbc_readers_in_a_subnet_have_a_route_to_s3(stack_runs: dict[str, StackRun], root: str) -> None:
    problems = aws_rules.subnet_route_to_s3(_summary(stack_runs, root))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("root", PLACED)
def test_jdbc_readers_without_a_nat_reach_every_api_they_call(
    stack_runs: dict[str, StackRun], root: str
) -> None:
    problems = aws_rules.subnet_reaches_apis(_summary(stack_runs, root))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("root", ROOTS)
def test_every_data_set_reads_a_view_this_configuration_creates(
    stack_runs: dict[str, StackRun], root: str
) -> None:
    problems = aws_rules.data_set_views_exist(_summary(stack_runs, root))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("root", ROOTS)
def test_quicksight_role_can_read_results_and_keys(stack_runs: dict[str, StackRun], root: str) -> None:
    run = stack_runs[root]
    assert run.plan_json is not None
    problems = aws_rules.quicksight_role_reads(run.plan_json)
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
