"""scripts/tf/plan_fingerprint.py (what `make apply` checks before it applies a saved plan) and the
Makefile's guards: `make apply` refuses a missing or stale plan, `make destroy` of a real
environment refuses without CONFIRM=<env>. No terraform and no AWS: a fake checkout in tmp_path."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "tf" / "plan_fingerprint.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("plan_fingerprint", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["plan_fingerprint"] = module  # dataclasses resolve their module by name
    spec.loader.exec_module(module)
    return module


fp = _load()


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A checkout with what a plan of terraform/prod reads, and a saved plan."""
    files = {
        "modules/cinema_platform/variables.tf": 'variable "project" {}\n',
        "modules/cinema_platform/README.md": "# docs, not read by a plan\n",
        "modules/glue_job/main.tf": 'resource "aws_glue_job" "this" {}\n',
        "modules/glue_job/examples/basic/main.tf": "# an example, not read by a root\n",
        "modules/glue_job/tests/validation.tftest.hcl": "# a module test\n",
        "terraform/prod/main.tf": 'module "platform" {}\n',
        "terraform/prod/terraform.tfvars": 'environment = "prod"\n',
        "terraform/dev/terraform.tfvars": 'environment = "dev"\n',
        "scripts/athena/views.json": "{}\n",
        "dashboards/quicksight/definition.json": "{}\n",
        "build/glue/cinema_metrics.zip": "zip v1",
        "build/glue/glue_job.py": "print('job')\n",
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    # the root's declarations are symlinks to the composition's, as in the repository
    (tmp_path / "terraform/prod/variables.tf").symlink_to("../../modules/cinema_platform/variables.tf")
    (tmp_path / "terraform/prod/prod.tfplan").write_bytes(b"plan 1")
    return tmp_path


def _check(root: Path, env: str = "prod", args: list[str] | None = None) -> str | None:
    return fp.problem(root, env, args or [])


def test_a_fresh_fingerprint_passes_and_names_the_plans_inputs(checkout: Path) -> None:
    written = fp.write(checkout, "prod", [])
    assert _check(checkout) is None
    assert set(written.files) == {
        "terraform/prod/main.tf",
        "terraform/prod/terraform.tfvars",
        "terraform/prod/variables.tf",
        "modules/cinema_platform/variables.tf",
        "modules/glue_job/main.tf",
        "scripts/athena/views.json",
        "dashboards/quicksight/definition.json",
        "build/glue/cinema_metrics.zip",
        "build/glue/glue_job.py",
    }  # not another root, the plan itself, READMEs, examples or module tests


@pytest.mark.parametrize(
    "edit",
    [
        "modules/glue_job/main.tf",  # a module
        "terraform/prod/terraform.tfvars",  # the root's values
        "modules/cinema_platform/variables.tf",  # through the root's symlink too
        "build/glue/cinema_metrics.zip",  # the job package
        "scripts/athena/views.json",  # what the composition loads
    ],
)
def test_a_changed_input_makes_the_plan_stale(checkout: Path, edit: str) -> None:
    fp.write(checkout, "prod", [])
    (checkout / edit).write_text((checkout / edit).read_text() + "# changed\n")
    why = _check(checkout)
    assert why is not None and "is stale: " in why and edit in why
    assert why.endswith("run make plan ENV=prod, review it, then make apply ENV=prod")


def test_new_and_deleted_inputs_count(checkout: Path) -> None:
    fp.write(checkout, "prod", [])
    (checkout / "modules/glue_job/extra.tf").write_text("# new\n")
    (checkout / "build/glue/glue_job.py").unlink()
    why = _check(checkout)
    assert why is not None and "2 input(s) changed" in why
    assert "modules/glue_job/extra.tf" in why and "build/glue/glue_job.py" in why


def test_what_is_not_an_input_leaves_the_plan_current(checkout: Path) -> None:
    fp.write(checkout, "prod", [])
    (checkout / "terraform/prod/terraform.tfstate").write_text("{}")  # Terraform checks the state
    (checkout / "terraform/dev/terraform.tfvars").write_text('environment = "dev2"\n')  # another root
    (checkout / "modules/cinema_platform/README.md").write_text("# edited docs\n")
    (checkout / "modules/glue_job/examples/basic/main.tf").write_text("# edited example\n")
    assert _check(checkout) is None


def test_missing_plan_missing_fingerprint_other_plan_other_arguments(checkout: Path) -> None:
    assert "has no fingerprint" in (_check(checkout) or "")  # plan made by hand, not by make plan
    fp.write(checkout, "prod", ["-var", "aws_endpoint=http://127.0.0.1:15000"])
    assert _check(checkout, args=["-var", "aws_endpoint=http://127.0.0.1:15000"]) is None
    assert "made with other arguments" in (_check(checkout, args=[]) or "")
    (checkout / "terraform/prod/prod.tfplan").write_bytes(b"plan 2")  # terraform plan -out by hand
    assert "is not the plan its fingerprint was written for" in (
        _check(checkout, args=["-var", "aws_endpoint=http://127.0.0.1:15000"]) or ""
    )
    (checkout / "terraform/prod/prod.tfplan").unlink()
    assert (_check(checkout) or "").startswith(
        "terraform/prod/prod.tfplan is missing: run make plan ENV=prod"
    )


def test_cli_refuses_with_one_line_and_exit_2(checkout: Path) -> None:
    run = [sys.executable, str(SCRIPT), "check", "--env", "prod", "--root", str(checkout)]
    assert subprocess.run([*run[:2], "write", *run[3:]], capture_output=True, text=True).returncode == 0
    ok = subprocess.run(run, capture_output=True, text=True)
    assert ok.returncode == 0 and "matches its inputs" in ok.stdout
    (checkout / "modules/glue_job/main.tf").write_text("# changed\n")
    stale = subprocess.run(run, capture_output=True, text=True)
    assert stale.returncode == 2 and stale.stdout == ""
    assert len(stale.stderr.strip().splitlines()) == 1, stale.stderr
    assert stale.stderr.startswith(
        "error: terraform/prod/prod.tfplan is stale"
    ) and "run make plan ENV=prod" in (stale.stderr)


def _make(*args: str) -> subprocess.CompletedProcess[str]:
    """make in this checkout with TERRAFORM=false: should a guard ever let a command through, no
    terraform command runs (the command fails instead)."""
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "CONFIRM")}
    command = ["make", "--no-print-directory", "TERRAFORM=false", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("env", ["dev", "staging", "prod", "bootstrap"])
def test_make_destroy_refuses_without_confirm(env: str) -> None:
    """Refused before anything else runs (no install, no init), with one line naming the fix."""
    for extra in ([], [f"CONFIRM={'prod' if env != 'prod' else 'yes'}"]):
        result = _make("destroy", f"ENV={env}", *extra)
        assert result.returncode != 0, result.stdout
        lines = result.stderr.strip().splitlines()
        assert lines[0] == (
            f"error: make destroy ENV={env} deletes that environment: run make destroy ENV={env} "
            f"CONFIRM={env} (buckets, keys and tables under prevent_destroy still refuse: SECURITY.md)"
        ), result.stderr
        assert "terraform" not in result.stdout  # nothing ran


def test_make_apply_refuses_without_a_plan_from_make_plan() -> None:
    """bootstrap: a real-AWS root that needs no backend.hcl; nobody has planned it here."""
    assert not (ROOT / "terraform/bootstrap/bootstrap.tfplan").exists(), (
        "this checkout holds a saved bootstrap plan: apply it or delete it, then rerun"
    )
    result = _make("apply", "ENV=bootstrap")
    assert result.returncode != 0
    assert (
        result.stderr.strip()
        .splitlines()[-2]
        .startswith("error: terraform/bootstrap/bootstrap.tfplan is missing: run make plan ENV=bootstrap")
    ), result.stderr
