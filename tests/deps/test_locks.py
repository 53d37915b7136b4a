"""The locks (requirements/*.lock) agree with what they were resolved from, and .venv is the lock.

A lock that disagrees with pyproject.toml or its requirements/*.in fails here with `make lock`
as the fix; a virtualenv that is not its lock means `make install` did not install from it.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("locks", ROOT / "scripts" / "deps" / "locks.py")
assert _spec and _spec.loader
locks = importlib.util.module_from_spec(_spec)
sys.modules["locks"] = locks
_spec.loader.exec_module(locks)


@pytest.mark.parametrize("lock", locks.LOCKS, ids=lambda lock: lock.name)
def test_lock_agrees_with_its_inputs(lock) -> None:
    assert locks.check_lock(lock) == []


@pytest.fixture
def tree_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """pyproject.toml and requirements/ copied, with the module pointed at the copy."""
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(ROOT / "requirements", tmp_path / "requirements")
    monkeypatch.setattr(locks, "ROOT", tmp_path)
    monkeypatch.setattr(locks, "REQUIREMENTS", tmp_path / "requirements")
    return tmp_path


def test_a_changed_range_is_caught(tree_copy: Path) -> None:
    pyproject = tree_copy / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"moto[server]>=5.0.20,<6"', '"moto[server]>=6,<7"'))
    problems = locks.check_lock(locks.LOCKS[0])
    assert any("other inputs" in p and "make lock" in p for p in problems), problems
    assert any("moto==5." in p and "outside `moto[server]>=6,<7`" in p for p in problems), problems


def test_a_new_requirement_is_caught(tree_copy: Path) -> None:
    checkov_in = tree_copy / "requirements" / "checkov.in"
    checkov_in.write_text(checkov_in.read_text() + "rich-argparse>=1\n")
    problems = locks.check_lock(next(lock for lock in locks.LOCKS if lock.name == "checkov"))
    assert any("rich-argparse" in p and "is not locked" in p for p in problems), problems


def test_an_unhashed_pin_is_caught(tree_copy: Path) -> None:
    schema = tree_copy / "requirements" / "schema.lock"
    schema.write_text("\n".join(line for line in schema.read_text().splitlines() if "--hash" not in line))
    problems = locks.check_lock(next(lock for lock in locks.LOCKS if lock.name == "schema"))
    assert any("has no --hash" in p for p in problems), problems


def test_the_glue_lock_keeps_glues_own_versions() -> None:
    """requirements/glue-5.1.txt is what Glue 5.1 runs: its pins reach the lock unchanged."""
    glue_pins = dict(
        line.split("==") for line in (ROOT / "requirements/glue-5.1.txt").read_text().splitlines()
        if line and not line.startswith("#")
    )  # fmt: skip
    locked = {pin.name: pin.version for pin in locks.read_pins(ROOT / "requirements/glue.lock")}
    assert {name: locked.get(locks.canonical(name)) for name in glue_pins} == glue_pins


def test_the_emulator_constraint_holds_in_the_dev_lock() -> None:
    """botocore 1.44.18's rest-json Athena model is not routed by moto (docs/EMULATOR_GAPS.md)."""
    from packaging.version import Version

    locked = locks.applicable_pins(locks.LOCKS[0])
    assert Version(locked["botocore"]) < Version("1.44.18")
    assert locked["boto3"].rsplit(".", 1)[0] == locked["botocore"].rsplit(".", 1)[0]


def test_this_virtualenv_is_its_lock() -> None:
    """The running .venv holds every locked package (for this platform) at its locked version."""
    installed = locks.installed_versions(sys.executable)
    wrong = {
        name: (version, installed.get(name))
        for name, version in locks.applicable_pins(locks.LOCKS[0]).items()
        if installed.get(name) != version
    }
    assert wrong == {}, f"{sys.prefix} differs from requirements/dev.lock (locked, installed): {wrong}"


def test_drift_names_what_moved(tree_copy: Path) -> None:
    dev = locks.LOCKS[0]
    installed = locks.applicable_pins(dev)
    locked_botocore = installed["botocore"]
    installed["botocore"] = "1.44.18"
    installed["brand-new"] = "1.0"
    moves = [str(move) for move in locks.drift(dev, installed)]
    assert [m for m in moves if m.startswith("botocore")] == [
        f"botocore: lock {locked_botocore} -> installed 1.44.18"
    ]
    assert "brand-new: lock - -> installed 1.0" in moves
    assert len(moves) == 2
