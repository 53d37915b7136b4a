"""`cinema-metrics bench` on a tiny snapshot: every figure is present and sane."""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cinema_metrics.bench import ensure_snapshot, split_increment


@pytest.mark.slow
def test_bench_tiny(tmp_path: Path) -> None:
    cache = tmp_path / "bench"
    cmd = [
        sys.executable,
        "-m",
        "cinema_metrics.cli",
        "bench",
        "--cache",
        str(cache),
        "--sites",
        "1",
        "--days",
        "3",
        "--only",
        "main",
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    for text in ("backfill", "increment", "oracle", "ratio backfill / oracle", "under 30 s including Spark"):
        assert text in done.stdout
    r = json.loads((cache / "bench_results.json").read_text())
    phases = r["phases"]
    assert {"generate", "backfill", "increment", "oracle"} <= set(phases)
    for name in ("backfill", "increment", "oracle"):
        p = phases[name]
        assert p["wall_s"] > 0 and p["peak_pss_mb"] > 50 and p["lines_read"] > 0 and p["lines_per_s"] > 0, p
        assert p["peak_rss_sum_mb"] >= p["peak_pss_mb"], p  # PSS splits shared pages: never more
    # The increment is the last 2-hour window: a small part, and together they are the snapshot.
    assert 0 < phases["increment"]["lines_read"] < phases["backfill"]["lines_read"]
    assert (
        phases["backfill"]["lines_read"] + phases["increment"]["lines_read"] == phases["oracle"]["lines_read"]
    )
    assert phases["backfill"]["peak_pss_mb"] > 200  # the Spark JVM (a child process) is included
    expected_ratio = round(phases["backfill"]["wall_s"] / phases["oracle"]["wall_s"], 2)
    assert r["ratio_backfill_to_oracle"] == pytest.approx(expected_ratio, abs=0.01)
    assert set(r["met"]) == {
        "backfill_under_5_min",
        "peak_memory_under_6_gb",
        "increment_under_30_s_incl_spark_startup",
        "ratio_at_most_2_5x",
    }
    assert phases["generate"]["lines_read"] == phases["oracle"]["lines_read"]
    # The snapshot is cached by its flags: asking again generates nothing.
    flags = argparse.Namespace(sites=1, days=3, start="2025-03-07", seed=42, bad_rate="0.002")
    snap, generated = ensure_snapshot(flags, cache)
    assert generated is None and snap == Path(r["snapshot"])


def test_split_increment_holds_back_the_last_window(tmp_path: Path) -> None:
    snap = tmp_path / "snap"
    names = [
        "site=1/date=2026-03-02/BO01_0600.jsonl",
        "site=1/date=2026-03-02/BO01_0400.jsonl",  # last window of 03-02 (04:00-05:59 on 03-03)
        "site=1/date=2026-03-02/KI01_2200.jsonl",
        "site=2/date=2026-03-02/BO01_0400.jsonl.gz",
        "site=2/date=2026-03-01/BO01_0400.jsonl",
    ]
    for n in names:
        (snap / "pos" / n).parent.mkdir(parents=True, exist_ok=True)
        (snap / "pos" / n).write_text("{}\n")
    backfill, inc = split_increment(snap)
    assert inc == [
        "pos/site=1/date=2026-03-02/BO01_0400.jsonl",
        "pos/site=2/date=2026-03-02/BO01_0400.jsonl.gz",
    ]
    assert len(backfill) == 3 and not set(backfill) & set(inc)


def test_history_phase_tiny(tmp_path: Path) -> None:
    """The history phase at toy scale (1 site, 2 and 5 days): the same increment on both
    histories, in the emulator's S3, counted by the request meter, and the one-line summary."""
    cache = tmp_path / "bench"
    cmd = [sys.executable, "-m", "cinema_metrics.cli", "bench", "--cache", str(cache), "--only", "history"]
    cmd += ["--history-sites", "1", "--history-days", "2,5"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    line = next(x for x in done.stdout.splitlines() if x.startswith("history: "))
    assert re.fullmatch(
        r"history: requests 2d=\d+ 5d=\d+ ratio=[\d.]+; bytes 2d=\d+ 5d=\d+ ratio=[\d.]+; "
        r"wall 2d=[\d.]+s 5d=[\d.]+s; film_weekly GET 2d=\d+ 5d=\d+",
        line,
    ), line
    r = json.loads((cache / "bench_history.json").read_text())
    short, long_ = r["runs"]["2d"], r["runs"]["5d"]
    assert short["increment_files"] == long_["increment_files"] > 0, "the same increment on both"
    assert short["pos_objects"] < long_["pos_objects"], "the longer history holds more POS objects"
    for run in (short, long_):
        assert run["s3_requests"].get("GET", 0) > 0 and run["s3_requests"].get("PUT", 0) > 0
        assert run["other_requests"].get("dynamodb:BatchGetItem", 0) > 0, "rule 11 asks the keys table"
        assert run["other_requests"].get("amazonsqs:ReceiveMessage", 0) > 0, "the queue names the new objects"
        assert run["metric_table_gets"].get("film_weekly", 0) > 0, "film_weekly's months are read"
