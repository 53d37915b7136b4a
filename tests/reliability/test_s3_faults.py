"""S3 faults (issue 12, Must show): SlowDown, 500 InternalError and connection resets on S3
requests, and a SIGKILL between any two S3 writes, end in the tables of one clean run, with
nothing half-written visible under the curated prefixes.

Everything runs against the moto server through tests/reliability/fault_proxy.py. The job runs
in this process (run_job with the session's `spark`, the driver parse path) so a kill can be
placed at every write: the proxy marks the k-th S3 write and refuses every request from then
on, and a boto3 `before-send` hook on the job's clients (storage.aws_client's, created first
for the proxy's endpoint) raises Killed, a BaseException nothing in the job catches, at the
next request: the process stops there as if SIGKILLed, and later requests never reach S3. One
more test SIGKILLs a real `cinema-metrics run` process while the proxy holds one of its PUTs.

State: the base run (one POS file) is committed once and copied server-side into a fresh
prefix for every case; the increment (two more files, one with bad lines and a copy of an
already accepted line) is the run that is faulted or killed.
"""

from __future__ import annotations

import hashlib
import io
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from tests.cluster.s3_world import (
    client,
    list_keys,
    quarantine_of,
    read_pos_folder,
    s3_objects,
    table_diff,
    tables_of,
)
from tests.reliability.fault_proxy import S3_WRITES, FaultProxy
from tests.unit.job import scenario
from tests.unit.job.snap import concession, ticket, write_snapshot

from cinema_metrics import storage
from cinema_metrics.job.lease import break_lease, read_holder
from cinema_metrics.job.runner import run_job

pytestmark = pytest.mark.e2e

BASE_FILE = "site=1/date=2026-03-06/T1.jsonl"
INCREMENT = {
    "site=2/date=2026-03-08/T1.jsonl.gz": scenario.SITE2,
    "site=1/date=2026-03-07/T2.jsonl": [
        '{"transaction_id": "Q", "line_no": 1, broken',
        scenario.SITE1[0],  # already accepted by the base run: duplicate_line
        ticket("Q", 2, 9999, "2026-03-07T12:00:00-06:00"),  # unknown_showtime
        concession("Q", 3, "2026-03-07T12:01:00-06:00", 2, "9.00"),
        ticket("Q", 4, 1004, "2026-03-07T12:02:00-06:00", 0, "0"),  # bad_quantity
    ],
}
CURATED = ("metrics/", "quarantine/")  # the prefixes Athena reads (under <output>/)


class Killed(BaseException):
    """Raised by the boto3 hook once the proxy says the process 'died' (not an Exception: the
    job's `except Exception` handlers must not see it, as they would not see a SIGKILL)."""


@dataclass(frozen=True)
class Bed:
    endpoint: str  # the moto server
    bucket: str
    sources: Path  # ecr/ and crm/ (and a pos/ the runs do not read)
    base: dict[str, bytes]  # the committed base run's objects under <prefix>/curated/


def _uri(bucket: str, prefix: str, rel: str = "") -> str:
    return f"s3://{bucket}/{prefix}/{rel}".rstrip("/")


def _pos_bytes(root: Path, pos: dict[str, Any]) -> dict[str, bytes]:
    write_snapshot(root, pos)
    return read_pos_folder(root / "pos")


def _put(endpoint: str, bucket: str, prefix: str, objects: dict[str, bytes]) -> None:
    s3 = client("s3", endpoint)
    storage.parallel_map(
        lambda kv: s3.put_object(Bucket=bucket, Key=f"{prefix}{kv[0]}", Body=kv[1]), list(objects.items())
    )


def _copy_base(bed: Bed, prefix: str) -> None:
    """The committed base state, server-side, under <prefix>/curated/."""
    s3 = client("s3", bed.endpoint)
    storage.parallel_map(
        lambda rel: s3.copy_object(
            Bucket=bed.bucket,
            Key=f"{prefix}/curated/{rel}",
            CopySource={"Bucket": bed.bucket, "Key": f"base/curated/{rel}"},
        ),
        sorted(bed.base),
    )


