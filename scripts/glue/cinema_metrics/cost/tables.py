"""The metric tables as the cost model prices them, derived from their declarations (metrics/).

Nothing here names a table: a new metric module is priced by the next `make cost` from what it
declares, its columns (and their kinds), its key, its DynamoDB key formats and its date column's
unit (day or film week):

- the DynamoDB item size, by DynamoDB's own rules (attribute names + values: a string's UTF-8
  bytes, a number ~1 byte per two significant digits + 1), each value at a typical width for its
  kind (TYPICAL below), pk and sk at their formats' widths;
- the rows the table keeps per period of its date column, the product of its key columns'
  values per period (the grain): site_id -> workload sites, film_id -> films showing, hour ->
  opening hours, showtime_id -> the chain's showtimes, a column named after a contract vocabulary
  (category -> contract.CATEGORIES) -> that vocabulary's size, anything else -> the workload's
  other_key_values (and the report names it);
- the rows one run rewrites: the same product over the run's new lines (a 2-hour window touches
  two hours of the day and that window's showtimes), at least one period of the date column, at
  most the run's lines (each line changes at most one row of a table);
- the Parquet bytes of a row (PARQUET_BYTES_PER_VALUE per column, compressed).
"""

from __future__ import annotations

import math
import string
from dataclasses import dataclass

from cinema_metrics import contract
from cinema_metrics.cost.inputs import Workload
from cinema_metrics.metrics import METRICS, Metric

OPEN_HOURS = 16  # hours a site sells in a business day (06:00 start, shows until ~22:00)
WINDOW_HOURS = 2  # the job's schedule: one run per 2-hour window
DYNAMODB_ITEM_OVERHEAD = 100  # bytes DynamoDB adds to each item's size for storage billing
PARQUET_BYTES_PER_VALUE = 4  # compressed (dictionary/RLE + Snappy) bytes per column value
# Typical value of a column kind: (bytes of its string form, significant digits of its number).
TYPICAL: dict[str, tuple[int, int]] = {
    "id": (4, 4),  # site 12, film 143, showtime 8,042
    "count": (4, 4),  # admissions 1,532
    "date": (10, 0),  # "2026-12-07" (a string attribute)
    "money": (8, 7),  # 12,345.67
    "ratio": (6, 4),  # 0.4321
    "money_ratio": (7, 6),  # 12.3456
    "str": (16, 0),  # "2026-12-07 19:30", "scheduled"
}
NUMERIC = frozenset({"id", "count", "money", "ratio", "money_ratio"})
# Key columns whose values lie within a business day: a run's 2-hour window touches only some of
# them, so a run's rows are counted from the window, not from the day.
WITHIN_DAY = frozenset({"hour", "showtime_id"})


@dataclass(frozen=True)
class TableCost:
    """One metric table, as priced."""

    name: str
    columns: int
    item_bytes: int  # DynamoDB item size (what a write unit is counted on)
    parquet_row_bytes: int
    grain: tuple[str, ...]  # key columns other than the date column
    unit: str  # "day" or "week": the date column's period
    assumed: tuple[str, ...]  # grain columns priced with the workload's other_key_values

    @property
    def write_units(self) -> int:
        """Write units per item written (1 per KB, rounded up)."""
        return max(1, math.ceil(self.item_bytes / 1024))

    @property
    def stored_bytes(self) -> int:
        return self.item_bytes + DYNAMODB_ITEM_OVERHEAD


def _number_bytes(digits: int) -> int:
    return math.ceil(digits / 2) + 1


def _value_bytes(kind: str) -> int:
    text, digits = TYPICAL[kind]
    return _number_bytes(digits) if kind in NUMERIC else text


