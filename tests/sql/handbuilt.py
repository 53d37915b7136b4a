"""A small hand-built set of the curated tables, in the job's Parquet layout.

Chosen to reveal dialect differences rather than to be realistic: Sundays (ISO 7 in
Trino, 0 in DuckDB's dayofweek), weeks crossing a month (and partition) boundary, gap
weeks and zero denominators (NULL ratios), after-midnight shows, cancelled shows with
capacity 0, occupancy exactly on band boundaries, and every local hour 0-23.

The tables, their columns and types come from the metric declarations (metric_tables.json,
written by `make generate`), not from this file: the rows below set the values the cases need,
and `complete` fills every other declared column from its kind (a ratio declared as `a / b`
computed from the row, NULL on a zero denominator). A declared table with no hand-built rows gets
rows over its key, so a new metric is in the set with no edit here.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[2]
METRIC_TABLES_JSON = ROOT / "scripts" / "athena" / "metric_tables.json"
TABLES: dict[str, dict] = json.loads(METRIC_TABLES_JSON.read_text(encoding="utf-8"))["tables"]
SITES = (1, 2)
FIRST_DAY = date(2024, 1, 24)  # a Wednesday; the range crosses into February
DAYS = 21


def _money(x: float) -> Decimal:
    return Decimal(f"{x:.2f}")


def _ratio(n: float, d: float, places: int = 4) -> float | None:
    return None if not d else round(float(n) / float(d), places)


def _friday_on_or_before(d: date) -> date:
    return d - timedelta(days=(d.weekday() - 4) % 7)


def build_rows(seed: int = 11) -> dict[str, list[dict[str, object]]]:
    rng = random.Random(seed)
    site_daily: list[dict[str, object]] = []
    loyalty: list[dict[str, object]] = []
    hourly: list[dict[str, object]] = []
    sessions: list[dict[str, object]] = []
    showtime_id = 1000
    for site in SITES:
        for i in range(DAYS):
            d = FIRST_DAY + timedelta(days=i)
            if site == 2 and i in (3, 10):  # gap days: the "same weekday last week" lookup misses
                continue
            n_sessions = rng.randint(2, 4)
            cap = 0
            adm_total = 0
            paid_total = 0
            box_total = Decimal("0")
            for k in range(n_sessions):
                showtime_id += 1
                cancelled = k == 0 and i % 5 == 0
                seats = 100
                capacity = 0 if cancelled else seats
                # session 1 of day 2 sits exactly on a band boundary; late shows cross midnight
                adm = 10 if (k == 1 and i == 2) else (25 if (k == 1 and i == 4) else rng.randint(0, 90))
                if cancelled:
                    adm = rng.randint(1, 5)  # tickets sold before the cancellation
                comps = rng.randint(0, min(3, adm))
                paid = adm - comps
                box = _money(paid * rng.uniform(6.5, 12.0))
                late = k == n_sessions - 1 and i % 3 == 0
                start = (
                    f"{(d + timedelta(days=1)).isoformat()}T00:30:00"
                    if late
                    else f"{d}T{13 + 3 * k:02d}:15:00"
                )
                sessions.append(
                    {
                        "showtime_id": showtime_id,
                        "site_id": site,
                        "business_date": d,
                        "screen_id": site * 10 + k,
                        "film_id": 1 + (k + i) % 4,
                        "starts_at": start,
                        "status": "cancelled" if cancelled else "scheduled",
                        "capacity": capacity,
                        "admissions": adm,
                        "paid_admissions": paid,
                        "comps": comps,
                        "box_office": box,
                    }
                )
                cap += capacity
                adm_total += adm
                paid_total += paid
                box_total += box
            units = rng.randint(0, 2 * max(adm_total, 1))
            conc = _money(units * rng.uniform(3.0, 6.0))
            total = box_total + conc
            # one day with no revenue at all: the next week's comparison divides by zero
            if site == 1 and i == 1:
                box_total, conc, total, units, adm_total, paid_total = (Decimal("0.00"),) * 3 + (0, 0, 0)
            site_daily.append(
                {
                    "site_id": site,
                    "business_date": d,
                    "sessions": n_sessions,
                    "capacity": cap,
                    "admissions": adm_total,
                    "paid_admissions": paid_total,
                    "box_office": box_total,
                    "concession_units": units,
                    "concession_revenue": conc,
                    "total_revenue": total,
                    "transactions": rng.randint(adm_total // 3, adm_total + 1),
                }
            )
            member = rng.randint(0, adm_total)
            uniq = 0 if i == 5 else rng.randint(1, max(1, member))
            mconc = _money(float(conc) * rng.random())
            loyalty.append(
                {
                    "site_id": site,
                    "business_date": d,
                    "admissions": adm_total,
                    "member_admissions": member,
                    "unique_members": uniq,
                    "returning_members": rng.randint(0, uniq),
                    "member_concession_revenue": mconc,
                }
            )
            for hour in range(24):
                if rng.random() < 0.3 and hour not in (0, 5, 23):
                    continue
                tickets = rng.randint(-1, 40)
                hourly.append(
                    {
                        "site_id": site,
                        "business_date": d,
                        "hour": hour,
                        "transactions": rng.randint(1, 30),
                        "tickets": tickets,
                        "box_office": _money(tickets * 9.5),
                        "concession_units": rng.randint(0, 30),
                        "concession_revenue": _money(rng.uniform(0, 150)),
                    }
                )
    film_weekly: list[dict[str, object]] = []
    first_week = _friday_on_or_before(FIRST_DAY)
    for film in (2, 1, 3, 4):  # film 2 first: film 1 copies its week-4 box office (a rank tie)
        ltd = Decimal("0")
        prev_box: Decimal | None = None
        for w in range(4):
            if film == 3 and w == 1:  # a gap week: next week's previous week is missing
                prev_box = None
                continue
            ws = first_week + timedelta(days=7 * w)
            box = Decimal("0.00") if (film == 4 and w == 0) else _money(rng.uniform(500, 5000))
            if film == 2 and w == 2:
                box = prev_box or box  # same as last week: wow_change exactly 0
            if film == 1 and w == 3:
                box = next(
                    r["box_office"] for r in film_weekly if r["film_id"] == 2 and r["week_start"] == ws
                )
            ltd += box
            screens = rng.randint(1, 4)
            n = rng.randint(0, 12) if not (film == 4 and w == 1) else 0
            film_weekly.append(
                {
                    "film_id": film,
                    "week_start": ws,
                    "week_number": w + 1,
                    "admissions": int(box / 9),
                    "box_office": box,
                    "sessions": n,
                    "screens": screens,
                    "sites": min(screens, 2),
                    "wow_change": _ratio(box - prev_box, prev_box) if prev_box else None,
                    "ltd_box_office": ltd,
                }
            )
            prev_box = box
    hand = {
        "site_daily": site_daily,
        "session_performance": sessions,
        "film_weekly": film_weekly,
        "hourly_demand": hourly,
        "loyalty_daily": loyalty,
    }
    return {t: complete(t, hand.get(t) or key_rows(t), seed) for t in TABLES}


# ------------------------------------------------------------------ from the declarations

RATIO = re.compile(r"^(\w+) / (\w+)\b")  # a definition "numerator / denominator ..."


def key_rows(table: str) -> list[dict[str, object]]:
    """One row per combination of key values, for a declared table this file builds no rows of."""
    kinds = {c["name"]: c["kind"] for c in TABLES[table]["columns"]}
    values = {
        "id": SITES,
        "date": tuple(FIRST_DAY + timedelta(days=i) for i in range(DAYS)),
        "count": (0, 1, 2),
        "str": ("alpha", "beta", "gamma"),
    }
    rows: list[dict[str, object]] = [{}]
    for col in TABLES[table]["key"]:
        rows = [{**r, col: v} for r in rows for v in values[kinds[col]]]
    return rows


def complete(table: str, rows: list[dict[str, object]], seed: int = 11) -> list[dict[str, object]]:
    """Every declared column of every row: the values set by hand, the others from the column's
    kind (ratios after the other columns, from their `a / b` definition when the row has both)."""
    columns = TABLES[table]["columns"]
    declared = {c["name"] for c in columns}
    rng = random.Random(f"{seed}/{table}")
    out = []
    for row in rows:
        unknown = sorted(set(row) - declared)
        assert not unknown, f"{table}: {unknown} are not declared columns (metric_tables.json)"
        full = dict(row)
        for c in sorted(columns, key=lambda c: c["kind"] in ("ratio", "money_ratio")):
            if c["name"] not in full:
                full[c["name"]] = _value(c, full, rng)
        out.append({c["name"]: full[c["name"]] for c in columns})
    return out


def _value(column: dict[str, str], row: dict[str, object], rng: random.Random) -> object:
    kind = column["kind"]
    if kind in ("ratio", "money_ratio"):
        m = RATIO.match(column["definition"])
        if m and m.group(1) in row and m.group(2) in row:
            return _ratio(row[m.group(1)], row[m.group(2)])  # type: ignore[arg-type]
        return round(rng.random() if kind == "ratio" else rng.uniform(0, 20), 4)
    return {
        "id": lambda: rng.randint(1, 9),
        "count": lambda: rng.randint(0, 90),
        "money": lambda: _money(rng.uniform(0, 900)),
        "date": lambda: FIRST_DAY + timedelta(days=rng.randrange(DAYS)),
        "str": lambda: rng.choice(("alpha", "beta", "gamma")),
    }[kind]()


def _arrow_type(athena_type: str) -> pa.DataType:
    if m := re.fullmatch(r"decimal\((\d+),(\d+)\)", athena_type):
        return pa.decimal128(int(m.group(1)), int(m.group(2)))
    return {"bigint": pa.int64(), "date": pa.date32(), "double": pa.float64(), "string": pa.string()}[
        athena_type
    ]


def write_tables(out: Path, rows: dict[str, list[dict[str, object]]]) -> Path:
    """Write <out>/metrics/<table>/partition_month=YYYY-MM/part-0.parquet like the job, each
    table partitioned by the month of its declared date column."""
    for table, table_rows in rows.items():
        cols = TABLES[table]["columns"]
        schema = pa.schema([(c["name"], _arrow_type(c["type"])) for c in cols])
        month_of = TABLES[table]["date_column"]
        by_month: dict[str, list[dict[str, object]]] = {}
        for r in complete(table, table_rows):
            by_month.setdefault(r[month_of].strftime("%Y-%m"), []).append(r)  # type: ignore[attr-defined]
        for month, part in by_month.items():
            folder = out / "metrics" / table / f"partition_month={month}"
            folder.mkdir(parents=True, exist_ok=True)
            pq.write_table(pa.Table.from_pylist(part, schema=schema), folder / "part-0.parquet")
    return out


# Two runs of the job as it records them (docs/contract/runs.md): a success, then a failure an
# hour later (which must not count as fresh), and the success's quarantined lines.
LAST_SUCCESS = "2024-02-14T06:30:00Z"
QUALITY_RUNS = (
    {"run_id": "2024-02-14T06-00-00Z-a1", "status": "succeeded", "mode": "run",
     "started_at": "2024-02-14T06:00:00Z", "finished_at": LAST_SUCCESS, "seconds": 1800.0,
     "lines_read": 400, "lines_accepted": 390, "lines_quarantined": 10, "files_read": 4,
     "files_rejected": {}, "quarantined_by_reason": {"malformed_json": 6, "bad_type": 4},
     "full_recompute": False, "error": None},
    {"run_id": "2024-02-14T07-00-00Z-b2", "status": "failed", "mode": "run",
     "started_at": "2024-02-14T07:00:00Z", "finished_at": "2024-02-14T07:05:00Z", "seconds": 300.0,
     "error": "the POS source is unreachable"},
)  # fmt: skip


def write_quality_records(out: Path) -> Path:
    """Write the job's run reports (<out>/runs/) and quarantine records (<out>/quarantine/)
    beside <out>/metrics, as the job does: the data-quality tables the dashboard reads."""
    for run in QUALITY_RUNS:
        folder = out / "runs" / f"run_date={run['run_id'][:10]}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{run['run_id']}.json").write_text(json.dumps(run) + "\n", encoding="utf-8")
    lines = [
        {"source_file": "pos/2024-02-13/a.jsonl", "line_number": n, "reason": reason, "raw": "{}",
         "raw_cut": False, "site_id": site, "business_date": day, "detail": None}
        for n, (reason, site, day) in enumerate(
            [("malformed_json", None, None)] * 2 + [("malformed_json", 1, "2024-02-01")] * 4
            + [("bad_type", 2, "2024-02-02")] * 3 + [("bad_type", 2, "2024-02-03")], start=1
        )
    ]  # fmt: skip
    folder = out / "quarantine" / "run_date=2024-02-14"
    folder.mkdir(parents=True, exist_ok=True)
    text = "".join(json.dumps(line) + "\n" for line in lines)
    (folder / f"{QUALITY_RUNS[0]['run_id']}.jsonl").write_text(text, encoding="utf-8")
    return out


def run_job_small(work: Path) -> Path:
    """Generate a small snapshot and run the real job on it; returns the run's output folder.

    Uses the console scripts (as `make dashboard` users do) so the test exercises the same
    layout the dashboard reads. A missing or failing command fails with its stderr.
    """
    cli = Path(sys.executable).with_name("cinema-metrics")
    sources, output = work / "sources", work / "output"
    for argv in (
        [str(cli), "generate", "--out", str(sources), "--sites", "2", "--days", "17", "--seed", "6"],
        [str(cli), "run", "--sources", str(sources), "--output", str(output)],
    ):
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=1200, check=False)
        assert proc.returncode == 0, (
            f"{' '.join(argv[1:3])} failed ({proc.returncode}):\n{proc.stderr[-3000:]}"
        )
    return output
