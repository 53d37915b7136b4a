"""The project's locked installs: one lock file per virtualenv it builds.

`pyproject.toml` and `requirements/*.in` hold ranges (what the package promises its users);
the `.lock` files beside them hold exact versions with hashes (what this project installs,
runs and tests). Every virtualenv the Makefile builds installs from its lock with pip's
`--require-hashes --no-deps`, so an upstream release changes nothing here until `make lock`
takes it.

    python scripts/deps/locks.py compile [--upgrade]   # make lock: re-resolve every lock with uv
    python scripts/deps/locks.py check                 # the lock and its inputs agree (a test runs it)
    python scripts/deps/locks.py drift --python P      # which packages in P's env moved off the lock

Each lock's first line records a digest of its inputs (the requirement lists, the input files,
the constraints and the resolver flags), so editing `pyproject.toml` without `make lock` is a
failing test, not a silent difference.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENTS = ROOT / "requirements"
DIGEST_PREFIX = "# inputs-sha256: "
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


@dataclass(frozen=True)
class Lock:
    """One virtualenv's lock: where it comes from and how it is resolved."""

    name: str
    venv: str
    inputs: tuple[str, ...]  # pyproject.toml (with `extras`) and requirements/*.in, relative to ROOT
    extras: tuple[str, ...] = ()
    constraints: tuple[str, ...] = ()
    no_deps: bool = False  # only the named packages (a file read, never imported)

    @property
    def path(self) -> Path:
        return REQUIREMENTS / f"{self.name}.lock"


LOCKS: tuple[Lock, ...] = (
    Lock(
        "dev",
        ".venv",
        ("pyproject.toml", "requirements/tools.in"),
        extras=("dev",),
        constraints=("requirements/emulator-constraints.txt",),
    ),
    Lock("glue", ".venv-glue", ("requirements/glue-test.in",)),
    Lock("checkov", ".venv-checkov", ("requirements/checkov.in",)),
    Lock("schema", ".venv-schema", ("requirements/schema.in",), no_deps=True),
)


# ---------------------------------------------------------------- inputs
def _pyproject_requirements(extras: tuple[str, ...]) -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    found = list(project["dependencies"])
    for extra in extras:
        found += project["optional-dependencies"][extra]
    return found


def _in_file_requirements(path: Path) -> list[str]:
    """Requirement lines of an .in/.txt file, following `-r other.txt`."""
    found: list[str] = []
    for raw in path.read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("-r "):
            found += _in_file_requirements(path.parent / line[3:].strip())
        else:
            found.append(line)
    return found


def direct_requirements(lock: Lock) -> list[str]:
    """Every requirement the lock must satisfy, as written in its inputs."""
    found: list[str] = []
    for name in lock.inputs:
        path = ROOT / name
        found += (
            _pyproject_requirements(lock.extras)
            if path.name == "pyproject.toml"
            else (_in_file_requirements(path))
        )
    return found


