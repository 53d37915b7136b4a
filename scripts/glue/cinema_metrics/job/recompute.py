"""The recompute phase of a run: every metric row the new lines can change, from the declarations.

The runner names no table. For each metric (metrics/), in dependency order:
  scope     its window turns what the new lines touch into the rows to recompute; a metric that
            is new, whose declared version changed, or that is asked for (--recompute, or a
            whole-state recompute) gets the full scope: the whole accepted history;
  lines     the union of the metrics' line windows is read once (lines/ folders by date, plus
            the folders whose lines were sold on a touched date), the member-day index for the
            returning-members window;
  parts     every line aggregate the metrics name, in one Spark job (metrics/parts.py);
  compute   its rows for its scope, from the parts, the dimensions, the merged rows of the
            metrics it depends on and its own stored rows of its read window;
  merge     the stored rows of the scope are replaced: rows that no longer exist are removed
            (from the Parquet months and from DynamoDB), the rest overwritten;
  stage     the rewritten months, the DynamoDB upserts and deletes, under tmp/<run>/.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from cinema_metrics.job import layout, read, sinks
from cinema_metrics.metrics import METRICS, Metric
from cinema_metrics.metrics.common import iso, month, to_day
from cinema_metrics.metrics.parts import MEMBERS, Part, compute_parts, empty_parts
from cinema_metrics.metrics.windows import FULL, Facts, Scope
from cinema_metrics.storage import Store


@dataclass
class Change:
    """What a run does to one metric table."""

    metric: Metric
    scope: Scope
    existing: pd.DataFrame = field(default_factory=pd.DataFrame)  # stored rows read (internal form)
    read_months: set[str] | None = None  # None: every stored month
    rows: pd.DataFrame = field(default_factory=pd.DataFrame)  # recomputed rows (upserts)
    removed: pd.DataFrame = field(default_factory=pd.DataFrame)  # rows that left the table
    merged: pd.DataFrame = field(default_factory=pd.DataFrame)  # the read window after the change
    months: set[str] = field(default_factory=set)  # stored months rewritten (or emptied)
    count: int = 0  # rows of the whole table after the run


@dataclass
class RecomputeInput:
    """What the runner hands the phase."""

    state: Store
    output: Store
    dims: Any  # metrics.common.DimFrames
    facts: Facts
    full: frozenset[str]  # metrics computed over the whole history
    sale_range: dict[str, list[str]]  # lines/ folder (pd) -> [min, max] sale date
    line_rels: list[str]  # this run's staged lines/ objects
    member_rels: list[str]  # this run's staged members/ objects
    counts: dict[str, int]  # rows per table before the run (HEAD)
    session: Callable[[], Any]
    folder_objects: Callable[[list[str], Any], list[str]]  # the runner's compacting lister
    step: Callable[[str, str], None]


class Recompute:
    def __init__(self, given: RecomputeInput):
        self.given = given
        self.changes: dict[str, Change] = {}

    def run(self) -> dict[str, Change]:
        self.plan_scopes()
        active = [c for c in self.changes.values() if not c.scope.empty]
        if not active:
            return self.changes
        self.read_stored()
        parts = self.aggregate_lines(active)
        self.compute_metrics(parts)
        return self.changes

    # ------------------------------------------------------------ phases
    def plan_scopes(self) -> None:
        g = self.given
        for metric in METRICS:
            scope = FULL if metric.name in g.full else metric.window.scope(g.facts)
            empty = metric.empty()
            self.changes[metric.name] = Change(
                metric, scope, existing=empty, rows=empty, removed=empty, merged=empty,
                count=g.counts.get(metric.name, 0),
            )  # fmt: skip

    def _needed(self) -> list[Change]:
        """The metrics computed, and the ones they read (a dependency with nothing to compute
        still has its stored rows read)."""
        active = {n for n, c in self.changes.items() if not c.scope.empty}
        needed = set(active)
        for name in list(active):
            stack = [name]
            while stack:
                for dep in self.changes[stack.pop()].metric.depends_on:
                    if dep not in needed:
                        needed.add(dep)
                        stack.append(dep)
        return [c for n, c in self.changes.items() if n in needed]

    def read_stored(self) -> None:
        """Each needed metric's stored rows: its own window's months, widened to the dates its
        dependents read; a window that looks further back asks for older months."""
        g = self.given
        needed = self._needed()
        extra: dict[str, set[str] | None] = {c.metric.name: set() for c in needed}
        for change in needed:
            if change.scope.empty:
                continue
            days = change.metric.window.line_days(change.scope)
            for dep in change.metric.depends_on:
                if days is None or extra[dep] is None:
                    extra[dep] = None
                else:
                    extra[dep] |= {month(d) for d in days}  # type: ignore[operator]
        for change in needed:
            m, window = change.metric, change.metric.window
            stored = sorted(sinks.stored_months(g.output, m.name)) if window.needs_stored_months else []
            own = set() if change.scope.empty else window.stored_months(change.scope, stored)
            wider = extra[m.name]
            months = None if own is None or wider is None else own | wider
            existing = sinks.read_months(g.output, m.name, months)
            while months is not None and window.needs_stored_months:
                more = window.lookback(change.scope, existing, g.dims, months, stored) - months
                if not more:
                    break
                months |= more
                existing = sinks.read_months(g.output, m.name, months)
            change.existing, change.read_months = existing, months

    def aggregate_lines(self, active: list[Change]) -> dict[str, pd.DataFrame]:
        """The parts of every active metric, over the lines of their windows, in one Spark job."""
        g = self.given
        parts: dict[str, Part] = {p.name: p for c in active for p in c.metric.parts}
        days: set[int] | None = set()
        for change in active:
            window_days = change.metric.window.line_days(change.scope)
            days = None if days is None or window_days is None else days | set(window_days)
        paths = self._line_objects(days)
        members_in = self._member_days(active, parts)
        spark = g.session()
        lines = read.read_objects(spark, g.state.spec, paths, read.LINES_SCHEMA, drop=("pd",))
        result = (
            compute_parts(list(parts.values()), lines, members_in)
            if paths
            else empty_parts(list(parts.values()))
        )
        g.step("aggregate lines", f"{len(paths)} line objects, parts {', '.join(sorted(parts))}")
        return result

    def _line_objects(self, days: set[int] | None) -> list[str]:
        """lines/ objects of the days (None: all), and of the folders holding lines sold on a
        touched date (an advance ticket is kept under its session date)."""
        g = self.given
        if days is None:
            folders = sorted({layout.folder_of(r) for r, _s, _t in g.state.list(layout.LINES)})
            wanted = None
        else:
            wanted = {iso(d) for d in days}
            for pd_iso, (lo, hi) in g.sale_range.items():
                a, b = to_day_iso(lo), to_day_iso(hi)
                if any(a <= d <= b for d in g.facts.days):
                    wanted.add(pd_iso)
            folders = [layout.lines_folder(p) for p in sorted(wanted)]
        own = [r for r in g.line_rels if wanted is None or layout.line_date(r) in wanted]
        return g.folder_objects(folders, read.LINES_SCHEMA) + own

    def _member_days(self, active: list[Change], parts: dict[str, Part]):
        """The member-day index over the windows that recount returning members, or None when the
        members part is computed from the lines themselves (a full scope reads every line)."""
        g = self.given
        if MEMBERS.name not in parts or any(c.scope.full for c in active):
            return None
        ranges = [r for c in active if (r := c.metric.window.member_range(c.scope)) is not None]
        if not ranges:
            return None
        lo, hi = min(r[0] for r in ranges), max(r[1] for r in ranges)
        months = sorted({month(d) for d in range(lo, hi + 1)})
        rels = g.folder_objects([layout.members_folder(m) for m in months], read.MEMBERS_SCHEMA)
        rels += [r for r in g.member_rels if layout.member_month(r) in months]
        from pyspark.sql import functions as F

        frame = read.read_objects(g.session(), g.state.spec, rels, read.MEMBERS_SCHEMA)
        return frame.where(F.col("day").between(lo, hi))

    def compute_metrics(self, parts: dict[str, pd.DataFrame]) -> None:
        g = self.given
        for change in self._needed():
            m = change.metric
            if change.scope.empty:
                change.merged = change.existing
                change.count = g.counts.get(m.name, 0)
                continue
            tables = {dep: self.changes[dep].merged for dep in m.depends_on}
            inputs = _inputs(parts, g.dims, tables, change)
            rows = m.compute(inputs).reset_index(drop=True)
            # no row: the declared dtypes, not what pandas infers from nothing (a float key column)
            change.rows = m.empty() if rows.empty else rows
            self._merge(change)
        g.step("assemble tables", " ".join(f"{n}={len(c.rows)}" for n, c in self.changes.items()))

    def _merge(self, change: Change) -> None:
        """Replace the scope's stored rows by the recomputed ones; what is left out was removed."""
        m, existing, rows, scope = change.metric, change.existing, change.rows, change.scope
        key = list(m.key)
        if scope.full:
            replaced = pd.Series(True, index=existing.index)
        else:
            in_dates = existing[m.date].isin(scope.all_dates() or ())
            rekeyed = existing[key].merge(rows[key].drop_duplicates(), on=key, how="left", indicator=True)
            replaced = in_dates | (rekeyed["_merge"] == "both").to_numpy()
        old = existing[replaced.to_numpy()]
        gone = old[key].merge(rows[key].drop_duplicates(), on=key, how="left", indicator=True)
        change.removed = old[(gone["_merge"] == "left_only").to_numpy()].reset_index(drop=True)
        change.merged = pd.concat([existing[~replaced.to_numpy()], rows], ignore_index=True)
        dates = set(rows[m.date].tolist()) | set(change.removed[m.date].tolist())
        if scope.full:
            change.months = set(sinks.stored_months(self.given.output, m.name)) | {month(d) for d in dates}
            change.count = len(change.merged)
        else:
            change.months = {month(d) for d in (scope.all_dates() or ())} | {month(d) for d in dates}
            change.count = self.given.counts.get(m.name, 0) + len(change.merged) - len(existing)
        unread = set() if change.read_months is None else change.months - change.read_months
        if unread:  # rewriting a month not read would drop its other rows
            raise AssertionError(f"{m.name}: months {sorted(unread)} would be rewritten without being read")


def to_day_iso(text: str) -> int:
    import datetime as dt

    return to_day(dt.date.fromisoformat(text))


def _inputs(parts, dims, tables, change: Change):
    from cinema_metrics.metrics.base import Inputs

    return Inputs(parts=parts, dims=dims, tables=tables, existing=change.existing, scope=change.scope)
