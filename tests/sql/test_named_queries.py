"""The DynamoDB look-ups (named_queries/) run on DuckDB against tables shaped like the
DynamoDB items (pk, sk, dates as 'YYYY-MM-DD' strings) built from the curated Parquet, in
a catalog named like the federated one. "Today" is checked in two time zones 25 hours
apart (UTC+14 and UTC-11), so a query that used the UTC date could not pass both."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd
import pytest
from expected import load

from cinema_metrics.dashboards.athena_local import sql_files, substitute, to_duckdb
from cinema_metrics.metrics import METRIC_TABLES

CATALOG = "ddb"
NAMES = {t: f"cinema-test-{t}" for t in METRIC_TABLES}


def _items(table: str, rows: list[dict[str, object]]) -> list[dict[str, object]]:
    spec = METRIC_TABLES[table]
    items = []
    for r in rows:
        item = {c: (str(r[c]) if spec.kinds[c] == "date" else r[c]) for c in spec.kinds}
        item["pk"], item["sk"] = spec.keys.of(item)
        items.append(item)
    return items


def _connect(tables: dict[str, list[dict[str, object]]]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute("CREATE MACRO at_timezone(ts, zone) AS timezone(zone, ts)")
    con.execute(f"ATTACH ':memory:' AS {CATALOG}")
    con.execute(f'CREATE SCHEMA {CATALOG}."default"')
    for table, items in tables.items():
        frame = pd.DataFrame(items)  # noqa: F841 - read by DuckDB's replacement scan
        con.execute(f'CREATE TABLE {CATALOG}."default"."{NAMES[table]}" AS SELECT * FROM frame')
    return con


def _query(con: duckdb.DuckDBPyConnection, name: str, params: list[object]) -> list[dict[str, object]]:
    path = next(p for p in sql_files("named_queries") if p.stem == name)
    sql = substitute(
        path.read_text(encoding="utf-8"), {"dynamodb_catalog": CATALOG, "dynamodb_tables": NAMES}
    )
    cur = con.execute(to_duckdb(sql)[0], params)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


@pytest.fixture(scope="module")
def con(handbuilt_output: Path) -> duckdb.DuckDBPyConnection:
    return _connect({t: _items(t, load(handbuilt_output, t)) for t in METRIC_TABLES})


def test_site_sessions_in_start_order(con: duckdb.DuckDBPyConnection, handbuilt_output: Path) -> None:
    rows = load(handbuilt_output, "session_performance")
    day = next(r for r in rows if str(r["starts_at"]).endswith("T00:30:00"))  # has an after-midnight show
    site, bd = day["site_id"], str(day["business_date"])
    got = _query(con, "site_sessions", [site, bd])
    want = sorted(
        (r for r in rows if r["site_id"] == site and str(r["business_date"]) == bd),
        key=lambda r: (str(r["starts_at"])[11:16], r["showtime_id"]),
    )
    assert [r["showtime_id"] for r in got] == [r["showtime_id"] for r in want]
    # the sort key orders by HH:MM: the 00:30 show comes first although it is the latest
    assert got[0]["starts_at"].endswith("T00:30:00")


def test_film_weeks_and_site_hours(con: duckdb.DuckDBPyConnection, handbuilt_output: Path) -> None:
    weeks = _query(con, "film_weeks", [3])
    want = sorted(str(r["week_start"]) for r in load(handbuilt_output, "film_weekly") if r["film_id"] == 3)
    assert [r["week_start"] for r in weeks] == want
    hours = _query(con, "site_hours", [1, "2024-01-28"])
    assert [r["hour"] for r in hours] == sorted(
        r["hour"]
        for r in load(handbuilt_output, "hourly_demand")
        if r["site_id"] == 1 and str(r["business_date"]) == "2024-01-28"
    )
    assert hours and all(r["sk"] == f"HOUR#{r['hour']:02d}" for r in hours)


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago", "America/Mexico_City"])
def test_site_today_uses_the_site_business_day(zone: str) -> None:
    def business_today() -> str:
        return (datetime.now(ZoneInfo(zone)) - timedelta(hours=6)).date().isoformat()

    for _attempt in range(3):  # retry only if the business day turned over during the query
        before = business_today()
        days = [(datetime.fromisoformat(before) + timedelta(days=k)).date() for k in (-2, -1, 0, 1, 2)]
        rows = [
            {c: None for c in METRIC_TABLES["site_daily"].kinds}
            | {"site_id": 7, "business_date": d, "admissions": i}
            for i, d in enumerate(days)
        ]
        got = _query(_connect({"site_daily": _items("site_daily", rows)}), "site_today", [7, zone])
        if business_today() == before:
            break
    assert [r["sk"] for r in got] == [f"DATE#{before}"]
    assert got[0]["admissions"] == 2
