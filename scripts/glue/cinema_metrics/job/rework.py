"""Maintenance runs: rework accepted lines already in the state, then recompute what they touch.

Two operator commands (README "Runbook") are runs of the job with a different first phase,
committed and applied like any run, under the lease:

- replay (`--replay-from D --replay-to D`): after an ECR or CRM fix (a showtime moved, a
  membership back-dated), the accepted lines of those business dates are enriched again from
  the current dimensions: a ticket's session date, screen and film, a line's sale date and
  hour, its member flag. Lines whose session date moved go to their new lines/ folder; the
  member-day index is rebuilt for the months they touch; every metric row of the old and new
  dates is recomputed.
- retract (`--retract pos/<path>`): a POS file's accepted lines and their keys are withdrawn
  (rule 11 no longer knows them), and the file is remembered as retracted by its content, so
  the same bytes are not read again but a corrected version (another content under the same
  path, or any other path) is accepted by the next run; every metric row its lines touched is
  recomputed.

The rewrite works folder by folder: a reworked lines/ folder gets one new object and its old
objects are deleted at apply (the commit record), as a compaction does; nothing is visible
before the commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cinema_metrics import contract
from cinema_metrics.job import files_index, layout, read
from cinema_metrics.job.commit import Commit
from cinema_metrics.job.parse import EPOCH_DATE, Context
from cinema_metrics.storage import Store, parallel_map

_MAX_US = 2**63 - 1


@dataclass
class Reworked:
    """What a rework changed: the dates to recompute and the sale ranges of the folders written."""

    days: set[int] = field(default_factory=set)  # attribution and sale dates of every reworked line
    member_days: set[int] = field(default_factory=set)  # session dates of reworked member admissions
    sale_range: dict[str, list[str]] = field(default_factory=dict)  # pd -> [min, max] sale date
    rewritten: int = 0  # accepted lines written again (re-enriched, or kept beside withdrawn ones)
    withdrawn: int = 0  # accepted lines withdrawn (retract)
    line_rels: list[str] = field(default_factory=list)  # staged lines/ objects
    member_rels: list[str] = field(default_factory=list)  # staged members/ objects


def _iso(day: int) -> str:
    return (EPOCH_DATE + dt.timedelta(days=int(day))).isoformat()


def _days(column: pa.ChunkedArray) -> set[int]:
    return {int(d) for d in pc.cast(column.drop_null(), pa.int32()).to_pylist()}


def reenrich(lines: pa.Table, ctx: Context) -> pa.Table:
    """The lines enriched again from the current dimensions (job/parse.py's enrichment): site local
    time, sale date and hour, a ticket's session date, screen and film, the member flag, the
    attribution date pd. A ticket whose showtime is no longer in ECR keeps what it had."""
    if lines.num_rows == 0:
        return lines
    from zoneinfo import ZoneInfo

    rows = lines.to_pydict()
    n = lines.num_rows
    for i in range(n):
        t_us, site = rows["sold_at_us"][i], rows["site_id"][i]
        when = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=t_us)
        local = when.astimezone(ZoneInfo(ctx.sites[site])) if site in ctx.sites else None
        if local is not None:
            sale = (
                local.toordinal() - EPOCH_DATE.toordinal() - (local.hour < contract.BUSINESS_DAY_START_HOUR)
            )
            rows["sale_date"][i], rows["hour"][i] = EPOCH_DATE + dt.timedelta(days=sale), local.hour
        rows["is_member"][i] = ctx.is_member(rows["customer_id"][i], t_us)
        if rows["item_type"][i] == "ticket":
            show = ctx.showtimes.get(rows["showtime_id"][i])
            if show is not None:
                _site, screen, film, day = show
                session = EPOCH_DATE + dt.timedelta(days=day)
                rows["session_date"][i], rows["screen_id"][i], rows["film_id"][i] = session, screen, film
                rows["pd"][i] = session
        else:
            rows["pd"][i] = rows["sale_date"][i]
    return pa.Table.from_pydict(rows, schema=lines.schema)


class LineRework:
    """Stages the rewrite of lines/ folders and of the member-day months they feed."""

    def __init__(self, state: Store, record: Commit, run_id: str):
        self.state, self.record, self.run_id = state, record, run_id
        self.result = Reworked()

    def _staged(self, rel: str, final_folder: str, table: pa.Table, name: str) -> str:
        tmp = layout.staging(self.run_id, f"rework/{rel}")
        self.state.write_parquet(tmp, table)
        self.record.copies.append([tmp, f"{final_folder}{self.run_id}-{name}.parquet"])
        return tmp

    def rewrite(self, folders: list[str], transform: Callable[[pa.Table], pa.Table]) -> Reworked:
        """Apply `transform` to the lines of each lines/ folder; rows land in the folder of their
        (new) attribution date."""
        listed = read.list_folders(self.state, folders)
        arriving: dict[str, list[pa.Table]] = {}
        result = self.result
        for folder, rels in listed.items():
            if not rels:
                continue
            before = self.state.read_parquets(rels, read.LINES_SCHEMA)
            after = transform(before)
            if after.equals(before):
                continue
            self.record.deletes.extend(rels)
            changed = pa.concat_tables([before, after])
            result.withdrawn += before.num_rows - after.num_rows
            result.rewritten += after.num_rows
            result.days |= _days(changed["pd"]) | _days(changed["sale_date"])
            members = read.member_days_arrow(changed)
            result.member_days |= {int(d) for d in members["day"].to_pylist()}
            pds = pc.cast(after["pd"], pa.int32()).to_numpy(zero_copy_only=False)
            for day in np.unique(pds):
                arriving.setdefault(layout.lines_folder(_iso(day)), []).append(
                    after.filter(pa.array(pds == day))
                )
            arriving.setdefault(folder, [])
        for folder, parts in sorted(arriving.items()):
            if not parts:
                continue
            table = pa.concat_tables(parts)
            rel = self._staged(f"{folder}part.parquet", folder, table, "rework")
            result.line_rels.append(rel)
            sale = pc.min_max(table["sale_date"])
            pd_iso = layout.line_date(folder)
            result.sale_range[pd_iso] = [sale["min"].as_py().isoformat(), sale["max"].as_py().isoformat()]
        return result

    def rebuild_members(self) -> None:
        """The member-day index of every month the reworked lines' admissions touch, rebuilt from
        all the month's lines as they will be after this run."""
        months = sorted({_iso(d)[:7] for d in self.result.member_days})
        if not months:
            return
        deleted = set(self.record.deletes)
        all_folders = {layout.folder_of(r) for r, _s, _t in self.state.list(layout.LINES)}
        all_folders |= {layout.folder_of(c[1]) for c in self.record.copies if c[1].startswith(layout.LINES)}
        for month in months:
            folders = sorted(f for f in all_folders if layout.line_date(f)[:7] == month)
            rels = [
                r for rs in read.list_folders(self.state, folders).values() for r in rs if r not in deleted
            ]
            rels += [
                c[0]
                for c in self.record.copies
                if c[1].startswith(layout.LINES) and layout.line_date(c[1])[:7] == month
            ]
            lines = self.state.read_parquets(rels, read.LINES_SCHEMA)
            old = [r for r, _s, _t in self.state.list(layout.members_folder(month))]
            self.record.deletes.extend(old)
            members = read.member_days_arrow(lines)
            if members.num_rows:
                folder = layout.members_folder(month)
                self.result.member_rels.append(
                    self._staged(f"{folder}part.parquet", folder, members, "rework")
                )


def replay_folders(state: Store, first: dt.date, last: dt.date) -> list[str]:
    """The lines/ folders of the business dates first..last that exist."""
    wanted = {
        layout.lines_folder((first + dt.timedelta(days=k)).isoformat())
        for k in range((last - first).days + 1)
    }
    return sorted({layout.folder_of(r) for r, _s, _t in state.list(layout.LINES)} & wanted)


def folders_holding(state: Store, source_file: str) -> list[str]:
    """The lines/ folders with accepted lines of one POS file (every line object is read: a
    retract is an operator's command, not a scheduled run)."""
    rels = [r for r, _s, _t in state.list(layout.LINES)]

    def holds(rel: str) -> bool:
        table = state.read_parquet(rel, read.LINES_SCHEMA)
        return table is not None and pc.any(pc.equal(table["source_file"], source_file)).as_py()

    return sorted(
        {layout.folder_of(r) for r, hit in zip(rels, parallel_map(holds, rels), strict=True) if hit}
    )


def retract_keys(state: Store, record: Commit, run_id: str, before: pa.Table, source_file: str) -> str | None:
    """Stage the (transaction_id, line_no) of the file's accepted lines for removal from the key
    index (apply removes them); None when it had none."""
    mine = before.filter(pc.equal(before["source_file"], source_file)).select(list(read.KEYS_SCHEMA.names))
    if mine.num_rows == 0:
        return None
    rel = layout.staging(run_id, f"retract/keys-{len(record.keys_retracted)}.parquet")
    state.write_parquet(rel, mine)
    record.keys_retracted.append(rel)
    return rel


def mark_retracted(state: Store, record: Commit, source_file: str) -> None:
    """The files index remembers the file's content as retracted: the same bytes are not read
    again; a corrected version (another content) is."""
    entry = files_index.load(state, [source_file]).get(source_file)
    sha, tag = (entry[0], entry[1]) if entry else ("", "")
    record.files[source_file] = [sha, tag, "retracted"]
