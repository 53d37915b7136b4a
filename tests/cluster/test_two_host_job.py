"""The job on Glue's shape (issue 12, Must show): a driver and an executor on different "hosts"
(the worker has its own /tmp), POS, state and outputs only in the moto server's S3, POS found
through the bucket's S3 event notifications on an SQS queue, rule 11 through a DynamoDB keys
table. The CLI and the Glue entry point (real awsglue, faked GlueContext) each run:

  (a) a backfill (the first run lists raw/pos/; its files are parsed by Spark tasks on the
      isolated executor: CM_DRIVER_PARSE_BYTES=0),
  (b) an increment with new files and a late file (a file of the first day),
  (c) an increment with new files, a re-delivered file (an existing file's bytes under a new
      key) and a re-upload of an existing key with the same bytes,
  (d) an idle run (nothing new),
  (e) a run SIGKILLed (its process group) once it has staged an object under
      curated/_state/tmp/, then the next run;
  (f) a run after a metric's declared version moved on (HEAD records the version each table
      was computed with; it is set one back here): that table is computed again over the whole
      accepted history, in Spark tasks on the isolated executor, and comes out the same;

and every metric table, the quarantine multiset and the summed run reports must equal one
local run (folders, no cluster) over the same final set of files; nothing staged remains, and
the killed run's objects are gone.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from tests.cluster.cluster import ROOT
from tests.cluster.s3_world import (
    STATE,
    World,
    committed_reports,
    folder_objects,
    list_keys,
    make_world,
    quarantine_of,
    read_pos_folder,
    s3_objects,
    summed,
    table_diff,
    tables_of,
    upload,
)
from tests.emulator import create_metric_tables

from cinema_metrics.job.lease import break_lease
from cinema_metrics.storage import open_store

pytestmark = [pytest.mark.cluster, pytest.mark.e2e]

DAYS = ("2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05")
RUN_TIMEOUT_S = 900


def _day(name: str) -> str:
    return name.split("date=", 1)[1][:10]


@dataclass(frozen=True)
class Stages:
    backfill: dict[str, bytes]
    increment1: dict[str, bytes]  # new files + a late one
    increment2: dict[str, bytes]  # new files + a re-delivery + a re-upload of the same bytes
    killed: dict[str, bytes]  # what arrives before the killed run
    late: str
    redelivered: tuple[str, str]  # (original name, new name)
    reuploaded: str

    @property
    def final(self) -> dict[str, bytes]:
        """Every distinct object name under raw/pos/ at the end, with its bytes."""
        out: dict[str, bytes] = {}
        for stage in (self.backfill, self.increment1, self.increment2, self.killed):
            out.update(stage)
        return out


def plan_stages(pos: dict[str, bytes]) -> Stages:
    names = sorted(pos)
    by_day = {d: [n for n in names if _day(n) == d] for d in DAYS}
    assert all(by_day.values()), {d: len(v) for d, v in by_day.items()}
    late = by_day[DAYS[0]][0]
    original = by_day[DAYS[1]][0]
    # '_' sorts after '.', so in one run over every file the copy comes after its original too
    # (docs/contract/quarantine.md, rule 11: the first accepted copy wins, files in lexicographic order)
    copy = original.replace(".jsonl", "_redelivered.jsonl")
    reuploaded = by_day[DAYS[2]][0]
    half = len(by_day[DAYS[3]]) // 2
    return Stages(
        backfill={n: pos[n] for n in by_day[DAYS[0]] + by_day[DAYS[1]] if n != late},
        increment1={n: pos[n] for n in [*by_day[DAYS[2]], late]},
        increment2={
            **{n: pos[n] for n in by_day[DAYS[3]][:half]},
            copy: pos[original],
            reuploaded: pos[reuploaded],
        },
        killed={n: pos[n] for n in by_day[DAYS[3]][half:]},
        late=late,
        redelivered=(original, copy),
        reuploaded=reuploaded,
    )


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2 sites x 4 days of generated POS (some 570 files, 1 % bad lines) with ECR/CRM."""
    out = tmp_path_factory.mktemp("two-host") / "snapshot"
    cmd = [sys.executable, "-m", "cinema_metrics.cli", "generate", "--out", str(out), "--sites", "2"]
    cmd += ["--days", str(len(DAYS)), "--start", DAYS[0], "--seed", "1", "--bad-rate", "0.01"]
    subprocess.run(cmd, check=True, capture_output=True)
    return out


@pytest.fixture(scope="module")
def stages(snapshot: Path) -> Stages:
    return plan_stages(read_pos_folder(snapshot / "pos"))


