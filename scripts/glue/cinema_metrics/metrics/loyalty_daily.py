"""loyalty_daily: loyalty members' share of a site's business day (exactly site_daily's keys)."""

from __future__ import annotations

import pandas as pd

from cinema_metrics.metrics.base import Column, Inputs, Keys, Metric
from cinema_metrics.metrics.common import in_scope, ratio, zero_fill
from cinema_metrics.metrics.parts import HOURS, MEMBERS, SHOWS
from cinema_metrics.metrics.windows import ReturningMembers

_MEMBER_COUNTS = ["unique_members", "returning_members"]


def _rows(ly: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "site_id": ly["site_id"],
            "business_date": ly["business_date"],
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


def compute(inp: Inputs) -> pd.DataFrame:
    """Rows of the scope's dates from the lines; rows of its `extra` dates (where only a new
    member admission up to 30 days before counts) keep their figures and get their member
    counts recounted from the member-day index."""
    dates, shows, parts = inp.scope.dates, inp.dims.shows, inp.parts
    members = parts["members"].rename(columns={"day": "business_date"})
    keys = in_scope(inp.tables["site_daily"], "business_date", dates)[
        ["site_id", "business_date", "admissions"]
    ]
    sh = in_scope(parts["shows"].merge(shows, on="showtime_id", how="inner"), "day", dates)
    t = sh.groupby(["site_id", "day"], as_index=False)["member_admissions"].sum()
    hours = in_scope(parts["hours"], "day", dates)
    x = hours.groupby(["site_id", "day"], as_index=False)["member_conc_cents"].sum()
    on = ["site_id", "business_date"]
    ly = (
        keys.merge(t.rename(columns={"day": "business_date"}), on=on, how="left")
        .merge(x.rename(columns={"day": "business_date"}), on=on, how="left")
        .merge(members[[*on, *_MEMBER_COUNTS]], on=on, how="left")
    )
    rows = _rows(zero_fill(ly, ["member_admissions", "member_conc_cents", *_MEMBER_COUNTS]))
    if not inp.scope.extra:
        return rows
    kept = inp.existing[inp.existing["business_date"].isin(inp.scope.extra)]
    recount = kept.drop(columns=_MEMBER_COUNTS).merge(members[[*on, *_MEMBER_COUNTS]], on=on, how="left")
    recount = zero_fill(recount, _MEMBER_COUNTS)[list(rows.columns)]
    return pd.concat([rows, recount], ignore_index=True)


METRIC = Metric(
    name="loyalty_daily",
    version=1,
    title="Loyalty members by site and business day",
    rows=(
        "Exactly the keys of site_daily. A line is a member line when its customer_id was a member "
        "at the line's sold_at."
    ),
    columns=(
        Column("site_id", "id", "the site"),
        Column("business_date", "date", "the business date D"),
        Column("admissions", "count", "as in site_daily"),
        Column("member_admissions", "count", "sum of quantity over member lines in T(D)"),
        Column("member_share", "ratio", "member_admissions / admissions"),
        Column("unique_members", "count", "distinct customer_id over member lines in T(D) with quantity > 0"),
        Column(
            "returning_members",
            "count",
            "those of them with a member ticket line (quantity > 0, any site) attributed to a business "
            "date in [D-30, D-1]",
        ),
        Column("member_concession_revenue", "money", "sum of net_amount over member lines in C(D)"),
        Column("member_spend_per_head", "money_ratio", "member_concession_revenue / member_admissions"),
    ),
    key=("site_id", "business_date"),
    date="business_date",
    keys=Keys(pk="SITE#{site_id}", sk="DATE#{business_date}"),
    window=ReturningMembers(),
    parts=(SHOWS, HOURS, MEMBERS),
    compute=compute,
    depends_on=("site_daily",),
)
