"""The metric tables (docs/contract/time.md, metrics.md) in DuckDB SQL over the accepted lines.

SQL yields exact sums (counts, integer micro-dollars); rounding and quotients happen in
Python with integer arithmetic so half-up rounding is exact, not subject to doubles.
"""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pandas as pd
import pyarrow as pa

from cinema_metrics import contract
from cinema_metrics.metrics import METRIC_TABLES
from cinema_metrics.oracle.pos import MICROS

# Friday on or before a date: DuckDB dayofweek is 0 = Sunday .. 5 = Friday, 6 = Saturday.
_WEEK_START = "({d} - CAST((dayofweek({d}) + 2) % 7 AS INTEGER))"

PREPARE = f"""
CREATE TEMP TABLE st AS
SELECT s.showtime_id, s.screen_id, s.film_id, sc.site_id, s.starts_at, s.status, sc.seats,
       CAST(s.starts_at - INTERVAL 6 HOUR AS DATE) AS bdate
FROM showtimes s JOIN screens sc USING (screen_id);

CREATE TEMP TABLE l AS
WITH located AS (
    SELECT a.*, timezone(si.timezone, timezone('UTC', a.sold_utc)) AS sold_local
    FROM accepted a JOIN sites si USING (site_id)
)
SELECT x.transaction_id, x.site_id, x.sold_utc, x.customer_id, x.is_ticket, x.showtime_id,
       x.ticket_type, x.category, x.quantity, x.amount,
       CAST(x.sold_local - INTERVAL 6 HOUR AS DATE) AS sale_date,
       CAST(hour(x.sold_local) AS INTEGER) AS sale_hour,
       st.bdate AS show_date, st.film_id,
       (x.customer_id IS NOT NULL AND EXISTS (
           SELECT 1 FROM memberships m
           WHERE m.customer_id = x.customer_id AND m.joined_at <= x.sold_utc
             AND (m.cancelled_at IS NULL OR m.cancelled_at > x.sold_utc))) AS is_member
FROM located x LEFT JOIN st ON x.is_ticket AND st.showtime_id = x.showtime_id;

CREATE TEMP TABLE sd AS
WITH t AS (
    SELECT site_id, show_date AS d, sum(quantity) AS adm,
           sum(quantity) FILTER (WHERE ticket_type <> 'comp') AS paid, sum(amount) AS bo
    FROM l WHERE is_ticket GROUP BY ALL
), x AS (
    SELECT site_id, sale_date AS d,
           sum(quantity) FILTER (WHERE NOT is_ticket) AS cu,
           sum(amount) FILTER (WHERE NOT is_ticket) AS cr,
           count(DISTINCT transaction_id) AS tx
    FROM l GROUP BY ALL
), baskets AS (
    SELECT site_id, sale_date AS d, transaction_id,
           bool_or(is_ticket AND quantity > 0) AS has_ticket,
           bool_or(NOT is_ticket AND quantity > 0) AS has_concession
    FROM l GROUP BY ALL
), att AS (
    SELECT site_id, d, count(*) FILTER (WHERE has_ticket) AS with_ticket,
           count(*) FILTER (WHERE has_ticket AND has_concession) AS with_both
    FROM baskets GROUP BY ALL
), k AS (
    SELECT site_id, d FROM t UNION SELECT site_id, d FROM x
), sess AS (
    SELECT site_id, bdate AS d, count(*) AS n, sum(seats) AS cap
    FROM st WHERE status = 'scheduled' GROUP BY ALL
)
SELECT k.site_id, k.d AS business_date,
       coalesce(sess.n, 0) AS sessions, coalesce(sess.cap, 0) AS capacity,
       coalesce(t.adm, 0) AS admissions, coalesce(t.paid, 0) AS paid_admissions,
       coalesce(t.bo, 0) AS box_office, coalesce(x.cu, 0) AS concession_units,
       coalesce(x.cr, 0) AS concession_revenue, coalesce(x.tx, 0) AS transactions,
       coalesce(att.with_ticket, 0) AS with_ticket, coalesce(att.with_both, 0) AS with_both
FROM k
LEFT JOIN t USING (site_id, d) LEFT JOIN x USING (site_id, d)
LEFT JOIN att USING (site_id, d) LEFT JOIN sess USING (site_id, d);

CREATE TEMP TABLE sp AS
WITH tk AS (
    SELECT showtime_id, sum(quantity) AS adm,
           sum(quantity) FILTER (WHERE ticket_type <> 'comp') AS paid,
           sum(quantity) FILTER (WHERE ticket_type = 'comp') AS comps, sum(amount) AS bo
    FROM l WHERE is_ticket GROUP BY ALL
)
SELECT st.showtime_id, st.site_id, st.bdate AS business_date, st.screen_id, st.film_id,
       strftime(st.starts_at, '%Y-%m-%dT%H:%M:%S') AS starts_at, st.status,
       CASE WHEN st.status = 'scheduled' THEN st.seats ELSE 0 END AS capacity,
       coalesce(tk.adm, 0) AS admissions, coalesce(tk.paid, 0) AS paid_admissions,
       coalesce(tk.comps, 0) AS comps, coalesce(tk.bo, 0) AS box_office
FROM st LEFT JOIN tk USING (showtime_id)
WHERE tk.showtime_id IS NOT NULL
   OR (st.status = 'scheduled'
       AND EXISTS (SELECT 1 FROM sd WHERE sd.site_id = st.site_id AND sd.business_date = st.bdate));

CREATE TEMP TABLE fw AS
WITH agg AS (
    SELECT film_id, {_WEEK_START.format(d="show_date")} AS week_start,
           sum(quantity) AS admissions, sum(amount) AS box_office
    FROM l WHERE is_ticket GROUP BY ALL
), runs AS (
    SELECT film_id, {_WEEK_START.format(d="business_date")} AS week_start, count(*) AS sessions,
           count(DISTINCT screen_id) AS screens, count(DISTINCT site_id) AS sites
    FROM sp WHERE status = 'scheduled' GROUP BY ALL
)
SELECT agg.film_id, agg.week_start,
       CAST((agg.week_start - {_WEEK_START.format(d="f.release_date")}) / 7 + 1 AS BIGINT) AS week_number,
       agg.admissions, agg.box_office,
       coalesce(runs.sessions, 0) AS sessions, coalesce(runs.screens, 0) AS screens,
       coalesce(runs.sites, 0) AS sites,
       prev.box_office AS prev_box_office,
       sum(agg.box_office) OVER (PARTITION BY agg.film_id ORDER BY agg.week_start) AS ltd_box_office
FROM agg
JOIN films f USING (film_id)
LEFT JOIN runs USING (film_id, week_start)
LEFT JOIN agg prev ON prev.film_id = agg.film_id AND prev.week_start = agg.week_start - 7;

CREATE TEMP TABLE hd AS
SELECT site_id, sale_date AS business_date, sale_hour AS hour,
       count(DISTINCT transaction_id) AS transactions,
       coalesce(sum(quantity) FILTER (WHERE is_ticket), 0) AS tickets,
       coalesce(sum(amount) FILTER (WHERE is_ticket), 0) AS box_office,
       coalesce(sum(quantity) FILTER (WHERE NOT is_ticket), 0) AS concession_units,
       coalesce(sum(amount) FILTER (WHERE NOT is_ticket), 0) AS concession_revenue
FROM l GROUP BY ALL;

CREATE TEMP TABLE ld AS
WITH mt AS (
    SELECT site_id, show_date AS d, customer_id, quantity FROM l WHERE is_ticket AND is_member
), ma AS (
    SELECT site_id, d, sum(quantity) AS member_admissions FROM mt GROUP BY ALL
), um AS (
    SELECT DISTINCT site_id, d, customer_id FROM mt WHERE quantity > 0
), seen AS (  -- member ticket days of each customer, any site
    SELECT DISTINCT customer_id, d FROM mt WHERE quantity > 0
), ret AS (
    SELECT um.site_id, um.d, count(DISTINCT um.customer_id) AS returning_members
    FROM um JOIN seen h ON h.customer_id = um.customer_id AND h.d >= um.d - 30 AND h.d <= um.d - 1
    GROUP BY ALL
), uniq AS (
    SELECT site_id, d, count(*) AS unique_members FROM um GROUP BY ALL
), mc AS (
    SELECT site_id, sale_date AS d, sum(amount) AS member_concession_revenue
    FROM l WHERE NOT is_ticket AND is_member GROUP BY ALL
)
SELECT sd.site_id, sd.business_date, sd.admissions,
       coalesce(ma.member_admissions, 0) AS member_admissions,
       coalesce(uniq.unique_members, 0) AS unique_members,
       coalesce(ret.returning_members, 0) AS returning_members,
       coalesce(mc.member_concession_revenue, 0) AS member_concession_revenue
FROM sd
LEFT JOIN ma ON ma.site_id = sd.site_id AND ma.d = sd.business_date
LEFT JOIN uniq ON uniq.site_id = sd.site_id AND uniq.d = sd.business_date
LEFT JOIN ret ON ret.site_id = sd.site_id AND ret.d = sd.business_date
LEFT JOIN mc ON mc.site_id = sd.site_id AND mc.d = sd.business_date;

CREATE TEMP TABLE cd AS
WITH c AS (  -- C(D) by category: concession lines by site and sale business date
    SELECT site_id, sale_date AS business_date, category,
           sum(quantity) AS units, sum(amount) AS revenue, count(DISTINCT transaction_id) AS transactions
    FROM l WHERE NOT is_ticket GROUP BY ALL
), day AS (
    SELECT site_id, business_date, sum(revenue) AS day_revenue FROM c GROUP BY ALL
)
SELECT c.site_id, c.business_date, c.category, c.units, c.revenue, c.transactions, day.day_revenue,
       coalesce(sd.admissions, 0) AS site_admissions
FROM c JOIN day USING (site_id, business_date)
LEFT JOIN sd USING (site_id, business_date);

CREATE TEMP TABLE pl AS  -- X(D) in lines
SELECT site_id, sale_date AS business_date, count(*) AS lines,
       count(*) FILTER (WHERE is_ticket) AS ticket_lines,
       count(*) FILTER (WHERE NOT is_ticket) AS concession_lines
FROM l GROUP BY ALL;
"""


