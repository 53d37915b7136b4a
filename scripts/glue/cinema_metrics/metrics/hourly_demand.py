"""hourly_demand: one row per site, sale business date and local hour of sale."""

from __future__ import annotations

import pandas as pd

from cinema_metrics.metrics.base import Column, Inputs, Keys, Metric
from cinema_metrics.metrics.common import in_scope
from cinema_metrics.metrics.parts import HOURS
from cinema_metrics.metrics.windows import Window


def compute(inp: Inputs) -> pd.DataFrame:
    hours = in_scope(inp.parts["hours"], "day", inp.scope.dates)
    return pd.DataFrame(
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


METRIC = Metric(
    name="hourly_demand",
    version=1,
    title="Demand by hour of sale",
    rows=(
        "A row for every (site, D, hour) with at least one accepted line sold then; tickets are "
        "attributed to the sale here, not the session."
    ),
    columns=(
        Column("site_id", "id", "the site"),
        Column("business_date", "date", "the sale's business date D"),
        Column("hour", "count", "the local hour of sold_at, 0-23"),
        Column("transactions", "count", "distinct transaction_id"),
        Column("tickets", "count", "sum of quantity over ticket lines"),
        Column("box_office", "money", "sum of net_amount over ticket lines"),
        Column("concession_units", "count", "sum of quantity over concession lines"),
        Column("concession_revenue", "money", "sum of net_amount over concession lines"),
    ),
    key=("site_id", "business_date", "hour"),
    date="business_date",
    keys=Keys(
        pk="SITE#{site_id}#DATE#{business_date}",
        sk="HOUR#{hour:02d}",
    ),
    window=Window(),
    parts=(HOURS,),
    compute=compute,
)
