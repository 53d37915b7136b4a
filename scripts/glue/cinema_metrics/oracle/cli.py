"""`cinema-metrics oracle --sources DIR --output DIR`: the oracle's tables as Parquet."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sources", type=Path, required=True, help="snapshot folder (ecr/, crm/, pos/)")
    parser.add_argument("--output", type=Path, required=True, help="writes <output>/<table>.parquet")
    parser.add_argument(
        "--workers", type=int, default=None, help="processes that validate POS files (default: up to 2)"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")


def run(args: argparse.Namespace) -> int:
    from cinema_metrics.oracle.core import compute

    started = time.perf_counter()

    def say(msg: str) -> None:
        if not args.quiet:
            print(f"[{time.perf_counter() - started:7.1f}s] {msg}", file=sys.stderr, flush=True)

    result = compute(args.sources, workers=args.workers, progress=say)
    out: Path = args.output
    out.mkdir(parents=True, exist_ok=True)
    for name, table in result.arrow.items():
        pq.write_table(table, out / f"{name}.parquet")
    with (out / "quarantine.jsonl").open("w", encoding="utf-8") as fh:
        for source_file, line_number, reason in result.quarantined_lines:
            fh.write(json.dumps({"source_file": source_file, "line_number": line_number, "reason": reason}))
            fh.write("\n")
    report = result.report()
    report["wall_s"] = round(time.perf_counter() - started, 3)
    (out / "oracle_report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(
        f"oracle: {result.files_read} files, {result.lines_read} lines read, "
        f"{result.lines_accepted} accepted, {len(result.quarantined_lines)} quarantined"
    )
    for reason, n in result.quarantine.items():
        print(f"  {reason:<18} {n}")
    for name, df in result.tables.items():
        print(f"  table {name:<20} {len(df)} rows -> {out / (name + '.parquet')}")
    return 0
