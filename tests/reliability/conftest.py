"""Fixtures of the reliability tests: a small generated snapshot and DynamoDB table sets on moto."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.emulator import create_metric_tables


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2 sites x 4 days with 1 % bad lines: a few hundred metric rows, some 500 POS files."""
    out = tmp_path_factory.mktemp("reliability-gen") / "snapshot"
    flags = ["--sites", "2", "--days", "4", "--start", "2026-03-05", "--seed", "11", "--bad-rate", "0.01"]
    subprocess.run(
        [sys.executable, "-m", "cinema_metrics.cli", "generate", "--out", str(out), *flags],
        check=True,
        capture_output=True,
    )
    return out


def create_tables(endpoint: str) -> str:
    """Create every metric table under a fresh prefix on the emulator; return the prefix."""
    return create_metric_tables(endpoint, "rel")


@pytest.fixture
def ddb_tables(services, aws_env) -> Callable[[], str]:
    """Factory: a fresh set of the metric tables on moto per call; returns its prefix."""
    return lambda: create_tables(services.aws_endpoint)


@dataclass(frozen=True)
class CleanRun:
    report: dict
    output: Path
    prefix: str  # DynamoDB table prefix on the moto server
    injected: dict[str, int]  # faults the proxy injected into its DynamoDB writes
    batch_calls: int
    items_forwarded: int


@pytest.fixture(scope="session")
def clean_run(
    spark, services, aws_env, generated: Path, tmp_path_factory: pytest.TempPathFactory
) -> CleanRun:
    """The reference: one run over the whole generated snapshot, Parquet and DynamoDB, its
    DynamoDB writes going through the fault proxy (faults must not change any result)."""
    from tests.reliability.fault_proxy import FAULT_PLAN, FaultProxy

    from cinema_metrics.job.dynamodb import make_client
    from cinema_metrics.job.runner import DynamoTarget, run_job

    out = tmp_path_factory.mktemp("clean-run")
    prefix = create_tables(services.aws_endpoint)
    with FaultProxy(services.aws_endpoint, FAULT_PLAN) as proxy:
        target = DynamoTarget(make_client(proxy.url), prefix)
        report = run_job(generated, out, spark=spark, dynamodb=target, progress=False)
    return CleanRun(report, out, prefix, dict(proxy.injected), proxy.batch_calls, proxy.items_forwarded)
