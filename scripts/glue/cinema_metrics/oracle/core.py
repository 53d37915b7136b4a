"""compute(sources) -> OracleResult: validation, de-duplication and the metric tables."""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from cinema_metrics import contract
from cinema_metrics.errors import CliError
from cinema_metrics.oracle import metrics
from cinema_metrics.oracle.dimensions import Dimensions, load_dimensions
from cinema_metrics.oracle.pos import SCHEMA, ChunkResult, Lookups, check_files, list_pos_files


@dataclass
class OracleResult:
    tables: dict[str, pd.DataFrame]
    arrow: dict[str, pa.Table]
    quarantine: dict[str, int]  # reason -> count, reasons in contract order, zero counts left out
    quarantined_lines: list[tuple[str, int, str]]  # (source_file, line_number, reason), in read order
    files_rejected: dict[str, str] = field(default_factory=dict)  # source_file -> whole-file reason
    lines_read: int = 0
    lines_accepted: int = 0
    files_read: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    def report(self) -> dict:
        return {
            "lines_read": self.lines_read,
            "lines_accepted": self.lines_accepted,
            "lines_quarantined": len(self.quarantined_lines),
            "quarantined_by_reason": self.quarantine,
            "files_read": self.files_read,
            "files_rejected": self.files_rejected,
            "tables": {name: len(df) for name, df in self.tables.items()},
            "timings_s": self.timings,
        }


_LOOKUPS: Lookups | None = None
_CHUNK_FILES = 400  # files per task: amortises the Arrow conversion over many small files


def _init_worker(lk: Lookups) -> None:
    global _LOOKUPS
    _LOOKUPS = lk


def _check(jobs: list[tuple[int, str]]) -> ChunkResult:
    assert _LOOKUPS is not None
    return check_files(jobs, _LOOKUPS)


