"""A two-host Spark standalone cluster on one machine: the shape of an AWS Glue job.

On Glue the driver and the executors are different hosts, each with its own throw-away
disk; S3 is the only storage they share (GUIDE.md 2b). Here the master and the driver run
as usual, and the one worker (1 core, 2g) runs under `unshare --mount --propagation
private` with a fresh tmpfs over /tmp, so its executors cannot see anything the driver
keeps under /tmp (tempfile.mkdtemp, pytest's tmp_path). The repo folder (the venv, the
package) stays visible to them, as a Glue job's shipped package is; the network is shared,
so the moto server on 127.0.0.1 is reachable from both sides.

Use:
    from tests.cluster.cluster import cluster_session
    def test_x(spark_cluster: str) -> None:          # the fixture yields the master URL
        spark = cluster_session(spark_cluster, "my-test")
        try: ...
        finally: spark.stop()

Or `start_cluster(logs: Path) -> Cluster` / `Cluster.stop()` outside pytest.

How a job on this cluster must be configured (cluster_session sets the first four):
- spark.driver.host / spark.driver.bindAddress = 127.0.0.1: the executors connect back to
  the driver over loopback.
- spark.pyspark.python (and PYSPARK_PYTHON) = the repo's .venv/bin/python: the executors'
  Python workers then import cinema_metrics through the venv's editable install.
- spark.sql.session.timeZone=UTC, spark.executor.memory=1g, spark.cores.max=1,
  spark.ui.enabled=false.
- An executor reaches moto only through what the driver passes in its conf, because the
  worker daemon was started before the test and does not inherit the driver's environment.
  Pass extra_env={"AWS_ACCESS_KEY_ID": ..., "AWS_SECRET_ACCESS_KEY": ...,
  "AWS_DEFAULT_REGION": ..., "AWS_ENDPOINT_URL": "http://127.0.0.1:<moto port>"} to
  cluster_session: each becomes spark.executorEnv.<NAME> (boto3 >= 1.28 and pyarrow's
  S3FileSystem honour AWS_ENDPOINT_URL; code that takes an explicit endpoint must still be
  given it, e.g. in a broadcast config). spark.executorEnv.PYTHONPATH must point inside the
  repo folder (never /tmp) if the code under test is not the installed package.
- Nothing an executor reads or writes may be a driver path under /tmp: such a path is an
  empty tmpfs on the executor (a read fails, a write lands on the executor's own disk).
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyspark
from tests.emulator import free_port

ROOT = Path(__file__).resolve().parents[2]
SPARK_HOME = Path(pyspark.__file__).resolve().parent
TMP = Path("/tmp").resolve()
REGISTER_TIMEOUT_S = 120.0  # JVM start of master + worker on a busy 2-core machine


def venv_python() -> str:
    """The repo's venv Python (derived from the repo root: CI clones elsewhere); else this one."""
    python = ROOT / ".venv" / "bin" / "python"
    return str(python) if python.exists() else sys.executable


@dataclass
class Cluster:
    master_url: str
    webui_url: str
    logs: Path
    procs: list[subprocess.Popen[bytes]]

    def stop(self) -> None:
        """Kill each daemon's process group (the worker's executors are in its group)."""
        for p in self.procs:
            if p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGTERM)
                except ProcessLookupError:
                    continue
        for p in self.procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()


class ClusterError(RuntimeError):
    pass


def check_namespaces() -> None:
    """Raise ClusterError unless this process may give a child its own mounts and /tmp."""
    for tool in ("unshare", "mount"):
        if shutil.which(tool) is None:
            raise ClusterError(
                f"`{tool}` not found: install util-linux and mount (scripts/services/system-deps.sh)"
            )
    probe = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", "mount -t tmpfs tmpfs /tmp"],
        capture_output=True,
        text=True,
    )
    if probe.returncode != 0:
        raise ClusterError(
            "the two-host Spark tests need `unshare --mount` and `mount -t tmpfs` (run as root or with"
            f" CAP_SYS_ADMIN); the probe failed with exit {probe.returncode}: {probe.stderr.strip()}"
        )


def private_tmp_script() -> str:
    """Shell lines that mount a fresh tmpfs over /tmp and bind back the folders under /tmp the
    worker needs (CI clones the repo, venv included, under $TMPDIR): each is opened on an fd
    before the tmpfs hides it, then bind-mounted from /proc/self/fd/N (--no-canonicalize, or
    mount would resolve the fd back to the hidden path)."""
    keep: list[Path] = []
    for path in sorted({ROOT, SPARK_HOME, Path(venv_python()).parent.parent.resolve()}):
        if path.is_relative_to(TMP) and not any(path.is_relative_to(k) for k in keep):
            keep.append(path)
    fds = range(3, 3 + len(keep))
    lines = [f"exec {fd}<{shlex.quote(str(k))}" for fd, k in zip(fds, keep, strict=True)]
    lines.append("mount -t tmpfs tmpfs /tmp")
    for fd, k in zip(fds, keep, strict=True):
        q = shlex.quote(str(k))
        lines += [f"mkdir -p {q}", f"mount --no-canonicalize --bind /proc/self/fd/{fd} {q}", f"exec {fd}<&-"]
    return " && ".join(lines)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        SPARK_HOME=str(SPARK_HOME),
        SPARK_LOCAL_IP="127.0.0.1",
        PYSPARK_PYTHON=venv_python(),
        SPARK_NO_DAEMONIZE="1",
    )
    return env


