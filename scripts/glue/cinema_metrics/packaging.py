"""Build the Glue job package: a deterministic zip of the job's modules plus the entry script.

    python -m cinema_metrics.packaging --out build/glue

writes <out>/cinema_metrics.zip (for --extra-py-files) and <out>/glue_job.py. The zip holds
only the job's import closure: the cinema_metrics modules glue_job.py imports, and theirs,
found statically with `ast` (imports inside functions count: they run on Glue too), so the
tooling (demo, oracle, generator, bench, cost, dashboards, loaders) never ships. Terraform
uploads both with a content hash, so the zip must be byte-identical for identical sources:
entries are sorted, timestamps and permissions fixed.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import shutil
import sys
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
GLUE_DIR = PACKAGE_DIR.parent
ENTRY_SCRIPT = GLUE_DIR / "glue_job.py"
ZIP_NAME = "cinema_metrics.zip"
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
# Package-relative data files a job module reads at run time (none today: the contract is code).
JOB_DATA: tuple[str, ...] = ()
# Packages whose modules are found at run time, not imported by name: every metric declaration
# (cinema_metrics/metrics/__init__.py discovers them), so each ships when the package does.
DISCOVERED_PACKAGES: tuple[str, ...] = ("cinema_metrics.metrics",)


def _module_file(name: str, package_dir: Path) -> Path | None:
    """The source file of a module name of the package, or None (not a module of it)."""
    base = package_dir.parent.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imported_names(path: Path, module: str) -> Iterator[str]:
    """Every module name `path` (module `module`) imports, anywhere in its body."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_bytes(), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                source = f"{base}.{node.module}" if node.module else base
            else:
                source = node.module or ""
            yield source
            # `from pkg import name`: name may be a submodule (kept only if it has a file).
            yield from (f"{source}.{alias.name}" for alias in node.names)


def import_closure(
    entry: Path = ENTRY_SCRIPT, package_dir: Path = PACKAGE_DIR
) -> tuple[dict[str, Path], set[str]]:
    """({package module the entry script needs: its file}, top-level third-party names they import).

    Importing a.b.c runs a/__init__ and a/b/__init__ too, so parents count as imported.
    """
    modules: dict[str, Path] = {}
    external: set[str] = set()
    todo = [("__main__", entry)]
    while todo:
        module, path = todo.pop()
        for name in _imported_names(path, module):
            top = name.partition(".")[0]
            if top != package_dir.name:
                if top and top not in sys.stdlib_module_names and top != "__future__":
                    external.add(top)
                continue
            parts = name.split(".")
            for i in range(1, len(parts) + 1):
                sub = ".".join(parts[:i])
                found = _module_file(sub, package_dir)
                if sub not in modules and found is not None:
                    modules[sub] = found
                    todo.append((sub, found))
                    if sub in DISCOVERED_PACKAGES:
                        todo += [
                            (f"{sub}.{f.stem}", f)
                            for f in sorted(found.parent.glob("*.py"))
                            if f.stem != "__init__"
                        ]
                        modules.update(
                            {f"{sub}.{f.stem}": f for f in found.parent.glob("*.py") if f.stem != "__init__"}
                        )
    return modules, external


def package_files(package_dir: Path = PACKAGE_DIR, entry: Path = ENTRY_SCRIPT) -> list[Path]:
    """The job's module files and data, in sorted order of their archive names."""
    modules, _ = import_closure(entry, package_dir)
    files = set(modules.values()) | {package_dir / d for d in JOB_DATA}
    return sorted(files, key=lambda p: p.relative_to(package_dir).as_posix())


def build_zip(out_zip: Path, package_dir: Path = PACKAGE_DIR, entry: Path = ENTRY_SCRIPT) -> str:
    """Write the package zip; return its sha256. Same sources give the same bytes."""
    out_zip.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_zip.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w") as zf:
        for path in package_files(package_dir, entry):
            name = f"{package_dir.name}/{path.relative_to(package_dir).as_posix()}"
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # unix, whatever machine builds it
            zf.writestr(info, path.read_bytes(), compresslevel=9)
    tmp.replace(out_zip)
    return hashlib.sha256(out_zip.read_bytes()).hexdigest()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="output folder (e.g. build/glue)")
    parser.add_argument("--entry", type=Path, default=ENTRY_SCRIPT, help="Glue entry script to copy")
    args = parser.parse_args(argv)
    if not args.entry.is_file():
        print(f"packaging: entry script {args.entry} not found: the Glue job needs it", file=sys.stderr)
        return 2
    digest = build_zip(args.out / ZIP_NAME, entry=args.entry)
    shutil.copyfile(args.entry, args.out / "glue_job.py")
    print(f"==> package: {args.out / ZIP_NAME} sha256={digest[:16]} + {args.out / 'glue_job.py'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
