"""Fixtures for the two-host Spark tests (see tests/cluster/cluster.py for the shape)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.cluster.cluster import ClusterError, start_cluster


@pytest.fixture(scope="session")
def spark_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Master URL of a standalone cluster whose one worker has a private /tmp.

    Fails (never skips) when namespaces are not permitted: CI runs as root, and a skipped
    two-host test would hide exactly the failure it exists to catch."""
    error = ""
    try:
        cluster = start_cluster(tmp_path_factory.mktemp("spark-cluster-logs"))
    except ClusterError as exc:
        error = str(exc)  # failed below, outside the handler: no "during handling" chain
    if error:
        pytest.fail(error, pytrace=False)
    try:
        yield cluster.master_url
    finally:
        cluster.stop()