@pytest.fixture(scope="module")
def dims_only(snapshot: Path) -> Path:
    """The snapshot's ecr/ and crm/ only: the S3 runs read POS from raw/pos/."""
    dest = snapshot.parent / "dims"
    for part in ("ecr", "crm"):
        shutil.copytree(snapshot / part, dest / part)
    return dest


@pytest.fixture(scope="module")
def local_reference(services, aws_env, snapshot: Path, stages: Stages) -> dict[str, Any]:
    """One local run (folders, local Spark) over the final set of files."""
    src = snapshot.parent / "reference-src"
    for part in ("ecr", "crm"):
        shutil.copytree(snapshot / part, src / part)
    for name, data in stages.final.items():
        path = src / "pos" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    out = snapshot.parent / "reference-out"
    cmd = [sys.executable, "-m", "cinema_metrics.cli", "run", "--sources", str(src), "--output", str(out)]
    env = {k: v for k, v in os.environ.items() if k != "AWS_ENDPOINT_URL"}
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=RUN_TIMEOUT_S)
    assert done.returncode == 0, done.stderr[-3000:]
    objs = folder_objects(out)
    report = json.loads(objs["run_report.json"])
    return {"tables": tables_of(objs), "quarantine": quarantine_of(objs), "report": summed([report])}


# ------------------------------------------------------------------ the two entry points

Start = Callable[[World, dict[str, str]], subprocess.Popen[str]]


def cli_start(master: str, dims: Path) -> Start:
    def start(world: World, env: dict[str, str]) -> subprocess.Popen[str]:
        cmd = [sys.executable, "-m", "cinema_metrics.cli", "run", "--sources", str(dims)]
        cmd += ["--output", world.output_uri, "--state", world.state_uri, "--pos-s3", world.pos_uri]
        cmd += ["--aws-endpoint", world.endpoint, "--keys-table", world.keys_table]
        cmd += ["--pos-queue", world.queue_url, "--spark-master", master]
        return _popen(cmd, env)

    return start


def glue_start(master: str, snapshot: Path, table_prefix: str) -> Start:
    def start(world: World, env: dict[str, str]) -> subprocess.Popen[str]:
        argv = {
            "JOB_NAME": "cinema-two-host",
            "database": "cinema_two_host",
            "catalog_table_prefix": "src_",
            "bucket": world.bucket,
            "pos_prefix": "raw/pos/",
            "curated_prefix": "curated/",
            "state_prefix": STATE,
            "dynamodb_table_prefix": table_prefix,
            "pos_queue_url": world.queue_url,
            "keys_table": world.keys_table,
        }
        glue_argv = [t for k, v in argv.items() for t in (f"--{k}", v)]
        glue_argv += ["--JOB_ID", "j_two_host", "--JOB_RUN_ID", "jr_two_host"]
        glue_argv += ["--job-bookmark-option", "job-bookmark-disable"]
        cmd = [sys.executable, "-m", "tests.cluster.glue_driver", "--master", master]
        cmd += ["--sources", str(snapshot), "--", *glue_argv]
        return _popen(cmd, env)

    return start


def _popen(cmd: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        cmd,
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: SIGKILL reaches the JVM too
    )


