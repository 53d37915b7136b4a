"""Native module tests: every modules/<m>/tests/*.tftest.hcl runs with `terraform test` (mock
provider, no AWS calls) against the staged tree, each module's init cached like the plans'."""

from __future__ import annotations

from pathlib import Path

import pytest
from tfharness import ROOT, WORK, Stack, Terraform, base_env

MODULES = sorted(p.parents[1].name for p in ROOT.glob("modules/*/tests/*.tftest.hcl"))


def test_modules_with_validations_have_terraform_tests() -> None:
    for variables in sorted(ROOT.glob("modules/*/variables.tf")):
        module = variables.parent.name
        if module in ("network", "pos_events", "glue_job"):
            assert module in MODULES, f"modules/{module} has validations but no tests/*.tftest.hcl"


@pytest.mark.parametrize("module", sorted(set(MODULES)))
def test_terraform_test(tree: Path, module: str) -> None:
    tf = Terraform(tree, Stack(f"tftest-{module}", f"modules/{module}"), WORK / "data", base_env(None))
    init = tf.init()
    assert init.ok, init.output[-3000:]
    result = tf.run("terraform test", "test", "-no-color", timeout=600)
    assert result.ok and "0 failed" in result.output, result.output[-4000:]
