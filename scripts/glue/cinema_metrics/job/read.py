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

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, NamedTuple

import pyarrow as pa
import pyarrow.compute as pc

from cinema_metrics.job import layout, parse
from cinema_metrics.job.posfile import PosContent, PosLimits, read_pos_object
from cinema_metrics.storage import IN_FLIGHT, Store, StoreSpec, parallel_map

_TYPES = {
    "file_idx": pa.int32(),
    "source_file": pa.string(),
    "line_number": pa.int32(),
    "reason": pa.string(),
    "raw": pa.string(),
    "raw_cut": pa.bool_(),
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
# A quarantined line: where it is, why, its text, and where it was sold when the text says so.
_QUARANTINE = ("file_idx", "source_file", "line_number", "reason", "raw", "raw_cut", "site_id", "sale_date")
# A candidate: every parser column but the quarantine ones (reason, raw, raw_cut are null for it).
CANDIDATE_SCHEMA = pa.schema([(c, t) for c, t in _TYPES.items() if c not in ("reason", "raw", "raw_cut")])
assert all(c in CANDIDATE_SCHEMA.names for c in ("site_id", "sale_date"))
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

# One row per reason with its count, one per (pd, sale_date) the candidates touch, one per
# file with its sha256 (n = 1 when its lines were read, 0 when its content was already
# processed or it was rejected whole: then file_reason and detail say why).
SUMMARY_SCHEMA = pa.schema(
    [
        ("reason", pa.string()),
        ("pd", pa.int32()),
        ("sale_date", pa.int32()),
        ("member", pa.bool_()),
        ("n", pa.int64()),
        ("file_idx", pa.int32()),
        ("sha256", pa.string()),
        ("file_reason", pa.string()),
        ("detail", pa.string()),
    ]
)


class SummaryRow(NamedTuple):
    """One row of a parse task's summary (SUMMARY_SCHEMA)."""

    reason: str | None
    pd: int | None
    sale_date: int | None
    member: bool | None
    n: int
    file_idx: int | None
    sha256: str | None
    file_reason: str | None
    detail: str | None


assert SummaryRow._fields == tuple(SUMMARY_SCHEMA.names)
# Where a parse task finds a file: (file_idx, source_file, name under the POS root, sha256
# already processed for that path or "").
FileSpec = tuple[int, str, str, str]
REJECTED = "rejected"
_BATCH = 50_000
_GROUP = 256  # POS objects a parse task asks S3 for at a time
_IN_DRIVER = 32 << 20  # bytes of POS files parsed in the driver process (see stage_files)
_DRIVER_OBJECTS = 512  # state objects an S3 read fetches in the driver (see read_objects)


def rows_to_batch(rows: Sequence[tuple], schema: pa.Schema, idx: Sequence[int]) -> pa.RecordBatch:
    cols = list(zip(*rows, strict=True))
    arrays = []
    for i, f in zip(idx, schema, strict=True):
        if pa.types.is_date32(f.type):
            arrays.append(pa.array(cols[i], pa.int32()).cast(pa.date32()))
        else:
            arrays.append(pa.array(cols[i], f.type))
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


class _Staged:
    """One task's staged Parquet object, built batch by batch, written whole when complete
    (one PUT: a retried task replaces it, objects are named by the task's partition)."""

    def __init__(self, store: Store, rel: str, schema: pa.Schema, idx: Sequence[int]) -> None:
        self.store, self.rel, self.schema, self.idx = store, rel, schema, idx
        self.rows: list[tuple] = []
        self.batches: list[pa.RecordBatch] = []

    def add(self, row: tuple) -> None:
        self.rows.append(row)
        if len(self.rows) >= _BATCH:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.batches.append(rows_to_batch(self.rows, self.schema, self.idx))
            self.rows = []

    def close(self) -> bool:
        self.flush()
        if not self.batches:
            return False
        self.store.write_parquet(self.rel, pa.Table.from_batches(self.batches, self.schema))
        return True


def stage_batches(
    batches: Iterator[pa.RecordBatch],
    ctx: parse.Context,
    pos: StoreSpec,
    state: StoreSpec,
    staging: str,
    part: int,
    limits: PosLimits,
) -> Iterator[pa.RecordBatch]:
    """mapInArrow body (and the driver's, for a small run): input rows are FileSpecs; reads each
    file from the POS store within the limits (job/posfile.py: a file over one is rejected
    whole), skips one whose sha256 is already processed, parses the others, writes the task's
    staged objects under `staging` in the state store, yields its summary."""
    pos_store, state_store = Store.open(pos), Store.open(state)
    cand = _Staged(state_store, f"{staging}{CANDIDATES}/part-{part:05d}.parquet", CANDIDATE_SCHEMA, _CAND_IDX)
    rej = _Staged(state_store, f"{staging}{REJECTED}/part-{part:05d}.parquet", REJECTED_SCHEMA, _REJ_IDX)
    reasons: Counter[str] = Counter()
    touched: dict[tuple[int, int], list] = {}  # (pd, sale_date) -> [lines, member admission seen]
    files: list[tuple[int, str, int, str | None, str | None]] = []

    def contents(specs: list[tuple]) -> Iterator[tuple[tuple, PosContent]]:
        """Each file read within the limits, in order. On S3 a few requests are in flight (one
        pool per task, GROUP files at a time: bounded memory); a folder is read in this thread
        (threads only add switching to local reads)."""
        read = lambda spec: read_pos_object(pos_store, spec[2], limits)  # noqa: E731
        if not pos_store.remote:
            yield from ((spec, read(spec)) for spec in specs)
            return
        with ThreadPoolExecutor(max_workers=IN_FLIGHT) as pool:
            for start in range(0, len(specs), _GROUP):
                group = specs[start : start + _GROUP]
                yield from zip(group, pool.map(read, group), strict=True)

    for batch in batches:
        d = batch.to_pydict()
        specs = list(zip(d["file_idx"], d["source_file"], d["name"], d["old_sha"], strict=True))
        for (idx, rel, _name, old), content in contents(specs):
            if content.sha256 and content.sha256 == old:
                files.append((idx, content.sha256, 0, None, None))
                continue  # same path, same content: a re-upload changes nothing
            if content.rejected is not None:
                files.append((idx, content.sha256, 0, content.rejected, content.detail))
                continue
            files.append((idx, content.sha256, 1, None, None))
            for row in parse.parse_file(idx, rel, content.text, ctx, content.broken, limits.raw_bytes):
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
    summary = [(r, None, None, None, n, None, None, None, None) for r, n in reasons.items()]
    summary += [(None, p, s, m, n, None, None, None, None) for (p, s), (n, m) in touched.items()]
    summary += [(None, None, None, None, n, i, h, why, detail) for i, h, n, why, detail in files]
    cols = list(zip(*summary, strict=True)) if summary else [()] * len(SUMMARY_SCHEMA)
    yield pa.RecordBatch.from_arrays(
        [pa.array(c, f.type) for c, f in zip(cols, SUMMARY_SCHEMA, strict=True)], schema=SUMMARY_SCHEMA
    )


_DATE_IN_PATH = re.compile(r"date=(\d{4}-\d{2}-\d{2})")


def date_slices(files: Sequence[tuple[FileSpec, int]], slices: int) -> list[list[FileSpec]]:
    """Cut the files, in the order of the business date in their path (`date=YYYY-MM-DD`,
    the generator's layout; the path itself otherwise), into `slices` contiguous runs of
    similar byte counts.

    Contiguous dates keep each task's lines in a narrow band of partition dates, so a backfill
    stages about (tasks + days) line objects instead of tasks x days, and the aggregate and
    every later increment open that many fewer."""

    def order(f: tuple[FileSpec, int]) -> tuple[str, str]:
        m = _DATE_IN_PATH.search(f[0][1])
        return (m.group(1) if m else "", f[0][1])

    ranked = sorted(files, key=order)
    total = sum(size for _f, size in ranked) or 1
    out: list[list[FileSpec]] = [[] for _ in range(slices)]
    done = 0
    for spec, size in ranked:
        # the slice whose byte range holds this file's midpoint
        i = min(slices - 1, int((done + size / 2) * slices / total))
        out[i].append(spec)
        done += size
    return [s for s in out if s]


def _input_schema():
    from pyspark.sql import types as T

    return T.StructType(
        [
            T.StructField("file_idx", T.IntegerType()),
            T.StructField("source_file", T.StringType()),
            T.StructField("name", T.StringType()),
            T.StructField("old_sha", T.StringType()),
        ]
    )


def driver_parse_bytes() -> int:
    import os

    return int(os.environ.get("CM_DRIVER_PARSE_BYTES", _IN_DRIVER))


def stage_files(
    session: Callable[[], Any],
    files: Sequence[tuple[FileSpec, int]],
    ctx: parse.Context,
    pos: StoreSpec,
    state: StoreSpec,
    staging: str,
    limits: PosLimits,
) -> list[SummaryRow]:
    """Parse the given POS objects ((FileSpec, size)) into `staging` (CANDIDATES/, REJECTED/ in
    the state store); return the summary rows (SUMMARY_SCHEMA).

    Up to driver_parse_bytes() (an every-2-hours increment is ~2 MB) the driver runs the same
    stage_batches itself: no Spark task, no context broadcast, no Python worker, and no wait
    for the session (still starting). Beyond, the files fan out to Spark tasks, which read the
    objects themselves: nothing passes through the driver's disk or memory."""
    total = sum(size for _f, size in files)
    if total <= driver_parse_bytes():
        cols = list(zip(*(f for f, _size in files), strict=True))
        batch = pa.RecordBatch.from_arrays(
            [pa.array(cols[0], pa.int32()), *(pa.array(c, pa.string()) for c in cols[1:])],
            names=["file_idx", "source_file", "name", "old_sha"],
        )
        out = list(stage_batches(iter([batch]), ctx, pos, state, staging, 0, limits))
        return [
            SummaryRow(*row) for b in out for row in zip(*(c.to_pylist() for c in b.columns), strict=True)
        ]
    spark = session()
    cores = spark.sparkContext.defaultParallelism
    slices = max(1, min(len(files), max(cores * 2, total // (48 << 20))))
    parts = date_slices(files, slices)
    rows = spark.sparkContext.parallelize(parts, len(parts)).flatMap(lambda part: part)
    frame = spark.createDataFrame(rows, _input_schema())
    ctx_bc = spark.sparkContext.broadcast(ctx)

    def run(batches):
        from pyspark import TaskContext

        return stage_batches(
            batches, ctx_bc.value, pos, state, staging, TaskContext.get().partitionId(), limits
        )

    try:
        return [SummaryRow(*r) for r in frame.mapInArrow(run, spark_schema(SUMMARY_SCHEMA)).collect()]
    finally:
        ctx_bc.unpersist()


# ---------------------------------------------------------------- accepted lines


def member_days_arrow(lines: pa.Table) -> pa.Table:
    """Distinct (customer_id, site_id, day) of member admissions (aggregate.member_days in Arrow)."""
    cond = pc.and_(
        pc.and_(pc.equal(lines["item_type"], "ticket"), pc.greater(lines["quantity"], 0)),
        pc.fill_null(lines["is_member"], False),
    )
    m = lines.filter(cond)
    days = pc.cast(pc.cast(m["session_date"], pa.int32()), pa.int32())
    t = pa.table(
        {"customer_id": pc.cast(m["customer_id"], pa.int64()), "site_id": m["site_id"], "day": days},
        schema=MEMBERS_SCHEMA,
    )
    return t.group_by(list(MEMBERS_SCHEMA.names)).aggregate([])


def write_accepted(
    state: StoreSpec, out: str, cand_rel: str, part: int, drop: set[tuple[int, int]]
) -> list[tuple[str, str, int]]:
    """One staged candidates object -> the run's accepted lines by pd, its keys and member days,
    under `out` (tmp/<run>/) in the state store. `drop`: (file_idx, line_number) of rule 11's
    duplicates. Returns (kind, rel, rows) of what it wrote. Runs in the driver or in a task."""
    store = Store.open(state)
    cand = store.read_parquet(cand_rel, CANDIDATE_SCHEMA)
    if cand is None or cand.num_rows == 0:
        return []
    if drop:  # an anti-join in Arrow, not a Python test per line (a backfill is millions)
        idx, line = zip(*drop, strict=True)
        dups = pa.table({"file_idx": pa.array(idx, pa.int32()), "line_number": pa.array(line, pa.int32())})
        cand = cand.join(dups, ["file_idx", "line_number"], join_type="left anti")
    written: list[tuple[str, str, int]] = []
    if cand.num_rows == 0:
        return written
    lines = cand.select(list(LINES_SCHEMA.names))
    pds = pc.cast(lines["pd"], pa.int32())
    for pd_day in pc.unique(pds).to_pylist():
        rows = lines.filter(pc.equal(pds, pd_day))
        iso = (parse.EPOCH_DATE + dt.timedelta(days=pd_day)).isoformat()
        rel = f"{out}{layout.lines_folder(iso)}part-{part:05d}.parquet"
        store.write_parquet(rel, rows)
        written.append(("lines", rel, rows.num_rows))
    keys = lines.select(list(KEYS_SCHEMA.names))
    rel = f"{out}{layout.KEYS}part-{part:05d}.parquet"
    store.write_parquet(rel, keys)
    written.append(("keys", rel, keys.num_rows))
    members = member_days_arrow(lines)
    if members.num_rows:
        months = pc.strftime(pc.cast(pc.cast(members["day"], pa.int32()), pa.date32()), "%Y-%m")
        for month in pc.unique(months).to_pylist():
            rows = members.filter(pc.equal(months, month))
            rel = f"{out}{layout.members_folder(month)}part-{part:05d}.parquet"
            store.write_parquet(rel, rows)
            written.append(("members", rel, rows.num_rows))
    return written


def read_objects(spark, state: StoreSpec, rels: Sequence[str], schema: pa.Schema, drop: Sequence[str] = ()):
    """A Spark DataFrame of Parquet objects in the state store. On S3 the tasks read them
    themselves through the store (boto3: the same code on Glue and on the emulator; Spark's own
    reader has no S3 connector here)."""
    out_schema = pa.schema([f for f in schema if f.name not in drop])
    if not rels:
        return spark.createDataFrame([], spark_schema(out_schema))
    folder = Store.open(state).local_path()
    if folder is not None:
        # A folder is on the driver's disk, which only local Spark shares (run() refuses a
        # folder with a cluster master): Spark's own Parquet reader, ~4x faster on a backfill.
        return read_parquet(spark, schema, *(str(folder / r) for r in rels), drop=drop)
    if driver_parse_bytes() > 0 and len(rels) <= _DRIVER_OBJECTS:
        # An increment's window (a few hundred small objects): the driver fetches them with
        # requests in flight and hands Spark the rows; no Python worker has to start for it.
        table = Store.open(state).read_parquets(rels, schema).select(list(out_schema.names))
        return spark.createDataFrame(table.to_pandas(integer_object_nulls=True), spark_schema(out_schema))
    from cinema_metrics.storage import iter_batches

    names = list(out_schema.names)
    slices = max(1, min(len(rels), spark.sparkContext.defaultParallelism * 2))

    def run(batches):
        for b in batches:
            for rel in b.column(0).to_pylist():
                for rb in iter_batches(Store.open(state), [rel], schema):
                    yield rb.select(names) if drop else rb

    from pyspark.sql import types as T

    frame = spark.createDataFrame(
        spark.sparkContext.parallelize([(r,) for r in rels], slices),
        T.StructType([T.StructField("rel", T.StringType())]),
    )
    return frame.mapInArrow(run, spark_schema(out_schema))


def list_folders(state: Store, folders: list[str]) -> dict[str, list[str]]:
    """Objects of each folder (one LIST each, in flight together)."""
    found = parallel_map(lambda f: [r for r, _s, _t in state.list(f)], folders)
    return dict(zip(folders, found, strict=True))
