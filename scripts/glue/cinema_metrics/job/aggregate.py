"""Spark aggregations over enriched accepted lines: the only line-level work after parsing.

One read of the lines feeds every metric table: per-showtime ticket sums, per
(site, sale date, hour) transaction-level sums, and the member sets of loyalty_daily.
The results are small (one row per showtime / site-hour / site-day) and go to pandas,
where job/tables.py assembles the five tables. Dates leave Spark as day numbers
(days since 1970-01-01) so the pandas side does integer arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

RETURNING_WINDOW_DAYS = 30


@dataclass
class Aggregates:
    shows: (
        pd.DataFrame
    )  # showtime_id, lines, admissions, paid_admissions, comps, box_cents, member_admissions
    hours: (
        pd.DataFrame
    )  # site_id, day, hour, transactions, tickets, box_cents, conc_units, conc_cents, member_conc_cents
    days: pd.DataFrame  # site_id, day, transactions, attach_den, attach_num
    members: pd.DataFrame  # site_id, day, unique_members, returning_members


def _day(col):
    from pyspark.sql import functions as F

    return F.datediff(col, F.lit("1970-01-01")).cast("int")


def member_days(lines):
    """Distinct (customer_id, site_id, day) of member admissions: the only line facts that
    unique_members / returning_members need (the state keeps them per run, a small index)."""
    from pyspark.sql import functions as F

    cond = (F.col("item_type") == "ticket") & (F.col("quantity") > 0) & F.col("is_member")
    return (
        lines.where(cond)
        .select(
            F.col("customer_id").cast("long").alias("customer_id"),
            F.col("site_id").cast("int").alias("site_id"),
            _day(F.col("session_date")).alias("day"),
        )
        .distinct()
    )


def aggregate(lines, members_in=None) -> Aggregates:
    """lines: DataFrame of accepted, enriched lines (the state's Parquet schema).

    members_in: member days (see member_days) to count unique/returning members from, when
    they are wider than the lines (an increment recomputes returning_members D+1..D+30
    without reading those days' lines); default: derived from `lines`.
    """
    from pyspark.sql import functions as F

    q = F.col("quantity")
    is_ticket = F.col("item_type") == "ticket"
    is_conc = F.col("item_type") == "concession"

    def s(cond, value):
        return F.sum(F.when(cond, value).otherwise(F.lit(0)))

    shows = (
        lines.where(is_ticket)
        .groupBy("showtime_id")
        .agg(
            F.count(F.lit(1)).alias("lines"),
            F.sum(q).alias("admissions"),
            s(F.col("ticket_type") != "comp", q).alias("paid_admissions"),
            s(F.col("ticket_type") == "comp", q).alias("comps"),
            F.sum("net_cents").alias("box_cents"),
            s(F.col("is_member"), q).alias("member_admissions"),
        )
    )
    txn = lines.groupBy("site_id", "sale_date", "hour", "transaction_id").agg(
        F.max(is_ticket & (q > 0)).alias("has_ticket"),
        F.max(is_conc & (q > 0)).alias("has_conc"),
        s(is_ticket, q).alias("tickets"),
        s(is_ticket, F.col("net_cents")).alias("box_cents"),
        s(is_conc, q).alias("conc_units"),
        s(is_conc, F.col("net_cents")).alias("conc_cents"),
        s(is_conc & F.col("is_member"), F.col("net_cents")).alias("member_conc_cents"),
    )
    hours = txn.groupBy("site_id", "sale_date", "hour").agg(
        F.count(F.lit(1)).alias("transactions"),
        F.sum("tickets").alias("tickets"),
        F.sum("box_cents").alias("box_cents"),
        F.sum("conc_units").alias("conc_units"),
        F.sum("conc_cents").alias("conc_cents"),
        F.sum("member_conc_cents").alias("member_conc_cents"),
    )
    days = (
        txn.groupBy("site_id", "sale_date", "transaction_id")
        .agg(F.max("has_ticket").alias("t"), F.max("has_conc").alias("c"))
        .groupBy("site_id", "sale_date")
        .agg(
            F.count(F.lit(1)).alias("transactions"),
            s(F.col("t"), F.lit(1)).alias("attach_den"),
            s(F.col("t") & F.col("c"), F.lit(1)).alias("attach_num"),
        )
    )
    # the per-run indexes may each hold the same (customer, site, day): distinct again
    mdays = member_days(lines) if members_in is None else members_in.distinct()
    customer_days = mdays.select("customer_id", F.col("day").alias("d2")).distinct()
    returning = (
        mdays.join(customer_days, "customer_id")
        .where((F.col("d2") >= F.col("day") - RETURNING_WINDOW_DAYS) & (F.col("d2") <= F.col("day") - 1))
        .select("customer_id", "site_id", "day")
        .distinct()
        .groupBy("site_id", "day")
        .agg(F.count(F.lit(1)).alias("returning_members"))
    )
    members = (
        mdays.groupBy("site_id", "day")
        .agg(F.count(F.lit(1)).alias("unique_members"))
        .join(returning, ["site_id", "day"], "left")
        .fillna(0, ["returning_members"])
    )
    parts = {
        "shows": shows,
        "hours": hours.withColumn("day", _day(F.col("sale_date"))).drop("sale_date"),
        "days": days.withColumn("day", _day(F.col("sale_date"))).drop("sale_date"),
        "members": members,
    }
    # One Spark job for the four results (a union, each tagged with its kind): the shared
    # transaction-level shuffle is computed once (exchange reuse) and an increment pays the
    # per-job overhead once instead of four times. Every value is a whole number well
    # inside float64's exact range, which is what the union's nulls make pandas use.
    union = None
    for kind, frame in parts.items():
        tagged = frame.select(F.lit(kind).alias("kind"), *[F.col(c).cast("long") for c in frame.columns])
        union = tagged if union is None else union.unionByName(tagged, allowMissingColumns=True)
    assert union is not None
    table = union.toPandas()
    out = {}
    for kind, frame in parts.items():
        rows = table[table["kind"] == kind]
        out[kind] = pd.DataFrame({c: rows[c].to_numpy().astype("int64") for c in frame.columns})
    return Aggregates(shows=out["shows"], hours=out["hours"], days=out["days"], members=out["members"])
