"""The data-quality tables and views (scripts/athena/quality, v_quarantine_reasons,
v_quality_daily, v_runs, named_queries/quarantined_lines.sql) on DuckDB over a real run with
bad lines, checked against that run's report and its quarantine records."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from cinema_metrics.dashboards.athena_local import (
    ATHENA_DIR,
    LOCAL_DATABASE,
    LocalAthena,
    substitute,
    to_duckdb,
)


@pytest.fixture(scope="module")
def local(job_output: Path) -> LocalAthena:
    return LocalAthena(job_output / "metrics")


def _report(output: Path) -> dict:
    return json.loads((output / "run_report.json").read_text())


def _records(output: Path) -> list[dict]:
    return [json.loads(line) for f in sorted((output / "quarantine").rglob("*.jsonl")) for line in f.open()]


def test_the_run_had_bad_lines(job_output: Path) -> None:
    assert _report(job_output)["lines_quarantined"] > 0


def test_quarantined_lines_by_reason_equal_the_report(local: LocalAthena, job_output: Path) -> None:
    rows = local.rows(
        f'SELECT reason, sum(lines) AS n FROM "{LOCAL_DATABASE}"."v_quarantine_reasons" GROUP BY reason'
    )
    assert {r["reason"]: r["n"] for r in rows} == _report(job_output)["quarantined_by_reason"]


def test_quarantined_lines_by_site_and_day_equal_the_records(local: LocalAthena, job_output: Path) -> None:
    want = Counter(
        (r["business_date"], r["site_id"], r["reason"])
        for r in _records(job_output)
        if r["line_number"] is not None
    )
    rows = local.rows(f'SELECT * FROM "{LOCAL_DATABASE}"."v_quarantine_reasons"')
    got = Counter(
        {
            (
                None if r["business_date"] is None else r["business_date"].isoformat(),
                r["site_id"],
                r["reason"],
            ): r["lines"]
            for r in rows
        }
    )
    assert got == want


def test_the_quality_view_adds_up(local: LocalAthena, job_output: Path) -> None:
    """Accepted lines by site and day sum to the run's accepted lines; quarantined ones to the
    quarantined lines whose text named their site and day; read = accepted + quarantined."""
    report = _report(job_output)
    rows = local.rows(f'SELECT * FROM "{LOCAL_DATABASE}"."v_quality_daily"')
    located = [
        r
        for r in _records(job_output)
        if r["line_number"] is not None and r["site_id"] and r["business_date"]
    ]
    assert sum(r["lines_accepted"] for r in rows) == report["lines_accepted"]
    assert sum(r["lines_quarantined"] for r in rows) == len(located) > 0
    assert all(r["lines_read"] == r["lines_accepted"] + r["lines_quarantined"] for r in rows)


def test_the_runs_view_is_the_report(local: LocalAthena, job_output: Path) -> None:
    report = _report(job_output)
    (run,) = local.rows(f'SELECT * FROM "{LOCAL_DATABASE}"."v_runs"')
    assert run["run_id"] == report["run_id"] and run["status"] == "succeeded" and run["mode"] == "run"
    for key in ("lines_read", "lines_accepted", "lines_quarantined", "files_read"):
        assert run[key] == report[key], key
    assert run["files_rejected"] == len(report["files_rejected"])
    assert run["finished_at"] >= run["started_at"] and run["run_date"] == date.fromisoformat(
        report["started_at"][:10]
    )


def test_the_named_query_lists_one_reasons_lines_of_one_day(local: LocalAthena, job_output: Path) -> None:
    located = [r for r in _records(job_output) if r["line_number"] is not None and r["business_date"]]
    reason, day = Counter((r["reason"], r["business_date"]) for r in located).most_common(1)[0][0]
    path = ATHENA_DIR / "named_queries" / "quarantined_lines.sql"
    (sql,) = to_duckdb(substitute(path.read_text(), local.placeholders, path.name))
    rows = local.rows(sql, [reason, day])
    want = sorted(
        (r["source_file"], r["line_number"], r["raw"])
        for r in located
        if (r["reason"], r["business_date"]) == (reason, day)
    )
    assert [(r["source_file"], r["line_number"], r["raw"]) for r in rows] == want
