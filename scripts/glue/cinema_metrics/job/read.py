"""Spark side of the POS parse: whole files in, one row per line out (job/parse.py does the work).

Files are spread over tasks by size; each task reads its files (local paths, or the
`content` column of Spark's binaryFile source on Glue) and yields Arrow batches. This is
the only Python code that runs per line.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pyarrow as pa

from cinema_metrics.job import parse

ARROW_SCHEMA = pa.schema(
    [
        ("file_idx", pa.int32()),
        ("source_file", pa.string()),
        ("line_number", pa.int32()),
        ("reason", pa.string()),
        ("raw", pa.string()),
        ("transaction_id", pa.string()),
        ("line_no", pa.int32()),
        ("site_id", pa.int32()),
        ("terminal_id", pa.string()),
        ("sold_at_us", pa.int64()),
        ("channel", pa.string()),
        ("customer_id", pa.int64()),
        ("item_type", pa.string()),
        ("showtime_id", pa.int64()),
        ("ticket_type", pa.string()),
        ("sku", pa.string()),
        ("category", pa.string()),
        ("quantity", pa.int64()),
        ("net_cents", pa.int64()),
        ("sale_date", pa.date32()),
        ("hour", pa.int32()),
        ("session_date", pa.date32()),
        ("screen_id", pa.int32()),
        ("film_id", pa.int32()),
        ("is_member", pa.bool_()),
        ("pd", pa.date32()),
    ]
)
assert tuple(ARROW_SCHEMA.names) == parse.COLUMNS
SPARK_DDL = (
    "file_idx int, source_file string, line_number int, reason string, raw string, transaction_id string, "
    "line_no int, site_id int, terminal_id string, sold_at_us bigint, channel string, customer_id bigint, "
    "item_type string, showtime_id bigint, ticket_type string, sku string, category string, quantity bigint, "
    "net_cents bigint, sale_date date, hour int, session_date date, screen_id int, film_id int, "
    "is_member boolean, pd date"
)
_BATCH = 50_000


def rows_to_batch(rows: Sequence[tuple]) -> pa.RecordBatch:
    cols = list(zip(*rows, strict=True)) if rows else [() for _ in ARROW_SCHEMA]
    arrays = []
    for values, f in zip(cols, ARROW_SCHEMA, strict=True):
        if pa.types.is_date32(f.type):
            arrays.append(pa.array(values, pa.int32()).cast(pa.date32()))
        else:
            arrays.append(pa.array(values, f.type))
    return pa.RecordBatch.from_arrays(arrays, schema=ARROW_SCHEMA)


def parse_batches(batches: Iterator[pa.RecordBatch], ctx: parse.Context) -> Iterator[pa.RecordBatch]:
    """mapInArrow body: input rows (file_idx, source_file, path | content)."""
    rows: list[tuple] = []
    for batch in batches:
        d = batch.to_pydict()
        contents = d.get("content") or [None] * batch.num_rows
        paths = d.get("path") or [None] * batch.num_rows
        for idx, rel, path, content in zip(d["file_idx"], d["source_file"], paths, contents, strict=True):
            data = content if content is not None else Path(path).read_bytes()
            for row in parse.parse_file(idx, rel, data, ctx):
                rows.append(row)
                if len(rows) >= _BATCH:
                    yield rows_to_batch(rows)
                    rows = []
    if rows:
        yield rows_to_batch(rows)


def balanced_slices(files: Sequence[tuple[int, str, str, int]], slices: int) -> list[tuple[int, str, str]]:
    """Order (idx, relpath, path, size) so contiguous slices carry similar byte counts."""
    buckets: list[list[tuple[int, str, str]]] = [[] for _ in range(slices)]
    loads = [0] * slices
    for idx, rel, path, size in sorted(files, key=lambda f: -f[3]):
        i = loads.index(min(loads))
        buckets[i].append((idx, rel, path))
        loads[i] += size
    return [row for b in buckets for row in b]


def parse_local_files(spark, files: Sequence[tuple[int, str, str, int]], ctx_bc, ship_content: bool = False):
    """DataFrame (SPARK_DDL) of every line of the given local files.

    ship_content: the driver reads the bytes and ships them to the tasks (a cluster whose
    executors cannot see the driver's disk, e.g. Glue workers and a synced increment)."""
    total = sum(f[3] for f in files)
    cores = spark.sparkContext.defaultParallelism
    slices = max(1, min(len(files), max(cores * 2, total // (48 << 20))))
    ordered = balanced_slices(files, slices)
    if ship_content:
        rows = [(i, rel, bytearray(Path(p).read_bytes())) for i, rel, p in ordered]
        frame = spark.createDataFrame(
            spark.sparkContext.parallelize(rows, slices), "file_idx int, source_file string, content binary"
        )
    else:
        rdd = spark.sparkContext.parallelize(ordered, slices)
        frame = spark.createDataFrame(rdd, "file_idx int, source_file string, path string")

    def run(batches):
        return parse_batches(batches, ctx_bc.value)

    return frame.mapInArrow(run, SPARK_DDL)


def parse_binary_files(spark, frame, ctx_bc):
    """Same for a frame with columns (file_idx, source_file, content) - Glue's binaryFile source."""

    def run(batches):
        return parse_batches(batches, ctx_bc.value)

    return frame.mapInArrow(run, SPARK_DDL)
