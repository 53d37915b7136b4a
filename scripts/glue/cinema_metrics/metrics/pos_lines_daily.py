"""pos_lines_daily: the accepted POS lines of a site's business day, the denominator of its
quarantine rate (the data-quality sheet: quarantined / (quarantined + accepted))."""

from __future__ import annotations

import pandas as pd

from cinema_metrics.metrics.base import Column, Inputs, Keys, Metric
from cinema_metrics.metrics.common import in_scope
from cinema_metrics.metrics.parts import Part, day_number
from cinema_metrics.metrics.windows import Window


def _line_counts(lines, _members):
    """Accepted lines by site and sale business date: X(D) counted in lines."""
    from pyspark.sql import functions as F

    counts = lines.groupBy("site_id", "sale_date").agg(
        F.count(F.lit(1)).alias("lines"),
        F.sum(F.when(F.col("item_type") == "ticket", 1).otherwise(0)).alias("ticket_lines"),
    )
    return counts.withColumn("day", day_number(F.col("sale_date"))).drop("sale_date")


LINE_COUNTS = Part(
    "line_counts", {"site_id": "long", "day": "long", "lines": "long", "ticket_lines": "long"}, _line_counts
)


def compute(inp: Inputs) -> pd.DataFrame:
    counts = in_scope(inp.parts["line_counts"], "day", inp.scope.dates)
    return pd.DataFrame(
        {
            "site_id": counts["site_id"],
            "business_date": counts["day"],
            "lines": counts["lines"],
            "ticket_lines": counts["ticket_lines"],
            "concession_lines": counts["lines"] - counts["ticket_lines"],
        }
    )


METRIC = Metric(
    name="pos_lines_daily",
    version=1,
    title="Accepted POS lines by site and business day",
    rows="A row for every (site, D) where X(D) is not empty.",
    columns=(
        Column("site_id", "id", "the site"),
        Column("business_date", "date", "the sale's business date D"),
        Column("lines", "count", "accepted lines in X(D) (refund lines count as lines)"),
        Column("ticket_lines", "count", "those of them that are ticket lines"),
        Column("concession_lines", "count", "those of them that are concession lines"),
    ),
    key=("site_id", "business_date"),
    date="business_date",
    keys=Keys(pk="SITE#{site_id}", sk="DATE#{business_date}"),
    window=Window(),
    parts=(LINE_COUNTS,),
    compute=compute,
)
