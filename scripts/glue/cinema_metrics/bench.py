"""`cinema-metrics bench`: a full backfill and one 2-hour increment, timed against the oracle.

Phases (issue 5, item 6): generate the snapshot once (cached by its flags), hold back the
POS files of the last 2-hour window as the increment, run the job's backfill over the rest
into a fresh output/state, run once more with the increment on top, then run the DuckDB
oracle over the whole snapshot. Every phase runs as its own `cinema-metrics` process, so
Spark start-up is part of the timings, and its peak memory includes the child processes (the
Spark JVM, Python workers). Figures are printed and written to <cache>/bench_results.json.

Memory is the peak over time of the summed PSS (proportional set size: a page shared by n
processes counts 1/n in each) of the process tree, i.e. the memory the job holds. The plain
RSS sum is reported beside it but overcounts: forked Python workers share the daemon's
pages, and the JVM forks itself for every shell command Hadoop runs on local files (no
native library here), so a 2.4 GB JVM briefly appears twice.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from cinema_metrics import contract
from cinema_metrics.errors import CliError

TARGETS = {  # from issues 5 and 12: reported, not enforced
    "backfill_wall_s": 300.0,
    "peak_memory_gb": 6.0,
    "increment_wall_s": 30.0,
    "ratio_backfill_to_oracle": 2.5,
}
# The generator's layout: pos/site=<id>/date=<YYYY-MM-DD>/<terminal>_<HHMM>.jsonl, where HHMM is
# the local start of a 2-hour window of the business day (0600 .. 0400).
_POS_FILE = re.compile(r"pos/site=(\d+)/date=(\d{4}-\d{2}-\d{2})/([^/]+)_(\d{4})\.jsonl(?:\.gz)?")


@dataclass
class Phase:
    name: str
    wall_s: float = 0.0
    peak_pss_mb: float = 0.0  # the memory the job holds (see the module docstring)
    peak_rss_sum_mb: float = 0.0
    lines_read: int = 0
    files: int = 0
    lines_per_s: float = 0.0
    extra: dict = field(default_factory=dict)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--cache", type=Path, default=Path(".local/bench"), help="snapshots and runs live here"
    )
    parser.add_argument("--sites", type=int, default=12, help="cinemas in the snapshot (default 12)")
    parser.add_argument("--days", type=int, default=365, help="business days in the snapshot (default 365)")
    parser.add_argument("--start", default="2025-03-07", help="first business date (default 2025-03-07)")
    parser.add_argument("--seed", type=int, default=42, help="generator seed (default 42)")
    parser.add_argument("--bad-rate", default="0.002", help="share of corrupted POS lines (default 0.002)")
    parser.add_argument(
        "--history-sites", type=int, default=3, help="sites of the history phase's chain (default 3)"
    )
    parser.add_argument(
        "--history-days",
        type=lambda v: tuple(int(x) for x in v.split(",")),
        default=(30, 365),
        metavar="SHORT,LONG",
        help="the two histories of the history phase, in days (default 30,365)",
    )
    parser.add_argument(
        "--only",
        choices=("main", "history"),
        help="run only the backfill/increment/oracle phases, or only the S3 history phase",
    )


def _say(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "cinema_metrics.cli", *args]


class MemorySampler(threading.Thread):
    """Peak memory of a process and all its descendants, sampled every 0.2 s: the summed PSS
    (peak) and the summed RSS (peak_rss_sum); see the module docstring."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.peak_rss_sum, self._stop_event = pid, 0, 0, threading.Event()

    def run(self) -> None:
        import psutil

        try:
            root = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        while not self._stop_event.is_set():
            total = 0
            try:
                procs = [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                break
            rss = 0
            for p in procs:
                with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                    full = p.memory_full_info()
                    total += full.pss
                    rss += full.rss
            self.peak = max(self.peak, total)
            self.peak_rss_sum = max(self.peak_rss_sum, rss)
            self._stop_event.wait(0.2)

    def stop(self) -> int:
        self._stop_event.set()
        self.join(timeout=2)
        return self.peak


def measure(name: str, cmd: list[str], log: Path) -> Phase:
    """Run one phase as a child process; its output goes to the terminal and to `log`."""
    _say(f"{name}: {' '.join(cmd[1:])}")
    started = time.perf_counter()
    with log.open("w", encoding="utf-8") as fh:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
        sampler = MemorySampler(proc.pid)
        sampler.start()
        assert proc.stdout is not None
        for line in proc.stdout:  # progress as it happens
            fh.write(line)
            print(f"    {line}", end="", flush=True)
        rc = proc.wait()
    wall = time.perf_counter() - started
    peak = sampler.stop()
    if rc != 0:
        raise CliError(f"bench phase {name} failed with exit status {rc}; see {log}")
    rss_sum = sampler.peak_rss_sum
    _say(
        f"{name}: {wall:.1f} s wall, peak memory {peak / 2**20:.0f} MB PSS ({rss_sum / 2**20:.0f} MB RSS sum)"
    )
    return Phase(
        name,
        wall_s=round(wall, 3),
        peak_pss_mb=round(peak / 2**20, 1),
        peak_rss_sum_mb=round(rss_sum / 2**20, 1),
    )


def snapshot_name(args: argparse.Namespace) -> str:
    from cinema_metrics.generator import VERSION

    return f"s{args.sites}-d{args.days}-{args.start}-seed{args.seed}-bad{args.bad_rate}-g{VERSION}"


def ensure_snapshot(args: argparse.Namespace, cache: Path) -> tuple[Path, Phase | None]:
    snap = cache / "snapshots" / snapshot_name(args)
    marker = snap.with_name(snap.name + ".complete")  # outside the folder: the generator owns it
    if marker.exists() and snap.is_dir():
        _say(f"snapshot cached: {snap}")
        return snap, None
    snap.parent.mkdir(parents=True, exist_ok=True)
    flags = ["--sites", str(args.sites), "--days", str(args.days), "--start", args.start]
    flags += ["--seed", str(args.seed), "--bad-rate", str(args.bad_rate)]
    phase = measure("generate", _cli("generate", "--out", str(snap), *flags), cache / "generate.log")
    marker.write_text(json.dumps({"flags": flags}) + "\n", encoding="utf-8")
    return snap, phase


def split_increment(snap: Path) -> tuple[list[str], list[str]]:
    """(backfill files, increment files) as paths under the snapshot; increment = last 2-hour window."""
    keyed: list[tuple[tuple[str, int], str]] = []
    for p in sorted((snap / "pos").rglob("*")):
        if not (p.is_file() and p.name.endswith(contract.POS_FILE_SUFFIXES)):
            continue
        rel = p.relative_to(snap).as_posix()
        m = _POS_FILE.fullmatch(rel)
        if m is None:
            raise CliError(f"{rel}: not in the generator's pos/site=/date=/<terminal>_<HHMM> layout")
        hhmm = int(m.group(4))
        order = (hhmm // 100 - contract.BUSINESS_DAY_START_HOUR) % 24  # 0600 first, 0400 last
        keyed.append(((m.group(2), order), rel))
    if not keyed:
        raise CliError(f"{snap}/pos: no POS files; regenerate the snapshot")
    last = max(k for k, _ in keyed)
    inc = [rel for k, rel in keyed if k == last]
    return [rel for k, rel in keyed if k != last], inc


def _link(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)  # hard links: same bytes, no copy, same path under the sources
    except OSError:
        shutil.copy2(src, dst)


def _report(path: Path) -> dict:
    if not path.is_file():
        raise CliError(f"{path}: missing after the run (docs/contract/runs.md: every run writes it)")
    return json.loads(path.read_text(encoding="utf-8"))


def run(args: argparse.Namespace) -> int:
    try:
        import psutil  # noqa: F401
    except ImportError:
        raise CliError("psutil is missing: run `make install` (it is a dev dependency)") from None
    if args.sites < 1 or args.days < 1:
        raise CliError("--sites and --days must be at least 1")
    cache: Path = args.cache.resolve()
    cache.mkdir(parents=True, exist_ok=True)
    history = None
    if args.only != "main":
        from cinema_metrics.bench_history import run_history

        history = run_history(args, cache)
        (cache / "bench_history.json").write_text(json.dumps(history, indent=2) + "\n", encoding="utf-8")
        if args.only == "history":
            return 0
    started = time.perf_counter()
    snap, gen = ensure_snapshot(args, cache)
    backfill_files, inc_files = split_increment(snap)
    _say(f"{len(backfill_files)} POS files for the backfill, {len(inc_files)} held back as the increment")

    work = cache / "runs" / snapshot_name(args)
    shutil.rmtree(work, ignore_errors=True)
    sources, output, state = work / "sources", work / "output", work / "state"
    for part in ("ecr", "crm"):
        for f in (snap / part).iterdir():
            _link(f, sources / part / f.name)
    for rel in backfill_files:
        _link(snap / rel, sources / rel)
    run_cmd = _cli("run", "--sources", str(sources), "--output", str(output), "--state", str(state))

    backfill = measure("backfill", run_cmd, work / "backfill.log")
    rep = _report(output / "run_report.json")
    backfill.lines_read, backfill.files = int(rep["lines_read"]), int(rep["files_read"])
    backfill.extra = {"quarantined_by_reason": rep.get("quarantined_by_reason", {})}

    for rel in inc_files:
        _link(snap / rel, sources / rel)
    increment = measure("increment", run_cmd, work / "increment.log")
    rep = _report(output / "run_report.json")
    increment.lines_read, increment.files = int(rep["lines_read"]), int(rep["files_read"])
    job_rows = {k: int(v) for k, v in rep.get("tables", {}).items()}

    oracle_out = work / "oracle"
    oracle = measure(
        "oracle", _cli("oracle", "--sources", str(snap), "--output", str(oracle_out)), work / "oracle.log"
    )
    orep = json.loads((oracle_out / "oracle_report.json").read_text(encoding="utf-8"))
    oracle.lines_read, oracle.files = int(orep["lines_read"]), int(orep["files_read"])
    oracle_rows = {k: int(v) for k, v in orep["tables"].items()}

    if gen is not None:  # the generator's output is the oracle's input
        gen.lines_read, gen.files = oracle.lines_read, oracle.files
    for p in (gen, backfill, increment, oracle):
        if p is not None and p.wall_s > 0:
            p.lines_per_s = round(p.lines_read / p.wall_s, 1)
    ratio = round(backfill.wall_s / oracle.wall_s, 2) if oracle.wall_s > 0 else None
    peak_gb = max(backfill.peak_pss_mb, increment.peak_pss_mb) / 1024
    met = {
        "backfill_under_5_min": backfill.wall_s < TARGETS["backfill_wall_s"],
        "peak_memory_under_6_gb": peak_gb < TARGETS["peak_memory_gb"],
        "increment_under_30_s_incl_spark_startup": increment.wall_s < TARGETS["increment_wall_s"],
        "ratio_at_most_2_5x": ratio is not None and ratio <= TARGETS["ratio_backfill_to_oracle"],
    }
    results = {
        "params": {
            "sites": args.sites,
            "days": args.days,
            "start": args.start,
            "seed": args.seed,
            "bad_rate": args.bad_rate,
        },
        "snapshot": str(snap),
        "snapshot_cached": gen is None,
        "increment_files": len(inc_files),
        "phases": {p.name: asdict(p) for p in (gen, backfill, increment, oracle) if p is not None},
        "ratio_backfill_to_oracle": ratio,
        "job_peak_memory_gb": round(peak_gb, 2),
        "table_rows": {"job": job_rows, "oracle": oracle_rows, "match": job_rows == oracle_rows},
        "targets": TARGETS,
        "met": met,
        "decoder": decoder(),
        "total_wall_s": round(time.perf_counter() - started, 1),
        "cpu_count": os.cpu_count(),
    }
    (cache / "bench_results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    _print_table(results)
    if history is not None:
        print(history["line"])
    print(f"figures written to {cache / 'bench_results.json'}")
    return 0


def decoder() -> str:
    """The POS line decoder the job's parser uses here (Glue 5.1 ships orjson 3.11.4)."""
    from cinema_metrics.job import parse

    if parse._ORJSON is None:
        return "json (stdlib)"
    import orjson

    return f"orjson {orjson.__version__} (json for lines a float cannot hold exactly)"


def _print_table(r: dict) -> None:
    p = r["params"]
    print(
        f"\nbenchmark: {p['sites']} sites x {p['days']} days, {os.cpu_count()} cores, decoder {r['decoder']}"
    )
    print(
        f"{'phase':<10} {'wall s':>9} {'POS lines':>12} {'lines/s':>11} {'files':>7} {'peak PSS MB':>12}"
        f" {'(RSS sum MB)':>13}"
    )
    for ph in r["phases"].values():
        print(
            f"{ph['name']:<10} {ph['wall_s']:>9.1f} {ph['lines_read']:>12,} {ph['lines_per_s']:>11,.0f} "
            f"{ph['files']:>7} {ph['peak_pss_mb']:>12,.0f} {ph['peak_rss_sum_mb']:>13,.0f}"
        )
    yes = {True: "yes", False: "NO"}
    m = r["met"]
    ratio = r["ratio_backfill_to_oracle"]
    print(f"ratio backfill / oracle : {ratio}x (target <= 2.5x: {yes[m['ratio_at_most_2_5x']]})")
    print(f"backfill under 5 min    : {yes[m['backfill_under_5_min']]}")
    print(f"job peak memory < 6 GB  : {yes[m['peak_memory_under_6_gb']]} ({r['job_peak_memory_gb']} GB PSS)")
    print(
        f"increment under 30 s including Spark start-up: {yes[m['increment_under_30_s_incl_spark_startup']]}"
    )
    print(f"table rows job == oracle: {yes[r['table_rows']['match']]}")
