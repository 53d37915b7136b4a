"""DynamoDB sink: batching, retries, item form; and a run against the moto server."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
from botocore.exceptions import ClientError
from tests.emulator import create_metric_tables
from tests.unit.job import scenario
from tests.unit.job.snap import write_snapshot

from cinema_metrics.cli import main
from cinema_metrics.job import sinks
from cinema_metrics.job.dynamodb import BatchWriter, items
from cinema_metrics.metrics import METRIC_TABLES


class FlakyClient:
    """Throttles the first call, leaves 3 items unprocessed on the second, then accepts."""

    def __init__(self):
        self.calls = []

    def batch_write_item(self, RequestItems):
        ((table, reqs),) = RequestItems.items()
        self.calls.append(len(reqs))
        assert len(reqs) <= 25
        if len(self.calls) == 1:
            raise ClientError({"Error": {"Code": "ProvisionedThroughputExceededException"}}, "BatchWriteItem")
        if len(self.calls) == 2:
            return {"UnprocessedItems": {table: reqs[:3]}}
        return {"UnprocessedItems": {}}


def test_batches_of_25_with_backoff_on_throttling_and_unprocessed_items():
    client = FlakyClient()
    sleeps = []
    writer = BatchWriter(client, sleep=sleeps.append)
    rows = ({"pk": f"SITE#{i}", "sk": "DATE#2026-03-06", "admissions": i} for i in range(60))
    assert writer.write("t", rows) == 60
    # 25 (throttled) -> 25 (3 unprocessed) -> 3 -> 25 -> 10
    assert client.calls == [25, 25, 3, 25, 10]
    assert len(sleeps) == 2 and all(s >= 0 for s in sleeps)


def test_deletes_go_in_the_same_batches_with_the_same_retries():
    client = FlakyClient()
    writer = BatchWriter(client, sleep=lambda _s: None)
    keys = ({"pk": {"S": f"SITE#{i}"}, "sk": {"S": "DATE#2026-03-06"}} for i in range(30))
    assert writer.delete("t", keys) == 30
    assert client.calls == [25, 25, 3, 5]


def test_item_form_omits_nulls_and_uses_decimals():
    frame = pd.DataFrame(
        {
            "showtime_id": [1001],
            "site_id": [1],
            "business_date": [20518],
            "screen_id": [10],
            "film_id": [100],
            "starts_at": ["2026-03-07T00:30:00"],
            "status": ["scheduled"],
            "capacity": [100],
            "admissions": [1],
            "paid_admissions": [0],
            "comps": [1],
            "box_office": [1250],
            "occupancy": pd.array([100], dtype="Int64"),
            "atp": pd.array([pd.NA], dtype="Int64"),
        }
    )
    (item,) = list(items("session_performance", frame))
    assert item["pk"] == "SITE#1#DATE#2026-03-06"
    assert item["sk"] == "SESSION#00:30#1001"
    assert item["box_office"] == Decimal("12.50") and item["occupancy"] == Decimal("0.0100")
    assert "atp" not in item
    hourly = pd.DataFrame(
        {c: [0] for c in METRIC_TABLES["hourly_demand"].kinds} | {"hour": [7], "business_date": [20518]}
    )
    assert next(items("hourly_demand", hourly))["sk"] == "HOUR#07"


def test_run_writes_dynamodb_equal_to_parquet(spark, services, aws_env, tmp_path):
    import boto3

    prefix = create_metric_tables(services.aws_endpoint, "cinema-t")
    write_snapshot(tmp_path / "src", scenario.POS)
    args = ["run", "--sources", str(tmp_path / "src"), "--output", str(tmp_path / "out")]
    code = main([*args, "--dynamodb-endpoint", services.aws_endpoint, "--table-prefix", prefix, "--quiet"])
    assert code == 0
    res = boto3.resource("dynamodb", endpoint_url=services.aws_endpoint)
    for t in METRIC_TABLES:
        got = {(i["pk"], i["sk"]): i for i in res.Table(f"{prefix}{t}").scan()["Items"]}
        want = {(i["pk"], i["sk"]): i for i in items(t, sinks.read_table(tmp_path / "out", t))}
        assert got == want, t
        assert len(got) == len(scenario.EXPECTED[t])
    # a rerun with nothing new writes nothing and changes nothing
    assert (
        main([*args, "--dynamodb-endpoint", services.aws_endpoint, "--table-prefix", prefix, "--quiet"]) == 0
    )
