"""What a metric declaration is: one table, declared once, from which everything else follows.

A metric module (metrics/<name>.py) declares a `Metric`: its name and version, its grain (the
key columns, strings allowed), every column with its kind and a one-line definition, its
DynamoDB keys, the date column it is stored and partitioned by, its dependency window (which
stored rows a new line can change), the line aggregates it reads (Spark, job/parts), the other
metrics it reads, and `compute`, its transform from those inputs to its rows. The job, the
catalog (Parquet and Glue schemas, Athena DDL and views, the DynamoDB tables in Terraform),
the dashboards' data sets, the cost model and docs/contract/metrics.md are all derived from
these declarations (`make generate`).

Internal form (what `compute` returns and the job merges): dates are day numbers (days since
1970-01-01), money is integer cents, a ratio is an integer of 10^-DECIMALS units (nullable
Int64, NA when the denominator is 0), strings are strings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from cinema_metrics import contract

if TYPE_CHECKING:
    from cinema_metrics.metrics.parts import Part
    from cinema_metrics.metrics.windows import Window

# Column kinds: an identifier, a count (integer), a date, money (2 decimals), a ratio and money
# per unit (4 decimals, contract.DECIMALS), text.
KINDS = ("id", "count", "date", "money", "ratio", "money_ratio", "str")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    definition: str

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"column {self.name}: kind {self.kind!r} is not one of {KINDS}")


@dataclass(frozen=True)
class Keys:
    """DynamoDB item keys: format strings over the row's columns (dates as YYYY-MM-DD) and the
    derived values named in `derived` (e.g. a session's HH:MM from its starts_at)."""

    pk: str
    sk: str
    derived: dict[str, Callable[[dict[str, Any]], Any]] = field(default_factory=dict)

    def of(self, item: dict[str, Any]) -> tuple[str, str]:
        values = {**item, **{name: fn(item) for name, fn in self.derived.items()}}
        return self.pk.format(**values), self.sk.format(**values)


@dataclass
class Inputs:
    """What a metric's compute reads, for the rows a run recomputes.

    parts: the line aggregates it names (pandas, from one Spark job over the lines of the
    run's read window); dims: the dimension facts (metrics/dims.py); tables: the merged rows
    of the metrics it depends on; existing: its own stored rows of the read window;
    scope: what the run recomputes (metrics/windows.py `Scope`; None fields: everything)."""

    parts: dict[str, pd.DataFrame]
    dims: Any
    tables: dict[str, pd.DataFrame]
    existing: pd.DataFrame
    scope: Any


@dataclass(frozen=True)
class Metric:
    name: str
    version: int  # raise it when the definition changes: the next run recomputes the whole history
    title: str
    rows: str  # which rows the table has, one sentence
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # the grain: columns that identify a row
    date: str  # the date column the table is stored (and partitioned by month) by
    keys: Keys  # DynamoDB
    window: Window
    parts: tuple[Part, ...]  # line aggregates it reads (metrics/parts.py, or its own)
    compute: Callable[[Inputs], pd.DataFrame]
    depends_on: tuple[str, ...] = ()  # metrics whose merged rows it reads

    def __post_init__(self) -> None:
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.name}: a column is declared twice")
        missing = [c for c in (*self.key, self.date) if c not in names]
        if missing:
            raise ValueError(f"{self.name}: key or date column(s) {missing} are not declared columns")
        if names[: len(self.key)] != list(self.key):
            raise ValueError(f"{self.name}: the key columns {self.key} must come first, in order")

    # The shape the sinks, the oracle comparison and the SQL tests read (contract.MetricTable's).
    @property
    def kinds(self) -> dict[str, str]:
        """{column: kind}, key columns first."""
        return {c.name: c.kind for c in self.columns}

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def ratios(self) -> list[str]:
        return [c.name for c in self.columns if c.kind in contract.DECIMALS and c.kind != "money"]

    @property
    def money(self) -> list[str]:
        return [c.name for c in self.columns if c.kind == "money"]

    def empty(self) -> pd.DataFrame:
        """No rows, in internal form."""
        return pd.DataFrame({c.name: pd.Series(dtype=_INTERNAL_DTYPES[c.kind]) for c in self.columns})


_INTERNAL_DTYPES = {
    "id": "int64",
    "count": "int64",
    "date": "int64",
    "money": "int64",
    "ratio": "Int64",
    "money_ratio": "Int64",
    "str": "object",
}
