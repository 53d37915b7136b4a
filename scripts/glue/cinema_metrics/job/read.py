"""Spark side of the POS parse: whole files in, staged Parquet out (job/parse.py does the work).

Files are spread over tasks by size; each task reads its files (local paths, or bytes the
driver shipped when executors cannot see its disk), parses every line and writes two
Parquet files itself with pyarrow: the candidate lines (rules 1-10 passed; rule 11 needs
the whole run) and the rejected ones. Only a small summary per task goes back through
Spark: counts by reason and the (partition, sale date) pairs the candidates touch. Writing
from Arrow directly skips Spark's row conversion and writer: about a third of the parse
stage. This is the only Python code that runs per line.
"""

from __future__ import annotations

import os
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from cinema_metrics.job import parse

_TYPES = {
    "file_idx": pa.int32(),
    "source_file": pa.string(),
    "line_number": pa.int32(),
    "reason": pa.string(),
    "raw": pa.string(),
    "transaction_id": pa.string(),
    "line_no": pa.int32(),
    "site_id": pa.int32(),
    "terminal_id": pa.string(),
    "sold_at_us": pa.int64(),
    "channel": pa.string(),
    "customer_id": pa.int64(),
    "item_type": pa.string(),
    "showtime_id": pa.int64(),
    "ticket_type": pa.string(),
    "sku": pa.string(),
    "category": pa.string(),
    "quantity": pa.int64(),
    "net_cents": pa.int64(),
    "sale_date": pa.date32(),
    "hour": pa.int32(),
    "session_date": pa.date32(),
    "screen_id": pa.int32(),
    "film_id": pa.int32(),
    "is_member": pa.bool_(),
    "pd": pa.date32(),
}
assert tuple(_TYPES) == parse.COLUMNS
_QUARANTINE = ("file_idx", "source_file", "line_number", "reason", "raw")
# A candidate: every parser column but the quarantine ones (reason, raw are null for it).
CANDIDATE_SCHEMA = pa.schema([(c, t) for c, t in _TYPES.items() if c not in ("reason", "raw")])
REJECTED_SCHEMA = pa.schema([(c, _TYPES[c]) for c in _QUARANTINE])
_CAND_IDX = [parse.COLUMNS.index(c) for c in CANDIDATE_SCHEMA.names]
_REJ_IDX = [parse.COLUMNS.index(c) for c in REJECTED_SCHEMA.names]
_PD, _SALE, _ITEM, _QTY, _MEMBER = (
    parse.COLUMNS.index(c) for c in ("pd", "sale_date", "item_type", "quantity", "is_member")
)


def spark_schema(schema: pa.Schema, drop: Sequence[str] = ()):
    """The Spark StructType of an Arrow schema. Reading Parquet with a given schema skips
    Spark's footer-reading job, and a StructType (unlike a DDL string) needs no JVM parse."""
    from pyspark.sql import types as T

    spark_types = {
        pa.int32(): T.IntegerType(),
        pa.int64(): T.LongType(),
        pa.string(): T.StringType(),
        pa.date32(): T.DateType(),
        pa.bool_(): T.BooleanType(),
    }
    return T.StructType([T.StructField(f.name, spark_types[f.type]) for f in schema if f.name not in drop])


def read_parquet(spark, schema: pa.Schema, *paths: str, drop: Sequence[str] = ()):
    """spark.read.parquet with the schema given (see spark_schema)."""
    return spark.read.schema(spark_schema(schema, drop)).parquet(*paths)


CANDIDATES = "candidates"
# Accepted lines in the state: candidates without the file index; pd is the folder name.
LINES_SCHEMA = CANDIDATE_SCHEMA.remove(CANDIDATE_SCHEMA.get_field_index("file_idx"))
KEYS_SCHEMA = pa.schema([("transaction_id", pa.string()), ("line_no", pa.int32())])
MEMBERS_SCHEMA = pa.schema([("customer_id", pa.int64()), ("site_id", pa.int32()), ("day", pa.int32())])

# One row per reason with its count, one per (pd, sale_date) the candidates touch.
SUMMARY_SCHEMA = pa.schema(
    [
        ("reason", pa.string()),
        ("pd", pa.int32()),
        ("sale_date", pa.int32()),
        ("member", pa.bool_()),
        ("n", pa.int64()),
    ]
)
REJECTED = "rejected"
_BATCH = 50_000
_IN_DRIVER = 32 << 20  # bytes of POS files parsed in the driver process (see stage_files)


def rows_to_batch(rows: Sequence[tuple], schema: pa.Schema, idx: Sequence[int]) -> pa.RecordBatch:
    cols = list(zip(*rows, strict=True))
    arrays = []
    for i, f in zip(idx, schema, strict=True):
        if pa.types.is_date32(f.type):
            arrays.append(pa.array(cols[i], pa.int32()).cast(pa.date32()))
        else:
            arrays.append(pa.array(cols[i], f.type))
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


class _StagedFile:
    """One task's Parquet file, written batch by batch, renamed into place when complete
    (a retried task replaces it: files are named by the task's partition)."""

    def __init__(self, folder: Path, part: int, schema: pa.Schema, idx: Sequence[int]) -> None:
        self.path = folder / f"part-{part:05d}.parquet"
        self.tmp = folder / f".part-{part:05d}.{uuid.uuid4().hex[:8]}.tmp"
        self.schema, self.idx = schema, idx
        self.rows: list[tuple] = []
        self.writer: pq.ParquetWriter | None = None

    def add(self, row: tuple) -> None:
        self.rows.append(row)
        if len(self.rows) >= _BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        if self.writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.writer = pq.ParquetWriter(self.tmp, self.schema)
        self.writer.write_batch(rows_to_batch(self.rows, self.schema, self.idx))
        self.rows = []

    def close(self) -> None:
        self.flush()
        if self.writer is not None:
            self.writer.close()
            os.replace(self.tmp, self.path)