@pytest.fixture(scope="module")
def bed(spark, services, aws_env, tmp_path_factory: pytest.TempPathFactory) -> Bed:
    """A bucket with the base POS root (pos-base/: one file) and the whole one (pos-all/), and the
    base run committed under base/curated/."""
    # Python workers get their environment from the context (the JVM may predate aws_env).
    spark.sparkContext.environment.update(aws_env)
    root = tmp_path_factory.mktemp("s3-faults")
    ep = services.aws_endpoint
    bucket = f"cm-s3-faults-{uuid.uuid4().hex[:8]}"
    client("s3", ep).create_bucket(Bucket=bucket)
    everything = _pos_bytes(root / "all", {BASE_FILE: scenario.SITE1, **INCREMENT})
    _put(ep, bucket, "pos-base/", {BASE_FILE: everything[BASE_FILE]})
    _put(ep, bucket, "pos-all/", everything)
    sources = root / "all"
    run_job(
        sources,
        _uri(bucket, "base", "curated"),
        pos=_uri(bucket, "pos-base"),
        aws_endpoint=ep,
        spark=spark,
        progress=False,
    )
    return Bed(ep, bucket, sources, s3_objects(ep, bucket, "base/curated/"))


def _break_dead_lease(bed: Bed, prefix: str) -> None:
    """What an operator does after a SIGKILL (SECURITY.md): release the dead run's lease, so the
    next run need not wait for its expiry. The run that held it is the one left in pending/."""
    state = storage.open_store(_uri(bed.bucket, prefix, "curated/_state"), bed.endpoint)
    holder, _tag = read_holder(state)
    if holder is not None and not holder.released:
        assert break_lease(state, holder.run)


def _increment(bed: Bed, prefix: str, endpoint: str, spark: Any) -> dict:
    return run_job(
        bed.sources,
        _uri(bed.bucket, prefix, "curated"),
        pos=_uri(bed.bucket, "pos-all"),
        aws_endpoint=endpoint,
        spark=spark,
        progress=False,
    )


def outcome(bed: Bed, prefix: str) -> dict[str, Any]:
    """What a run sequence left under <prefix>/curated/: tables, quarantine multiset, the
    accepted lines' (transaction_id, line_no, source_file, line_number) and the key index."""
    objs = s3_objects(bed.endpoint, bed.bucket, f"{prefix}/curated/")
    lines: Counter[tuple] = Counter()
    keys: Counter[tuple] = Counter()
    for rel, data in objs.items():
        if rel.startswith("_state/lines/") and rel.endswith(".parquet"):
            t = pq.read_table(
                io.BytesIO(data), columns=["transaction_id", "line_no", "source_file", "line_number"]
            )
            lines.update(zip(*(t[c].to_pylist() for c in t.column_names), strict=True))
        if rel.startswith("_state/keys/") and rel.endswith(".parquet"):
            t = pq.read_table(io.BytesIO(data), columns=["transaction_id", "line_no"])
            keys.update(zip(*(t[c].to_pylist() for c in t.column_names), strict=True))
    leftovers = sorted(r for r in objs if r.startswith(("_state/tmp/", "_state/pending/")))
    return {
        "tables": tables_of(objs),
        "quarantine": quarantine_of(objs),
        "lines": lines,
        "keys": keys,
        "leftovers": leftovers,
    }


def curated_objects(bed: Bed, prefix: str) -> dict[str, bytes]:
    objs = s3_objects(bed.endpoint, bed.bucket, f"{prefix}/curated/")
    return {r: d for r, d in objs.items() if r.startswith(CURATED)}


@dataclass(frozen=True)
class Clean:
    outcome: dict[str, Any]
    curated: dict[str, bytes]  # what the clean increment left under the curated prefixes
    writes: list[tuple[str, str]]  # the clean increment's S3 writes, in order
    counts: dict[str, int]
    bytes_in: int
    bytes_out: int