def finish(proc: subprocess.Popen[str], what: str) -> dict[str, Any]:
    """Wait for a run; return the summary it printed last on stderr."""
    try:
        _out, err = proc.communicate(timeout=RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        _out, err = proc.communicate()
        raise AssertionError(f"{what}: no end within {RUN_TIMEOUT_S} s:\n{err[-3000:]}") from None
    assert proc.returncode == 0, f"{what} failed ({proc.returncode}):\n{err[-4000:]}"
    # the last JSON line (a Spark session started on a thread may log after it)
    return json.loads([line for line in err.splitlines() if line.startswith("{")][-1])


# ------------------------------------------------------------------ the sequence


def run_sequence(start: Start, world: World, stages: Stages, timings: dict[str, float]) -> dict[str, Any]:
    tasks = {"CM_DRIVER_PARSE_BYTES": "0"}  # parse in Spark tasks on the isolated executor

    def step(name: str, objects: dict[str, bytes], env: dict[str, str]) -> dict[str, Any]:
        upload(world, objects)
        t = time.monotonic()
        summary = finish(start(world, env), name)
        timings[name] = round(time.monotonic() - t, 1)
        print(f"{name}: {timings[name]} s {summary}", flush=True)
        return summary

    backfill = step("backfill", stages.backfill, tasks)
    assert backfill["files_read"] == len(stages.backfill)
    inc1 = step("increment 1 (late file)", stages.increment1, {})
    assert inc1["files_read"] == len(stages.increment1), "the late file is read"
    inc2 = step("increment 2 (re-delivery, re-upload)", stages.increment2, {})
    assert inc2["files_read"] == len(stages.increment2) - 1, "the same bytes under a known key are not read"
    idle = step("idle", {}, {})
    assert (idle["lines_read"], idle["files_read"]) == (0, 0), idle

    # (e) killed while writing: once it has staged an object under curated/_state/tmp/
    upload(world, stages.killed)
    t = time.monotonic()
    proc = start(world, tasks)
    tmp_prefix = f"{STATE}tmp/"
    try:
        while not list_keys(world.endpoint, world.bucket, tmp_prefix):
            if proc.poll() is not None:
                raise AssertionError(
                    f"the run ended before staging anything:\n{proc.communicate()[1][-3000:]}"
                )
            if time.monotonic() - t > RUN_TIMEOUT_S:
                raise AssertionError("no staged object within the timeout")
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(60)
    assert proc.returncode == -signal.SIGKILL
    pending = list_keys(world.endpoint, world.bucket, f"{STATE}pending/")
    assert len(pending) == 1, pending
    killed_run = pending[0].rsplit("/", 1)[1].removesuffix(".json")
    left = [k for k in list_keys(world.endpoint, world.bucket, "curated/") if killed_run in k]
    assert any(k.startswith(tmp_prefix) for k in left), left
    timings["killed run"] = round(time.monotonic() - t, 1)
    # the operator releases the dead run's lease (SECURITY.md) rather than wait for its expiry
    assert break_lease(open_store(f"s3://{world.bucket}/{STATE}", world.endpoint), killed_run)

    rerun = step("after the kill", {}, {})
    assert rerun["files_read"] == len(stages.killed)

    # (f) the state says film_weekly was computed by an older declaration
    state_store = open_store(f"s3://{world.bucket}/{STATE}", world.endpoint)
    head = json.loads(state_store.get("HEAD.json") or b"{}")
    head["versions"]["film_weekly"] -= 1
    state_store.put("HEAD.json", json.dumps(head).encode())
    step("after a version change", {}, tasks)

    objs = s3_objects(world.endpoint, world.bucket, "curated/")
    state = {k[len("_state/") :]: v for k, v in objs.items() if k.startswith("_state/")}
    reports = committed_reports(state)
    assert all(r["run_id"] != killed_run for r in reports), "the killed run never committed"
    assert len(reports) == 6, [r["run_id"] for r in reports]  # (a)-(d), the rerun, (f)
    assert reports[-1]["recomputed_whole"] == ["film_weekly"], reports[-1]
    assert reports[-1]["changed_keys"]["film_weekly"] == reports[-1]["tables"]["film_weekly"] > 0
    return {
        "tables": tables_of(objs),
        "quarantine": quarantine_of(objs),
        "report": summed(reports),
        "staging": sorted(k for k in objs if k.startswith(("_state/tmp/", "_state/pending/"))),
        "killed_left": [k for k in objs if killed_run in k],
    }


def check(got: dict[str, Any], want: dict[str, Any]) -> None:
    assert got["staging"] == [], f"staged objects left: {got['staging'][:10]}"
    assert got["killed_left"] == [], f"the killed run's objects remain: {got['killed_left'][:10]}"
    assert got["tables"] == want["tables"], table_diff(got["tables"], want["tables"])
    assert got["quarantine"] == want["quarantine"], "quarantine multiset"
    assert got["report"] == want["report"]


def test_cli_sequence_on_two_hosts_equals_one_local_run(
    spark_cluster: str, services, aws_env, dims_only: Path, stages: Stages, local_reference
) -> None:
    world = make_world(services.aws_endpoint, "cm-two-host")
    timings: dict[str, float] = {}
    got = run_sequence(cli_start(spark_cluster, dims_only), world, stages, timings)
    print(f"\nCLI on two hosts: {timings}")
    check(got, local_reference)


def test_glue_entry_sequence_on_two_hosts_equals_one_local_run(
    spark_cluster: str, services, aws_env, snapshot: Path, stages: Stages, local_reference
) -> None:
    world = make_world(services.aws_endpoint, "cm-glue-2h")
    prefix = create_metric_tables(services.aws_endpoint, "two-host")  # the entry always writes them
    timings: dict[str, float] = {}
    got = run_sequence(glue_start(spark_cluster, snapshot, prefix), world, stages, timings)
    print(f"\nGlue entry on two hosts: {timings}")
    check(got, local_reference)
