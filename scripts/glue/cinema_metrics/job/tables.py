"""The five metric tables (CONTRACT.md 3), assembled in pandas from the Spark aggregates.

Internal form (what this module computes and merges): dates are day numbers (days since
1970-01-01), money is integer cents, every ratio is an integer in units of 10^-DECIMALS
(nullable Int64, NA when the denominator is 0). Integer arithmetic makes the half-up
rounding exact; job/sinks.py turns the internal form into DATE / DECIMAL(18,2) / DOUBLE.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cinema_metrics import contract
from cinema_metrics.job.aggregate import RETURNING_WINDOW_DAYS, Aggregates
from cinema_metrics.job.parse import EPOCH_DATE
from cinema_metrics.sources import Dimensions

TABLES = tuple(contract.METRIC_TABLES)
MONEY = {t: [c for c, k in m.columns.items() if k == "money"] for t, m in contract.METRIC_TABLES.items()}
RATIOS = {
    t: [c for c, k in m.columns.items() if k in contract.DECIMALS and k != "money"]
    for t, m in contract.METRIC_TABLES.items()
}
DATES = {t: [c for c, k in m.columns.items() if k == "date"] for t, m in contract.METRIC_TABLES.items()}
DATE_COLUMN = {"film_weekly": "week_start"}  # every other table is keyed by business_date


def date_column(table: str) -> str:
    return DATE_COLUMN.get(table, "business_date")


def week_start(day):
    """Friday on or before the day (day numbers; 1970-01-02 was a Friday)."""
    return day - (day - 1) % 7


def ratio(num, den, scale: int = 1, kind: str = "ratio") -> pd.Series:
    """round_half_up(num / (den * scale), DECIMALS[kind]) as an integer of 10^-k units; NA if den == 0."""
    k = contract.DECIMALS[kind]
    num = np.asarray(num, dtype=np.int64)
    den = np.asarray(den, dtype=np.int64) * scale
    safe = np.where(den == 0, 1, den)
    sign = np.sign(num) * np.sign(safe)
    q = (2 * np.abs(num) * 10**k + np.abs(safe)) // (2 * np.abs(safe))
    out = pd.array(sign * q, dtype="Int64")
    out[den == 0] = pd.NA
    return pd.Series(out)


def to_day(d: dt.date) -> int:
    return (d - EPOCH_DATE).days


@dataclass
class DimFrames:
    """Dimension facts the tables need, in internal form (no personal data)."""

    shows: pd.DataFrame  # showtime_id, site_id, screen_id, film_id, day, starts_at, status, capacity, seats
    release_week: dict[int, int]  # film_id -> week_start day of the release week


def dim_frames(dims: Dimensions) -> DimFrames:
    st = dims["ecr.showtimes"]
    screens = dims["ecr.screens"][["screen_id", "site_id", "seats"]]
    shows = st[["showtime_id", "screen_id", "film_id", "starts_at", "status"]].merge(screens, on="screen_id")
    starts = pd.to_datetime(shows["starts_at"]).to_numpy("datetime64[s]")
    shift = np.timedelta64(contract.BUSINESS_DAY_START_HOUR, "h")
    shows["day"] = (starts - shift).astype("datetime64[D]").astype("int64")
    shows["starts_at"] = np.datetime_as_string(starts, unit="s")  # YYYY-MM-DDTHH:MM:SS
    shows["capacity"] = np.where(shows["status"] == "scheduled", shows["seats"], 0).astype("int64")
    films = dims["ecr.films"]
    release = {
        int(f): int(week_start(to_day(d)))
        for f, d in zip(films["film_id"], films["release_date"], strict=True)
    }
    cols = [
        "showtime_id",
        "site_id",
        "screen_id",
        "film_id",
        "day",
        "starts_at",
        "status",
        "capacity",
        "seats",
    ]
    return DimFrames(
        shows[cols].astype({c: "int64" for c in cols if c not in ("starts_at", "status")}), release
    )


def _sum0(frame: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    for c in cols:
        frame[c] = frame[c].fillna(0).astype("int64")
    return frame


def build_day_tables(agg: Aggregates, dimf: DimFrames, days: set[int] | None) -> dict[str, pd.DataFrame]:
    """site_daily, session_performance, hourly_demand, loyalty_daily for the given business dates
    (None = every date); film_weekly is built by build_film_weekly from the merged sessions."""
    shows = dimf.shows
    sh = agg.shows.merge(shows, on="showtime_id", how="inner")
    if days is not None:
        sh = sh[sh["day"].isin(days)]
    hours = agg.hours if days is None else agg.hours[agg.hours["day"].isin(days)]
    dayagg = agg.days if days is None else agg.days[agg.days["day"].isin(days)]
    members = agg.members if days is None else agg.members[agg.members["day"].isin(days)]

    # ---- site_daily: keys where T(D) (a showtime with ticket lines) or X(D) (any sale) is not empty
    t = sh.groupby(["site_id", "day"], as_index=False)[
        ["admissions", "paid_admissions", "box_cents", "member_admissions"]
    ].sum()
    x = hours.groupby(["site_id", "day"], as_index=False)[
        ["conc_units", "conc_cents", "member_conc_cents"]
    ].sum()
    x = x.merge(dayagg, on=["site_id", "day"], how="outer")
    sched = shows[shows["status"] == "scheduled"]
    sess = sched.groupby(["site_id", "day"], as_index=False).agg(
        sessions=("showtime_id", "size"), capacity=("seats", "sum")
    )
    sd = t.merge(x, on=["site_id", "day"], how="outer").merge(sess, on=["site_id", "day"], how="left")
    sd = _sum0(
        sd,
        [
            "admissions",
            "paid_admissions",
            "box_cents",
            "member_admissions",
            "conc_units",
            "conc_cents",
            "member_conc_cents",
            "transactions",
            "attach_den",
            "attach_num",
            "sessions",
            "capacity",
        ],
    )
    total = sd["box_cents"] + sd["conc_cents"]
    site_daily = pd.DataFrame(
        {
            "site_id": sd["site_id"],
            "business_date": sd["day"],
            "sessions": sd["sessions"],
            "capacity": sd["capacity"],
            "admissions": sd["admissions"],
            "paid_admissions": sd["paid_admissions"],
            "box_office": sd["box_cents"],
            "concession_units": sd["conc_units"],
            "concession_revenue": sd["conc_cents"],
            "total_revenue": total,
            "transactions": sd["transactions"],
            "occupancy": ratio(sd["admissions"], sd["capacity"]).values,
            "atp": ratio(sd["box_cents"], sd["paid_admissions"], 100, "money_ratio").values,
            "spend_per_head": ratio(sd["conc_cents"], sd["admissions"], 100, "money_ratio").values,
            "attach_rate": ratio(sd["attach_num"], sd["attach_den"]).values,
            "revenue_per_seat": ratio(total, sd["capacity"], 100, "money_ratio").values,
        }
    )

    # ---- loyalty_daily: exactly the keys of site_daily
    ly = sd[["site_id", "day", "admissions", "member_admissions", "member_conc_cents"]].merge(
        members, on=["site_id", "day"], how="left"
    )
    ly = _sum0(ly, ["unique_members", "returning_members"])
    loyalty_daily = pd.DataFrame(
        {
            "site_id": ly["site_id"],
            "business_date": ly["day"],
            "admissions": ly["admissions"],
            "member_admissions": ly["member_admissions"],
            "member_share": ratio(ly["member_admissions"], ly["admissions"]).values,
            "unique_members": ly["unique_members"],
            "returning_members": ly["returning_members"],
            "member_concession_revenue": ly["member_conc_cents"],
            "member_spend_per_head": ratio(
                ly["member_conc_cents"], ly["member_admissions"], 100, "money_ratio"
            ).values,
        }
    )

    # ---- session_performance: scheduled showtimes of site_daily keys + any showtime with tickets
    keys = sd[["site_id", "day"]]
    with_day = sched.merge(keys, on=["site_id", "day"], how="inner")["showtime_id"]
    ids = pd.Index(with_day).union(pd.Index(sh.loc[sh["lines"] > 0, "showtime_id"]))
    sp = shows[shows["showtime_id"].isin(ids)].merge(
        agg.shows.drop(columns=["lines"]), on="showtime_id", how="left"
    )
    sp = _sum0(sp, ["admissions", "paid_admissions", "comps", "box_cents"])
    session_performance = pd.DataFrame(
        {
            "showtime_id": sp["showtime_id"],
            "site_id": sp["site_id"],
            "business_date": sp["day"],
            "screen_id": sp["screen_id"],
            "film_id": sp["film_id"],
            "starts_at": sp["starts_at"],
            "status": sp["status"],
            "capacity": sp["capacity"],
            "admissions": sp["admissions"],
            "paid_admissions": sp["paid_admissions"],
            "comps": sp["comps"],
            "box_office": sp["box_cents"],
            "occupancy": ratio(sp["admissions"], sp["capacity"]).values,
            "atp": ratio(sp["box_cents"], sp["paid_admissions"], 100, "money_ratio").values,
        }
    )

    # ---- hourly_demand
    hourly_demand = pd.DataFrame(
        {
            "site_id": hours["site_id"],
            "business_date": hours["day"],
            "hour": hours["hour"],
            "transactions": hours["transactions"],
            "tickets": hours["tickets"],
            "box_office": hours["box_cents"],
            "concession_units": hours["conc_units"],
            "concession_revenue": hours["conc_cents"],
        }
    )
    return {
        "site_daily": site_daily,
        "session_performance": session_performance,
        "hourly_demand": hourly_demand,
        "loyalty_daily": loyalty_daily,
    }


def build_film_weeks(
    agg: Aggregates, dimf: DimFrames, sessions: pd.DataFrame, weeks: set[int] | None
) -> pd.DataFrame:
    """film_weekly rows of the given weeks without wow_change / ltd_box_office (see finish_film_weekly).

    `sessions` is the complete, merged session_performance table (sessions/screens/sites
    come from its scheduled rows)."""
    sh = agg.shows.merge(dimf.shows[["showtime_id", "film_id", "day"]], on="showtime_id", how="inner")
    sh["week_start"] = week_start(sh["day"])
    if weeks is not None:
        sh = sh[sh["week_start"].isin(weeks)]
    fw = (
        sh[sh["lines"] > 0]
        .groupby(["film_id", "week_start"], as_index=False)[["admissions", "box_cents"]]
        .sum()
    )
    sched = sessions[sessions["status"] == "scheduled"].assign(
        week_start=lambda f: week_start(f["business_date"])
    )
    if weeks is not None:
        sched = sched[sched["week_start"].isin(weeks)]
    counts = sched.groupby(["film_id", "week_start"], as_index=False).agg(
        sessions=("showtime_id", "size"), screens=("screen_id", "nunique"), sites=("site_id", "nunique")
    )
    fw = _sum0(fw.merge(counts, on=["film_id", "week_start"], how="left"), ["sessions", "screens", "sites"])
    release = fw["film_id"].map(dimf.release_week).astype("int64")
    return pd.DataFrame(
        {
            "film_id": fw["film_id"],
            "week_start": fw["week_start"],
            "week_number": (fw["week_start"] - release) // 7 + 1,
            "admissions": fw["admissions"],
            "box_office": fw["box_cents"],
            "sessions": fw["sessions"],
            "screens": fw["screens"],
            "sites": fw["sites"],
            "per_screen_average": ratio(fw["box_cents"], fw["screens"], 100, "money_ratio").values,
        }
    )


def finish_film_weekly(fw: pd.DataFrame) -> pd.DataFrame:
    """wow_change and ltd_box_office over the complete table (cheap: one row per film-week)."""
    fw = fw.drop(columns=["wow_change", "ltd_box_office"], errors="ignore")
    fw = fw.sort_values(["film_id", "week_start"], kind="stable").reset_index(drop=True)
    prev = fw[["film_id", "week_start", "box_office"]].rename(columns={"box_office": "prev"})
    prev["week_start"] = prev["week_start"] + 7
    m = fw[["film_id", "week_start", "box_office"]].merge(prev, on=["film_id", "week_start"], how="left")
    has = m["prev"].notna() & (m["prev"] != 0)
    p = m["prev"].fillna(1).astype("int64").where(has, 1)
    wow = ratio(m["box_office"] - p, p)
    wow[~has.values] = pd.NA
    fw["wow_change"] = wow.values
    fw["ltd_box_office"] = fw.groupby("film_id")["box_office"].cumsum().astype("int64")
    return fw


def returning_window() -> int:
    return RETURNING_WINDOW_DAYS
