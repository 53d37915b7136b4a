"""Fixtures of the SQL tests: curated Parquet sets in the job's layout.

- `handbuilt_output`: a tiny hand-built set chosen to reveal dialect differences;
- `job_output`: `cinema-metrics generate` (small) + `cinema-metrics run`, the real job.
Both are RUN_OUTPUT folders: the tables are under <dir>/metrics/<table>/partition_month=...
"""

from __future__ import annotations

from pathlib import Path

import pytest
from handbuilt import build_rows, run_job_small, write_tables


@pytest.fixture(scope="session")
def handbuilt_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tables(tmp_path_factory.mktemp("handbuilt"), build_rows())


@pytest.fixture(scope="session")
def job_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_job_small(tmp_path_factory.mktemp("job"))


@pytest.fixture(scope="session", params=["handbuilt", "job"])
def run_output(request: pytest.FixtureRequest) -> Path:
    return request.getfixturevalue(f"{request.param}_output")
