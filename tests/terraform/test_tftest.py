"""Native module tests: every modules/<m>/tests/*.tftest.hcl runs with `terraform test` (mock
provider, no AWS calls) against the staged tree, all modules in one command (tfharness.MODULE_TESTS)
queued on the session pool (conftest.py), each module judged by its own files' results."""

from __future__ import annotations

from concurrent.futures import Future

import pytest
from tfharness import ROOT, Result, module_test_files

MODULES = sorted(module_test_files(ROOT))


def test_modules_with_validations_have_terraform_tests() -> None:
    for variables in sorted(ROOT.glob("modules/*/variables.tf")):
        module = variables.parent.name
        if module in ("network", "pos_events", "glue_job"):
            assert module in MODULES, f"modules/{module} has validations but no tests/*.tftest.hcl"


@pytest.mark.parametrize("module", MODULES)
def test_terraform_test(module_test_futures: dict[str, Future[Result]], module: str) -> None:
    result = module_test_futures[module].result()
    assert result.ok, result.output[-4000:]