def _format_width(fmt: str, kinds: dict[str, str]) -> int:
    """Characters of a pk/sk format ("SITE#{site_id}#DATE#{business_date}") with typical values."""
    width = 0
    for literal, field, spec, _ in string.Formatter().parse(fmt):
        width += len(literal)
        if field is None:
            continue
        digits = "".join(c for c in (spec or "") if c.isdigit())
        if digits:  # an explicit width, e.g. {hour:02d}
            width += int(digits.lstrip("0") or 0) or len(digits)
        elif field in kinds:
            width += TYPICAL[kinds[field]][0]
        else:  # a derived value (the session's HH:MM)
            width += TYPICAL["str"][0] // 2
    return width


def item_bytes(metric: Metric) -> int:
    """DynamoDB size of one item: every declared column (NULLs are omitted, so this is the
    largest form) and the pk and sk string attributes."""
    kinds = metric.kinds
    size = sum(len(name.encode()) + _value_bytes(kind) for name, kind in kinds.items())
    size += len("pk") + _format_width(metric.keys.pk, kinds)
    size += len("sk") + _format_width(metric.keys.sk, kinds)
    return size


def _vocabulary(column: str) -> int | None:
    """Size of the contract's vocabulary named after the column (category -> CATEGORIES)."""
    upper = column.upper()
    for name in (f"{upper}S", f"{upper[:-1]}IES" if upper.endswith("Y") else None):
        values = getattr(contract, name, None) if name else None
        if isinstance(values, tuple) and values:
            return len(values)
    return None


def _per_period(column: str, w: Workload) -> float | None:
    """Values of a key column in one period of the table's date column (None: no figure)."""
    known = {
        "site_id": w.sites,
        "film_id": w.films_showing,
        "hour": OPEN_HOURS,
        "showtime_id": w.sites * w.showtimes_per_site_per_2h * OPEN_HOURS / WINDOW_HOURS,
    }
    if column in known:
        return float(known[column])
    vocabulary = _vocabulary(column)
    return float(vocabulary) if vocabulary is not None else None


def _per_run(column: str, w: Workload, windows: float) -> float | None:
    """Values of a key column a run's new lines touch (its `windows` 2-hour windows)."""
    if column == "hour":  # a 2-hour window's two hours (a daily run: its 12 windows, 24 hours)
        return WINDOW_HOURS * windows
    if column == "showtime_id":
        return w.sites * w.showtimes_per_site_per_2h * windows
    return _per_period(column, w)


def describe(metric: Metric, w: Workload) -> TableCost:
    grain = tuple(c for c in metric.key if c != metric.date)
    assumed = tuple(c for c in grain if _per_period(c, w) is None)
    return TableCost(
        name=metric.name,
        columns=len(metric.columns),
        item_bytes=item_bytes(metric),
        parquet_row_bytes=len(metric.columns) * PARQUET_BYTES_PER_VALUE,
        grain=grain,
        unit=getattr(metric.window, "unit", "day"),
        assumed=assumed,
    )


def tables(w: Workload) -> list[TableCost]:
    """Every declared metric table, in the registry's order."""
    return [describe(m, w) for m in METRICS]


def _value(figure: float | None, w: Workload) -> float:
    return w.other_key_values if figure is None else figure


def rows_stored(t: TableCost, w: Workload) -> float:
    """Rows (= DynamoDB items) the table keeps over the retention period."""
    days = w.metric_retention_months * 30
    periods = days / 7 if t.unit == "week" else days
    return math.prod(_value(_per_period(c, w), w) for c in t.grain) * periods


def rows_per_run(t: TableCost, w: Workload, runs: float) -> float:
    """Rows one run rewrites: the keys its new lines touch, bounded by its lines."""
    if runs <= 0:
        return 0.0
    lines = w.pos_lines_per_month / runs
    windows = 360 / runs  # 2-hour windows covered by one run
    days = max(1.0, windows / 12)
    periods = max(1.0, days / 7) if t.unit == "week" else days
    keys = math.prod(_value(_per_run(c, w, windows), w) for c in t.grain)
    if not WITHIN_DAY & set(t.grain):  # within-day columns already count the run's window
        keys *= periods
    return min(lines, keys)
