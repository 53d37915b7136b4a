"""session_performance: one row per showtime of a trading day, and per showtime with tickets."""

from __future__ import annotations

import pandas as pd

from cinema_metrics.metrics.base import Column, Inputs, Keys, Metric
from cinema_metrics.metrics.common import in_scope, ratio, zero_fill
from cinema_metrics.metrics.parts import SHOWS
from cinema_metrics.metrics.windows import Window


def compute(inp: Inputs) -> pd.DataFrame:
    """The scheduled showtimes of the scope's (site, D) keys of site_daily, and every showtime of
    those dates with at least one accepted ticket line."""
    dates, shows = inp.scope.dates, inp.dims.shows
    sh = in_scope(inp.parts["shows"].merge(shows, on="showtime_id", how="inner"), "day", dates)
    days = in_scope(inp.tables["site_daily"], "business_date", dates)[["site_id", "business_date"]]
    keys = days.rename(columns={"business_date": "day"})
    sched = shows[shows["status"] == "scheduled"]
    with_day = sched.merge(keys, on=["site_id", "day"], how="inner")["showtime_id"]
    ids = pd.Index(with_day).union(pd.Index(sh.loc[sh["lines"] > 0, "showtime_id"]))
    sp = shows[shows["showtime_id"].isin(ids)].merge(
        inp.parts["shows"].drop(columns=["lines"]), on="showtime_id", how="left"
    )
    sp = zero_fill(sp, ["admissions", "paid_admissions", "comps", "box_cents"])
    return pd.DataFrame(
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


METRIC = Metric(
    name="session_performance",
    version=1,
    title="Session (showtime) performance",
    rows=(
        "A row for every scheduled showtime whose (site, D) has a site_daily row, and for every "
        "showtime (any status) with at least one accepted ticket line."
    ),
    columns=(
        Column("showtime_id", "id", "the showtime"),
        Column("site_id", "id", "its site"),
        Column("business_date", "date", "the business date of its start"),
        Column("screen_id", "id", "its screen"),
        Column("film_id", "id", "its film"),
        Column("starts_at", "str", "wall time at the site, YYYY-MM-DDTHH:MM:SS"),
        Column("status", "str", "scheduled or cancelled"),
        Column("capacity", "count", "screen seats if scheduled, 0 if cancelled"),
        Column("admissions", "count", "sum of quantity over the showtime's ticket lines"),
        Column("paid_admissions", "count", "the same over its non-comp ticket lines"),
        Column("comps", "count", "the same over its comp ticket lines"),
        Column("box_office", "money", "sum of net_amount over its ticket lines"),
        Column("occupancy", "ratio", "admissions / capacity"),
        Column("atp", "money_ratio", "box_office / paid_admissions"),
    ),
    key=("showtime_id",),
    date="business_date",
    keys=Keys(
        pk="SITE#{site_id}#DATE#{business_date}",
        sk="SESSION#{hhmm}#{showtime_id}",
        derived={"hhmm": lambda item: str(item["starts_at"])[11:16]},
    ),
    window=Window(),
    parts=(SHOWS,),
    compute=compute,
    depends_on=("site_daily",),
)