def _alive_workers(webui_url: str) -> int:
    try:
        with urllib.request.urlopen(f"{webui_url}/json/", timeout=5) as r:
            return int(json.load(r).get("aliveworkers", 0))
    except (OSError, ValueError):
        return 0  # master not up yet


def start_cluster(logs: Path) -> Cluster:
    """Start the master and one worker with a private /tmp; return once the worker registered."""
    check_namespaces()
    logs.mkdir(parents=True, exist_ok=True)
    spark_class = str(SPARK_HOME / "bin" / "spark-class")
    port, ui = free_port(17077), free_port(18080)
    worker_ui = free_port(18081)
    master_url, webui_url = f"spark://127.0.0.1:{port}", f"http://127.0.0.1:{ui}"
    master_log, worker_log = logs / "master.log", logs / "worker.log"
    procs: list[subprocess.Popen[bytes]] = []
    cluster = Cluster(master_url, webui_url, logs, procs)
    master_cmd = [spark_class, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1"]
    master_cmd += ["--port", str(port), "--webui-port", str(ui)]
    worker = [
        spark_class,
        "org.apache.spark.deploy.worker.Worker",
        master_url,
        "--cores",
        "1",
        "--memory",
        "2g",
    ]
    worker += ["--work-dir", "/tmp/spark-work", "--host", "127.0.0.1", "--webui-port", str(worker_ui)]
    worker_cmd = f"{private_tmp_script()} && exec {shlex.join(worker)}"
    try:
        with master_log.open("wb") as out:
            procs.append(
                subprocess.Popen(
                    master_cmd, env=_env(), stdout=out, stderr=subprocess.STDOUT, start_new_session=True
                )
            )
        with worker_log.open("wb") as out:
            procs.append(
                subprocess.Popen(
                    ["unshare", "--mount", "--propagation", "private", "sh", "-c", worker_cmd],
                    env=_env(),
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        deadline = time.monotonic() + REGISTER_TIMEOUT_S
        while _alive_workers(webui_url) < 1:
            for p, log in zip(procs, (master_log, worker_log), strict=True):
                if p.poll() is not None:
                    raise ClusterError(f"Spark {log.stem} exited with {p.returncode}; see {log}")
            if time.monotonic() > deadline:
                raise ClusterError(
                    f"no worker registered with {master_url} within {REGISTER_TIMEOUT_S:.0f} s;"
                    f" see {master_log} and {worker_log}"
                )
            time.sleep(0.5)
    except BaseException:
        cluster.stop()
        raise
    return cluster


def cluster_session(
    master_url: str, app_name: str, extra_env: Mapping[str, str] | None = None, **conf: Any
) -> Any:
    """A SparkSession on the cluster, configured as the module docstring says.

    extra_env: environment for the executors (spark.executorEnv.<NAME>), e.g. the AWS
    credentials and endpoint of the moto server. conf: further Spark settings, passed as
    **{"spark.x.y": "v"}. The job's own settings (cinema_metrics.spark.get_spark) are
    repeated so a run here behaves as a local one.

    One driver process holds one SparkContext: fails if another one (e.g. the local `spark`
    fixture's) is active, rather than silently returning it."""
    from pyspark import SparkContext
    from pyspark.sql import SparkSession

    active = SparkContext._active_spark_context
    if active is not None and active.master != master_url:
        raise ClusterError(
            f"a SparkContext on {active.master} is active in this process; stop it before using"
            f" {master_url} (tests/cluster runs before the folders that use the local `spark` fixture)"
        )
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ["PYSPARK_PYTHON"] = venv_python()
    builder = (
        SparkSession.builder.master(master_url)
        .appName(app_name)
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.pyspark.python", venv_python())
        .config("spark.executor.memory", "1g")
        # the driver JVM keeps the first session's heap: the local `spark` fixture's 2g
        .config("spark.driver.memory", os.environ.get("CM_SPARK_DRIVER_MEMORY", "2g"))
        .config("spark.cores.max", "1")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.adaptive.enabled", "false")
        .config("spark.sql.sources.partitionOverwriteMode", "dynamic")
    )
    for name, value in (extra_env or {}).items():
        builder = builder.config(f"spark.executorEnv.{name}", value)
    for key, value in conf.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()
