"""The demo's path end to end on a small data set (issue 7).

MariaDB and moto come from the session fixture; the demo applies terraform/local to that
moto, loads MariaDB and S3, runs the job twice and renders the dashboard. Then: DynamoDB
items equal the Parquet tables key for key, quarantine reconciles, the dashboard renders.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import boto3
import pyarrow.dataset as ds
import pytest

from cinema_metrics.job.commit import Commit
from cinema_metrics.metrics import METRIC_TABLES

ROOT = Path(__file__).resolve().parents[2]


# Its own project name, so the emulator may already hold another demo's resources.
PROJECT = f"e2e{secrets.token_hex(3)}"


def _demo_cmd(work: Path, services) -> list[str]:
    return [
        sys.executable, "-m", "cinema_metrics.demo", "--sites", "2", "--days", "9", "--work", str(work),
        "--project", PROJECT,
        "--services-dir", str(ROOT / ".local" / "test-services"),
        "--mysql-port", str(services.mysql_port), "--moto-port", services.aws_endpoint.rsplit(":", 1)[1],
    ]  # fmt: skip


@pytest.fixture(scope="module")
def demo(services, aws_env, tmp_path_factory) -> tuple[Path, str]:
    work = tmp_path_factory.mktemp("demo")
    cmd = _demo_cmd(work, services)
    proc = subprocess.run(cmd, cwd=ROOT, text=True, capture_output=True, timeout=900)
    assert proc.returncode == 0, f"demo failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return work, proc.stdout


def _parquet_rows(out: Path, table: str) -> dict[tuple, dict]:
    t = METRIC_TABLES[table]
    frame = ds.dataset(out / "metrics" / table, format="parquet", partitioning="hive").to_table().to_pandas()
    rows = {}
    for rec in frame.to_dict("records"):
        rows[tuple(str(rec[k]) for k in t.key)] = rec
    return rows


def _same(parquet_value, item_value) -> bool:
    if parquet_value is None or (isinstance(parquet_value, float) and parquet_value != parquet_value):
        return item_value is None
    if isinstance(item_value, Decimal):
        return abs(float(item_value) - float(parquet_value)) < 1e-9
    return str(item_value) == str(parquet_value)


def test_summary_is_printed(demo):
    _, stdout = demo
    for needle in ("resources applied to the emulator", "run 1: read", "run 2: read", "rows per metric table",
                   "last business day", "dashboard:", "make services-down"):  # fmt: skip
        assert needle in stdout, f"missing {needle!r} in the demo summary"


def test_dynamodb_equals_parquet_key_for_key(demo, services):
    work, _ = demo
    out = work / "output"
    ddb = boto3.resource("dynamodb", endpoint_url=services.aws_endpoint, region_name="us-east-1")
    for name, table in METRIC_TABLES.items():
        parquet = _parquet_rows(out, name)
        assert parquet, f"{name}: no Parquet rows"
        items, kwargs = [], {}
        dtable = ddb.Table(f"{PROJECT}-local-{name}")
        while True:
            page = dtable.scan(**kwargs)
            items += page["Items"]
            if "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        by_key = {tuple(str(i[k]) for k in table.key): i for i in items}
        assert set(by_key) == set(parquet), f"{name}: DynamoDB keys differ from Parquet keys"
        for key, rec in parquet.items():
            item = by_key[key]
            for col in table.kinds:
                assert _same(rec[col], item.get(col)), (
                    f"{name} {key} {col}: {rec[col]!r} vs {item.get(col)!r}"
                )


def test_state_and_outputs_live_in_the_bucket(demo, services):
    """As on Glue: the job's state and curated outputs are objects in the bucket, committed
    (HEAD applied, no staging or pending run left); the work folder holds only what the
    demo fetched for the local Athena stand-in."""
    work, _ = demo
    s3 = boto3.client("s3", endpoint_url=services.aws_endpoint, region_name="us-east-1")
    bucket = next(
        b["Name"] for b in s3.list_buckets()["Buckets"] if b["Name"].startswith(f"{PROJECT}-local-data-")
    )
    keys = [
        o["Key"]
        for p in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
        for o in p.get("Contents", [])
    ]
    head = json.loads(s3.get_object(Bucket=bucket, Key="curated/_state/HEAD.json")["Body"].read())
    assert head["applied"] is True and head["seq"] == 2, head
    assert any(k.startswith("curated/_state/lines/pd=") for k in keys)
    assert any(k.startswith("curated/metrics/site_daily/partition_month=") for k in keys)
    assert not [k for k in keys if k.startswith(("curated/_state/tmp/", "curated/_state/pending/"))]
    assert not (work / "output" / "_state").exists(), "no state on the local disk"


def test_second_run_finds_its_files_through_the_event_queue(demo, services):
    """Run 1 lists the POS prefix (a first run reconciles); run 2 reads only the S3 events the
    uploads queued, as a deployed run does, and leaves the queue empty."""
    work, _ = demo
    s3 = boto3.client("s3", endpoint_url=services.aws_endpoint, region_name="us-east-1")
    sqs = boto3.client("sqs", endpoint_url=services.aws_endpoint, region_name="us-east-1")
    bucket = next(
        b["Name"] for b in s3.list_buckets()["Buckets"] if b["Name"].startswith(f"{PROJECT}-local-data-")
    )
    listed = s3.list_objects_v2(Bucket=bucket, Prefix="curated/_state/commits/")["Contents"]
    commits = [Commit.from_json(s3.get_object(Bucket=bucket, Key=o["Key"])["Body"].read()) for o in listed]
    second = max(commits, key=lambda c: c.report["run_id"])
    report2 = json.loads((work / "output" / "run_report.2.json").read_text())
    assert second.run == report2["run_id"] and second.inbox, "run 2 took no event from the queue"
    assert len(second.files) == report2["files_read"] > 0
    queue = sqs.get_queue_url(QueueName=f"{PROJECT}-local-pos-events")["QueueUrl"]
    attrs = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["ApproximateNumberOfMessages"])
    assert attrs["Attributes"]["ApproximateNumberOfMessages"] == "0"


def test_quarantine_reconciles(demo):
    work, _ = demo
    out = work / "output"
    reports = [json.loads((out / f"run_report.{n}.json").read_text()) for n in (1, 2)]
    for r in reports:
        assert r["lines_read"] == r["lines_accepted"] + r["lines_quarantined"]
        assert sum(r["quarantined_by_reason"].values()) == r["lines_quarantined"]
    records = [
        json.loads(line)
        for f in sorted((out / "quarantine").rglob("*.jsonl"))
        for line in f.read_text().splitlines()
    ]
    assert len(records) == sum(r["lines_quarantined"] for r in reports)
    # The second run re-delivers a file already read: every one of its lines is a duplicate.
    assert reports[1]["quarantined_by_reason"].get("duplicate_line", 0) > 0
    assert {"source_file", "line_number", "reason", "raw"} <= set(records[0])


def test_dashboard_renders(demo, tmp_path):
    from tests.e2e.test_dashboard_browser import _console_errors, _dump, _visuals

    from cinema_metrics.dashboards.spec import load_spec

    work, _ = demo
    html = work / "output" / "dashboard" / "index.html"
    png = work / "output" / "dashboard" / "index.png"
    dom, stderr = _dump(html.as_uri(), tmp_path / "profile")
    assert not _console_errors(stderr), _console_errors(stderr)
    shown = _visuals(dom)
    for visual in load_spec().visuals():
        assert visual.id in shown, f"visual {visual.id} missing from the demo's dashboard"
        assert shown[visual.id][1] > 0, f"visual {visual.id} drew nothing from the demo's data"
    from PIL import Image

    img = Image.open(png).convert("L")
    lo, hi = img.getextrema()
    assert hi - lo > 50, "the dashboard PNG is blank"


def test_a_second_demo_replays_the_same_runs(demo, services):
    """`make demo` again on the same emulator (its resources, POS objects, queue and keys kept)
    computes what the first did: the replay empties them first."""
    work, _ = demo
    first = [json.loads((work / "output" / f"run_report.{n}.json").read_text()) for n in (1, 2)]
    cmd = _demo_cmd(work, services)
    proc = subprocess.run(cmd, cwd=ROOT, text=True, capture_output=True, timeout=900)
    assert proc.returncode == 0, f"second demo failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    again = [json.loads((work / "output" / f"run_report.{n}.json").read_text()) for n in (1, 2)]
    fields = ("files_read", "lines_read", "lines_accepted", "quarantined_by_reason", "tables")
    for a, b in zip(first, again, strict=True):
        assert {f: a[f] for f in fields} == {f: b[f] for f in fields}
