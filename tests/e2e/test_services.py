"""scripts/services/services.sh: `up` is idempotent, `down` stops only its own PIDs, a busy
port is a clear one-line error.

Runs a private instance (its own CM_SERVICES_DIR and free ports), so the shared test
services and a running demo are never touched.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
SERVICES = ROOT / "scripts" / "services" / "services.sh"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def state() -> Iterator[Path]:
    # short path: MariaDB's unix socket lives here and socket paths are limited to ~107 bytes
    path = Path(tempfile.mkdtemp(prefix="cm-svc-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def services(state: Path, *args: str, **ports: int) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, CM_SERVICES_DIR=str(state), VENV=sys.prefix)
    env.update({k: str(v) for k, v in ports.items()})
    return subprocess.run(
        [str(SERVICES), *args], env=env, capture_output=True, text=True, timeout=180, check=False
    )


def pids(state: Path) -> dict[str, int]:
    return {name: int((state / f"{name}.pid").read_text()) for name in ("mariadb", "moto")}


def test_up_twice_is_a_no_op_and_down_stops_only_its_own_pids(state: Path) -> None:
    ports = {"CM_MYSQL_PORT": free_port(), "CM_MOTO_PORT": free_port()}
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
    try:
        first = services(state, "up", **ports)
        assert first.returncode == 0, first.stderr
        started = pids(state)
        assert psutil.Process(started["mariadb"]).name().startswith("mariadbd")
        assert "moto" in " ".join(psutil.Process(started["moto"]).cmdline())
        assert listening(ports["CM_MYSQL_PORT"]) and listening(ports["CM_MOTO_PORT"])
        env_file = (state / "env").read_text()
        assert f"CM_MYSQL_PORT={ports['CM_MYSQL_PORT']}" in env_file
        assert f"CM_AWS_ENDPOINT=http://127.0.0.1:{ports['CM_MOTO_PORT']}" in env_file

        second = services(state, "up", **ports)
        assert second.returncode == 0, second.stderr
        assert "mariadb already running" in second.stdout and "moto already running" in second.stdout
        assert pids(state) == started
        status = services(state, "status", **ports)
        assert "mariadb: running" in status.stdout and "moto: running" in status.stdout
    finally:
        down = services(state, "down", **ports)
    assert down.returncode == 0, down.stderr
    for pid in started.values():
        assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    assert not (state / "mariadb.pid").exists() and not (state / "moto.pid").exists()
    assert bystander.poll() is None, "down must not stop processes it did not start"
    bystander.kill()
    bystander.wait()
    again = services(state, "down", **ports)  # nothing left to stop: still fine
    assert again.returncode == 0 and "not running" in again.stdout


def test_a_stale_pid_file_naming_a_foreign_process_is_not_killed(state: Path) -> None:
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
    try:
        (state / "moto.pid").write_text(f"{bystander.pid}\n")  # e.g. the PID was reused after a reboot
        result = services(state, "down", "moto", CM_MOTO_PORT=free_port())
        assert result.returncode == 0, result.stderr
        assert "moto not running" in result.stdout
        assert bystander.poll() is None
        assert not (state / "moto.pid").exists()
    finally:
        bystander.kill()
        bystander.wait()


@pytest.mark.parametrize(("which", "variable"), [("mariadb", "CM_MYSQL_PORT"), ("moto", "CM_MOTO_PORT")])
def test_a_port_in_use_is_a_clear_error(state: Path, which: str, variable: str) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = services(state, "up", which, **{variable: port})
    assert result.returncode != 0
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 1, result.stderr
    assert f"port {port} is in use" in errors[0] and variable in errors[0]
    assert not (state / f"{which}.pid").exists()