def stage_batches(
    batches: Iterator[pa.RecordBatch], ctx: parse.Context, staging: Path, part: int
) -> Iterator[pa.RecordBatch]:
    """mapInArrow body: input rows (file_idx, source_file, path | content); writes the task's
    staged files and yields its summary (SUMMARY_SCHEMA)."""
    cand = _StagedFile(staging / CANDIDATES, part, CANDIDATE_SCHEMA, _CAND_IDX)
    rej = _StagedFile(staging / REJECTED, part, REJECTED_SCHEMA, _REJ_IDX)
    reasons: Counter[str] = Counter()
    touched: dict[tuple[int, int], list] = {}  # (pd, sale_date) -> [lines, member admission seen]
    for batch in batches:
        d = batch.to_pydict()
        contents = d.get("content") or [None] * batch.num_rows
        paths = d.get("path") or [None] * batch.num_rows
        for idx, rel, path, content in zip(d["file_idx"], d["source_file"], paths, contents, strict=True):
            data = content if content is not None else Path(path).read_bytes()
            for row in parse.parse_file(idx, rel, data, ctx):
                if row[3] is not None:
                    rej.add(row)
                    reasons[row[3]] += 1
                    continue
                cand.add(row)
                key = (row[_PD], row[_SALE])
                t = touched.get(key)
                if t is None:
                    t = touched[key] = [0, False]
                t[0] += 1
                if not t[1] and row[_MEMBER] and row[_ITEM] == "ticket" and row[_QTY] > 0:
                    t[1] = True
    cand.close()
    rej.close()
    summary = [(r, None, None, None, n) for r, n in reasons.items()]
    summary += [(None, p, s, m, n) for (p, s), (n, m) in touched.items()]
    cols = list(zip(*summary, strict=True)) if summary else [()] * 5
    yield pa.RecordBatch.from_arrays(
        [
            pa.array(cols[0], pa.string()),
            pa.array(cols[1], pa.int32()),
            pa.array(cols[2], pa.int32()),
            pa.array(cols[3], pa.bool_()),
            pa.array(cols[4], pa.int64()),
        ],
        names=["reason", "pd", "sale_date", "member", "n"],
    )


def balanced_slices(files: Sequence[tuple[int, str, str, int]], slices: int) -> list[tuple[int, str, str]]:
    """Order (idx, relpath, path, size) so contiguous slices carry similar byte counts."""
    buckets: list[list[tuple[int, str, str]]] = [[] for _ in range(slices)]
    loads = [0] * slices
    for idx, rel, path, size in sorted(files, key=lambda f: -f[3]):
        i = loads.index(min(loads))
        buckets[i].append((idx, rel, path))
        loads[i] += size
    return [row for b in buckets for row in b]


def _input_schema(name: str, kind: pa.DataType):
    from pyspark.sql import types as T

    last = T.BinaryType() if kind == pa.binary() else T.StringType()
    base = spark_schema(pa.schema([("file_idx", pa.int32()), ("source_file", pa.string())]))
    return base.add(name, last)


def stage_files(
    session: Callable[[], Any],
    files: Sequence[tuple[int, str, str, int]],
    ctx: parse.Context,
    staging: Path,
    ship_content: bool = False,
) -> list[tuple]:
    """Parse the given local files (idx, relpath, path, size) into `staging` (CANDIDATES/,
    REJECTED/); return the summary rows (SUMMARY_SCHEMA).

    Up to _IN_DRIVER bytes (an every-2-hours increment is ~2 MB) the driver runs the same
    stage_batches itself: no Spark task, no context broadcast, no Python worker, and no wait
    for the session (still starting). Beyond, the files fan out to Spark tasks. session:
    returns the Spark session. ship_content: the driver reads the bytes and ships them to
    the tasks (a cluster whose executors cannot see the driver's disk, e.g. Glue workers)."""
    total = sum(f[3] for f in files)
    if total <= _IN_DRIVER:
        batch = pa.RecordBatch.from_pydict(
            {
                "file_idx": [f[0] for f in files],
                "source_file": [f[1] for f in files],
                "path": [f[2] for f in files],
            }
        )
        out = list(stage_batches(iter([batch]), ctx, staging, 0))
        return [row for b in out for row in zip(*(c.to_pylist() for c in b.columns), strict=True)]
    spark = session()
    cores = spark.sparkContext.defaultParallelism
    slices = max(1, min(len(files), max(cores * 2, total // (48 << 20))))
    ordered = balanced_slices(files, slices)
    if ship_content:
        rows = [(i, rel, bytearray(Path(p).read_bytes())) for i, rel, p in ordered]
        frame = spark.createDataFrame(
            spark.sparkContext.parallelize(rows, slices), _input_schema("content", pa.binary())
        )
    else:
        rdd = spark.sparkContext.parallelize(ordered, slices)
        frame = spark.createDataFrame(rdd, _input_schema("path", pa.string()))
    folder = str(staging)
    ctx_bc = spark.sparkContext.broadcast(ctx)

    def run(batches):
        from pyspark import TaskContext

        return stage_batches(batches, ctx_bc.value, Path(folder), TaskContext.get().partitionId())

    try:
        return [tuple(r) for r in frame.mapInArrow(run, spark_schema(SUMMARY_SCHEMA)).collect()]
    finally:
        ctx_bc.unpersist()
