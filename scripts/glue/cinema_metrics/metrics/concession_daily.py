"""concession_daily: concession sales by site, sale business date and category."""

from __future__ import annotations

import pandas as pd

from cinema_metrics.metrics.base import Column, Inputs, Keys, Metric
from cinema_metrics.metrics.common import in_scope, ratio
from cinema_metrics.metrics.parts import Part, day_number
from cinema_metrics.metrics.windows import Window


def _categories(lines, _members):
    """One row per (site, sale business date, category) of concession lines: C(D) by category.
    Baskets first, then categories: two plain aggregations, no distinct count (which Spark
    expands into one pass per aggregate)."""
    from pyspark.sql import functions as F

    conc = lines.where(F.col("item_type") == "concession")
    baskets = conc.groupBy("site_id", "sale_date", "category", "transaction_id").agg(
        F.sum("quantity").alias("units"), F.sum("net_cents").alias("revenue_cents")
    )
    return (
        baskets.groupBy("site_id", "sale_date", "category")
        .agg(
            F.sum("units").alias("units"),
            F.sum("revenue_cents").alias("revenue_cents"),
            F.count(F.lit(1)).alias("transactions"),
        )
        .withColumn("day", day_number(F.col("sale_date")))
        .drop("sale_date")
    )


CATEGORIES = Part(
    "categories",
    {"site_id": "long", "day": "long", "category": "string", "units": "long", "revenue_cents": "long",
     "transactions": "long"},
    _categories,
)  # fmt: skip


def compute(inp: Inputs) -> pd.DataFrame:
    """The scope's (site, D, category) rows; revenue_share divides by all of C(D), units per
    admission by site_daily's admissions of (site, D)."""
    cats = in_scope(inp.parts["categories"], "day", inp.scope.dates)
    day_total = cats.groupby(["site_id", "day"])["revenue_cents"].transform("sum")
    site_daily = inp.tables["site_daily"][["site_id", "business_date", "admissions"]]
    on_day = {"left_on": ["site_id", "day"], "right_on": ["site_id", "business_date"]}
    rows = cats.merge(site_daily, how="left", **on_day)
    admissions = rows["admissions"].fillna(0).astype("int64")
    return pd.DataFrame(
        {
            "site_id": rows["site_id"],
            "business_date": rows["day"],
            "category": rows["category"],
            "units": rows["units"],
            "revenue": rows["revenue_cents"],
            "transactions": rows["transactions"],
            "revenue_share": ratio(rows["revenue_cents"], day_total.to_numpy()).values,
            "units_per_admission": ratio(rows["units"], admissions).values,
        }
    )


METRIC = Metric(
    name="concession_daily",
    version=1,
    title="Concessions by site, business day and category",
    rows=(
        "A row for every (site, D, category) with at least one accepted concession line of that "
        "category in C(D)."
    ),
    columns=(
        Column("site_id", "id", "the site"),
        Column("business_date", "date", "the sale's business date D"),
        Column("category", "str", "the concession category (popcorn, drinks, candy, combo, hot_food)"),
        Column("units", "count", "sum of quantity over the category's lines in C(D) (refunds included)"),
        Column("revenue", "money", "sum of net_amount over them"),
        Column("transactions", "count", "distinct transaction_id among them"),
        Column("revenue_share", "ratio", "revenue / sum of net_amount over all of C(D)"),
        Column("units_per_admission", "ratio", "units / site_daily.admissions of (site, D)"),
    ),
    key=("site_id", "business_date", "category"),
    date="business_date",
    keys=Keys(pk="SITE#{site_id}#DATE#{business_date}", sk="CAT#{category}"),
    window=Window(),
    parts=(CATEGORIES,),
    compute=compute,
    depends_on=("site_daily",),
)