@pytest.fixture(scope="module")
def clean(bed: Bed, spark) -> Clean:
    """The clean increment on top of the base, through a proxy that only counts."""
    _copy_base(bed, "clean")
    with FaultProxy(bed.endpoint) as proxy:
        report = _increment(bed, "clean", proxy.url, spark)
    assert report["files_read"] == 2 and report["lines_quarantined"] == 4, report
    out = outcome(bed, "clean")
    assert out["leftovers"] == []
    assert sum(out["lines"].values()) == sum(out["keys"].values()) > 0
    return Clean(
        out,
        curated_objects(bed, "clean"),
        list(proxy.s3_writes),
        dict(proxy.s3_counts),
        proxy.bytes_in,
        proxy.bytes_out,
    )


def _same_outcome(got: dict[str, Any], want: dict[str, Any]) -> None:
    assert got["tables"] == want["tables"], table_diff(got["tables"], want["tables"])
    assert got["quarantine"] == want["quarantine"], "quarantine multiset"
    assert got["lines"] == want["lines"], "accepted lines (none lost or doubled)"
    assert got["keys"] == want["keys"], "rule 11 key index"
    assert got["leftovers"] == [], f"staging left behind: {got['leftovers']}"


@pytest.fixture
def killable() -> Iterator[Any]:
    """install(proxy): the job's clients for the proxy's endpoint raise Killed once it is killed."""
    endpoints: list[str] = []

    def install(proxy: FaultProxy) -> None:
        def hook(**_kw: Any) -> None:
            if proxy.killed.is_set():
                raise Killed(f"killed at S3 write {proxy.kill_at_write}")

        endpoints.append(proxy.url)
        for service in ("s3", "sqs", "dynamodb"):
            storage.aws_client(service, proxy.url).meta.events.register("before-send", hook)

    yield install
    for key in [k for k in storage._CLIENTS if k[1] in endpoints]:
        storage._CLIENTS.pop(key, None)


# ------------------------------------------------------------------ counting


def test_s3_requests_are_counted_by_kind(services, aws_env) -> None:
    ep = services.aws_endpoint
    bucket = f"cm-count-{uuid.uuid4().hex[:8]}"
    client("s3", ep).create_bucket(Bucket=bucket)
    with FaultProxy(ep) as proxy:
        s3 = client("s3", proxy.url)
        s3.put_object(Bucket=bucket, Key="a/x", Body=b"12345")
        s3.copy_object(Bucket=bucket, Key="a/y", CopySource={"Bucket": bucket, "Key": "a/x"})
        assert s3.get_object(Bucket=bucket, Key="a/y")["Body"].read() == b"12345"
        assert s3.head_object(Bucket=bucket, Key="a/x")["ContentLength"] == 5
        assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="a/")["Contents"]] == [
            "a/x",
            "a/y",
        ]
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "a/x"}, {"Key": "a/y"}]})
        assert s3.list_objects_v2(Bucket=bucket, Prefix="a/")["KeyCount"] == 0
    assert proxy.s3_counts == Counter(PUT=1, COPY=1, GET=1, HEAD=1, LIST=2, DELETE=1)
    assert [k for k, _key in proxy.s3_writes] == ["PUT", "COPY", "DELETE"]
    assert proxy.s3_writes[0][1] == f"{bucket}/a/x"
    assert proxy.bytes_in >= 5 and proxy.bytes_out >= 5
    assert not proxy.s3_injected


# ------------------------------------------------------------------ SlowDown, 500, resets

S3_FAULTS = {
    "PUT": ["slowdown", "500", "reset", "pass", "reset_after", "pass", "slowdown"],
    "GET": ["500", "reset", "slowdown", "pass", "reset_after"],
    "LIST": ["slowdown", "reset", "pass", "500"],
    "COPY": ["500", "slowdown", "pass", "reset_after", "reset"],
    "DELETE": ["reset", "500", "pass", "reset_after"],
}


