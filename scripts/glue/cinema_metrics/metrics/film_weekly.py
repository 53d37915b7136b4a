"""film_weekly: one row per film and film week (chain-wide), with week-on-week and running totals."""

from __future__ import annotations

import pandas as pd

from cinema_metrics.metrics.base import Column, Inputs, Keys, Metric
from cinema_metrics.metrics.common import ratio, week_start, zero_fill
from cinema_metrics.metrics.parts import SHOWS
from cinema_metrics.metrics.windows import FilmWeeks

_KEY = ["film_id", "week_start"]


def _weeks(inp: Inputs) -> pd.DataFrame:
    """The scope's weeks from the lines and session_performance, without wow/ltd."""
    weeks, dims = inp.scope.dates, inp.dims
    sh = inp.parts["shows"].merge(
        dims.shows[["showtime_id", "film_id", "day"]], on="showtime_id", how="inner"
    )
    sh["week_start"] = week_start(sh["day"])
    if weeks is not None:
        sh = sh[sh["week_start"].isin(weeks)]
    fw = sh[sh["lines"] > 0].groupby(_KEY, as_index=False)[["admissions", "box_cents"]].sum()
    sessions = inp.tables["session_performance"]
    sched = sessions[sessions["status"] == "scheduled"].assign(
        week_start=lambda f: week_start(f["business_date"])
    )
    if weeks is not None:
        sched = sched[sched["week_start"].isin(weeks)]
    counts = sched.groupby(_KEY, as_index=False).agg(
        sessions=("showtime_id", "size"), screens=("screen_id", "nunique"), sites=("site_id", "nunique")
    )
    fw = zero_fill(fw.merge(counts, on=_KEY, how="left"), ["sessions", "screens", "sites"])
    release = fw["film_id"].map(dims.release_week).astype("int64")
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


def compute(inp: Inputs) -> pd.DataFrame:
    """The scope's weeks, and every later week of the films they change: wow_change looks one
    week back, ltd_box_office continues from the film's last row before its first changed week
    (read from the stored rows; 0 when there is none)."""
    weeks = inp.scope.dates
    fw = _weeks(inp)
    existing = inp.existing if weeks is not None else inp.existing.iloc[0:0]
    kept = existing[~existing["week_start"].isin(weeks or ())]
    gone = existing[existing["week_start"].isin(weeks or ())]  # rows of the scope, recomputed
    merged = pd.concat([kept.drop(columns=["wow_change", "ltd_box_office"]), fw], ignore_index=True)
    changed = pd.concat([fw[_KEY], gone[_KEY]], ignore_index=True)
    first = changed.groupby("film_id", as_index=False)["week_start"].min()
    first = first.rename(columns={"week_start": "first"})
    films = merged.merge(first, on="film_id")  # on a column: an empty result keeps a plain index
    before = films[films["week_start"] < films["first"]]
    base = kept.merge(before[_KEY], on=_KEY).sort_values(_KEY).groupby("film_id")["ltd_box_office"].last()
    rows = (
        films[films["week_start"] >= films["first"]].sort_values(_KEY, kind="stable").reset_index(drop=True)
    )
    rows["ltd_box_office"] = (
        rows.groupby("film_id")["box_office"].cumsum() + rows["film_id"].map(base).fillna(0).astype("int64")
    ).astype("int64")
    prev = films[[*_KEY, "box_office"]].rename(columns={"box_office": "prev"})
    prev["week_start"] = prev["week_start"] + 7
    rows = rows.merge(prev, on=_KEY, how="left")
    has = rows["prev"].notna() & (rows["prev"] != 0)
    p = rows["prev"].fillna(1).astype("int64").where(has, 1)
    wow = ratio(rows["box_office"] - p, p)
    wow[~has.values] = pd.NA
    rows["wow_change"] = wow.values
    return rows[[c.name for c in METRIC.columns]]


METRIC = Metric(
    name="film_weekly",
    version=1,
    title="Film by film week (chain-wide)",
    rows="A row for every (film, week_start) with at least one accepted ticket line.",
    columns=(
        Column("film_id", "id", "the film"),
        Column("week_start", "date", "the film week's Friday"),
        Column("week_number", "count", "(week_start - release week's start) / 7 + 1"),
        Column(
            "admissions",
            "count",
            "over the film's ticket lines whose showtime business date falls in the week",
        ),
        Column("box_office", "money", "the same, sum of net_amount"),
        Column("sessions", "count", "the film's session_performance rows in the week with status scheduled"),
        Column("screens", "count", "distinct screen_id over those rows"),
        Column("sites", "count", "distinct site_id over those rows"),
        Column("per_screen_average", "money_ratio", "box_office / screens"),
        Column(
            "wow_change",
            "ratio",
            "(box_office - previous week's box_office) / previous week's box_office, the previous week "
            "being the film's row with week_start 7 days earlier; NULL if that row is missing or its "
            "box_office is 0",
        ),
        Column(
            "ltd_box_office",
            "money",
            "sum of box_office over the film's rows with week_start <= this week_start",
        ),
    ),
    key=("film_id", "week_start"),
    date="week_start",
    keys=Keys(pk="FILM#{film_id}", sk="WEEK#{week_start}"),
    window=FilmWeeks(),
    parts=(SHOWS,),
    compute=compute,
    depends_on=("session_performance",),
)
