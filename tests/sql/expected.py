"""Independent expectations of the Athena views, computed in plain Python/pandas from the
Parquet files (read with pyarrow, not DuckDB), following the definitions in the view
comments and docs/contract/metrics.md. Each function returns {key tuple: {column: value}}.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pyarrow.dataset as ds

from cinema_metrics.metrics import METRIC_TABLES

Row = dict[str, object]


def load(output: Path, table: str) -> list[Row]:
    data = ds.dataset(output / "metrics" / table, format="parquet", partitioning="hive")
    rows = data.to_table().to_pylist()
    for r in rows:
        r["partition_month"] = str(r["partition_month"])
    return rows


def _div(n: object, d: object, places: int = 4) -> float | None:
    if n is None or d is None or float(d) == 0:  # type: ignore[arg-type]
        return None
    # Trino's round() is half away from zero; Python's round() on a float is not (37 / 8 =
    # 4.625 -> 4.62), so round the exact decimal quotient half-up instead.
    quotient = Decimal(str(n)) / Decimal(str(d))
    return float(quotient.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def _weekday(d: date) -> int:
    return d.isoweekday()  # 1 = Monday ... 7 = Sunday, like Trino's day_of_week


def _day_name(d: date) -> str:
    return ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[d.weekday()]


def site_daily_trend(output: Path) -> dict[tuple, Row]:
    rows = load(output, "site_daily")
    by_key = {(r["site_id"], r["business_date"]): r for r in rows}
    out: dict[tuple, Row] = {}
    for r in rows:
        d: date = r["business_date"]  # type: ignore[assignment]
        prev = by_key.get((r["site_id"], d - timedelta(days=7)))
        prev_rev = prev["total_revenue"] if prev else None
        out[(r["site_id"], d)] = {
            **r,
            "weekday_number": _weekday(d),
            "weekday_name": _day_name(d),
            "film_week_start": d - timedelta(days=(d.weekday() - 4) % 7),
            "total_revenue_prev_week": prev_rev,
            "total_revenue_vs_prev_week": (
                _div(r["total_revenue"] - prev_rev, prev_rev) if prev_rev else None  # type: ignore[operator]
            ),
        }
    return out


def _band(status: str, occ: float | None) -> str:
    if status == "cancelled":
        return "cancelled"
    if occ is None:
        return "no capacity"
    for bound, label in ((0.10, "under 10%"), (0.25, "10-25%"), (0.50, "25-50%"), (0.75, "50-75%")):
        if occ < bound:
            return label
    return "75% and over"


def session_occupancy(output: Path) -> dict[tuple, Row]:
    out: dict[tuple, Row] = {}
    for r in load(output, "session_performance"):
        start = datetime.strptime(r["starts_at"], "%Y-%m-%dT%H:%M:%S")  # type: ignore[arg-type]
        out[(r["showtime_id"],)] = {
            **r,
            "start_time": start.strftime("%H:%M"),
            "start_hour": start.hour,
            "after_midnight": start.date() > r["business_date"],  # type: ignore[operator]
            "weekday_number": _weekday(r["business_date"]),  # type: ignore[arg-type]
            "empty_seats": max(r["capacity"] - r["admissions"], 0),  # type: ignore[operator]
            "occupancy_band": _band(r["status"], r["occupancy"]),  # type: ignore[arg-type]
        }
    return out


def film_weekly_top(output: Path) -> dict[tuple, Row]:
    rows = load(output, "film_weekly")
    by_key = {(r["film_id"], r["week_start"]): r for r in rows}
    week_boxes: dict[date, list[Decimal]] = defaultdict(list)
    for r in rows:
        week_boxes[r["week_start"]].append(r["box_office"])  # type: ignore[index,arg-type]
    out: dict[tuple, Row] = {}
    for r in rows:
        ws: date = r["week_start"]  # type: ignore[assignment]
        prev = by_key.get((r["film_id"], ws - timedelta(days=7)))
        out[(r["film_id"], ws)] = {
            **r,
            "week_end": ws + timedelta(days=6),
            # rank(): 1 + the number of films of the week with strictly more box office
            "week_rank": 1 + sum(1 for b in week_boxes[ws] if b > r["box_office"]),  # type: ignore[operator]
            "prev_week_box_office": prev["box_office"] if prev else None,
            "admissions_per_session": _div(r["admissions"], r["sessions"], 2),
        }
    return out


def hourly_demand(output: Path) -> dict[tuple, Row]:
    out: dict[tuple, Row] = {}
    for r in load(output, "hourly_demand"):
        d: date = r["business_date"]  # type: ignore[assignment]
        out[(r["site_id"], d, r["hour"])] = {
            **r,
            "weekday_number": _weekday(d),
            "weekday_name": _day_name(d),
            "business_hour_index": (r["hour"] - 6) % 24,  # type: ignore[operator]
            "total_revenue": r["box_office"] + r["concession_revenue"],  # type: ignore[operator]
        }
    return out


def loyalty_trend(output: Path) -> dict[tuple, Row]:
    site = {(r["site_id"], r["business_date"]): r for r in load(output, "site_daily")}
    out: dict[tuple, Row] = {}
    for r in load(output, "loyalty_daily"):
        s = site.get((r["site_id"], r["business_date"]))
        if s is None:  # inner join: loyalty_daily has exactly the keys of site_daily
            continue
        non_member_rev = s["concession_revenue"] - r["member_concession_revenue"]  # type: ignore[operator]
        non_member_adm = r["admissions"] - r["member_admissions"]  # type: ignore[operator]
        out[(r["site_id"], r["business_date"])] = {
            **r,
            "non_member_admissions": non_member_adm,
            "returning_share": _div(r["returning_members"], r["unique_members"]),
            "non_member_concession_revenue": non_member_rev,
            "non_member_spend_per_head": _div(non_member_rev, non_member_adm),
        }
    return out


def chain_daily(output: Path) -> dict[tuple, Row]:
    loyalty = {(r["site_id"], r["business_date"]): r for r in load(output, "loyalty_daily")}
    sums: dict[date, Row] = {}
    additive = [
        "sessions",
        "capacity",
        "admissions",
        "paid_admissions",
        "box_office",
        "concession_units",
        "concession_revenue",
        "total_revenue",
        "transactions",
    ]
    for r in load(output, "site_daily"):
        acc = sums.setdefault(
            r["business_date"],  # type: ignore[arg-type]
            {"business_date": r["business_date"], "partition_month": r["partition_month"], "sites": 0}
            | {c: 0 for c in additive}
            | {"member_admissions": None},
        )
        acc["sites"] += 1  # type: ignore[operator]
        for c in additive:
            acc[c] += r[c]  # type: ignore[operator]
        lo = loyalty.get((r["site_id"], r["business_date"]))
        if lo is not None:
            acc["member_admissions"] = (acc["member_admissions"] or 0) + lo["member_admissions"]  # type: ignore[operator]
    for acc in sums.values():
        acc["occupancy"] = _div(acc["admissions"], acc["capacity"])
        acc["atp"] = _div(acc["box_office"], acc["paid_admissions"])
        acc["spend_per_head"] = _div(acc["concession_revenue"], acc["admissions"])
        acc["revenue_per_seat"] = _div(acc["total_revenue"], acc["capacity"])
        acc["member_share"] = _div(acc["member_admissions"], acc["admissions"])
    return {(d,): row for d, row in sums.items()}


# view name -> (key columns, expectation function)
def _default_view(table: str):
    """A generated default view (scripts/athena/views/v_metric_<table>.sql): the table's rows,
    every declared column and the month partition, unchanged."""

    def rows(output: Path) -> dict[tuple, Row]:
        key = METRIC_TABLES[table].key
        return {tuple(r[k] for k in key): r for r in load(output, table)}

    return rows


VIEWS = {
    **{f"v_metric_{t}": (METRIC_TABLES[t].key, _default_view(t)) for t in METRIC_TABLES},
    "v_site_daily_trend": (("site_id", "business_date"), site_daily_trend),
    "v_session_occupancy": (("showtime_id",), session_occupancy),
    "v_film_weekly_top": (("film_id", "week_start"), film_weekly_top),
    "v_hourly_demand": (("site_id", "business_date", "hour"), hourly_demand),
    "v_loyalty_trend": (("site_id", "business_date"), loyalty_trend),
    "v_chain_daily": (("business_date",), chain_daily),
}

# the data-quality views read the job's JSON records, not the metric tables: test_quality.py
# checks them against a real run's report and quarantine records
QUALITY_VIEWS = ("v_quality_daily", "v_quarantine_reasons", "v_runs")