def test_slowdown_5xx_and_resets_end_in_the_clean_tables(bed: Bed, clean: Clean, spark) -> None:
    """Every fault of a bounded plan over GET/PUT/LIST/COPY/DELETE is answered by the job's
    retries (storage.aws_client: standard mode, 10 attempts); the tables, quarantine, accepted
    lines and key index equal the clean run's."""
    _copy_base(bed, "faults")
    with FaultProxy(bed.endpoint, s3_plan=S3_FAULTS) as proxy:
        report = _increment(bed, "faults", proxy.url, spark)
    want = Counter(
        {(k, a): n for k, plan in S3_FAULTS.items() for a, n in Counter(plan).items() if a != "pass"}
    )
    assert proxy.s3_injected == want, "the whole plan was injected"
    assert report["files_read"] == 2
    _same_outcome(outcome(bed, "faults"), clean.outcome)


# ------------------------------------------------------------------ SIGKILL at every write


def _visible_ok(after_kill: dict[str, bytes], before: dict[str, bytes], final: dict[str, bytes]) -> list[str]:
    """Objects under the curated prefixes that are neither their previous nor their final
    bytes. A quarantine object is named by its run, so a new one must hold the final bytes
    of the clean run's new quarantine object."""
    bad = []
    new_quarantine = {d for r, d in final.items() if r.startswith("quarantine/") and r not in before}
    for rel in sorted(set(after_kill) | set(before) | set(final)):
        got = after_kill.get(rel)
        if rel.startswith("quarantine/") and rel not in before:
            if got is not None and got not in new_quarantine:
                bad.append(f"{rel}: a quarantine object of neither version")
            continue
        if got != before.get(rel) and got != final.get(rel):
            state = "missing" if got is None else f"{len(got)} bytes of neither version"
            bad.append(f"{rel}: {state}")
    return bad


def test_sigkill_between_any_two_s3_writes(bed: Bed, clean: Clean, spark, killable) -> None:
    """For every position k of the clean increment's S3 write sequence: the run dies right
    before its k-th write; what Athena sees under curated/metrics and curated/quarantine is
    then each object's previous or final bytes; one rerun without faults ends in the clean
    run's tables, quarantine, accepted lines and key index, and leaves no staging."""
    n = len(clean.writes)
    assert n >= 10 and {k for k, _ in clean.writes} == set(S3_WRITES), clean.writes
    before = {r: d for r, d in bed.base.items() if r.startswith(CURATED)}
    failures: list[str] = []
    t0 = time.monotonic()
    for k in range(n):
        prefix = f"kill-{k:03d}"
        _copy_base(bed, prefix)
        with FaultProxy(bed.endpoint, kill_at_write=k) as proxy:
            killable(proxy)
            with pytest.raises(Killed):
                _increment(bed, prefix, proxy.url, spark)
        at = f"k={k} ({clean.writes[k][0]} {clean.writes[k][1].split('/curated/', 1)[-1]})"
        bad = _visible_ok(curated_objects(bed, prefix), before, clean.curated)
        failures += [f"{at}: {b}" for b in bad]
        _break_dead_lease(bed, prefix)
        report = _increment(bed, prefix, bed.endpoint, spark)  # the next scheduled run
        assert report["lines_read"] == report["lines_accepted"] + report["lines_quarantined"]
        try:
            _same_outcome(outcome(bed, prefix), clean.outcome)
        except AssertionError as exc:
            failures.append(f"{at}: after the rerun: {exc}")
    print(f"\n{n} kill positions, {time.monotonic() - t0:.0f} s")
    assert not failures, "\n".join(failures)


# ------------------------------------------------------------------ a real SIGKILL