def quotient(num: int, den: int, places: int) -> float | None:
    """num / den rounded half-up (away from zero) to `places` decimals, exactly; NULL if den is 0."""
    if den == 0:
        return None
    n, d = num * 10**places, den
    neg = (n < 0) != (d < 0)
    q = (2 * abs(n) + abs(d)) // (2 * abs(d))
    return (-q if neg else q) / 10**places


def money(micros: int) -> int:
    """Micro-dollars rounded half-up to cents, as integer cents."""
    q = (2 * abs(micros) + 10_000) // 20_000
    return -q if micros < 0 else q


_ARROW = {
    "id": pa.int64(),
    "count": pa.int64(),
    "date": pa.date32(),
    "money": pa.decimal128(18, 2),
    "money_ratio": pa.float64(),
    "ratio": pa.float64(),
    "str": pa.string(),
}


def _records(con: duckdb.DuckDBPyConnection, table: str) -> list[dict]:
    cur = con.execute(f"SELECT * FROM {table}")
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _to_arrow(name: str, rows: list[dict]) -> pa.Table:
    spec = METRIC_TABLES[name]
    arrays = []
    for col, kind in spec.kinds.items():
        values = [r[col] for r in rows]
        if kind == "money":
            values = [None if v is None else Decimal(v).scaleb(-2) for v in values]
        arrays.append(pa.array(values, _ARROW[kind]))
    table = pa.Table.from_arrays(arrays, names=list(spec.kinds))
    return table.sort_by([(k, "ascending") for k in spec.key])