def _results(files: list[Path], lk: Lookups, workers: int) -> Iterator[tuple[int, ChunkResult]]:
    """(files done, result) per chunk of consecutive files, in file order."""
    size = max(1, min(_CHUNK_FILES, len(files) // max(1, workers * 4)))
    chunks = [
        [(i, str(p)) for i, p in enumerate(files[s : s + size], start=s)] for s in range(0, len(files), size)
    ]
    ends = [c[-1][0] + 1 for c in chunks]
    if workers <= 1 or len(chunks) < 2:
        _init_worker(lk)
        yield from zip(ends, map(_check, chunks), strict=True)
        return
    ctx = mp.get_context("fork")
    with ctx.Pool(workers, initializer=_init_worker, initargs=(lk,)) as pool:
        yield from zip(ends, pool.imap(_check, chunks), strict=True)  # imap keeps file order


_DIM_COLUMNS = {
    "sites": {"site_id": "BIGINT", "timezone": "VARCHAR"},
    "screens": {"screen_id": "BIGINT", "site_id": "BIGINT", "seats": "BIGINT"},
    "films": {"film_id": "BIGINT", "release_date": "DATE"},
    "showtimes": {
        "showtime_id": "BIGINT",
        "screen_id": "BIGINT",
        "film_id": "BIGINT",
        "starts_at": "TIMESTAMP",
        "status": "VARCHAR",
    },
    "memberships": {"customer_id": "BIGINT", "joined_at": "TIMESTAMP", "cancelled_at": "TIMESTAMP"},
}


def _load_dimensions(con: duckdb.DuckDBPyConnection, dims: Dimensions) -> None:
    rows = {
        "sites": list(dims.sites.values()),
        "screens": list(dims.screens.values()),
        "films": list(dims.films.values()),
        "showtimes": list(dims.showtimes.values()),
        "memberships": dims.memberships,
    }
    for name, columns in _DIM_COLUMNS.items():
        df = pd.DataFrame({c: pd.Series([r[c] for r in rows[name]], dtype=object) for c in columns})
        con.register("_dim", df)
        select = ", ".join(f"CAST({c} AS {t}) AS {c}" for c, t in columns.items())
        con.execute(f"CREATE TEMP TABLE {name} AS SELECT {select} FROM _dim")
        con.unregister("_dim")


def compute(
    sources: Path,
    *,
    workers: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> OracleResult:
    """The metric tables and the quarantine of one run over every file of a snapshot folder."""
    sources = Path(sources)
    if not sources.is_dir():
        raise CliError(f"--sources {sources}: not a folder; a snapshot (docs/contract/sources.md)")
    say = progress or (lambda _msg: None)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    dims = load_dimensions(sources)
    lk = Lookups(frozenset(dims.sites), dims.showtime_site())
    timings["dimensions"] = time.perf_counter() - t0

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    _load_dimensions(con, dims)
    con.execute("CREATE TEMP TABLE cand (" + ", ".join(f"{f.name} {_duck(f.type)}" for f in SCHEMA) + ")")

    t0 = time.perf_counter()
    files = list_pos_files(sources)
    names = [rel for rel, _ in files]
    n_workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    rejected: list[tuple[int, int, str]] = []
    files_rejected: list[tuple[int, str]] = []
    lines_read = 0
    pending: list[pa.Table] = []
    pending_rows = 0

    def flush() -> None:
        nonlocal pending, pending_rows
        if pending:
            con.register("_batch", pa.concat_tables(pending))
            con.execute("INSERT INTO cand SELECT * FROM _batch")
            con.unregister("_batch")
        pending, pending_rows = [], 0

    reported = 0
    for done, res in _results([p for _, p in files], lk, n_workers):
        lines_read += res.lines_read
        rejected.extend(res.rejected)
        files_rejected.extend(res.files_rejected)
        if res.candidates is not None and res.candidates.num_rows:
            pending.append(res.candidates)
            pending_rows += res.candidates.num_rows
            if pending_rows >= 500_000:
                flush()
        if done - reported >= 2000 or done == len(files):
            reported = done
            say(f"oracle: validated {done}/{len(files)} files, {lines_read:,} lines")
    flush()
    timings["validate"] = time.perf_counter() - t0

    # Rule 11: the first copy of (transaction_id, line_no) in file order then line order wins.
    t0 = time.perf_counter()
    con.execute(
        """
        CREATE TEMP TABLE ranked AS
        SELECT *, row_number() OVER (PARTITION BY transaction_id, line_no
                                     ORDER BY file_idx, line_number) AS copy_no
        FROM cand
        """
    )
    dups = con.execute("SELECT file_idx, line_number FROM ranked WHERE copy_no > 1").fetchall()
    rejected.extend((f, n, "duplicate_line") for f, n in dups)
    con.execute("CREATE TEMP TABLE accepted AS SELECT * EXCLUDE (copy_no) FROM ranked WHERE copy_no = 1")
    con.execute("DROP TABLE ranked; DROP TABLE cand")
    accepted = con.execute("SELECT count(*) FROM accepted").fetchone()[0]  # type: ignore[index]
    timings["deduplicate"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    say("oracle: computing the metric tables in DuckDB")
    arrow = metrics.compute_tables(con)
    timings["metrics"] = time.perf_counter() - t0
    con.close()

    rejected.sort()
    counts = Counter(reason for _, _, reason in rejected)
    return OracleResult(
        tables={name: metrics.to_pandas(t) for name, t in arrow.items()},
        arrow=arrow,
        quarantine={r: counts[r] for r in contract.REASONS if counts[r]},
        quarantined_lines=[(names[f], n, reason) for f, n, reason in rejected],
        files_rejected={names[f]: reason for f, reason in sorted(files_rejected)},
        lines_read=lines_read,
        lines_accepted=int(accepted),
        files_read=len(files) - len(files_rejected),
        timings=timings,
    )


def _duck(t: pa.DataType) -> str:
    return {
        pa.int32(): "INTEGER",
        pa.int64(): "BIGINT",
        pa.string(): "VARCHAR",
        pa.bool_(): "BOOLEAN",
        pa.timestamp("us"): "TIMESTAMP",
    }[t]
