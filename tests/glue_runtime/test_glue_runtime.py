"""The job's tests on exactly Glue 5.1's modules (requirements/glue-5.1.txt), in .venv-glue.

.venv-glue holds those pins, the project installed with --no-deps and test tools only (`make`
builds it: `make test` does). A missing venv fails here, never skips: CI must prove the job
runs on the versions Glue runs, not on the newer ones pyproject's ranges resolve to.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GLUE_VENV = ROOT / ".venv-glue"
GLUE_PYTHON = GLUE_VENV / "bin" / "python"
PINS_FILE = ROOT / "requirements" / "glue-5.1.txt"
# The job's tests, plus the entry point (real awsglue) and the package imported from its zip.
SUBSET = (
    "tests/unit/job/test_job_metrics.py",
    "tests/unit/job/test_parse.py",
    "tests/unit/test_glue_entry.py",
    "tests/unit/test_packaging.py",
)


def pins() -> dict[str, str]:
    found = {}
    for line in PINS_FILE.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            found[name.strip().lower()] = version.strip()
    return found


def glue_env() -> dict[str, str]:
    """This environment minus what would point the child at .venv: Spark's workers must run
    .venv-glue's interpreter (the Makefile exports PYSPARK_PYTHON=.venv/bin/python)."""
    drop = {"PYTHONPATH", "PYTEST_ADDOPTS", "VIRTUAL_ENV", "PYSPARK_DRIVER_PYTHON"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(
        PYSPARK_PYTHON=str(GLUE_PYTHON),
        PATH=f"{GLUE_VENV / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        SPARK_LOCAL_IP="127.0.0.1",
    )
    return env


@pytest.fixture(scope="module")
def glue_python() -> Path:
    if not GLUE_PYTHON.exists() or not (GLUE_VENV / ".installed").exists():
        pytest.fail(f"{GLUE_VENV} is missing: build it with `make {GLUE_VENV}/.installed` (make test does)")
    return GLUE_PYTHON


def test_the_venv_has_exactly_glue_5_1_versions(glue_python):
    code = """
import importlib.metadata as md, json, sys
from cinema_metrics.job import parse
names = sys.argv[1:]
print(json.dumps({"python": "%d.%d" % sys.version_info[:2], "orjson_decoder": parse._ORJSON is not None,
                  "versions": {n: md.version(n) for n in names}}))
"""
    expected = pins()
    for name in ("pyspark", "pyarrow", "pandas", "numpy", "boto3", "botocore", "orjson", "tzdata"):
        assert name in expected, f"{PINS_FILE.name} does not pin {name}"
    done = subprocess.run(
        [str(glue_python), "-c", code, *expected],
        env=glue_env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout)
    print("glue 5.1 venv:", seen)
    assert seen["python"] == "3.11"
    assert {n.lower(): v for n, v in seen["versions"].items()} == expected
    assert seen["orjson_decoder"], "Glue 5.1 ships orjson: the parser must use the fast decoder there"


def test_job_tests_pass_on_glue_5_1_modules(glue_python):
    done = subprocess.run(
        [str(glue_python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", *SUBSET],
        env=glue_env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=1200,
    )
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    print(f"{glue_python} -m pytest {' '.join(SUBSET)}: {summary}")
    assert done.returncode == 0, (done.stdout[-6000:], done.stderr[-3000:])
    assert " passed" in summary and "skipped" not in summary and "error" not in summary, summary
    assert sys.executable != str(glue_python)  # the check ran in the other interpreter
