"""The cluster fixture has a Glue job's shape: executors do not see the driver's /tmp, do
see the repo folder (the shipped package), and reach loopback services (moto)."""

from __future__ import annotations

import os
import socket
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.cluster.cluster import ROOT, cluster_session, venv_python

pytestmark = pytest.mark.cluster


@pytest.fixture(scope="module")
def cluster_spark(spark_cluster: str) -> Iterator[Any]:
    session = cluster_session(spark_cluster, "cluster-isolation")
    yield session
    session.stop()  # later folders start the local `spark` fixture in this same process


def on_executor(spark: Any, fn: Any) -> Any:
    """Run fn() in one task on the executor and return its result."""
    return spark.sparkContext.parallelize([0], 1).map(lambda _: fn()).collect()[0]


def test_executor_runs_on_its_own_tmp(cluster_spark: Any) -> None:
    # /tmp itself, not $TMPDIR: /tmp is what the worker's namespace hides
    with tempfile.TemporaryDirectory(dir="/tmp", prefix="cluster-probe-") as driver_dir:
        driver_file = Path(driver_dir) / "driver-only.txt"
        driver_file.write_text("driver")
        repo_file = str(ROOT / "pyproject.toml")
        probe = str(driver_file)

        seen = on_executor(
            cluster_spark,
            lambda: (os.path.exists(probe), os.path.exists(repo_file), os.getpid(), sys.executable),
        )

    assert seen[0] is False, f"the executor sees the driver's {probe}: /tmp is not private"
    assert seen[1] is True, f"the executor cannot see {repo_file}: the repo folder must be shared"
    assert seen[2] != os.getpid()
    assert seen[3] == venv_python(), "the executor must run the repo's venv Python"


def test_executor_reaches_a_driver_loopback_port(cluster_spark: Any) -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        port = int(server.getsockname()[1])
        got: list[bytes] = []

        def accept() -> None:
            conn, _ = server.accept()
            with conn:
                got.append(conn.recv(16))

        t = threading.Thread(target=accept, daemon=True)
        t.start()

        def connect() -> bool:
            with socket.create_connection(("127.0.0.1", port), timeout=30) as c:
                c.sendall(b"hello")
            return True

        assert on_executor(cluster_spark, connect) is True
        t.join(timeout=30)
    assert got == [b"hello"]
