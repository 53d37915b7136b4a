"""site_daily: one row per site and business date with sales or admissions."""

from __future__ import annotations

import pandas as pd

from cinema_metrics.metrics.base import Column, Inputs, Keys, Metric
from cinema_metrics.metrics.common import in_scope, ratio, zero_fill
from cinema_metrics.metrics.parts import DAYS, HOURS, SHOWS
from cinema_metrics.metrics.windows import Window


def compute(inp: Inputs) -> pd.DataFrame:
    """Rows of the scope's dates: every (site, D) where T(D) (ticket lines of the site's
    showtimes on D) or X(D) (lines sold at the site on D) is not empty."""
    dates, shows = inp.scope.dates, inp.dims.shows
    sh = in_scope(inp.parts["shows"].merge(shows, on="showtime_id", how="inner"), "day", dates)
    hours = in_scope(inp.parts["hours"], "day", dates)
    baskets = in_scope(inp.parts["days"], "day", dates)
    t = sh.groupby(["site_id", "day"], as_index=False)[["admissions", "paid_admissions", "box_cents"]].sum()
    x = hours.groupby(["site_id", "day"], as_index=False)[["conc_units", "conc_cents"]].sum()
    x = x.merge(baskets, on=["site_id", "day"], how="outer")
    sched = shows[shows["status"] == "scheduled"]
    sess = sched.groupby(["site_id", "day"], as_index=False).agg(
        sessions=("showtime_id", "size"), capacity=("seats", "sum")
    )
    sd = t.merge(x, on=["site_id", "day"], how="outer").merge(sess, on=["site_id", "day"], how="left")
    sums = ["admissions", "paid_admissions", "box_cents", "conc_units", "conc_cents", "transactions"]
    sd = zero_fill(sd, [*sums, "attach_den", "attach_num", "sessions", "capacity"])
    total = sd["box_cents"] + sd["conc_cents"]
    return pd.DataFrame(
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


METRIC = Metric(
    name="site_daily",
    version=1,
    title="Site by business day",
    rows="A row for every (site, D) where T(D) or X(D) is not empty.",
    columns=(
        Column("site_id", "id", "the site"),
        Column("business_date", "date", "the business date D"),
        Column("sessions", "count", "scheduled showtimes at the site with business date D"),
        Column("capacity", "count", "sum of seats of those showtimes"),
        Column("admissions", "count", "sum of quantity over T(D)"),
        Column("paid_admissions", "count", "the same, excluding comp tickets"),
        Column("box_office", "money", "sum of net_amount over T(D)"),
        Column("concession_units", "count", "sum of quantity over C(D)"),
        Column("concession_revenue", "money", "sum of net_amount over C(D)"),
        Column("total_revenue", "money", "box_office + concession_revenue"),
        Column("transactions", "count", "distinct transaction_id in X(D)"),
        Column("occupancy", "ratio", "admissions / capacity"),
        Column("atp", "money_ratio", "box_office / paid_admissions (average ticket price)"),
        Column("spend_per_head", "money_ratio", "concession_revenue / admissions"),
        Column(
            "attach_rate",
            "ratio",
            "among transactions in X(D) holding a ticket line with quantity > 0, the share that also "
            "hold a concession line with quantity > 0",
        ),
        Column("revenue_per_seat", "money_ratio", "total_revenue / capacity"),
    ),
    key=("site_id", "business_date"),
    date="business_date",
    keys=Keys(pk="SITE#{site_id}", sk="DATE#{business_date}"),
    window=Window(),
    parts=(SHOWS, HOURS, DAYS),
    compute=compute,
)
