"""scripts/glue/glue_job.py against a TEST DOUBLE of awsglue (tests/unit/glue_test_double/).

Checks argument parsing, wiring (catalog reads with transformation_ctx, the same runner,
the DynamoDB prefix) and that job.commit() comes after every write and never on failure.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest
from tests.unit.job import scenario
from tests.unit.job.snap import write_snapshot

from cinema_metrics.sources import load_dimensions_csv

ROOT = Path(__file__).resolve().parents[2]
DOUBLE = Path(__file__).resolve().parent / "glue_test_double"
ARGV = [
    "glue_job.py",
    "--JOB_NAME", "cinema-test-metrics",
    "--database", "cinema_test",
    "--catalog_table_prefix", "src_",
    "--bucket", "data-bucket",
    "--pos_prefix", "raw/pos/",
    "--curated_prefix", "curated/",
    "--state_prefix", "curated/_state/",
    "--dynamodb_table_prefix", "cinema-test-",
]  # fmt: skip


class FakeClient:
    """Stands in for boto3 clients; records CloudWatch metric publications."""

    def __init__(self, service: str, calls: list):
        self.service, self.calls = service, calls

    def put_metric_data(self, **kw):
        self.calls.append(("put_metric_data", kw))


@pytest.fixture
def glue(monkeypatch, tmp_path):
    monkeypatch.syspath_prepend(str(DOUBLE))
    monkeypatch.syspath_prepend(str(ROOT / "scripts" / "glue"))
    for name in [m for m in sys.modules if m == "awsglue" or m.startswith("awsglue.") or m == "glue_job"]:
        monkeypatch.delitem(sys.modules, name)
    awsglue = importlib.import_module("awsglue")
    assert "TEST DOUBLE" in (awsglue.__doc__ or "")
    awsglue.CALLS.clear()
    write_snapshot(tmp_path / "src", scenario.POS)
    awsglue.CATALOG.update(
        {
            ("cinema_test", f"src_{db}_{t}"): frame
            for (db, t), frame in load_dimensions_csv(tmp_path / "src").items()
        }
    )
    calls = awsglue.CALLS
    import pyspark.context

    monkeypatch.setattr(pyspark.context.SparkContext, "getOrCreate", classmethod(lambda cls: None))
    monkeypatch.setattr("boto3.client", lambda service, **kw: FakeClient(service, calls))
    monkeypatch.setattr("cinema_metrics.job.dynamodb.make_client", lambda *a, **k: "dynamodb-client")
    monkeypatch.setattr(
        "cinema_metrics.sources.sync_s3_pos",
        lambda url, cache, endpoint=None: calls.append(("sync_pos", url)) or tmp_path / "src" / "pos",
    )
    job = importlib.import_module("glue_job")
    monkeypatch.setattr(job, "download_prefix", lambda s3, b, p, t: calls.append(("download", b, p)))
    monkeypatch.setattr(
        job, "upload_changed", lambda s3, r, b, p, since, last=None: calls.append(("upload", b, p))
    )
    return job, calls


def test_arguments_wiring_and_commit_after_writes(glue, monkeypatch):
    job, calls = glue
    seen = {}

    def fake_run_job(sources, output, state, **kw):
        seen.update(kw, sources=sources)
        calls.append(("run_job",))
        return {"lines_read": 10, "lines_quarantined": 2}

    monkeypatch.setattr("cinema_metrics.job.runner.run_job", fake_run_job)
    assert job.main(ARGV) == {"lines_read": 10, "lines_quarantined": 2}
    names = [c[0] for c in calls]
    catalog = [c for c in calls if c[0] == "from_catalog"]
    assert len(catalog) == 6
    assert all(c[1] == "cinema_test" and c[2].startswith("src_") for c in catalog)
    # Read whole every run (CONTRACT.md 1.1): no transformation_ctx, so no JDBC bookmark.
    assert all(c[3] == "" for c in catalog)
    metrics = [c[1] for c in calls if c[0] == "put_metric_data"]
    assert len(metrics) == 1 and metrics[0]["Namespace"] == "CinemaMetrics"
    ratio = next(m for m in metrics[0]["MetricData"] if m["MetricName"] == "QuarantineRatio")
    assert ratio["Value"] == pytest.approx(0.2)
    assert ratio["Dimensions"] == [{"Name": "JobName", "Value": "cinema-test-metrics"}]
    assert ("sync_pos", "s3://data-bucket/raw/pos/") in calls
    assert seen["sources"] is None and seen["ship_content"] is True
    assert seen["dynamodb"].prefix == "cinema-test-" and seen["dynamodb"].client == "dynamodb-client"
    assert len(seen["dimensions"]["ecr.showtimes"]) == len(scenario.SESSIONS) + 1
    assert ("upload", "data-bucket", "curated/") in calls and (
        "upload",
        "data-bucket",
        "curated/_state/",
    ) in calls
    assert names[-1] == "job.commit"
    writes = ("run_job", "upload", "put_metric_data")
    assert names.index("job.commit") > max(i for i, n in enumerate(names) if n in writes)
    assert names.index("job.init") < names.index("run_job")


def test_no_commit_when_a_write_fails(glue, monkeypatch):
    job, calls = glue

    def failing_run_job(*a, **kw):
        raise RuntimeError("DynamoDB unavailable")

    monkeypatch.setattr("cinema_metrics.job.runner.run_job", failing_run_job)
    with pytest.raises(RuntimeError):
        job.main(ARGV)
    assert ("job.commit",) not in calls


def test_missing_argument_is_rejected(glue):
    job, calls = glue
    with pytest.raises(Exception, match="--bucket"):
        job.main([a for a in ARGV if a not in ("--bucket", "data-bucket")])
    assert ("job.commit",) not in calls
