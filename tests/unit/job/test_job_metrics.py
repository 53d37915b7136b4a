"""The metric tables on a hand-made snapshot, against hand-computed expectations (scenario.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pytest
from tests.unit.job import scenario
from tests.unit.job.snap import write_snapshot

from cinema_metrics.job.runner import run_job
from cinema_metrics.metrics import METRIC_TABLES


def read_output(output: Path, table: str) -> pa.Table:
    """Read every Parquet file under <output>/metrics/<table>/ the way Athena/Spark would."""
    return ds.dataset(output / "metrics" / table, format="parquet", partitioning="hive").to_table()


def as_dict(table: str, at: pa.Table) -> dict:
    meta = METRIC_TABLES[table]
    rows = {}
    for r in at.to_pylist():
        key = tuple(r[k] for k in meta.key)
        rows[key[0] if len(key) == 1 else key] = tuple(r[c] for c in meta.kinds if c not in meta.key)
    return rows


@pytest.fixture(scope="module")
def result(spark, tmp_path_factory):
    root = tmp_path_factory.mktemp("metrics")
    write_snapshot(root / "src", scenario.POS)
    report = run_job(root / "src", root / "out", spark=spark, progress=False)
    return root / "out", report


@pytest.mark.parametrize("table", list(METRIC_TABLES))
def test_table_matches_hand_computation(result, table):
    output, _ = result
    got = as_dict(table, read_output(output, table))
    want = scenario.EXPECTED[table]
    assert set(got) == set(want)
    for key, values in want.items():
        assert got[key] == values, (table, key)  # exact: ratios are correctly rounded doubles


@pytest.mark.parametrize("table", list(METRIC_TABLES))
def test_parquet_types_and_partitions(result, table):
    output, _ = result
    at = read_output(output, table)
    schema = at.schema
    for col, kind in METRIC_TABLES[table].kinds.items():
        t = schema.field(col).type
        expected = {
            "id": pa.int64(),
            "count": pa.int64(),
            "date": pa.date32(),
            "str": pa.string(),
            "money": pa.decimal128(18, 2),
        }.get(kind, pa.float64())
        assert t == expected, (col, t)
    date_col = "week_start" if table == "film_weekly" else "business_date"
    for month, day in zip(
        at.column("partition_month").to_pylist(), at.column(date_col).to_pylist(), strict=True
    ):
        assert month == day.strftime("%Y-%m")


def test_run_report(result):
    output, report = result
    on_disk = json.loads((output / "run_report.json").read_text())
    assert on_disk["lines_read"] == 10 == report["lines_read"]
    assert on_disk["lines_accepted"] == 10
    assert on_disk["lines_quarantined"] == 0
    assert on_disk["quarantined_by_reason"] == {}
    assert on_disk["files_read"] == 2
    assert on_disk["tables"] == {t: len(v) for t, v in scenario.EXPECTED.items()}
