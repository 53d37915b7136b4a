"""Run state (CONTRACT.md 4): the manifest of processed files and the accepted lines.

Layout of `<state>/`:
  manifest.json                 committed runs, processed files (path -> sha256), per-partition
                                sale-date range, table row counts; replaced atomically, LAST
  runs/<run_id>/lines/pd=DATE/  accepted lines of one run, partitioned by attribution date
                                (session date of a ticket, sale date of a concession)
  runs/<run_id>/keys/           (transaction_id, line_no) of its accepted lines (rule 11 index)
  runs/<run_id>/members/        distinct (customer_id, site_id, day) of its member admissions
  runs/<run_id>/parsed/         the run's parse output (staging, removed at commit)
  cache/dimensions/             validated dimension tables by CSV stat signature (sources.py)

A run writes only under its own run folder; it becomes visible when the manifest that
lists it replaces the old one. Folders of runs the manifest does not list were left by a
killed run and are removed on start.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

try:  # a year's manifest is ~40 MB of JSON: orjson reads it ~3x faster when installed
    from orjson import loads as _loads
except ImportError:  # pragma: no cover - Glue workers without orjson
    _loads = json.loads

MANIFEST = "manifest.json"
VERSION = 1


@dataclass
class Manifest:
    files: dict[str, str] = field(default_factory=dict)
    runs: list[dict[str, Any]] = field(default_factory=list)  # {"id", "partitions": [YYYY-MM-DD]}
    sale_range: dict[str, list[str]] = field(default_factory=dict)  # partition -> [min, max] sale date
    tables: dict[str, int] = field(default_factory=dict)
    # path -> "size:mtime_ns:ctime_ns:inode" when its sha256 was taken: a file whose stat is
    # unchanged is not hashed again (like git's index); any write changes ctime.
    stats: dict[str, str] = field(default_factory=dict)

    @property
    def run_ids(self) -> set[str]:
        return {r["id"] for r in self.runs}


def new_run_id() -> str:
    return f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"


def load(state: Path) -> Manifest:
    path = Path(state) / MANIFEST
    if not path.exists():
        return Manifest()
    data = _loads(path.read_bytes())
    return Manifest(
        data["files"], data["runs"], data.get("sale_range", {}), data.get("tables", {}), data.get("stats", {})
    )


def commit(state: Path, m: Manifest) -> None:
    """Atomically replace the manifest (temp file, fsync, rename): the run's commit point."""
    state = Path(state)
    state.mkdir(parents=True, exist_ok=True)
    tmp = state / f".{MANIFEST}.{uuid.uuid4().hex[:6]}.tmp"
    body = {
        "version": VERSION,
        "files": m.files,
        "runs": m.runs,
        "sale_range": m.sale_range,
        "tables": m.tables,
        "stats": m.stats,
    }
    # json.dumps, not json.dump: dump streams through the pure-Python encoder (~5x slower on
    # a year's manifest of ~300k files).
    text = json.dumps(body, separators=(",", ":"), sort_keys=True)
    with tmp.open("w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, state / MANIFEST)
    fd = os.open(state, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def run_dir(state: Path, run_id: str) -> Path:
    return Path(state) / "runs" / run_id


def clean_uncommitted(state: Path, output: Path, m: Manifest) -> list[str]:
    """Remove what killed runs left behind: run folders, quarantine files, temp files."""
    removed = []
    runs = Path(state) / "runs"
    if runs.is_dir():
        for d in runs.iterdir():
            if d.name not in m.run_ids:
                shutil.rmtree(d, ignore_errors=True)
                removed.append(d.name)
    quarantine = Path(output) / "quarantine"
    if quarantine.is_dir():
        for f in quarantine.glob("*.jsonl"):
            if f.stem not in m.run_ids:
                f.unlink(missing_ok=True)
    for tmp in Path(state).glob(f".{MANIFEST}.*.tmp"):
        tmp.unlink(missing_ok=True)
    for c in m.runs:  # staging left by a run killed after its commit, half-built indexes
        shutil.rmtree(run_dir(state, c["id"]) / "parsed", ignore_errors=True)
        for tmp in run_dir(state, c["id"]).glob(".*.tmp"):
            shutil.rmtree(tmp, ignore_errors=True)
    return removed


def index_paths(state: Path, m: Manifest, extra_run: tuple[str, list[str]] | None, kind: str) -> list[str]:
    """The per-run index folders (keys/ or members/) of committed runs with lines + this run."""
    runs = [(r["id"], r["partitions"]) for r in m.runs]
    if extra_run is not None:
        runs.append(extra_run)
    return [str(run_dir(state, rid) / kind) for rid, parts in runs if parts]


def partition_paths(
    state: Path, m: Manifest, extra_run: tuple[str, list[str]] | None, wanted: set[str] | None
) -> list[str]:
    """Folders of accepted lines for the wanted partitions (None = all), committed runs + this run."""
    runs = [(r["id"], r["partitions"]) for r in m.runs]
    if extra_run is not None:
        runs.append(extra_run)
    out = []
    for rid, parts in runs:
        for p in parts:
            if wanted is None or p in wanted:
                out.append(str(run_dir(state, rid) / "lines" / f"pd={p}"))
    return out