def inputs_digest(lock: Lock) -> str:
    """What the lock was resolved from: requirements, constraints, python range and flags."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    payload = {
        "requirements": direct_requirements(lock),
        "constraints": [line for name in lock.constraints for line in _in_file_requirements(ROOT / name)],
        "requires_python": project["requires-python"],
        "no_deps": lock.no_deps,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


# ---------------------------------------------------------------- the lock file
@dataclass(frozen=True)
class Pin:
    name: str
    version: str
    marker: str | None
    hashes: int


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def read_pins(path: Path) -> list[Pin]:
    """The `name==version` entries of a uv/pip-compile lock, each with its hash count."""
    pins: list[Pin] = []
    for line in path.read_text().splitlines():
        match = PIN.match(line)
        if match:
            name, version, marker = match.groups()
            pins.append(Pin(canonical(name), version, marker.strip() if marker else None, 0))
        elif line.strip().startswith("--hash=") and pins:
            last = pins[-1]
            pins[-1] = Pin(last.name, last.version, last.marker, last.hashes + 1)
    return pins


def applicable_pins(lock: Lock) -> dict[str, str]:
    """name -> version of the pins whose marker holds on this interpreter (a universal lock
    also holds the pins of other Pythons and platforms)."""
    from packaging.markers import Marker

    return {
        pin.name: pin.version
        for pin in read_pins(lock.path)
        if pin.marker is None or Marker(pin.marker).evaluate()
    }


def recorded_digest(path: Path) -> str | None:
    first = path.read_text().split("\n", 1)[0] if path.exists() else ""
    return first[len(DIGEST_PREFIX) :].strip() if first.startswith(DIGEST_PREFIX) else None


# ---------------------------------------------------------------- commands
def compile_lock(lock: Lock, upgrade: bool) -> None:
    uv = Path(sys.executable).parent / "uv"
    command = [
        str(uv), "pip", "compile", *lock.inputs, "--output-file", str(lock.path.relative_to(ROOT)),
        "--generate-hashes", "--universal", "--python-version", "3.11",
        "--custom-compile-command", "make lock", "--quiet",
    ]  # fmt: skip
    command += [f"--extra={extra}" for extra in lock.extras]
    command += [f"--constraints={name}" for name in lock.constraints]
    command += ["--no-deps"] if lock.no_deps else []
    command += ["--upgrade"] if upgrade else []
    print(f"==> lock: {lock.path.relative_to(ROOT)} ({lock.venv})", flush=True)
    subprocess.run(command, cwd=ROOT, check=True)
    body = lock.path.read_text()
    lock.path.write_text(f"{DIGEST_PREFIX}{inputs_digest(lock)}\n{body}")


def check_lock(lock: Lock) -> list[str]:
    """Why the lock disagrees with its inputs (empty when it agrees)."""
    from packaging.requirements import Requirement

    where = lock.path.relative_to(ROOT)
    if not lock.path.exists():
        return [f"{where} is missing: run `make lock`"]
    problems: list[str] = []
    if recorded_digest(lock.path) != inputs_digest(lock):
        problems.append(
            f"{where} was resolved from other inputs than {', '.join(lock.inputs)}: run `make lock`"
        )
    pins: dict[str, list[Pin]] = {}
    for pin in read_pins(lock.path):
        pins.setdefault(pin.name, []).append(pin)
        if pin.hashes == 0:
            problems.append(f"{where}: {pin.name}=={pin.version} has no --hash")
    for text in direct_requirements(lock):
        requirement = Requirement(text)
        candidates = pins.get(canonical(requirement.name), [])
        if not candidates:
            problems.append(f"{where}: {requirement.name} ({text}) is not locked: run `make lock`")
        for pin in candidates:
            if not requirement.specifier.contains(pin.version, prereleases=True):
                problems.append(f"{where}: {pin.name}=={pin.version} is outside `{text}`: run `make lock`")
    return problems


def installed_versions(python: str) -> dict[str, str]:
    script = (
        "import importlib.metadata as m, json\n"
        "print(json.dumps({d.metadata['Name']: d.version for d in m.distributions()}))"
    )
    out = subprocess.run([python, "-c", script], capture_output=True, text=True, check=True).stdout
    return {canonical(name): version for name, version in json.loads(out).items()}


@dataclass(frozen=True)
class Move:
    name: str
    locked: str | None
    installed: str | None

    def __str__(self) -> str:
        return f"{self.name}: lock {self.locked or '-'} -> installed {self.installed or '-'}"


def drift(lock: Lock, installed: dict[str, str]) -> list[Move]:
    """Packages whose installed version is not the locked one (new ones too)."""
    locked = applicable_pins(lock)
    own = {"cinema-metrics", "pip", "setuptools"}
    moves = [
        Move(name, version, installed.get(name))
        for name, version in sorted(locked.items())
        if name in installed and installed[name] != version and name not in own
    ]
    moves += [Move(name, None, v) for name, v in sorted(installed.items()) if name not in {*locked, *own}]
    return moves


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    sub = parser.add_subparsers(dest="command", required=True)
    compile_parser = sub.add_parser("compile", help="re-resolve the locks (make lock)")
    compile_parser.add_argument("--upgrade", action="store_true", help="take the newest allowed versions")
    compile_parser.add_argument("--only", choices=[lock.name for lock in LOCKS], action="append")
    sub.add_parser("check", help="every lock agrees with its inputs")
    drift_parser = sub.add_parser("drift", help="list the packages that moved off the dev lock")
    drift_parser.add_argument("--python", required=True, help="the interpreter of the environment to compare")
    args = parser.parse_args(argv)

    if args.command == "compile":
        for lock in LOCKS:
            if not args.only or lock.name in args.only:
                compile_lock(lock, args.upgrade)
        return 0
    if args.command == "check":
        problems = [problem for lock in LOCKS for problem in check_lock(lock)]
        print("\n".join(problems) or f"locks: {len(LOCKS)} agree with their inputs")
        return 1 if problems else 0
    moves = drift(LOCKS[0], installed_versions(args.python))
    print(f"==> drift: {len(moves)} package(s) differ from requirements/dev.lock")
    print("\n".join(f"  {move}" for move in moves))
    return 0


if __name__ == "__main__":
    sys.exit(main())
