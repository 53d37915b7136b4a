"""One run of the metrics job (docs/contract/runs.md), as a list of named phases.

    open stores -> load dimensions -> take the lease -> recover -> discover -> parse ->
    recompute -> commit -> apply -> release the lease

Every byte goes through a Store (storage/): the state and the outputs are folders or S3
prefixes alike, and Spark tasks open them themselves (no task touches a driver path).
Nothing is written before the dimensions validate (a broken table is fatal) and before this
run holds the state's lease (job/lease.py): a second run stops, having changed nothing. The
commit protocol (job/commit.py) makes the run visible by one conditional write of HEAD, and
apply is idempotent, so a run killed anywhere is repeated whole (before its commit) or
finished by the next run (after it). Nothing is lost or doubled.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cinema_metrics import contract
from cinema_metrics.errors import CliError
from cinema_metrics.job import commit as cm
from cinema_metrics.job import layout, read, sinks
from cinema_metrics.job.config import DynamoTarget, RunConfig
from cinema_metrics.job.discover import Candidate, discover
from cinema_metrics.job.keys import KeyIndex, key_index
from cinema_metrics.job.lease import Lease
from cinema_metrics.job.parse import EPOCH_DATE, Context, raw_lines
from cinema_metrics.job.posfile import read_pos_object
from cinema_metrics.job.recompute import Recompute, RecomputeInput
from cinema_metrics.job.rework import (
    LineRework,
    folders_holding,
    mark_retracted,
    reenrich,
    replay_folders,
    retract_keys,
)
from cinema_metrics.metrics import METRICS
from cinema_metrics.metrics.common import DimFrames, dim_frames
from cinema_metrics.metrics.windows import Facts
from cinema_metrics.sources import DimensionCache, Dimensions, load_dimensions
from cinema_metrics.storage import Store, open_store

_MAX_US = 2**63 - 1

__all__ = ["DynamoTarget", "RunConfig", "run", "run_job"]


class Progress:
    def __init__(self, enabled: bool, hook: Callable[[str], None] | None = None):
        self.enabled = enabled
        self.hook = hook
        self.t0 = self.t = time.monotonic()
        self.timings: dict[str, float] = {}

    def step(self, name: str, detail: str = "") -> None:
        now = time.monotonic()
        self.timings[name] = round(now - self.t, 3)
        if self.enabled:
            print(f"[run] {name:<28} {now - self.t:7.2f}s  {detail}", file=sys.stderr, flush=True)
        self.t = now
        if self.hook is not None:
            self.hook(name)

    @property
    def total(self) -> float:
        return round(time.monotonic() - self.t0, 3)


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


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
        self.record = cm.Commit(run_id)
        self.keys: list[str] = []

    def lines(self, written: list[tuple[str, str, int]]) -> list[str]:
        """Stage the accepted-line objects; return the line objects (this run's part of lines/)."""
        out = []
        for kind, rel, _rows in written:
            if kind == "keys":
                self.keys.append(rel)
                continue
            self.record.copies.append([rel, layout.final_name(self.run_id, rel)])
            if kind == "lines":
                out.append(rel)
        return out


@dataclass
class Parsed:
    """What the parse phase found in this run's new POS objects."""

    lines_read: int = 0
    reasons: dict[str, int] = field(default_factory=dict)  # line reason -> count
    files_read: dict[str, str] = field(default_factory=dict)  # relpath -> sha256 (lines counted)
    files_rejected: dict[str, tuple[str, str]] = field(default_factory=dict)  # relpath -> (reason, detail)
    shas: dict[int, str] = field(default_factory=dict)  # candidate index -> sha256 (every file seen)
    duplicates: list[tuple[int, int]] = field(default_factory=list)  # (file_idx, line_number)
    duplicate_sites: dict[tuple[int, int], tuple] = field(default_factory=dict)  # -> (site_id, sale_date)
    line_rels: list[str] = field(default_factory=list)  # this run's staged lines/ objects
    days: set[int] = field(default_factory=set)  # attribution and sale dates of the new lines
    member_days: set[int] = field(default_factory=set)  # session dates of new member admissions
    sale_range: dict[str, list[str]] = field(default_factory=dict)  # pd -> [min, max] sale date

    @property
    def accepted(self) -> int:
        return self.lines_read - sum(self.reasons.values())


def _quarantine_record(
    source: str, line: int | None, reason: str, raw: str | None, cut: bool, detail=None, where=(None, None)
) -> str:
    """One quarantine record (docs/contract/quarantine.md): where the line is, why, its text,
    and the site and sale business date it was sold at when its text tells them."""
    record = {
        "source_file": source, "line_number": line, "reason": reason, "raw": raw, "raw_cut": cut,
        "site_id": where[0], "business_date": where[1],
    }  # fmt: skip
    if detail:
        record["detail"] = detail
    return json.dumps(record, ensure_ascii=False) + "\n"


def _iso_date(day) -> str:
    """A sale date from Arrow (datetime.date) or a day number, as YYYY-MM-DD."""
    return day.isoformat() if isinstance(day, dt.date) else _iso(int(day))


def _own_members(rel: str) -> bool:
    """A members/ object this run staged from its lines (not a compaction of older ones)."""
    return layout.is_members(rel) and "/compact/" not in rel


def _folder_objects(state: Store, folders: list[str], staged: Staged, schema: pa.Schema) -> list[str]:
    """The committed objects of those folders; a folder holding more than COMPACT_AT objects is
    folded into one object staged by this run (apply swaps it in), so no folder grows with
    the number of runs that wrote to it."""
    gone = set(staged.record.deletes)  # replaced by this run (a rework, a compaction)
    listed = {f: [r for r in rels if r not in gone] for f, rels in read.list_folders(state, folders).items()}
    out: list[str] = []
    for folder, rels in listed.items():
        if len(rels) > cm.COMPACT_AT:
            table = state.read_parquets(rels, schema)
            if schema is read.MEMBERS_SCHEMA:
                table = table.group_by(list(schema.names)).aggregate([])
            tmp_rel = layout.staging(staged.run_id, f"compact/{folder}part.parquet")
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
    return JobRun(cfg, spark).execute()


class JobRun:
    """One run; `execute` calls the phases in order, each a method below."""

    def __init__(self, cfg: RunConfig, spark=None):
        self.cfg = cfg
        self.prog = Progress(cfg.progress, cfg.phase_hook)
        if spark is None:
            from cinema_metrics.spark import start_spark_async

            self.session = start_spark_async(master=cfg.spark_master).result  # waited for where needed
        else:
            self.session = lambda: spark
        self.run_id = cm.new_run_id()
        self.started_at = _now()
        self.staged = Staged(self.run_id)
        self.parsed = Parsed()
        self.todo: list[Candidate] = []
        self.report: dict[str, Any] = {
            "lines_read": 0,
            "lines_accepted": 0,
            "lines_quarantined": 0,
            "quarantined_by_reason": {},
            "files_read": 0,
            "files_rejected": {},
            "tables": {},
            "run_id": self.run_id,
        }

    def execute(self) -> dict[str, Any]:
        self.open_stores()
        self.load_dimensions()
        self.take_lease()
        try:
            self.recover()
            if self.cfg.maintenance:
                self.rework()
            else:
                self.discover()
                self.parse()
            self.recompute()
            self.commit()
            self.apply()
        except (Exception, KeyboardInterrupt) as exc:
            self.record_failure(exc)
            self.release_lease()  # a run killed outright (SIGKILL) leaves it to expire instead
            raise
        self.release_lease()
        return self.report

    # ------------------------------------------------------------ set-up: nothing written
    def open_stores(self) -> None:
        cfg = self.cfg
        self.output = open_store(cfg.output, cfg.aws_endpoint)
        self.state = open_store(cfg.state_uri, cfg.aws_endpoint)
        self.pos = open_store(cfg.pos_uri, cfg.aws_endpoint) if cfg.pos_uri is not None else None
        cluster = cfg.spark_master and not cfg.spark_master.startswith("local")
        if cluster and not (self.state.remote and self.output.remote):
            raise CliError(
                f"--spark-master {cfg.spark_master}: its executors run on other hosts and cannot see this "
                "machine's folders; give --output and --state as s3:// URIs"
            )

    def load_dimensions(self) -> None:
        cfg = self.cfg
        folder = self.state.local_path(layout.DIMENSION_CACHE)
        self.dimension_cache = DimensionCache(folder) if folder is not None else None
        dims = cfg.dimensions or load_dimensions(cfg.sources, cfg.mysql_url, cache=self.dimension_cache)
        self.dimf = dim_frames(dims)
        self.ctx = build_context(dims, self.dimf)
        self.prog.step("dimensions", f"{len(self.dimf.shows)} showtimes, {len(self.ctx.members)} members")

    def take_lease(self) -> None:
        cfg = self.cfg
        self.lease = Lease.acquire(
            self.state, self.run_id, cfg.lease_group, cfg.lease_seconds, cfg.lease_wait_seconds
        )
        if self.dimension_cache is not None:
            self.dimension_cache.flush()
        self.prog.step(
            "take the lease", f"until {time.strftime('%H:%M:%S', time.gmtime(self.lease.holder.expires_at))}Z"
        )

    def record_failure(self, exc: BaseException) -> None:
        """A failed run's record under runs/ (status failed, its one-line reason), so the data
        quality views and `cinema-metrics status` show it. Only a run that held the lease writes
        one; the record is best effort and never hides the original error."""
        if getattr(self, "lease", None) is None:
            return
        record = {
            "run_id": self.run_id,
            "status": "failed",
            "error": f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:500],
            "started_at": self.started_at,
            "finished_at": _now(),
            "seconds": self.prog.total,
        }
        with contextlib.suppress(Exception):  # the run's own error is the one to report
            self.output.put(layout.run_record(self.run_id), cm.run_record_line(record))

    def release_lease(self) -> None:
        lease = getattr(self, "lease", None)
        if lease is not None:
            lease.release()

    # ------------------------------------------------------------ phases under the lease
    def recover(self) -> None:
        """Finish the last committed run's apply if it was cut short; delete what dead runs staged."""
        state = self.state
        head = cm.load_head(state)
        if head is not None and not head.applied:
            cm.apply(state, self.output, head, cm.load_commit(state, head), self.cfg, self.lease)
            self.prog.step("finish the last run's apply", head.run or "")
        self.killed = cm.clean_killed(state, head)
        self.full = self.cfg.recompute_all or head is None or self.output.get(layout.RUN_REPORT) is None
        self.head = head or cm.Head()
        cm.begin(state, self.run_id)
        self.index = key_index(state, self.cfg.keys_table, self.cfg.aws_endpoint)

    def rework(self) -> None:
        """Replay or retract (job/rework.py) instead of reading new POS files."""
        self.lease.renew()
        cfg, state, staged, parsed = self.cfg, self.state, self.staged, self.parsed
        rework = LineRework(state, staged.record, self.run_id)
        days: set[int] = set()
        if cfg.replay is not None:
            first, last = (dt.date.fromisoformat(d) for d in cfg.replay)
            days = {(first - EPOCH_DATE).days + k for k in range((last - first).days + 1)}
            rework.rewrite(replay_folders(state, first, last), lambda lines: reenrich(lines, self.ctx))
        for source_file in cfg.retract:
            folders = folders_holding(state, source_file)
            before = state.read_parquets(
                [r for rs in read.list_folders(state, folders).values() for r in rs], read.LINES_SCHEMA
            )
            retract_keys(state, staged.record, self.run_id, before, source_file)
            rework.rewrite(
                folders, lambda lines, f=source_file: lines.filter(pc.not_equal(lines["source_file"], f))
            )
            mark_retracted(state, staged.record, source_file)
        rework.rebuild_members()
        done = rework.result
        parsed.days = done.days | days
        parsed.member_days = done.member_days | days
        parsed.sale_range = done.sale_range
        parsed.line_rels = done.line_rels
        self.report["mode"] = "replay" if cfg.replay is not None else "retract"
        self.report["lines_rewritten"], self.report["lines_withdrawn"] = done.rewritten, done.withdrawn
        self.prog.step("rework accepted lines", f"{done.rewritten} rewritten, {done.withdrawn} withdrawn")

    def discover(self) -> None:
        cfg = self.cfg
        if self.pos is not None:
            listing = cfg.reconcile or self.head.run is None
            self.todo, inbox = discover(
                self.pos, self.state, self.run_id, cfg.pos_queue_url, cfg.aws_endpoint, listing
            )
            self.staged.record.inbox = inbox
        self.prog.step(
            "discover POS files", f"{len(self.todo)} new or changed, {len(self.killed)} killed runs cleaned"
        )

    def parse(self) -> None:
        """Parse new files (rules 1-10), apply rule 11, stage accepted lines, keys and member days."""
        if not self.todo:
            return
        self.lease.renew()
        assert self.pos is not None
        parsed, todo, state, run_id = self.parsed, self.todo, self.state, self.run_id
        staging = layout.staging(run_id, "parsed/")
        specs = [((i, c.relpath, c.name, c.old_sha), c.size) for i, c in enumerate(todo)]
        summary = read.stage_files(
            self.session, specs, self.ctx, self.pos.spec, state.spec, staging, self.cfg.limits
        )
        n_candidates = 0
        for row in summary:
            if row.file_idx is not None:
                parsed.shas[row.file_idx] = row.sha256
                relpath = todo[row.file_idx].relpath
                if row.file_reason is not None:
                    parsed.files_rejected[relpath] = (row.file_reason, row.detail or "")
                elif row.n:
                    parsed.files_read[relpath] = row.sha256
            elif row.reason is not None:
                parsed.reasons[row.reason] = parsed.reasons.get(row.reason, 0) + row.n
            else:
                n_candidates += row.n
                pd_iso, sale_iso = _iso(row.pd), _iso(row.sale_date)
                lo_hi = parsed.sale_range.setdefault(pd_iso, [sale_iso, sale_iso])
                lo_hi[0], lo_hi[1] = min(lo_hi[0], sale_iso), max(lo_hi[1], sale_iso)
                parsed.days.update((row.pd, row.sale_date))
                if row.member:
                    parsed.member_days.add(row.pd)
        parsed.lines_read = n_candidates + sum(parsed.reasons.values())
        read_n, rejected_n = len(parsed.files_read), len(parsed.files_rejected)
        self.prog.step(
            "parse+validate (rules 1-10)", f"{read_n} of {len(todo)} files read, {rejected_n} rejected whole"
        )
        if n_candidates:
            self._dedupe_and_stage(staging)
        self.prog.step("duplicates + stage lines", f"{len(parsed.duplicates)} duplicate lines")
        if parsed.duplicates:
            parsed.reasons["duplicate_line"] = len(parsed.duplicates)
        self._stage_quarantine(staging)

    def _dedupe_and_stage(self, staging: str) -> None:
        state, run_id = self.state, self.run_id
        cand_rels = [r for r, _s, _t in state.list(f"{staging}{read.CANDIDATES}/")]
        keys = state.read_parquets(cand_rels, read.CANDIDATE_SCHEMA).select(
            ["transaction_id", "line_no", "file_idx", "line_number", "site_id", "sale_date"]
        )
        self.parsed.duplicates = dup_at = _duplicates(keys, self.index)
        if dup_at:  # where each duplicate was sold, for the quarantine record
            idx, line = zip(*dup_at, strict=True)
            at = pa.table({"file_idx": pa.array(idx, pa.int32()), "line_number": pa.array(line, pa.int32())})
            found = keys.join(at, ["file_idx", "line_number"], join_type="left semi")
            cols = (found[c].to_pylist() for c in ("file_idx", "line_number", "site_id", "sale_date"))
            self.parsed.duplicate_sites = {(i, n): (site, day) for i, n, site, day in zip(*cols, strict=True)}
        drop = set(dup_at)
        out = layout.staging(run_id)
        jobs = [(rel, int(rel.rsplit("-", 1)[1].split(".")[0])) for rel in cand_rels]
        if len(jobs) <= 1:
            written = [w for rel, part in jobs for w in read.write_accepted(state.spec, out, rel, part, drop)]
        else:  # a backfill: each task reads one staged object and writes its lines itself
            spark = self.session()
            spec = state.spec
            rdd = spark.sparkContext.parallelize(jobs, len(jobs))
            written = rdd.flatMap(lambda j: read.write_accepted(spec, out, j[0], j[1], drop)).collect()
        self.parsed.line_rels = self.staged.lines(written)

    def _quarantine_records(self, staging: str):
        """Every quarantine record of this run in file order: a file rejected whole first, then its
        lines in order (a duplicate's text read again, the first copy having been accepted)."""
        todo, parsed = self.todo, self.parsed
        cols = list(read.REJECTED_SCHEMA.names)
        rej_rels = [r for r, _s, _t in self.state.list(f"{staging}{read.REJECTED}/")]
        q = self.state.read_parquets(rej_rels, read.REJECTED_SCHEMA).to_pandas()
        if q.empty:
            q = pd.DataFrame(columns=cols)
        if parsed.duplicates:
            d = pd.DataFrame(parsed.duplicates, columns=["file_idx", "line_number"])
            d["source_file"] = [todo[i].relpath for i in d["file_idx"]]
            d["reason"] = "duplicate_line"
            d["raw"] = None
            d["raw_cut"] = False
            sold = [parsed.duplicate_sites.get(k, (None, None)) for k in parsed.duplicates]
            d["site_id"] = [s for s, _d in sold]
            d["sale_date"] = [day for _s, day in sold]
            q = pd.concat([q, d[cols]], ignore_index=True)
        whole = {
            i: parsed.files_rejected[c.relpath]
            for i, c in enumerate(todo)
            if c.relpath in parsed.files_rejected
        }
        q = q.sort_values(["file_idx", "line_number"], kind="stable")
        by_file = {int(i): rows for i, rows in q.groupby("file_idx", sort=True)} if len(q) else {}
        for idx in sorted(set(whole) | set(by_file)):
            if idx in whole:
                reason, detail = whole[idx]
                yield _quarantine_record(todo[idx].relpath, None, reason, None, False, detail)
                continue
            texts: dict[int, tuple[str, bool]] | None = None
            for _i, rel, n, reason, raw, cut, site, day in by_file[idx].itertuples(index=False, name=None):
                if not isinstance(raw, str):  # a duplicate: its text was not kept, read it again
                    if texts is None:
                        content = read_pos_object(self.pos, todo[idx].name, self.cfg.limits)
                        limit = self.cfg.limits.raw_bytes
                        texts = {k: (t, c) for k, t, c in raw_lines(content.text, content.broken, limit)}
                    raw, cut = texts.get(int(n), ("", False))
                sold = (None if pd.isna(site) else int(site), None if pd.isna(day) else _iso_date(day))
                yield _quarantine_record(rel, int(n), reason, raw, bool(cut), where=sold)

    def _stage_quarantine(self, staging: str) -> None:
        parsed, report = self.parsed, self.report
        self.staged.record.files = {
            c.relpath: [
                parsed.shas[i],
                c.tag,
                *([parsed.files_rejected[c.relpath][0]] if c.relpath in parsed.files_rejected else []),
            ]
            for i, c in enumerate(self.todo)
            if i in parsed.shas
        }
        report["files_read"] = len(parsed.files_read)
        report["files_rejected"] = {
            rel: reason for rel, (reason, _d) in sorted(parsed.files_rejected.items())
        }
        report["lines_read"] = parsed.lines_read
        report["lines_accepted"] = parsed.accepted
        report["lines_quarantined"] = parsed.lines_read - parsed.accepted
        report["quarantined_by_reason"] = {
            r: parsed.reasons[r] for r in contract.REASONS if parsed.reasons.get(r)
        }
        if report["lines_quarantined"] or parsed.files_rejected:
            rel = layout.staging(self.run_id, "quarantine.jsonl")
            self.state.put(rel, "".join(self._quarantine_records(staging)).encode("utf-8"))
            self.staged.record.outputs.append([rel, layout.quarantine(self.run_id)])
        self.prog.step(
            "quarantine", f"{report['lines_quarantined']} lines, {len(parsed.files_rejected)} files"
        )

    def recompute(self) -> None:
        """Recompute every metric row the new lines can change (job/recompute.py, from the metric
        declarations) and stage the rewritten months and the DynamoDB upserts and deletes."""
        self.lease.renew()
        head, parsed, staged, report = self.head, self.parsed, self.staged, self.report
        sale_range = {k: list(v) for k, v in head.sale_range.items()}
        for p, (lo, hi) in parsed.sale_range.items():
            old = sale_range.get(p)
            sale_range[p] = [min(lo, old[0]), max(hi, old[1])] if old else [lo, hi]
        self.sale_range = sale_range
        versions = {m.name: m.version for m in METRICS}
        full = frozenset(
            m.name
            for m in METRICS
            if self.full or m.name in self.cfg.recompute or head.versions.get(m.name) != m.version
        )
        changes = Recompute(
            RecomputeInput(
                state=self.state,
                output=self.output,
                dims=self.dimf,
                facts=Facts(frozenset(parsed.days), frozenset(parsed.member_days)),
                full=full,
                sale_range=sale_range,
                line_rels=parsed.line_rels,
                member_rels=[c[0] for c in staged.record.copies if _own_members(c[0])],
                counts=dict(head.tables),
                session=self.session,
                folder_objects=lambda folders, schema: _folder_objects(self.state, folders, staged, schema),
                step=self.prog.step,
            )
        ).run()
        for name, change in changes.items():
            self._stage_change(name, change)
        self.prog.step("stage parquet", f"{len(staged.record.outputs)} objects")
        report["changed_keys"] = {n: len(c.rows) for n, c in changes.items()}
        report["removed_keys"] = {n: len(c.removed) for n, c in changes.items() if len(c.removed)}
        report["recomputed_whole"] = sorted(full)
        if self.cfg.dynamodb is not None:
            report["dynamodb_items"] = {n: len(changes[n].rows) for n in staged.record.dynamodb}
        staged.record.keys_staged = staged.keys
        report["tables"] = {n: int(c.count) for n, c in changes.items()}
        report["full_recompute"] = bool(self.full)
        self.versions = versions

    def _stage_change(self, name: str, change) -> None:
        """The months a change rewrites (or empties), and its DynamoDB upserts and deletes."""
        staged, state = self.staged, self.state
        months = sinks.split_months(name, change.merged, change.months) if change.months else {}
        for month_name, rows in months.items():
            final = layout.metric_month(name, month_name)
            if rows.empty:
                staged.record.output_deletes.append(final)
                continue
            rel = layout.staging(self.run_id, final)
            state.put(rel, sinks.month_bytes(name, rows))
            staged.record.outputs.append([rel, final])
        if self.cfg.dynamodb is None:
            return
        if len(change.rows):
            upserts = layout.staging(self.run_id, f"dynamodb/{name}.parquet")
            state.write_parquet(upserts, sinks.to_arrow(name, change.rows))
            staged.record.dynamodb.append(name)
        if len(change.removed):
            removed = layout.staging(self.run_id, f"dynamodb/{name}.removed.parquet")
            state.write_parquet(removed, sinks.to_arrow(name, change.removed))
            staged.record.dynamodb_deletes.append(name)

    def commit(self) -> None:
        report = self.report
        report["timings"] = self.prog.timings
        report["seconds"] = self.prog.total
        report["status"] = "succeeded"
        report["started_at"] = self.started_at
        report["finished_at"] = _now()
        self.staged.record.report = report
        self.head.sale_range = self.sale_range
        self.head.tables = report["tables"]
        self.head.versions = self.versions
        self.head = cm.commit(self.state, self.head, self.staged.record, self.lease)
        self.prog.step("commit", f"run {self.run_id}")

    def apply(self) -> None:
        record = self.staged.record
        cm.apply(self.state, self.output, self.head, record, self.cfg, self.lease)
        self.prog.step("apply", f"{len(record.copies) + len(record.outputs)} objects in place")
        self.report["timings"] = self.prog.timings
        self.report["seconds"] = self.prog.total
