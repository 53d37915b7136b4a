"""One run of the metrics job (CONTRACT.md 4): read new POS files, validate, quarantine,
append accepted lines to the state, recompute the metric rows they touch, write the sinks.

Every byte goes through a Store (storage.py): the state and the outputs are folders or S3
prefixes alike, and Spark tasks open them themselves (no task touches a driver path).
Order of effects (crash safety, job/state.py): dimension validation (fatal, nothing
written) -> finish the last committed run's apply if it was cut short, delete what killed
runs staged -> stage everything under tmp/<run>/ (parsed lines, accepted lines, indexes,
metric months, quarantine, changed rows) -> commit record -> HEAD (the commit) -> apply
(copy into place, files index, curated months, quarantine, DynamoDB, run_report.json) ->
HEAD applied. A run killed before HEAD is repeated whole by the next run; one killed after
it is applied again. Nothing is lost or doubled.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cinema_metrics import contract
from cinema_metrics.errors import CliError
from cinema_metrics.job import read, sinks
from cinema_metrics.job import state as st
from cinema_metrics.job.aggregate import RETURNING_WINDOW_DAYS, aggregate
from cinema_metrics.job.config import DynamoTarget, RunConfig
from cinema_metrics.job.discover import Candidate, discover
from cinema_metrics.job.keys import KeyIndex, key_index
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
from cinema_metrics.sources import Dimensions, load_dimensions
from cinema_metrics.storage import Store, parallel_map

# An accepted line: the parser's columns less the file index and the quarantine ones.
LINE_COLUMNS = tuple(c for c in COLUMNS if c not in ("file_idx", "reason", "raw"))
_MAX_US = 2**63 - 1


__all__ = ["DynamoTarget", "RunConfig", "run", "run_job"]


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


def _duplicates(cand: pa.Table, index: KeyIndex) -> list[tuple[int, int]]:
    """(file_idx, line_number) of the candidate lines that rule 11 quarantines.

    Arrow on the driver: a hash count of this run's keys finds copies within the run, the
    key index answers for earlier runs (only this run's keys are asked). Among the rows
    behind a suspect key the first copy by (file, line) is kept, unless an earlier run has it.
    """
    keys = ["transaction_id", "line_no"]
    counts = cand.group_by(keys).aggregate([([], "count_all")])
    suspects = counts.filter(pc.greater(counts["count_all"], 1)).select(keys)
    seen_before = index.seen(counts.select(keys))
    if seen_before:
        t, n = zip(*seen_before, strict=True)
        prior = pa.table({"transaction_id": pa.array(t, pa.string()), "line_no": pa.array(n, pa.int32())})
        suspects = pa.concat_tables([suspects, prior])
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


class Staged:
    """What a run stages under tmp/<run>/ before its commit, and where apply puts it."""

    def __init__(self, run_id: str):
        self.run_id = run_id
        self.record = st.Commit(run_id)
        self.keys: list[str] = []

    def lines(self, written: list[tuple[str, str, int]]) -> list[str]:
        """Stage the accepted-line objects; return the line objects (this run's part of lines/)."""
        out = []
        for kind, rel, _rows in written:
            name = rel.rsplit("/", 1)[1]
            folder = rel[len(st.tmp(self.run_id)) :].rsplit("/", 1)[0]
            if kind == "keys":
                self.keys.append(rel)
                continue
            self.record.copies.append([rel, f"{folder}/{self.run_id}-{name}"])
            if kind == "lines":
                out.append(rel)
        return out


def _parse_and_dedupe(
    session: Callable[[], Any],
    todo: list[Candidate],
    ctx: Context,
    pos: Store,
    state: Store,
    index: KeyIndex,
    staged: Staged,
    prog: Progress,
):
    """Parse new files, apply rule 11, stage the accepted lines, keys and member days.

    Returns (lines_read, accepted lines, reason counts, quarantine rows factory, files read
    {relpath: sha256}, new-line facts)."""
    run_id = staged.run_id
    parsed = st.tmp(run_id, "parsed/")
    specs = [((i, c.relpath, c.name, c.old_sha), c.size) for i, c in enumerate(todo)]
    summary = read.stage_files(session, specs, ctx, pos.spec, state.spec, parsed)
    counts: dict[str, int] = {}
    facts: dict[str, Any] = {"days": set(), "member_days": set(), "sale_range": {}}
    shas: dict[int, str] = {}
    n_cand = 0
    read_idx: set[int] = set()
    for reason, p, sd, member, n, idx, sha in summary:
        if sha is not None:
            shas[idx] = sha
            if n:
                read_idx.add(idx)
            continue
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
    prog.step("parse+validate (rules 1-10)", f"{len(read_idx)} of {len(todo)} files read")
    lines_read = n_cand + sum(counts.values())
    cand_rels = [r for r, _s, _t in state.list(f"{parsed}{read.CANDIDATES}/")]
    dup_at: list[tuple[int, int]] = []
    line_rels: list[str] = []
    if n_cand:
        keys = state.read_parquets(cand_rels, read.CANDIDATE_SCHEMA).select(
            ["transaction_id", "line_no", "file_idx", "line_number"]
        )
        dup_at = _duplicates(keys, index)
        drop = set(dup_at)
        out = st.tmp(run_id)
        jobs = [(rel, int(rel.rsplit("-", 1)[1].split(".")[0])) for rel in cand_rels]
        if len(jobs) <= 1:
            written = [w for rel, part in jobs for w in read.write_accepted(state.spec, out, rel, part, drop)]
        else:  # a backfill: each task reads one staged object and writes its lines itself
            spark = session()
            spec = state.spec
            rdd = spark.sparkContext.parallelize(jobs, len(jobs))
            written = rdd.flatMap(lambda j: read.write_accepted(spec, out, j[0], j[1], drop)).collect()
        line_rels = staged.lines(written)
    prog.step("duplicates + stage lines", f"{len(dup_at)} duplicate lines")
    if dup_at:
        counts["duplicate_line"] = len(dup_at)
    accepted_n = lines_read - sum(counts.values())

    def quarantine_rows():
        cols = list(read.REJECTED_SCHEMA.names)
        rej_rels = [r for r, _s, _t in state.list(f"{parsed}{read.REJECTED}/")]
        q = state.read_parquets(rej_rels, read.REJECTED_SCHEMA).to_pandas()
        if q.empty:
            q = pd.DataFrame(columns=cols)
        if dup_at:
            d = pd.DataFrame(dup_at, columns=["file_idx", "line_number"])
            d["source_file"] = [todo[i].relpath for i in d["file_idx"]]
            d["reason"] = "duplicate_line"
            d["raw"] = None
            q = pd.concat([q, d[cols]], ignore_index=True)
        q = q.sort_values(["file_idx", "line_number"], kind="stable")
        cached: tuple[int, dict[int, str]] = (-1, {})
        for idx, rel, n, reason, raw in q.itertuples(index=False, name=None):
            if not isinstance(raw, str):
                # a duplicate: its text was not kept, read it again (rows come file by file)
                if cached[0] != idx:
                    cached = (idx, dict(raw_lines(rel, pos.get(todo[idx].name) or b"")))
                raw = cached[1].get(n, "")
            yield rel, int(n), reason, raw

    files = {todo[i].relpath: shas[i] for i in read_idx}
    return lines_read, accepted_n, counts, quarantine_rows, files, shas, facts, line_rels


def _quarantine_bytes(rows) -> bytes:
    out = []
    for r in rows:
        rec = {"source_file": r[0], "line_number": r[1], "reason": r[2], "raw": r[3]}
        out.append(json.dumps(rec, ensure_ascii=False) + "\n")
    return "".join(out).encode("utf-8")


def _folder_objects(state: Store, folders: list[str], staged: Staged, schema: pa.Schema) -> list[str]:
    """The committed objects of those folders; a folder holding more than COMPACT_AT objects is
    folded into one object staged by this run (apply swaps it in), so no folder grows with
    the number of runs that wrote to it."""
    listed = st.list_folders(state, folders)
    out: list[str] = []
    for folder, rels in listed.items():
        if len(rels) > st.COMPACT_AT:
            table = state.read_parquets(rels, schema)
            if schema is read.MEMBERS_SCHEMA:
                table = table.group_by(list(schema.names)).aggregate([])
            tmp_rel = st.tmp(staged.run_id, f"compact/{folder}part.parquet")
            state.write_parquet(tmp_rel, table)
            staged.record.copies.append([tmp_rel, f"{folder}{staged.run_id}-compact.parquet"])
            staged.record.deletes.extend(rels)
            out.append(tmp_rel)
        else:
            out.extend(rels)
    return out


def run_job(sources: Path | str | None, output: Path | str, state: Path | str | None = None, **kw: Any):
    """run() with the configuration as keywords (tests and scripts): RunConfig's fields."""
    spark = kw.pop("spark", None)
    cfg = RunConfig(
        output=str(output),
        state=None if state is None else str(state),
        sources=None if sources is None else Path(sources),
        **kw,
    )
    return run(cfg, spark=spark)


def run(cfg: RunConfig, spark=None) -> dict[str, Any]:
    """Run the job once; return the run report (also written to <output>/run_report.json)."""
    prog = Progress(cfg.progress)
    if spark is None:
        from cinema_metrics.spark import start_spark_async

        session = start_spark_async(master=cfg.spark_master).result  # waited for only where needed
    else:
        session = lambda: spark  # noqa: E731
    output = Store(cfg.output, cfg.aws_endpoint)
    state = Store(cfg.state_uri, cfg.aws_endpoint)
    if cfg.spark_master and not cfg.spark_master.startswith("local") and not (state.s3 and output.s3):
        raise CliError(
            f"--spark-master {cfg.spark_master}: its executors run on other hosts and cannot see this "
            "machine's folders; give --output and --state as s3:// URIs"
        )
    cache = None if state.s3 else Path(state.uri) / "cache" / "dimensions"
    dims = cfg.dimensions or load_dimensions(cfg.sources, cfg.mysql_url, cache=cache)
    dimf = dim_frames(dims)
    ctx = build_context(dims, dimf)
    prog.step("dimensions", f"{len(dimf.shows)} showtimes, {len(ctx.members)} members")

    head = st.load_head(state)
    if head is not None and not head.applied:
        apply(state, output, head, st.load_commit(state, head), cfg)
        prog.step("finish the last run's apply", head.run or "")
    killed = st.clean_killed(state, head)
    full = cfg.recompute_all or head is None or output.get("run_report.json") is None
    head = head or st.Head()
    run_id = st.new_run_id()
    st.begin(state, run_id)
    index = key_index(state, cfg.keys_table, cfg.aws_endpoint)
    pos = Store(cfg.pos_uri, cfg.aws_endpoint) if cfg.pos_uri is not None else None
    todo, inbox = (
        discover(pos, state, run_id, cfg.pos_queue_url, cfg.aws_endpoint, cfg.reconcile or head.run is None)
        if pos is not None
        else ([], [])
    )
    prog.step("discover POS files", f"{len(todo)} new or changed, {len(killed)} killed runs cleaned")

    staged = Staged(run_id)
    staged.record.inbox = inbox
    report: dict[str, Any] = {
        "lines_read": 0,
        "lines_accepted": 0,
        "lines_quarantined": 0,
        "quarantined_by_reason": {},
        "files_read": 0,
        "tables": {},
        "run_id": run_id,
    }
    facts: dict[str, Any] = {"days": set(), "member_days": set(), "sale_range": {}}
    line_rels: list[str] = []
    if todo:
        assert pos is not None
        lines_read, accepted_n, counts, qrows, files, shas, facts, line_rels = _parse_and_dedupe(
            session, todo, ctx, pos, state, index, staged, prog
        )
        staged.record.files = {c.relpath: [shas[i], c.tag] for i, c in enumerate(todo) if i in shas}
        report["files_read"] = len(files)
        report["lines_read"] = lines_read
        report["lines_accepted"] = accepted_n
        report["lines_quarantined"] = lines_read - accepted_n
        report["quarantined_by_reason"] = {r: counts[r] for r in contract.REASONS if counts.get(r)}
        if report["lines_quarantined"]:
            rel = st.tmp(run_id, "quarantine.jsonl")
            state.put(rel, _quarantine_bytes(qrows()))
            staged.record.outputs.append([rel, f"quarantine/{run_id}.jsonl"])
        prog.step("quarantine", f"{report['lines_quarantined']} lines")

    # ---- which metric rows this run touches
    # days: business dates whose line metrics change (sale and session dates of the new lines).
    # extra: later dates where only returning_members can change (a new member admission on E
    # counts on E+1..E+30 at every site): recomputed from the small member-day index, no lines.
    # weeks: film weeks of the new admissions; film_weekly needs every showtime of those weeks.
    sale_range = {k: list(v) for k, v in head.sale_range.items()}
    for p, (lo, hi) in facts["sale_range"].items():
        old = sale_range.get(p)
        sale_range[p] = [min(lo, old[0]), max(hi, old[1])] if old else [lo, hi]
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
        for p, (lo, hi) in sale_range.items():
            a, b = _day(lo), _day(hi)
            if any(a <= d <= b for d in days):
                need.add(_day(p))
        wanted = {_iso(d) for d in need}
    counts_before = dict(head.tables)
    tables_count = dict(head.tables)
    if full or days:
        spark = session()
        if wanted is None:
            folders = sorted({r.rsplit("/", 1)[0] + "/" for r, _s, _t in state.list("lines/")})
        else:
            folders = [st.lines_folder(p) for p in sorted(wanted)]
        own = [r for r in line_rels if wanted is None or r.split("pd=", 1)[1][:10] in wanted]
        paths = _folder_objects(state, folders, staged, read.LINES_SCHEMA) + own
        members_in = None
        if not full:
            target = days | extra
            lo, hi = min(target) - RETURNING_WINDOW_DAYS, max(target)
            months = sorted({_iso(d)[:7] for d in range(lo, hi + 1)})
            mfolders = [st.members_folder(m) for m in months]
            mine = [r for r in staged.record.copies if "/members/" in r[0] and not r[0].count("/compact/")]
            mrels = _folder_objects(state, mfolders, staged, read.MEMBERS_SCHEMA)
            mrels += [c[0] for c in mine if c[0].split("month=", 1)[1][:7] in months]
            from pyspark.sql import functions as F

            members_in = read.read_objects(spark, state.spec, mrels, read.MEMBERS_SCHEMA).where(
                F.col("day").between(lo, hi)
            )
        lines_df = read.read_objects(spark, state.spec, paths, read.LINES_SCHEMA, drop=("pd",))
        agg = aggregate(lines_df, members_in) if paths else _empty_aggregates()
        prog.step("aggregate lines", f"{len(paths)} line objects")

        # the stored rows this run may change: whole months (one object each)
        need_days = None if full else (days | extra | {d for w in (weeks or ()) for d in range(w, w + 7)})
        existing = {}
        for t in TABLES:
            if full:
                existing[t] = _empty_table(t)
            elif t == "film_weekly":
                existing[t] = sinks.read_months(output, t, None)  # chain-wide, one object a month
            else:
                existing[t] = sinks.read_months(output, t, _months(need_days or ()))
        tables = dict(existing)
        touched: dict[str, pd.DataFrame] = {}
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

        for t in TABLES:
            col = date_column(t)
            months = _months(touched[t][col].tolist())
            if days is not None:
                months |= _months(days) if col == "business_date" else _months(weeks or ())
                if t == "loyalty_daily":
                    months |= _months(extra or ())
                tables_count[t] = counts_before.get(t, 0) + len(tables[t]) - len(existing[t])
            else:
                months |= sinks.stored_months(output, t)
                tables_count[t] = len(tables[t])
            for month, rows in sinks.split_months(t, tables[t], months).items():
                final = sinks.month_rel(t, month)
                if rows.empty:
                    staged.record.output_deletes.append(final)
                    continue
                rel = st.tmp(run_id, final)
                state.put(rel, sinks.month_bytes(t, rows))
                staged.record.outputs.append([rel, final])
            if cfg.dynamodb is not None and len(touched[t]):
                state.write_parquet(st.tmp(run_id, f"dynamodb/{t}.parquet"), sinks.to_arrow(t, touched[t]))
                staged.record.dynamodb.append(t)
        prog.step("stage parquet", f"{len(staged.record.outputs)} objects")
        report["changed_keys"] = {t: len(touched.get(t, ())) for t in TABLES}
    else:
        report["changed_keys"] = dict.fromkeys(TABLES, 0)
    if cfg.dynamodb is not None:
        report["dynamodb_items"] = {t: report["changed_keys"][t] for t in staged.record.dynamodb}
    staged.record.keys_staged = staged.keys
    report["tables"] = {t: int(tables_count.get(t, 0)) for t in TABLES}
    report["full_recompute"] = bool(full)
    report["timings"] = prog.timings
    report["seconds"] = prog.total
    staged.record.report = report

    # ---- commit, then apply
    head.sale_range = sale_range
    head.tables = report["tables"]
    head = st.commit(state, head, staged.record)
    prog.step("commit", f"run {run_id}")
    apply(state, output, head, staged.record, cfg)
    prog.step("apply", f"{len(staged.record.copies) + len(staged.record.outputs)} objects in place")
    report["timings"] = prog.timings
    report["seconds"] = prog.total
    return report


def _empty_table(table: str) -> pd.DataFrame:
    return sinks.from_arrow(table, sinks.arrow_schema(table).empty_table())


def apply(state: Store, output: Store, head: st.Head, record: st.Commit, cfg: RunConfig) -> None:
    """Put a committed run's effects in place; safe to repeat after a kill at any point."""
    parallel_map(lambda c: state.copy(c[0], c[1]), record.copies)
    if record.keys_staged:
        key_index(state, cfg.keys_table, cfg.aws_endpoint).add(state, record.run, record.keys_staged)
    if record.files:
        st.update_files(state, record.files)
    parallel_map(lambda c: state.copy(c[0], c[1], into=output), record.outputs)
    output.delete(record.output_deletes)
    if record.dynamodb and cfg.dynamodb is not None:
        from cinema_metrics.job.dynamodb import write_tables

        changed = {
            t: sinks.from_arrow(t, state.read_parquet(st.tmp(record.run, f"dynamodb/{t}.parquet")))
            for t in record.dynamodb
        }
        write_tables(cfg.dynamodb.client, cfg.dynamodb.prefix, changed)
    output.put("run_report.json", (json.dumps(record.report, indent=2) + "\n").encode())
    state.delete(record.deletes + record.inbox)
    head.applied = True
    st.write_head(state, head)
    state.delete_prefix(st.tmp(record.run))
    state.delete([f"pending/{record.run}.json"])


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
