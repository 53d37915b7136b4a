"""Metrics as declarations (metrics/): a new metric or a new version is computed over the whole
accepted history by the next run, with no hand step; a row that leaves a table leaves its
Parquet month and DynamoDB; film_weekly reads only the weeks it needs."""

from __future__ import annotations

import dataclasses

import boto3
import pandas as pd
from tests.emulator import create_metric_tables
from tests.unit.job import scenario
from tests.unit.job.snap import DIMENSIONS, add_pos, ticket, write_csv, write_snapshot

from cinema_metrics.job import recompute, runner, sinks
from cinema_metrics.job.config import DynamoTarget
from cinema_metrics.job.dynamodb import make_client
from cinema_metrics.job.runner import run_job
from cinema_metrics.metrics import METRIC_TABLES, METRICS, Column, Inputs, Keys, Metric
from cinema_metrics.metrics.common import in_scope
from cinema_metrics.metrics.parts import SHOWS
from cinema_metrics.metrics.windows import Window

FIRST = dict(list(scenario.POS.items())[:1])
LATER = dict(list(scenario.POS.items())[1:])


def _registered(monkeypatch, metrics: list[Metric]) -> None:
    """Declare these metrics for the rest of the test (what adding a module to metrics/ does)."""
    for m in metrics:
        monkeypatch.setitem(METRIC_TABLES, m.name, m)
    ordered = (*[m for m in METRICS if m.name not in {x.name for x in metrics}], *metrics)
    monkeypatch.setattr(recompute, "METRICS", ordered)
    monkeypatch.setattr(runner, "METRICS", ordered)


def _two_runs(spark, tmp_path):
    src = tmp_path / "src"
    write_snapshot(src, FIRST)
    run_job(src, tmp_path / "out", spark=spark, progress=False)
    add_pos(src, LATER)
    run_job(src, tmp_path / "out", spark=spark, progress=False)
    return src


def _site_tickets(inp: Inputs) -> pd.DataFrame:
    """A metric a business team might ask for: admissions per site and session date."""
    sh = in_scope(inp.parts["shows"].merge(inp.dims.shows, on="showtime_id"), "day", inp.scope.dates)
    t = sh.groupby(["site_id", "day"], as_index=False)["admissions"].sum()
    return pd.DataFrame({"site_id": t["site_id"], "business_date": t["day"], "tickets": t["admissions"]})


SITE_TICKETS = Metric(
    name="site_tickets",
    version=1,
    title="Tickets by site and session date",
    rows="A row for every (site, D) with ticket lines.",
    columns=(
        Column("site_id", "id", "the site"),
        Column("business_date", "date", "the session's business date D"),
        Column("tickets", "count", "sum of quantity over T(D)"),
    ),
    key=("site_id", "business_date"),
    date="business_date",
    keys=Keys(pk="SITE#{site_id}", sk="DATE#{business_date}"),
    window=Window(),
    parts=(SHOWS,),
    compute=_site_tickets,
)


def test_a_new_metric_is_computed_over_the_whole_history_by_the_next_run(
    spark, tmp_path, monkeypatch
) -> None:
    src = _two_runs(spark, tmp_path)
    _registered(monkeypatch, [SITE_TICKETS])
    report = run_job(src, tmp_path / "out", spark=spark, progress=False)  # nothing new arrived
    assert report["lines_read"] == 0 and report["recomputed_whole"] == ["site_tickets"]
    got = sinks.read_table(tmp_path / "out", "site_tickets").sort_values(["site_id", "business_date"])
    site_daily = sinks.read_table(tmp_path / "out", "site_daily")
    want = site_daily[site_daily["admissions"] != 0][["site_id", "business_date", "admissions"]]
    assert got["tickets"].tolist() == want.sort_values(["site_id", "business_date"])["admissions"].tolist()
    assert report["tables"]["site_tickets"] == len(got) > 0
    again = run_job(src, tmp_path / "out", spark=spark, progress=False)
    assert again["recomputed_whole"] == [] and again["changed_keys"]["site_tickets"] == 0


def test_a_new_version_is_recomputed_whole_and_equals_a_fresh_run(spark, tmp_path, monkeypatch) -> None:
    src = _two_runs(spark, tmp_path)
    before = {t: sinks.read_table(tmp_path / "out", t) for t in METRIC_TABLES}
    hourly = METRIC_TABLES["hourly_demand"]
    _registered(monkeypatch, [dataclasses.replace(hourly, version=hourly.version + 1)])
    report = run_job(src, tmp_path / "out", spark=spark, progress=False)
    assert report["recomputed_whole"] == ["hourly_demand"]
    assert report["changed_keys"]["hourly_demand"] == len(before["hourly_demand"]) > 0
    assert all(report["changed_keys"][t] == 0 for t in METRIC_TABLES if t != "hourly_demand")
    for t in METRIC_TABLES:
        pd.testing.assert_frame_equal(
            sinks.read_table(tmp_path / "out", t)
            .sort_values(list(METRIC_TABLES[t].key))
            .reset_index(drop=True),
            before[t].sort_values(list(METRIC_TABLES[t].key)).reset_index(drop=True),
        )


