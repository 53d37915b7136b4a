"""Shared fixtures: one Spark session per test session, and the local services.

The services (MariaDB, moto) are started by the project's own script under
.local/test-services on their own ports, so a running demo is never disturbed; they are
stopped at the end only if this session started them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.emulator import free_port

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ROOT / "scripts" / "services" / "services.sh"
os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")


@dataclass(frozen=True)
class Services:
    mysql_host: str
    mysql_port: int
    mysql_user: str
    mysql_password: str
    aws_endpoint: str


@pytest.fixture(scope="session")
def spark():
    from cinema_metrics.spark import get_spark

    session = get_spark(app_name="cinema-metrics-tests")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    state = ROOT / ".local" / "test-services"
    # VENV: the running virtualenv (.venv, or .venv-latest under `make drift`) serves moto
    env = dict(os.environ, CM_SERVICES_DIR=str(state), VENV=sys.prefix)
    pidfiles = [state / "mariadb.pid", state / "moto.pid"]
    already = all(p.exists() for p in pidfiles)
    if not already:
        env["CM_MYSQL_PORT"] = str(free_port(13316))
        env["CM_MOTO_PORT"] = str(free_port(15010))
    else:
        lines = dict(line.split("=", 1) for line in (state / "env").read_text().split())
        env["CM_MYSQL_PORT"] = lines["CM_MYSQL_PORT"]
        env["CM_MOTO_PORT"] = lines["CM_AWS_ENDPOINT"].rsplit(":", 1)[1]
    subprocess.run([str(SERVICES), "up"], env=env, check=True)
    yield Services(
        mysql_host="127.0.0.1",
        mysql_port=int(env["CM_MYSQL_PORT"]),
        mysql_user="cinema",
        mysql_password=env.get("CM_MYSQL_PASSWORD", "cinema-local"),
        aws_endpoint=f"http://127.0.0.1:{env['CM_MOTO_PORT']}",
    )
    # CM_KEEP_SERVICES=1 leaves them up for the next session (parallel local runs).
    if not already and not os.environ.get("CM_KEEP_SERVICES"):
        subprocess.run([str(SERVICES), "down"], env=env, check=False)


@pytest.fixture(scope="session")
def aws_env(services: Services) -> Iterator[dict[str, str]]:
    """Throwaway credentials pointed at the moto server."""
    values = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": services.aws_endpoint,
    }
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    yield values
    for k, v in old.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
