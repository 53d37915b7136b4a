"""The inputs of a saved Terraform plan, fingerprinted, so `make apply` applies only a current plan.

    python scripts/tf/plan_fingerprint.py write --env ENV [-- TERRAFORM ARGS]   # make plan, after plan -out
    python scripts/tf/plan_fingerprint.py check --env ENV [-- TERRAFORM ARGS]   # make apply, before apply

`make plan ENV=<env>` saves terraform/<env>/<env>.tfplan and then `write` records, beside it in
<env>.tfplan.inputs, the sha256 of the plan file and of every input the plan read from this checkout:
the root's own files (tfvars, backend, provider lock, the symlinked declarations), modules/ (without
the examples, module tests and READMEs, which no root reads), scripts/athena/ and dashboards/ (SQL,
views and the QuickSight definition the composition loads), build/glue/ (the job's entry script and
package zip, uploaded with their hashes), and the command-line arguments (`-var ...`).

`check` recomputes them. A missing plan, a plan without its fingerprint (made by hand) or any changed
input is refused with one line naming the fix (exit 2). Terraform itself refuses a saved plan whose
state moved on since it was made ("Saved plan is stale"); the state is not an input here.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED_INPUTS = ("modules", "scripts/athena", "dashboards", "build/glue")
# Never an input: Terraform's working data, state and plans, caches, and what no root reads.
SKIP_DIRS = {".terraform", "__pycache__", "examples", "tests"}
SKIP_SUFFIXES = (".tfplan", ".tfplan.inputs", ".tfstate", ".tfstate.backup", ".pyc", ".md")
SKIP_NAMES = {".terraform.tfstate.lock.info"}
EXIT_REFUSED = 2


@dataclass(frozen=True)
class Fingerprint:
    """What one saved plan was made from: file -> sha256, the plan's own sha256, the CLI arguments."""

    env: str
    plan_sha256: str
    files: dict[str, str]
    args: tuple[str, ...]

    def to_json(self) -> str:
        return json.dumps(
            {"env": self.env, "plan_sha256": self.plan_sha256, "args": list(self.args), "files": self.files},
            indent=1,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> Fingerprint:
        data = json.loads(text)
        return cls(str(data["env"]), str(data["plan_sha256"]), dict(data["files"]), tuple(data["args"]))


def plan_path(root: Path, env: str) -> Path:
    return root / "terraform" / env / f"{env}.tfplan"


def fingerprint_path(root: Path, env: str) -> Path:
    return root / "terraform" / env / f"{env}.tfplan.inputs"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()  # follows symlinks: their targets count


def _wanted(path: Path, base: Path) -> bool:
    parts = path.relative_to(base).parts
    if SKIP_DIRS.intersection(parts[:-1]) or path.name in SKIP_NAMES:
        return False
    return path.is_file() and not path.name.endswith(SKIP_SUFFIXES)


def inputs(root: Path, env: str) -> dict[str, str]:
    """sha256 of every file a plan of terraform/<env> can read, by path relative to root."""
    env_dir = root / "terraform" / env
    if not env_dir.is_dir():
        raise SystemExit(
            f"error: {env_dir} is not an environment root: use ENV=dev|staging|prod|local|bootstrap"
        )
    found: dict[str, str] = {}
    for base in (env_dir, *(root / part for part in SHARED_INPUTS)):
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            if _wanted(path, base):
                found[path.relative_to(root).as_posix()] = _sha256(path)
    return found


def make(root: Path, env: str, args: list[str]) -> Fingerprint:
    return Fingerprint(env, _sha256(plan_path(root, env)), inputs(root, env), tuple(args))


def write(root: Path, env: str, args: list[str]) -> Fingerprint:
    """Record the fingerprint of the plan `terraform plan -out` just saved."""
    if not plan_path(root, env).is_file():
        raise SystemExit(
            f"error: {plan_path(root, env).relative_to(root)} was not written: see the plan above"
        )
    found = make(root, env, args)
    fingerprint_path(root, env).write_text(found.to_json() + "\n")
    return found


def _changed(old: dict[str, str], new: dict[str, str]) -> list[str]:
    return sorted(p for p in old.keys() | new.keys() if old.get(p) != new.get(p))


def problem(root: Path, env: str, args: list[str]) -> str | None:
    """Why the saved plan of env must not be applied (one line), or None when it is current."""
    plan, saved = plan_path(root, env), fingerprint_path(root, env)
    fix = f"run make plan ENV={env}, review it, then make apply ENV={env}"
    where = plan.relative_to(root).as_posix()
    if not plan.is_file():
        return f"{where} is missing: {fix}"
    if not saved.is_file():
        return f"{where} has no fingerprint ({saved.name}), so make plan did not write it: {fix}"
    try:
        old = Fingerprint.from_json(saved.read_text())
    except (ValueError, KeyError, TypeError):
        return f"{saved.relative_to(root).as_posix()} is not a fingerprint make plan wrote: {fix}"
    if old.env != env or old.plan_sha256 != _sha256(plan):
        return f"{where} is not the plan its fingerprint was written for: {fix}"
    if old.args != tuple(args):
        return f"{where} was made with other arguments ({' '.join(old.args) or 'none'}): {fix}"
    changed = _changed(old.files, inputs(root, env))
    if changed:
        shown = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
        return f"{where} is stale: {len(changed)} input(s) changed since it was made ({shown}): {fix}"
    return None


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    split = argv.index("--") if "--" in argv else len(argv)
    own, tf_args = argv[:split], argv[split + 1 :]  # after --: the plan's terraform arguments
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], epilog="After --: the terraform arguments of the plan."
    )
    parser.add_argument("command", choices=("write", "check"))
    parser.add_argument("--env", required=True, help="environment root under terraform/")
    parser.add_argument("--root", type=Path, default=ROOT, help="checkout (default: this one)")
    opts = parser.parse_args(own)
    root: Path = opts.root.resolve()
    if opts.command == "write":
        found = write(root, opts.env, tf_args)
        where = plan_path(root, opts.env).relative_to(root)
        print(f"==> plan: {where} fingerprinted ({len(found.files)} inputs)")
        return 0
    why = problem(root, opts.env, tf_args)
    if why is not None:
        print(f"error: {why}", file=sys.stderr)
        return EXIT_REFUSED
    print(f"==> apply: {plan_path(root, opts.env).relative_to(root)} matches its inputs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
