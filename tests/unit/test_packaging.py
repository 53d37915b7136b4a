"""The Glue job package (cinema_metrics.packaging): only the job's import closure, importable
from the zip alone, byte-identical for identical sources, and nothing Glue 5.1 lacks."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from cinema_metrics import packaging

ROOT = Path(__file__).resolve().parents[2]
GLUE_PINS = ROOT / "requirements" / "glue-5.1.txt"
TOOLING = ("demo", "oracle", "generator", "bench", "cost", "dashboards", "loaders", "cli", "packaging")
# Imported by a job module but never on Glue's path, so not shipped: the reason each is safe.
NOT_NEEDED_ON_GLUE = {
    "pymysql": "sources.load_dimensions_mysql only; on Glue the dimensions come from the catalog",
    "awsglue": "Glue's own library, provided by the Glue runtime",
}


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    """build/glue as `make package` writes it (the module's own command line)."""
    out = tmp_path_factory.mktemp("glue-package")
    subprocess.run([sys.executable, "-m", "cinema_metrics.packaging", "--out", str(out)], check=True)
    return out


def zip_names(package: Path) -> list[str]:
    with zipfile.ZipFile(package / packaging.ZIP_NAME) as zf:
        return zf.namelist()


def test_zip_holds_the_import_closure_and_no_tooling(package):
    names = zip_names(package)
    modules, _ = packaging.import_closure()
    expected = {f"cinema_metrics/{p.relative_to(packaging.PACKAGE_DIR).as_posix()}" for p in modules.values()}
    assert set(names) == expected and names == sorted(names)
    for must in (
        "__init__.py",
        "contract.py",
        "spark.py",
        "job/__init__.py",
        "job/runner.py",
        "job/config.py",
    ):
        assert f"cinema_metrics/{must}" in names
    for tool in TOOLING:
        assert not any(n.startswith((f"cinema_metrics/{tool}/", f"cinema_metrics/{tool}.py")) for n in names)
    assert (package / "glue_job.py").read_bytes() == packaging.ENTRY_SCRIPT.read_bytes()


def test_job_imports_from_the_zip_alone(package):
    """Glue's layout: the entry script's folder, the --extra-py-files zip, site-packages. -S
    keeps site's .pth files (the editable install of scripts/glue) out, -I the environment."""
    zip_path = package / packaging.ZIP_NAME
    code = f"""
import importlib, importlib.util, sys
stdlib = [p for p in sys.path if p and "site-packages" not in p]
sys.path[:] = [{str(package)!r}, {str(zip_path)!r}, *stdlib, {sysconfig.get_paths()["purelib"]!r}]
import glue_job
import awsglue.context, awsglue.job, awsglue.utils
for name in {sorted(packaging.import_closure()[0])!r}:
    module = importlib.import_module(name)
    assert ".zip/cinema_metrics/" in module.__file__, (name, module.__file__)
for tool in {TOOLING!r}:
    assert importlib.util.find_spec("cinema_metrics." + tool) is None, tool
print("imported", len([m for m in sys.modules if m.startswith("cinema_metrics")]))
"""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", code], cwd=package, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.startswith("imported ")


def test_zip_is_deterministic(tmp_path):
    first = packaging.build_zip(tmp_path / "a" / packaging.ZIP_NAME)
    # A newer modification time (a checkout, an editor) must not change the bytes.
    source = packaging.PACKAGE_DIR / "errors.py"
    stat = source.stat()
    os.utime(source, (stat.st_atime, stat.st_mtime + 3600))
    try:
        second = packaging.build_zip(tmp_path / "b" / packaging.ZIP_NAME)
    finally:
        os.utime(source, (stat.st_atime, stat.st_mtime))
    assert first == second
    assert (tmp_path / "a" / packaging.ZIP_NAME).read_bytes() == (
        tmp_path / "b" / packaging.ZIP_NAME
    ).read_bytes()
    with zipfile.ZipFile(tmp_path / "a" / packaging.ZIP_NAME) as zf:
        assert {(i.date_time, i.external_attr >> 16) for i in zf.infolist()} == {
            (packaging.FIXED_TIME, 0o644)
        }


def test_the_job_imports_only_what_glue_ships():
    """Every third-party module of the closure is pinned in requirements/glue-5.1.txt (what
    Glue 5.1 ships), or is named above with why the job never imports it on Glue."""
    pinned = {
        line.split("==")[0].strip().lower()
        for line in GLUE_PINS.read_text().splitlines()
        if "==" in line and not line.startswith("#")
    }
    dists = importlib.metadata.packages_distributions()
    _, external = packaging.import_closure()
    missing = {
        name
        for name in external - set(NOT_NEEDED_ON_GLUE)
        if not {d.lower() for d in dists.get(name, [name])} & pinned
    }
    assert not missing, f"imported by the job, not shipped by Glue 5.1 nor by the package: {missing}"
    assert {"pyspark", "pyarrow", "pandas", "numpy", "boto3", "orjson"} <= external


def test_closure_follows_every_import_form(tmp_path):
    pkg = tmp_path / "pkg"
    for rel, text in {
        "__init__.py": "",
        "a.py": "from . import b\nfrom .sub import c\n",
        "b.py": "def f():\n    import pkg.sub.d  # a lazy import ships too\n",
        "sub/__init__.py": "from ..e import VALUE\n",
        "sub/c.py": "import numpy\n",
        "sub/d.py": "import os, json\n",
        "e.py": "VALUE = 1\n",
        "unused.py": "import pkg.a\n",
    }.items():
        (pkg / rel).parent.mkdir(parents=True, exist_ok=True)
        (pkg / rel).write_text(text)
    entry = tmp_path / "entry.py"
    entry.write_text("import sys\nfrom pkg.a import THING\nimport boto3.session\n")
    modules, external = packaging.import_closure(entry, pkg)
    assert set(modules) == {"pkg", "pkg.a", "pkg.b", "pkg.sub", "pkg.sub.c", "pkg.sub.d", "pkg.e"}
    assert external == {"numpy", "boto3"}
