"""Build the Glue job package: a deterministic zip of cinema_metrics plus the entry script.

    python -m cinema_metrics.packaging --out build/glue

writes <out>/cinema_metrics.zip (for --extra-py-files) and <out>/glue_job.py. Terraform
uploads both with a content hash, so the zip must be byte-identical for identical sources:
entries are sorted, timestamps and permissions fixed, caches and build debris left out.
"""

from __future__ import annotations

import argparse
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
SKIP_DIRS = frozenset({"__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache"})
SKIP_SUFFIXES = (".pyc", ".pyo", ".so", ".tmp", ".swp")


def package_files(package_dir: Path = PACKAGE_DIR) -> Iterator[Path]:
    """Files that belong in the package, in sorted order of their archive names."""
    found = []
    for path in package_dir.rglob("*"):
        rel = path.relative_to(package_dir)
        if any(part in SKIP_DIRS or part.startswith(".") for part in rel.parts):
            continue
        if path.is_file() and not path.name.endswith(SKIP_SUFFIXES):
            found.append(path)
    yield from sorted(found, key=lambda p: p.relative_to(package_dir).as_posix())


def build_zip(out_zip: Path, package_dir: Path = PACKAGE_DIR) -> str:
    """Write the package zip; return its sha256. Same sources give the same bytes."""
    out_zip.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_zip.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w") as zf:
        for path in package_files(package_dir):
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
    digest = build_zip(args.out / ZIP_NAME)
    shutil.copyfile(args.entry, args.out / "glue_job.py")
    print(f"==> package: {args.out / ZIP_NAME} sha256={digest[:16]} + {args.out / 'glue_job.py'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