def compute_tables(con: duckdb.DuckDBPyConnection) -> dict[str, pa.Table]:
    con.execute(PREPARE)
    ratio, mratio = contract.DECIMALS["ratio"], contract.DECIMALS["money_ratio"]
    out: dict[str, pa.Table] = {}

    rows = _records(con, "sd")
    for r in rows:
        bo, cr, cap = int(r["box_office"]), int(r["concession_revenue"]), r["capacity"]
        total = bo + cr
        r["occupancy"] = quotient(r["admissions"], cap, ratio)
        r["atp"] = quotient(bo, r["paid_admissions"] * MICROS, mratio)
        r["spend_per_head"] = quotient(cr, r["admissions"] * MICROS, mratio)
        r["attach_rate"] = quotient(r["with_both"], r["with_ticket"], ratio)
        r["revenue_per_seat"] = quotient(total, cap * MICROS, mratio)
        r["box_office"], r["concession_revenue"], r["total_revenue"] = money(bo), money(cr), money(total)
    out["site_daily"] = _to_arrow("site_daily", rows)

    rows = _records(con, "sp")
    for r in rows:
        bo = int(r["box_office"])
        r["occupancy"] = quotient(r["admissions"], r["capacity"], ratio)
        r["atp"] = quotient(bo, r["paid_admissions"] * MICROS, mratio)
        r["box_office"] = money(bo)
    out["session_performance"] = _to_arrow("session_performance", rows)

    rows = _records(con, "fw")
    for r in rows:
        bo, prev = int(r["box_office"]), r["prev_box_office"]
        r["per_screen_average"] = quotient(bo, r["screens"] * MICROS, mratio)
        r["wow_change"] = None if prev is None else quotient(bo - int(prev), int(prev), ratio)
        r["box_office"], r["ltd_box_office"] = money(bo), money(int(r["ltd_box_office"]))
    out["film_weekly"] = _to_arrow("film_weekly", rows)

    rows = _records(con, "hd")
    for r in rows:
        r["box_office"] = money(int(r["box_office"]))
        r["concession_revenue"] = money(int(r["concession_revenue"]))
    out["hourly_demand"] = _to_arrow("hourly_demand", rows)

    rows = _records(con, "ld")
    for r in rows:
        mcr, madm = int(r["member_concession_revenue"]), r["member_admissions"]
        r["member_share"] = quotient(madm, r["admissions"], ratio)
        r["member_spend_per_head"] = quotient(mcr, madm * MICROS, mratio)
        r["member_concession_revenue"] = money(mcr)
    out["loyalty_daily"] = _to_arrow("loyalty_daily", rows)

    rows = _records(con, "cd")
    for r in rows:
        rev = int(r["revenue"])
        r["revenue_share"] = quotient(rev, int(r["day_revenue"]), ratio)
        r["units_per_admission"] = quotient(r["units"], r["site_admissions"], ratio)
        r["revenue"] = money(rev)
    out["concession_daily"] = _to_arrow("concession_daily", rows)
    out["pos_lines_daily"] = _to_arrow("pos_lines_daily", _records(con, "pl"))
    return out


def to_pandas(table: pa.Table) -> pd.DataFrame:
    """Dates stay datetime.date and money stays Decimal, so comparisons are exact."""
    return table.to_pandas(date_as_object=True)
