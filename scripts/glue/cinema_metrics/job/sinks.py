"""Parquet sink of the metric tables (and reading them back), in the curated layout.

`<output>/metrics/<table>/partition_month=YYYY-MM/data.parquet`: one object per month, so a
rewrite is one PUT (S3 replaces an object atomically; a folder, by rename) and a reader never
sees two versions of a row. Every contract column is inside the file with
its real type: DATE, BIGINT, DECIMAL(18,2) money, DOUBLE ratios.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cinema_metrics import contract
from cinema_metrics.job import layout
from cinema_metrics.metrics import METRIC_TABLES
from cinema_metrics.storage import Store, open_store

MONEY_TYPE = pa.decimal128(18, 2)
_CENT = pa.scalar(Decimal("0.01"), pa.decimal128(3, 2))
_KIND_TYPES = {"id": pa.int64(), "count": pa.int64(), "date": pa.date32(), "str": pa.string()}


def arrow_schema(table: str) -> pa.Schema:
    cols = METRIC_TABLES[table].kinds
    fields = []
    for c, kind in cols.items():
        if kind == "money":
            t = MONEY_TYPE
        elif kind in contract.DECIMALS:
            t = pa.float64()
        else:
            t = _KIND_TYPES[kind]
        fields.append(pa.field(c, t, nullable=kind in contract.DECIMALS and kind != "money"))
    return pa.schema(fields)


def to_arrow(table: str, frame: pd.DataFrame) -> pa.Table:
    """Internal form (day numbers, cents, scaled ratios) -> the typed Arrow table."""
    arrays = []
    for f, (c, kind) in zip(arrow_schema(table), METRIC_TABLES[table].kinds.items(), strict=True):
        s = frame[c]
        if kind == "money":
            dec = pa.array(s.to_numpy(np.int64)).cast(pa.decimal128(19, 0))
            arrays.append(pc.multiply(dec, _CENT).cast(MONEY_TYPE))
        elif kind in contract.DECIMALS:
            k = contract.DECIMALS[kind]
            vals = pd.array(s, dtype="Int64")
            arrays.append(pa.array(vals.to_numpy(dtype="float64", na_value=np.nan) / 10**k, from_pandas=True))
        elif kind == "date":
            arrays.append(pa.array(s.to_numpy(np.int32)).cast(pa.date32()))
        elif kind == "str":
            arrays.append(pa.array(s.astype(str).tolist(), pa.string()))
        else:
            arrays.append(pa.array(s.to_numpy(np.int64)))
        del f
    return pa.Table.from_arrays(arrays, schema=arrow_schema(table))


def from_arrow(table: str, at: pa.Table) -> pd.DataFrame:
    """Typed Arrow -> internal form (inverse of to_arrow)."""
    out = {}
    for c, kind in METRIC_TABLES[table].kinds.items():
        col = at.column(c)
        if kind == "money":
            cents = pc.multiply(col.cast(pa.decimal128(20, 2)), pa.scalar(Decimal(100), pa.decimal128(3, 0)))
            out[c] = pc.cast(cents, pa.int64()).to_numpy()
        elif kind in contract.DECIMALS:
            k = contract.DECIMALS[kind]
            vals = col.to_pandas()
            out[c] = pd.array(np.round(vals.to_numpy(dtype="float64") * 10**k), dtype="Int64")
            out[c][vals.isna().to_numpy()] = pd.NA
        elif kind == "date":
            out[c] = col.cast(pa.int32()).to_numpy().astype(np.int64)
        elif kind == "str":
            out[c] = pd.Series(col.to_pylist(), dtype="object")  # empty: still text, not float
        else:
            out[c] = col.to_numpy().astype(np.int64)
    return pd.DataFrame(out, columns=list(METRIC_TABLES[table].kinds))


def month_of(days: pd.Series) -> pd.Series:
    return pd.Series(
        (np.asarray(days, dtype="int64").astype("datetime64[D]")).astype("datetime64[M]").astype(str)
    )


def month_bytes(table: str, rows: pd.DataFrame) -> bytes:
    import io

    key = list(METRIC_TABLES[table].key)
    rows = rows.sort_values(key, kind="stable").reset_index(drop=True)
    buf = io.BytesIO()
    pq.write_table(to_arrow(table, rows), buf, compression="zstd")
    return buf.getvalue()


def split_months(table: str, frame: pd.DataFrame, months: set[str]) -> dict[str, pd.DataFrame]:
    """The rows of each given month (empty frames for months left without rows)."""
    keyed = frame.assign(_m=month_of(frame[METRIC_TABLES[table].date]).values)
    return {m: keyed[keyed["_m"] == m].drop(columns="_m") for m in sorted(months)}


def read_months(output: Store, table: str, months: set[str] | None) -> pd.DataFrame:
    """The table's rows in those months (None: every month), internal form; one GET a month."""
    if months is None:
        rels = [r for r, _s, _t in output.list(layout.metrics_folder(table)) if layout.metric_month_of(r)]
    else:
        rels = [layout.metric_month(table, m) for m in sorted(months)]
    return from_arrow(table, output.read_parquets(rels, arrow_schema(table)))


def stored_months(output: Store, table: str) -> set[str]:
    months = (layout.metric_month_of(r) for r, _s, _t in output.list(layout.metrics_folder(table)))
    return {m for m in months if m is not None}


def read_table(output: Path | str | Store, table: str) -> pd.DataFrame:
    """The complete current table in internal form (empty frame when never written)."""
    store = output if isinstance(output, Store) else open_store(output)
    return read_months(store, table, None)