HOLDS = {
    # a staged metric month: the run is killed before its commit
    "staging": lambda kind, key: kind == "PUT" and "/_state/tmp/" in key and "/metrics/" in key,
    # the commit itself (HEAD.json): the held PUT lands after the process died
    "commit": lambda kind, key: kind == "PUT" and key.endswith("/_state/HEAD.json"),
}


@pytest.mark.parametrize("point", list(HOLDS))
def test_sigkill_of_a_cli_run_while_a_put_is_held(bed: Bed, clean: Clean, spark, point: str) -> None:
    """`cinema-metrics run` SIGKILLed (its process group: Python and the JVM) while the proxy
    holds one of its PUTs; the held request then reaches S3 (a request already sent outlives
    its client); the next run ends in the clean run's results."""
    prefix = f"sigkill-{point}"
    _copy_base(bed, prefix)
    with FaultProxy(bed.endpoint, hold_when=HOLDS[point]) as proxy:
        cmd = [sys.executable, "-m", "cinema_metrics.cli", "run", "--sources", str(bed.sources)]
        cmd += ["--output", _uri(bed.bucket, prefix, "curated"), "--pos-s3", _uri(bed.bucket, "pos-all")]
        cmd += ["--aws-endpoint", proxy.url]
        proc = subprocess.Popen(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
        )
        try:
            if not proxy.held.wait(300):
                proc.kill()
                raise AssertionError(f"no held PUT; stderr:\n{proc.communicate()[1].decode()[-3000:]}")
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(60)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(60)
            proxy.release()
        time.sleep(0.5)  # the held request is forwarded now
    assert proc.returncode == -signal.SIGKILL
    before = {r: d for r, d in bed.base.items() if r.startswith(CURATED)}
    bad = _visible_ok(curated_objects(bed, prefix), before, clean.curated)
    assert not bad, bad
    staged = list_keys(bed.endpoint, bed.bucket, f"{prefix}/curated/_state/tmp/")
    assert staged, "the killed run had staged objects"
    _break_dead_lease(bed, prefix)
    _increment(bed, prefix, bed.endpoint, spark)
    _same_outcome(outcome(bed, prefix), clean.outcome)


# ------------------------------------------------------------------ the queue drain


def test_a_slow_queue_drain_reads_each_event_once(services, aws_env, tmp_path) -> None:
    """A drain that takes longer than the queue's visibility timeout (a backlog after a pause,
    a slow endpoint) must not receive the same messages again and again: each POS object's
    event is read once and the drain ends."""
    from cinema_metrics.job.discover import drain_queue

    ep = services.aws_endpoint
    tag = uuid.uuid4().hex[:8]
    bucket = f"cm-drain-{tag}"
    s3, sqs = client("s3", ep), client("sqs", ep)
    s3.create_bucket(Bucket=bucket)
    url = sqs.create_queue(QueueName=f"cm-drain-{tag}", Attributes={"VisibilityTimeout": "1"})["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "QueueConfigurations": [{"QueueArn": arn, "Events": ["s3:ObjectCreated:*"]}]
        },
    )
    names = [f"d/{i:03d}.jsonl" for i in range(30)]
    for name in names:
        s3.put_object(Bucket=bucket, Key=f"raw/pos/{name}", Body=hashlib.sha256(name.encode()).digest())
    got: list[Any] = []
    with FaultProxy(ep, latency={"sqs": 0.4}) as proxy:  # 4 receives > 1 s of visibility
        pos = storage.open_store(f"s3://{bucket}/raw/pos", ep)
        t = threading.Thread(target=lambda: got.append(drain_queue(url, proxy.url, pos)), daemon=True)
        t.start()
        t.join(90)
        ended = not t.is_alive()
        received = proxy.service_counts["sqs"]
    assert ended, f"the drain had not ended after 90 s ({received} SQS requests for {len(names)} events)"
    events, receipts = got[0]
    assert sorted(e[0] for e in events) == names, f"{len(events)} events for {len(names)} objects"
    assert len(receipts) == len(names) + 1  # and moto's s3:TestEvent
