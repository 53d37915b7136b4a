"""`make bench`, history phase: does one 2-hour increment cost the same after 30 days as after 365?

The same chain (one generated snapshot, 3 sites), the same increment (its last 2-hour window),
on top of two histories in the emulator's S3: the last 30 days, and the whole year before it.
Each history is what a deployed job would find in its bucket: the raw POS objects of every
day, the state (HEAD, commits, lines, member index, files index) and the curated metrics,
plus its accepted keys in the DynamoDB keys table and a queue of S3 events. It is built the
fastest way, not by replaying a year of 2-hour runs through the emulator: one backfill into a
local folder (the store writes the same layout there), then its objects are put straight into
the emulator's in-process backends; the files index's tags are set to the objects' S3 ETags
as a run on S3 would have recorded them. The increment then runs exactly as deployed: its
objects are uploaded (the bucket notification queues their events), and `cinema-metrics run`
reads POS, state and outputs in S3 through a request meter (s3meter.py).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from cinema_metrics.errors import CliError

ACCOUNT = "123456789012"
REGION = "us-east-1"
HISTORY_DAYS = (30, 365)  # issue 12: the same increment on a month and on a year of history


def _say(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] history: {msg}", flush=True)


def _env(endpoint: str) -> dict[str, str]:
    return dict(
        os.environ,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION=REGION,
        AWS_ENDPOINT_URL=endpoint,
        MOTO_ACCOUNT_ID=ACCOUNT,
    )


def _run(cmd: list[str], log: Path, env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    with log.open("w", encoding="utf-8") as fh:
        rc = subprocess.run(cmd, stdout=fh, stderr=subprocess.STDOUT, env=env, check=False).returncode
    if rc != 0:
        raise CliError(f"bench history: {' '.join(cmd[3:5])} failed ({rc}); see {log}")
    return time.perf_counter() - started


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Emulator:
    """moto in this process: its HTTP endpoint for the job, its backends for the history."""

    def __init__(self) -> None:
        for k, v in _env("").items():  # this process's own boto3 calls to the emulator
            if k.startswith(("AWS_ACCESS", "AWS_SECRET", "AWS_DEFAULT", "MOTO_")):
                os.environ[k] = v
        import logging

        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request on the terminal

        self.port = _free_port()
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self.server.start()
        self.url = f"http://127.0.0.1:{self.port}"

    def client(self, service: str):
        import boto3

        return boto3.client(
            service,
            endpoint_url=self.url,
            region_name=REGION,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def put_objects(self, bucket: str, objects: list[tuple[str, bytes]]) -> None:
        from moto.backends import get_backend

        s3 = get_backend("s3")[ACCOUNT]["aws"]
        for key, data in objects:
            s3.put_object(bucket, key, data)

    def put_keys(self, table: str, keys: list[tuple[str, int]], run: str) -> None:
        """Accepted keys straight into the table's item map (moto's put_item validates each item
        and runs at ~2,000 items/s; a year of keys is ~1.6 M)."""
        from moto.backends import get_backend
        from moto.dynamodb.models.dynamo_type import DynamoType, Item

        t = get_backend("dynamodb")[ACCOUNT][REGION].get_table(table)
        r = {"S": run}
        for txn, line_no in keys:
            h, k = DynamoType({"S": txn}), DynamoType({"N": str(line_no)})
            t.items[h][k] = Item(
                h, k, {"transaction_id": {"S": txn}, "line_no": {"N": str(line_no)}, "run": r}
            )

    def stop(self) -> None:
        self.server.stop()


def _etag(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def _history(emu: Emulator, days: int, snap: Path, hist: list[str], inc: list[str], work: Path) -> dict:
    """Build one history in its own bucket, run the increment on top through the meter."""
    import pyarrow.parquet as pq

    from cinema_metrics.emulated import create_keys_table, create_pos_queue
    from cinema_metrics.s3meter import Meter

    bucket, table = f"cm-history-{days}d", f"cm-history-{days}d-keys"
    sources = work / f"sources-{days}d"
    shutil.rmtree(work / f"local-{days}d", ignore_errors=True)
    shutil.rmtree(sources, ignore_errors=True)
    for part in ("ecr", "crm"):
        shutil.copytree(snap / part, sources / part)
    for rel in hist:
        dst = sources / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        os.link(snap / rel, dst)
    out = work / f"local-{days}d"
    cli = [sys.executable, "-m", "cinema_metrics.cli", "run", "--quiet"]
    _say(f"{days}d: backfill of {len(hist)} POS files into a local folder")
    _run([*cli, "--sources", str(sources), "--output", str(out)], work / f"backfill-{days}d.log")

    s3, ddb, sqs = emu.client("s3"), emu.client("dynamodb"), emu.client("sqs")
    s3.create_bucket(Bucket=bucket)
    create_keys_table(ddb, table)
    # raw POS history, as the exporters left it
    pos_objects = [(f"raw/pos/{rel[4:]}", (snap / rel).read_bytes()) for rel in hist]
    etags = {f"pos/{k[8:]}": f"{_etag(d)}:{len(d)}" for k, d in pos_objects}
    emu.put_objects(bucket, pos_objects)
    # the state and curated outputs; the files index with the S3 tags a run on S3 records
    state_objects, keys_rels = [], []
    for p in sorted(out.rglob("*")):
        if not p.is_file() or p.name.startswith("."):
            continue
        rel = p.relative_to(out).as_posix()
        if rel.startswith("_state/cache/"):
            continue  # a local dimension cache: no run on S3 keeps one
        if rel.startswith("_state/keys/"):
            keys_rels.append(p)  # these go to the keys table
            continue
        data = p.read_bytes()
        if rel.startswith("_state/files/"):
            entries = json.loads(data)
            data = json.dumps({k: [v[0], etags[k]] for k, v in entries.items()}, sort_keys=True).encode()
        state_objects.append((f"curated/{rel}", data))
    emu.put_objects(bucket, state_objects)
    head = json.loads((out / "_state" / "HEAD.json").read_text())
    n_keys = 0
    for p in keys_rels:
        t = pq.read_table(p, columns=["transaction_id", "line_no"])
        keys = list(zip(t["transaction_id"].to_pylist(), t["line_no"].to_pylist(), strict=True))
        emu.put_keys(table, keys, head["run"])
        n_keys += len(keys)
    queue = create_pos_queue(s3, sqs, bucket, f"cm-history-{days}d-pos")
    sqs.purge_queue(QueueUrl=queue)  # the notification's test event
    _say(
        f"{days}d: {len(pos_objects)} POS objects, {len(state_objects)} state/curated objects, "
        f"{n_keys} accepted keys in the emulator; increment of {len(inc)} files uploaded"
    )
    for rel in inc:
        s3.put_object(Bucket=bucket, Key=f"raw/pos/{rel[4:]}", Body=(snap / rel).read_bytes())
    with Meter(emu.url) as meter:
        cmd = [*cli, "--sources", str(sources), "--output", f"s3://{bucket}/curated"]
        cmd += ["--state", f"s3://{bucket}/curated/_state", "--pos-s3", f"s3://{bucket}/raw/pos/"]
        cmd += ["--pos-queue", queue, "--keys-table", table, "--aws-endpoint", meter.url]
        wall = _run(cmd, work / f"increment-{days}d.log", env=_env(meter.url))
        counts, read_b, written_b = dict(meter.counts), meter.bytes_read, meter.bytes_written
        table_gets = dict(sorted(meter.table_gets.items()))
    report = json.loads(s3.get_object(Bucket=bucket, Key="curated/run_report.json")["Body"].read())
    s3_counts = {k[3:]: v for k, v in sorted(counts.items()) if k.startswith("s3:")}
    return {
        "history_days": days,
        "pos_objects": len(pos_objects),
        "state_objects": len(state_objects),
        "accepted_keys": n_keys,
        "increment_files": report["files_read"],
        "increment_lines": report["lines_read"],
        "s3_requests": s3_counts,
        "s3_requests_total": sum(s3_counts.values()),
        "other_requests": {k: v for k, v in sorted(counts.items()) if not k.startswith("s3:")},
        "metric_table_gets": table_gets,
        "bytes_read": read_b,
        "bytes_written": written_b,
        "wall_s": round(wall, 2),
        "timings": report.get("timings", {}),
    }


def run_history(args: argparse.Namespace, cache: Path) -> dict:
    from cinema_metrics.bench import ensure_snapshot, split_increment

    short, long_ = getattr(args, "history_days", None) or HISTORY_DAYS
    days = long_ + 1  # the increment's day and the history before it
    snap_args = argparse.Namespace(**{**vars(args), "sites": args.history_sites, "days": days})
    snap, _gen = ensure_snapshot(snap_args, cache)
    backfill, inc = split_increment(snap)
    dates = sorted({rel.split("date=", 1)[1][:10] for rel in backfill})
    work = cache / "history"
    work.mkdir(parents=True, exist_ok=True)
    emu = Emulator()
    try:
        results = {}
        for n in (short, long_):
            first = dates[-n - 1] if len(dates) > n else dates[0]  # the increment's day + n before
            hist = [rel for rel in backfill if rel.split("date=", 1)[1][:10] >= first]
            results[f"{n}d"] = _history(emu, n, snap, hist, inc, work)
    finally:
        emu.stop()
    a, b = results[f"{short}d"], results[f"{long_}d"]
    req_ratio = round(b["s3_requests_total"] / a["s3_requests_total"], 3)
    bytes_a, bytes_b = a["bytes_read"] + a["bytes_written"], b["bytes_read"] + b["bytes_written"]
    bytes_ratio = round(bytes_b / bytes_a, 3)
    fw_a, fw_b = (r["metric_table_gets"].get("film_weekly", 0) for r in (a, b))
    line = (
        f"history: requests {short}d={a['s3_requests_total']} {long_}d={b['s3_requests_total']} "
        f"ratio={req_ratio}; bytes {short}d={bytes_a} {long_}d={bytes_b} ratio={bytes_ratio}; "
        f"wall {short}d={a['wall_s']}s {long_}d={b['wall_s']}s; "
        f"film_weekly GET {short}d={fw_a} {long_}d={fw_b}"
    )
    for r in (a, b):
        _say(
            f"{r['history_days']}d: S3 {r['s3_requests']} read {r['bytes_read']:,} B written "
            f"{r['bytes_written']:,} B; other {r['other_requests']}; {r['wall_s']} s"
        )
    print(line, flush=True)
    return {"sites": args.history_sites, "runs": results, "line": line}
