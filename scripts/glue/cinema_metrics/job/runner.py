"""One run of the metrics job (CONTRACT.md 4): read new POS files, validate, quarantine,
append accepted lines to the state, recompute the metric rows they touch, write the sinks.

Order of effects (crash safety): dimension validation (fatal, nothing written) -> clean
what killed runs left -> run folder (lines, staging) -> quarantine file named by the run
-> metric partitions (atomic per-file replace) -> DynamoDB -> run_report.json -> manifest
(atomic replace, the commit). A run killed before the commit is repeated by the next run,
which recomputes a superset of the same rows, so nothing is lost or doubled.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from cinema_metrics import contract
from cinema_metrics.job import read
from cinema_metrics.job import state as st
from cinema_metrics.job.aggregate import RETURNING_WINDOW_DAYS, aggregate, member_days
from cinema_metrics.job.parse import COLUMNS, EPOCH_DATE, Context, raw_lines
from cinema_metrics.job.tables import (
    TABLES,
    DimFrames,
    build_day_tables,
    build_film_weeks,
    date_column,
    dim_frames,
    finish_film_weekly,
    week_start,
)
from cinema_metrics.sources import Dimensions, PosFile, discover_pos, load_dimensions

# An accepted line: the parser's columns less the file index and the quarantine ones.
LINE_COLUMNS = tuple(c for c in COLUMNS if c not in ("file_idx", "reason", "raw"))
_MAX_US = 2**63 - 1


@dataclass
class DynamoTarget:
    """Where the changed rows go: a boto3 DynamoDB client and the table-name prefix."""

    client: Any
    prefix: str = ""


class Progress:
    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.t0 = self.t = time.monotonic()
        self.timings: dict[str, float] = {}

    def step(self, name: str, detail: str = "") -> None:
        now = time.monotonic()
        self.timings[name] = round(now - self.t, 3)
        if self.enabled:
            print(f"[run] {name:<28} {now - self.t:7.2f}s  {detail}", file=sys.stderr, flush=True)
        self.t = now

    @property
    def total(self) -> float:
        return round(time.monotonic() - self.t0, 3)


def _day(d: str | dt.date) -> int:
    if isinstance(d, str):
        d = dt.date.fromisoformat(d)
    return (d - EPOCH_DATE).days


def _iso(day: int) -> str:
    return (EPOCH_DATE + dt.timedelta(days=int(day))).isoformat()


def build_context(dims: Dimensions, dimf: DimFrames) -> Context:
    sites = dict(
        zip(dims["ecr.sites"]["site_id"].tolist(), dims["ecr.sites"]["timezone"].tolist(), strict=True)
    )
    s = dimf.shows
    cols = [s[c].tolist() for c in ("showtime_id", "site_id", "screen_id", "film_id", "day")]
    showtimes = {i: (a, b, c, d) for i, a, b, c, d in zip(*cols, strict=True)}
    members: dict[int, list[tuple[int, int]]] = {}
    lm = dims["crm.loyalty_memberships"]
    joined = pd.to_datetime(lm["joined_at"]).to_numpy("datetime64[us]")
    cancelled = pd.to_datetime(lm["cancelled_at"]).to_numpy("datetime64[us]")
    ju = joined.astype("int64").tolist()
    cu = np.where(np.isnat(cancelled), _MAX_US, cancelled.astype("int64")).tolist()
    for cid, j, c in zip(lm["customer_id"].tolist(), ju, cu, strict=True):
        members.setdefault(cid, []).append((j, c))
    return Context(sites=sites, showtimes=showtimes, members=members)


def _write_quarantine(rows, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    path.parent.mkdir(parents=True, exist_ok=True)
    with tmp.open("w", encoding="utf-8") as f:
        for r in rows:
            rec = {"source_file": r[0], "line_number": r[1], "reason": r[2], "raw": r[3]}
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    os.replace(tmp, path)


def _write_indexes(lines, rdir: Path) -> None:
    """Two small per-run indexes next to the lines, so later runs need not scan a year of lines:
    keys/ (transaction_id, line_no) for rule 11, members/ (customer_id, site_id, day) for
    unique/returning members; written to a temp folder, then renamed."""
    for kind, frame in (("keys", lines.select("transaction_id", "line_no")), ("members", member_days(lines))):
        tmp = rdir / f".{kind}.tmp"
        frame.write.mode("overwrite").parquet(str(tmp))
        shutil.rmtree(rdir / kind, ignore_errors=True)
        os.replace(tmp, rdir / kind)


def ensure_indexes(session: Callable[[], Any], state: Path, m: st.Manifest) -> int:
    """Build the indexes of committed runs that lack them (state written before they existed)."""
    built = 0
    for r in m.runs:
        rdir = st.run_dir(state, r["id"])
        if not r["partitions"] or ((rdir / "keys").is_dir() and (rdir / "members").is_dir()):
            continue
        paths = [str(rdir / "lines" / f"pd={p}") for p in r["partitions"]]
        existing = [p for p in paths if Path(p).is_dir()]
        lines = read.read_parquet(session(), read.LINES_SCHEMA, *existing, drop=("pd",))
        _write_indexes(lines, rdir)
        built += 1
    return built


def _duplicates(candidates: Path, prior_paths: list[str]) -> list[tuple[int, int]]:
    """(file_idx, line_number) of the candidate lines that rule 11 quarantines.

    Arrow on the driver, not Spark: only four small columns are read, and the common case
    (few duplicates) needs a hash count of this run's keys and a filtered scan of the
    earlier runs' key indexes; as Spark jobs those cost an increment ~4 s of start-up.
    The rows behind the suspect keys are then ordered and the first copy by (file, line)
    is kept.
    """
    import pyarrow.compute as pc
    import pyarrow.dataset as ds

    keys = ["transaction_id", "line_no"]
    cand = ds.dataset(str(candidates), format="parquet").to_table(columns=[*keys, "file_idx", "line_number"])
    counts = cand.group_by(keys).aggregate([([], "count_all")])
    suspects = counts.filter(pc.greater(counts["count_all"], 1)).select(keys)
    seen_before: set[tuple[str, int]] = set()
    folders = [p for p in prior_paths if Path(p).is_dir()]
    if folders:
        prior = ds.dataset([ds.dataset(p, format="parquet") for p in folders])
        txns = pc.unique(counts["transaction_id"])
        hits = prior.to_table(columns=keys, filter=pc.field("transaction_id").isin(txns))
        hits = hits.join(counts.select(keys), keys, join_type="left semi")
        seen_before = set(zip(*(hits[k].to_pylist() for k in keys), strict=True))
        if seen_before:
            suspects = pa.concat_tables([suspects, hits.select(keys)])
    if suspects.num_rows == 0:
        return []
    rows = cand.join(suspects.group_by(keys).aggregate([]), keys, join_type="left semi")
    first: dict[tuple[str, int], tuple[int, int]] = {}
    found = list(zip(*(rows[c].to_pylist() for c in [*keys, "file_idx", "line_number"]), strict=True))
    for txn, line_no, idx, n in found:
        k, at = (txn, line_no), (idx, n)
        if k not in first or at < first[k]:
            first[k] = at
    return sorted(
        (idx, n)
        for txn, line_no, idx, n in found
        if (txn, line_no) in seen_before or first[(txn, line_no)] != (idx, n)
    )


def _parse_and_dedupe(
    session: Callable[[], Any],
    files: list[PosFile],
    ctx: Context,
    m: st.Manifest,
    state: Path,
    run_id: str,
    prog,
    ship_content: bool = False,
):
    """Parse new files, apply rule 11, write accepted lines under the run folder.

    Returns (lines_read, accepted lines, reason counts, quarantine rows iterator factory,
    partitions, new-line facts). Every pass after the parse reads the staged Parquet, so the
    Python parse runs once.
    """
    from pyspark.sql import functions as F

    rdir = st.run_dir(state, run_id)
    staging = rdir / "parsed"
    shutil.rmtree(staging, ignore_errors=True)
    specs = [(i, f.relpath, f.path, os.stat(f.path).st_size) for i, f in enumerate(files)]
    summary = read.stage_files(session, specs, ctx, staging, ship_content)
    spark = session()
    prog.step("parse+validate (rules 1-10)", f"{len(files)} files")
    counts: dict[str | None, int] = {}
    # Facts of the candidates, dropped duplicates included: a (rare) superset of what the
    # accepted lines touch, so at worst a few more rows are recomputed, never fewer.
    facts: dict[str, Any] = {"days": set(), "member_days": set(), "sale_range": {}}
    n_cand = 0
    for reason, p, sd, member, n in summary:
        if reason is not None:
            counts[reason] = counts.get(reason, 0) + n
            continue
        n_cand += n
        pi, si = _iso(p), _iso(sd)
        lo_hi = facts["sale_range"].setdefault(pi, [si, si])
        lo_hi[0], lo_hi[1] = min(lo_hi[0], si), max(lo_hi[1], si)
        facts["days"].update((p, sd))
        if member:
            facts["member_days"].add(p)
    lines_read = n_cand + sum(counts.values())
    cand = read.read_parquet(spark, read.CANDIDATE_SCHEMA, str(staging / read.CANDIDATES)) if n_cand else None
    prior = st.index_paths(state, m, None, "keys")
    dup_at = _duplicates(staging / read.CANDIDATES, prior) if n_cand else []
    n_dups = len(dup_at)
    lines_dir = rdir / "lines"
    if cand is not None:
        accepted = cand
        if n_dups:
            dups = spark.createDataFrame(dup_at, "file_idx int, line_number int")
            accepted = cand.join(F.broadcast(dups), ["file_idx", "line_number"], "left_anti")
        # No shuffle: each task writes its rows into the pd= folders it holds (the writer sorts locally).
        accepted.select(*LINE_COLUMNS).write.mode("overwrite").partitionBy("pd").parquet(str(lines_dir))
    prog.step("duplicates + state append", f"{n_dups} duplicate lines")
    partitions = sorted(p.name[3:] for p in lines_dir.glob("pd=*")) if lines_dir.is_dir() else []
    if partitions:
        _write_indexes(read.read_parquet(spark, read.LINES_SCHEMA, str(lines_dir)), rdir)
    if n_dups:
        counts["duplicate_line"] = n_dups
    accepted_n = lines_read - sum(counts.values())

    def quarantine_rows():
        import pyarrow.parquet as pq

        cols = list(read.REJECTED_SCHEMA.names)
        rejected = staging / read.REJECTED
        q = (
            pq.read_table(rejected, schema=read.REJECTED_SCHEMA).to_pandas()
            if rejected.is_dir()
            else pd.DataFrame(columns=cols)
        )
        if n_dups:
            d = pd.DataFrame(dup_at, columns=["file_idx", "line_number"])
            d["source_file"] = [files[i].relpath for i in d["file_idx"]]
            d["reason"] = "duplicate_line"
            d["raw"] = None
            q = pd.concat([q, d[cols]], ignore_index=True)
        q = q.sort_values(["file_idx", "line_number"], kind="stable")
        cached: tuple[int, dict[int, str]] = (-1, {})
        for idx, rel, n, reason, raw in q.itertuples(index=False, name=None):
            if not isinstance(raw, str):
                # a duplicate: its text was not kept, read it again (rows come file by file)
                if cached[0] != idx:
                    cached = (idx, dict(raw_lines(rel, files[idx].local.read_bytes())))
                raw = cached[1].get(n, "")
            yield rel, int(n), reason, raw

    return lines_read, accepted_n, counts, quarantine_rows, partitions, facts


def _merge(existing: pd.DataFrame, new: pd.DataFrame, col: str, values: set[int] | None) -> pd.DataFrame:
    if values is None:
        return new.reset_index(drop=True)
    keep = existing[~existing[col].isin(values)]
    return pd.concat([keep, new], ignore_index=True) if len(keep) else new.reset_index(drop=True)


def _returning_update(loyalty: pd.DataFrame, members: pd.DataFrame, extra: set[int]) -> pd.DataFrame:
    """loyalty_daily rows of the `extra` dates with unique/returning members recounted (their
    other columns come from lines this run did not touch)."""
    rows = loyalty[loyalty["business_date"].isin(extra)]
    m = members.rename(columns={"day": "business_date"})
    out = rows.drop(columns=["unique_members", "returning_members"]).merge(
        m[["site_id", "business_date", "unique_members", "returning_members"]],
        on=["site_id", "business_date"],
        how="left",
    )
    for c in ("unique_members", "returning_members"):
        out[c] = out[c].fillna(0).astype("int64")
    return out[list(loyalty.columns)].reset_index(drop=True)


def _months(days) -> set[str]:
    return {_iso(d)[:7] for d in days}


def run_job(
    sources: Path | None,
    output: Path,
    state: Path | None = None,
    *,
    spark=None,
    dynamodb: DynamoTarget | None = None,
    progress: bool = True,
    mysql_url: str | None = None,
    pos_root: Path | None = None,
    recompute_all: bool = False,
    dimensions: Dimensions | None = None,
    ship_content: bool = False,
) -> dict[str, Any]:
    """Run the job once; return the run report (also written to <output>/run_report.json)."""
    prog = Progress(progress)
    if spark is None:
        from cinema_metrics.spark import start_spark_async

        session = start_spark_async().result  # waited for only where Spark is needed
    else:
        session = lambda: spark  # noqa: E731
    output = Path(output)
    state = Path(state) if state is not None else output / "_state"
    dims = dimensions or load_dimensions(
        Path(sources) if sources is not None else None, mysql_url, cache=state / "cache" / "dimensions"
    )
    dimf = dim_frames(dims)
    ctx = build_context(dims, dimf)
    prog.step("dimensions", f"{len(dimf.shows)} showtimes, {len(ctx.members)} members")

    m = st.load(state)
    st.clean_uncommitted(state, output, m)
    pos = pos_root if pos_root is not None else (Path(sources) / "pos" if sources is not None else None)
    known = {rel: (sig, m.files[rel]) for rel, sig in m.stats.items() if rel in m.files}
    found = discover_pos(Path(pos), known=known) if pos is not None else []
    todo = [f for f in found if m.files.get(f.relpath) != f.sha256]
    prog.step("discover POS files", f"{len(found)} found, {len(todo)} new or changed")

    existing = {t: _read_existing(output, t) for t in TABLES}
    full = recompute_all or any(len(existing[t]) != m.tables.get(t, 0) for t in TABLES)
    if ensure_indexes(session, state, m):
        prog.step("index earlier runs")
    run_id = st.new_run_id()
    report: dict[str, Any] = {
        "lines_read": 0,
        "lines_accepted": 0,
        "lines_quarantined": 0,
        "quarantined_by_reason": {},
        "files_read": len(todo),
        "tables": {},
        "run_id": run_id,
    }
    partitions: list[str] = []
    facts: dict[str, Any] = {"days": set(), "member_days": set(), "sale_range": {}}
    quarantine_path = output / "quarantine" / f"{run_id}.jsonl"
    if todo:
        lines_read, accepted_n, counts, qrows, partitions, facts = _parse_and_dedupe(
            session, todo, ctx, m, state, run_id, prog, ship_content
        )
        report["lines_read"] = lines_read
        report["lines_accepted"] = accepted_n
        report["lines_quarantined"] = lines_read - accepted_n
        report["quarantined_by_reason"] = {r: counts[r] for r in contract.REASONS if counts.get(r)}
        if report["lines_quarantined"]:
            _write_quarantine(qrows(), quarantine_path)
        prog.step("quarantine", f"{report['lines_quarantined']} lines")

    # ---- which metric rows this run touches
    # days: business dates whose line metrics change (sale and session dates of the new lines).
    # extra: later dates where only returning_members can change (a new member admission on E
    # counts on E+1..E+30 at every site): recomputed from the small member-day index, no lines.
    # weeks: film weeks of the new admissions; film_weekly needs every showtime of those weeks.
    if full:
        days = extra = weeks = wanted = None
    else:
        days = set(facts["days"])
        extra = set()
        for e in facts["member_days"]:
            extra.update(range(e + 1, e + RETURNING_WINDOW_DAYS + 1))
        extra -= days
        weeks = {int(week_start(d)) for d in days}
        need = set(days)
        for w in weeks:
            need.update(range(w, w + 7))
        sale_range = {**m.sale_range}
        for p, (lo, hi) in facts["sale_range"].items():
            old = sale_range.get(p)
            sale_range[p] = [min(lo, old[0]), max(hi, old[1])] if old else [lo, hi]
        for p, (lo, hi) in sale_range.items():
            a, b = _day(lo), _day(hi)
            if any(a <= d <= b for d in days):
                need.add(_day(p))
        wanted = {_iso(d) for d in need}
    tables = dict(existing)
    touched: dict[str, pd.DataFrame] = {}
    if full or days:
        spark = session()
        this_run = (run_id, partitions) if partitions else None
        paths = st.partition_paths(state, m, this_run, wanted)
        paths = [p for p in paths if Path(p).is_dir()]
        members_in = None
        if not full:
            target = days | extra
            lo, hi = min(target) - RETURNING_WINDOW_DAYS, max(target)
            mpaths = [p for p in st.index_paths(state, m, this_run, "members") if Path(p).is_dir()]
            from pyspark.sql import functions as F

            members_in = (
                read.read_parquet(spark, read.MEMBERS_SCHEMA, *mpaths).where(F.col("day").between(lo, hi))
                if mpaths
                else spark.createDataFrame([], read.spark_schema(read.MEMBERS_SCHEMA))
            )
        agg = (
            aggregate(
                read.read_parquet(spark, read.LINES_SCHEMA, *paths, drop=("pd",)),
                members_in,
            )
            if paths
            else _empty_aggregates()
        )
        prog.step("aggregate lines", f"{len(paths)} partition folders")
        new_tables = build_day_tables(agg, dimf, days)
        for t, frame in new_tables.items():
            tables[t] = _merge(existing[t], frame, "business_date", days)
            touched[t] = frame
        if extra:
            loyal = _returning_update(tables["loyalty_daily"], agg.members, extra)
            tables["loyalty_daily"] = _merge(tables["loyalty_daily"], loyal, "business_date", extra)
            touched["loyalty_daily"] = pd.concat([touched["loyalty_daily"], loyal], ignore_index=True)
        fw = build_film_weeks(agg, dimf, tables["session_performance"], weeks)
        merged_fw = finish_film_weekly(_merge(existing["film_weekly"], fw, "week_start", weeks))
        tables["film_weekly"] = merged_fw
        if weeks is None:
            touched["film_weekly"] = merged_fw
        else:
            first = fw.groupby("film_id")["week_start"].min()
            starts = merged_fw["film_id"].map(first)
            touched["film_weekly"] = merged_fw[starts.notna() & (merged_fw["week_start"] >= starts)]
        prog.step("assemble tables", " ".join(f"{t}={len(f)}" for t, f in touched.items()))

        from cinema_metrics.job import sinks

        for t in TABLES:
            col = date_column(t)
            months = _months(touched[t][col].tolist())
            if days is not None:
                months |= _months(days) if col == "business_date" else _months(weeks or ())
                if t == "loyalty_daily":
                    months |= _months(extra or ())
            else:
                months |= {
                    p.name.split("=", 1)[1] for p in sinks.table_dir(output, t).glob("partition_month=*")
                }
            sinks.write_months(output, t, tables[t], months)
        prog.step("write parquet")
        if dynamodb is not None:
            from cinema_metrics.job.dynamodb import write_tables

            written = write_tables(dynamodb.client, dynamodb.prefix, touched)
            report["dynamodb_items"] = written
            prog.step("write dynamodb", f"{sum(written.values())} items")

    report["tables"] = {t: len(tables[t]) for t in TABLES}
    report["changed_keys"] = {t: len(touched.get(t, ())) for t in TABLES}
    report["full_recompute"] = bool(full)
    report["timings"] = prog.timings
    report["seconds"] = prog.total
    output.mkdir(parents=True, exist_ok=True)
    tmp = output / ".run_report.json.tmp"
    tmp.write_text(json.dumps(report, indent=2, sort_keys=False) + "\n")
    os.replace(tmp, output / "run_report.json")

    # ---- commit
    for f in todo:
        m.files[f.relpath] = f.sha256
    for f in found:
        if f.signature and m.files.get(f.relpath) == f.sha256:
            m.stats[f.relpath] = f.signature
        else:
            m.stats.pop(f.relpath, None)
    if todo:
        m.runs.append({"id": run_id, "partitions": partitions})
        for p, (lo, hi) in facts["sale_range"].items():
            old = m.sale_range.get(p)
            m.sale_range[p] = [min(lo, old[0]), max(hi, old[1])] if old else [lo, hi]
    m.tables = report["tables"]
    st.commit(state, m)
    shutil.rmtree(st.run_dir(state, run_id) / "parsed", ignore_errors=True)
    if todo and not partitions:  # nothing accepted: keep the run listed (its files) but no folder needed
        shutil.rmtree(st.run_dir(state, run_id) / "lines", ignore_errors=True)
    prog.step("commit", f"run {run_id}")
    return report


def _read_existing(output: Path, table: str) -> pd.DataFrame:
    from cinema_metrics.job import sinks

    return sinks.read_table(output, table)


def _empty_aggregates():
    from cinema_metrics.job.aggregate import Aggregates

    return Aggregates(
        shows=pd.DataFrame(
            columns=[
                "showtime_id",
                "lines",
                "admissions",
                "paid_admissions",
                "comps",
                "box_cents",
                "member_admissions",
            ],
            dtype="int64",
        ),
        hours=pd.DataFrame(
            columns=[
                "site_id",
                "hour",
                "transactions",
                "tickets",
                "box_cents",
                "conc_units",
                "conc_cents",
                "member_conc_cents",
                "day",
            ],
            dtype="int64",
        ),
        days=pd.DataFrame(
            columns=["site_id", "transactions", "attach_den", "attach_num", "day"], dtype="int64"
        ),
        members=pd.DataFrame(
            columns=["site_id", "day", "unique_members", "returning_members"], dtype="int64"
        ),
    )