def test_recompute_names_a_declared_metric(tmp_path, capsys) -> None:
    from cinema_metrics.cli import main

    write_snapshot(tmp_path / "src", FIRST)
    args = [
        "run",
        "--sources",
        str(tmp_path / "src"),
        "--output",
        str(tmp_path / "out"),
        "--recompute",
        "sales",
    ]
    assert main(args) == 2
    assert "--recompute sales: not a metric table; the tables are " in capsys.readouterr().err


def test_a_row_that_leaves_a_table_leaves_dynamodb(spark, tmp_path, services, aws_env) -> None:
    """Showtime 1004 (site 1, scheduled, no tickets), put on 2026-03-06, has a session_performance
    row because its site has a site_daily row that day. ECR moves it to a day with no trading:
    after a recompute, its row is gone from the Parquet table and its item from DynamoDB."""
    prefix = create_metric_tables(services.aws_endpoint, "leave")
    target = DynamoTarget(make_client(services.aws_endpoint), prefix)
    src = tmp_path / "src"
    showtimes = DIMENSIONS["ecr/showtimes.csv"]
    trading = [dict(r, starts_at="2026-03-06 15:00:00") if r["showtime_id"] == 1004 else r for r in showtimes]
    write_snapshot(src, scenario.POS, dims={**DIMENSIONS, "ecr/showtimes.csv": trading})
    run_job(src, tmp_path / "out", spark=spark, progress=False, dynamodb=target)
    table = boto3.resource("dynamodb", endpoint_url=services.aws_endpoint).Table(
        f"{prefix}session_performance"
    )
    key = {"pk": "SITE#1#DATE#2026-03-06", "sk": "SESSION#15:00#1004"}
    assert "Item" in table.get_item(Key=key)
    moved = [dict(r, starts_at="2026-03-20 15:00:00") if r["showtime_id"] == 1004 else r for r in showtimes]
    write_csv(src / "ecr/showtimes.csv", moved)
    report = run_job(
        src,
        tmp_path / "out",
        spark=spark,
        progress=False,
        dynamodb=target,
        recompute=("session_performance",),
    )
    assert report["removed_keys"] == {"session_performance": 1}
    sessions = sinks.read_table(tmp_path / "out", "session_performance")
    assert 1004 not in set(sessions["showtime_id"])
    assert "Item" not in table.get_item(Key=key)


def test_film_weekly_reads_only_the_weeks_it_needs(spark, tmp_path, monkeypatch) -> None:
    """film_weekly holds rows in January and March; an increment on the film's latest March week
    reads its months from the week before on (March), not the whole table: the reads of an
    increment stay flat as history grows."""
    src = tmp_path / "src"
    january = dict(
        DIMENSIONS["ecr/showtimes.csv"][0], showtime_id=900, film_id=101, starts_at="2026-01-09 19:00:00"
    )
    write_snapshot(src, {**scenario.POS, "site=1/date=2026-01-09/old.jsonl": [
        ticket("J", 1, 900, "2026-01-09T18:00:00-06:00", 1, "9.00")
    ]}, dims={**DIMENSIONS, "ecr/showtimes.csv": [*DIMENSIONS["ecr/showtimes.csv"], january]})  # fmt: skip
    run_job(src, tmp_path / "out", spark=spark, progress=False)
    assert sinks.stored_months(sinks.open_store(tmp_path / "out"), "film_weekly") == {"2026-01", "2026-03"}
    read_months: list[set[str] | None] = []
    real = sinks.read_months

    def spy(output, table, months):
        if table == "film_weekly":
            read_months.append(None if months is None else set(months))
        return real(output, table, months)

    monkeypatch.setattr(sinks, "read_months", spy)
    late = [ticket("W", 1, 1003, "2026-03-13T19:00:00-06:00", 1, "10.00")]
    add_pos(src, {"site=1/date=2026-03-13/late.jsonl": late})
    report = run_job(src, tmp_path / "out", spark=spark, progress=False)
    assert read_months == [{"2026-03"}], read_months
    fresh = tmp_path / "fresh"
    run_job(src, fresh, spark=spark, progress=False)
    assert report["changed_keys"]["film_weekly"] >= 1
    pd.testing.assert_frame_equal(
        sinks.read_table(tmp_path / "out", "film_weekly")
        .sort_values(["film_id", "week_start"])
        .reset_index(drop=True),
        sinks.read_table(fresh, "film_weekly").sort_values(["film_id", "week_start"]).reset_index(drop=True),
    )
