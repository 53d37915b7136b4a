"""Every root and module example: init and plan (which validates first), then the plan against the
root's inventory."""

from __future__ import annotations

import pytest
from inventory import INVENTORIES, compare, load
from tfharness import ROOT, StackRun, diagnostics, discover

STACKS = discover()
ROOTS = [s for s in STACKS if s.is_root]


def _run(stack_runs: dict[str, StackRun], stack_id: str) -> StackRun:
    run = stack_runs[stack_id]
    assert run.init.ok, f"{run.stack.rel}: terraform init failed:\n{run.init.output[-3000:]}"
    return run


def test_every_root_and_example_is_found() -> None:
    found = {s.rel for s in STACKS}
    for env in ("bootstrap", "dev", "staging", "prod", "local"):
        if (ROOT / "terraform" / env).is_dir() and any((ROOT / "terraform" / env).glob("*.tf")):
            assert f"terraform/{env}" in found


@pytest.mark.parametrize("stack_id", [s.id for s in STACKS])
def test_plan(stack_runs: dict[str, StackRun], stack_id: str) -> None:
    run = _run(stack_runs, stack_id)
    assert run.plan is not None, f"{run.stack.rel}: not planned"
    assert run.plan.ok, (
        f"{run.stack.rel}: terraform plan failed:\n{diagnostics(run.plan.output) or run.plan.output[-4000:]}"
    )
    assert run.summary.counts, f"{run.stack.rel}: the plan creates nothing"


@pytest.mark.parametrize("root", [s.id for s in ROOTS])
def test_inventory(stack_runs: dict[str, StackRun], root: str) -> None:
    """The plan matches inventories/<root>.yaml (counts, values, outputs, names, tags, KMS)."""
    assert (INVENTORIES / f"{root}.yaml").exists(), f"write tests/terraform/inventories/{root}.yaml"
    run = _run(stack_runs, root)
    assert run.plan_json is not None, f"terraform/{root} has no plan (see test_plan)"
    problems = compare(run.summary, load(root))
    assert not problems, f"terraform/{root} differs from inventories/{root}.yaml:\n  " + "\n  ".join(problems)
