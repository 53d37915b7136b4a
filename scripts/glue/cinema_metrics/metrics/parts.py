"""Line aggregates: the only line-level work after parsing, in Spark, shared by the metrics.

A `Part` is one small aggregate of the accepted, enriched lines (one row per showtime, per
site-day-hour, ...). A metric names the parts it reads; a run computes every part its metrics
need in ONE Spark job (a union, each row tagged with its part), so the shared
transaction-level shuffle is computed once (exchange reuse) and an increment pays the per-job
overhead once. The results are small and go to pandas, where each metric's compute assembles
its table. Dates leave Spark as day numbers (days since 1970-01-01).

A metric with its own aggregate declares its Part in its own module; the shared ones are here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

RETURNING_WINDOW_DAYS = 30


@dataclass(frozen=True)
class Part:
    """name; columns: {column: "long" | "string"}; build(lines, members) -> Spark DataFrame."""

    name: str
    columns: dict[str, str]
    build: Callable[[Any, Any], Any]


def day_number(col):
    from pyspark.sql import functions as F

    return F.datediff(col, F.lit("1970-01-01")).cast("int")


def _sum_when(cond, value):
    from pyspark.sql import functions as F

    return F.sum(F.when(cond, value).otherwise(F.lit(0)))


def _is_ticket():
    from pyspark.sql import functions as F

    return F.col("item_type") == "ticket"


def _is_concession():
    from pyspark.sql import functions as F

    return F.col("item_type") == "concession"


def member_days(lines):
    """Distinct (customer_id, site_id, day) of member admissions: the only line facts that
    unique_members / returning_members need (the state keeps them per run, a small index)."""
    from pyspark.sql import functions as F

    cond = _is_ticket() & (F.col("quantity") > 0) & F.col("is_member")
    return (
        lines.where(cond)
        .select(
            F.col("customer_id").cast("long").alias("customer_id"),
            F.col("site_id").cast("int").alias("site_id"),
            day_number(F.col("session_date")).alias("day"),
        )
        .distinct()
    )


def _shows(lines, _members):
    from pyspark.sql import functions as F

    q = F.col("quantity")
    return (
        lines.where(_is_ticket())
        .groupBy("showtime_id")
        .agg(
            F.count(F.lit(1)).alias("lines"),
            F.sum(q).alias("admissions"),
            _sum_when(F.col("ticket_type") != "comp", q).alias("paid_admissions"),
            _sum_when(F.col("ticket_type") == "comp", q).alias("comps"),
            F.sum("net_cents").alias("box_cents"),
            _sum_when(F.col("is_member"), q).alias("member_admissions"),
        )
    )


def _baskets(lines):
    """One row per (site, sale date, local hour, transaction): the transaction-level facts."""
    from pyspark.sql import functions as F

    q = F.col("quantity")
    return lines.groupBy("site_id", "sale_date", "hour", "transaction_id").agg(
        F.max(_is_ticket() & (q > 0)).alias("has_ticket"),
        F.max(_is_concession() & (q > 0)).alias("has_conc"),
        _sum_when(_is_ticket(), q).alias("tickets"),
        _sum_when(_is_ticket(), F.col("net_cents")).alias("box_cents"),
        _sum_when(_is_concession(), q).alias("conc_units"),
        _sum_when(_is_concession(), F.col("net_cents")).alias("conc_cents"),
        _sum_when(_is_concession() & F.col("is_member"), F.col("net_cents")).alias("member_conc_cents"),
    )


def _hours(lines, _members):
    from pyspark.sql import functions as F

    hours = (
        _baskets(lines)
        .groupBy("site_id", "sale_date", "hour")
        .agg(
            F.count(F.lit(1)).alias("transactions"),
            F.sum("tickets").alias("tickets"),
            F.sum("box_cents").alias("box_cents"),
            F.sum("conc_units").alias("conc_units"),
            F.sum("conc_cents").alias("conc_cents"),
            F.sum("member_conc_cents").alias("member_conc_cents"),
        )
    )
    return hours.withColumn("day", day_number(F.col("sale_date"))).drop("sale_date")


def _days(lines, _members):
    from pyspark.sql import functions as F

    days = (
        _baskets(lines)
        .groupBy("site_id", "sale_date", "transaction_id")
        .agg(F.max("has_ticket").alias("t"), F.max("has_conc").alias("c"))
        .groupBy("site_id", "sale_date")
        .agg(
            F.count(F.lit(1)).alias("transactions"),
            _sum_when(F.col("t"), F.lit(1)).alias("attach_den"),
            _sum_when(F.col("t") & F.col("c"), F.lit(1)).alias("attach_num"),
        )
    )
    return days.withColumn("day", day_number(F.col("sale_date"))).drop("sale_date")


def _members(lines, members_in):
    """unique and returning members per (site, day), from the member days of the lines, or from
    the state's member-day index when that is wider than the lines (an increment recounts
    D+1..D+30 without reading those days' lines)."""
    from pyspark.sql import functions as F

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
    return (
        mdays.groupBy("site_id", "day")
        .agg(F.count(F.lit(1)).alias("unique_members"))
        .join(returning, ["site_id", "day"], "left")
        .fillna(0, ["returning_members"])
    )


def _longs(*names: str) -> dict[str, str]:
    return dict.fromkeys(names, "long")


SHOWS = Part(
    "shows",
    _longs(
        "showtime_id", "lines", "admissions", "paid_admissions", "comps", "box_cents", "member_admissions"
    ),
    _shows,
)
HOURS = Part(
    "hours",
    _longs(
        "site_id", "hour", "transactions", "tickets", "box_cents", "conc_units", "conc_cents",
        "member_conc_cents", "day",
    ),
    _hours,
)  # fmt: skip
DAYS = Part("days", _longs("site_id", "transactions", "attach_den", "attach_num", "day"), _days)
MEMBERS = Part("members", _longs("site_id", "day", "unique_members", "returning_members"), _members)


def compute_parts(parts: Sequence[Part], lines, members_in=None) -> dict[str, pd.DataFrame]:
    """Every part in one Spark job: a union by name (each row tagged with its part; a column a
    part lacks is null), collected once and split again. Integer columns leave as int64 (the
    union's nulls make them float64 in pandas, exact for every whole number used here)."""
    from pyspark.sql import functions as F

    union = None
    for part in parts:
        frame = part.build(lines, members_in)
        cast = [F.col(c).cast("long" if t == "long" else "string").alias(c) for c, t in part.columns.items()]
        tagged = frame.select(F.lit(part.name).alias("part"), *cast)
        union = tagged if union is None else union.unionByName(tagged, allowMissingColumns=True)
    if union is None:
        return {}
    table = union.toPandas()
    out = {}
    for part in parts:
        rows = table[table["part"] == part.name]
        out[part.name] = pd.DataFrame(
            {
                c: rows[c].to_numpy().astype("int64") if t == "long" else rows[c].to_numpy()
                for c, t in part.columns.items()
            }
        )
    return out


def empty_parts(parts: Sequence[Part]) -> dict[str, pd.DataFrame]:
    """The parts of a run that read no lines."""
    return {
        p.name: pd.DataFrame(
            {c: pd.Series(dtype="int64" if t == "long" else "object") for c, t in p.columns.items()}
        )
        for p in parts
    }
