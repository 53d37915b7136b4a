"""Every Athena view runs on DuckDB (transpiled by sqlglot) over curated Parquet and equals
the expectations computed independently in Python from the same files."""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from expected import QUALITY_VIEWS, VIEWS

from cinema_metrics.dashboards.athena_local import LocalAthena, sql_files

RATIO_TOLERANCE = 1e-4 + 1e-9  # docs/contract/runs.md: one unit in the 4th decimal


def _same(expected: object, actual: object) -> bool:
    if expected is None or actual is None:
        return expected is None and actual is None
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    if isinstance(expected, date) and not isinstance(expected, datetime):
        # a DATE must stay a DATE (Trino date_add on a date gives a date, not a timestamp)
        return type(actual) is date and actual == expected
    if isinstance(expected, float) or isinstance(actual, float):
        return math.isclose(float(expected), float(actual), abs_tol=RATIO_TOLERANCE)  # type: ignore[arg-type]
    if isinstance(expected, Decimal):
        return Decimal(str(actual)) == expected
    return expected == actual


def test_every_view_file_has_an_expectation() -> None:
    assert sorted(p.stem for p in sql_files("views")) == sorted([*VIEWS, *QUALITY_VIEWS])


@pytest.fixture(scope="module")
def local(run_output: Path) -> LocalAthena:
    return LocalAthena(run_output / "metrics")


@pytest.mark.parametrize("view", sorted(VIEWS))
def test_view_matches_python(local: LocalAthena, run_output: Path, view: str) -> None:
    keys, compute = VIEWS[view]
    expected = compute(run_output)
    assert expected, f"{view}: the fixture has no rows: the test would prove nothing"
    rows = local.rows(f'SELECT * FROM "cinema"."{view}"')
    actual = {tuple(r[k] for k in keys): r for r in rows}
    assert len(actual) == len(rows), f"{view}: duplicate keys {keys}"
    assert set(actual) == set(expected), (
        f"{view}: keys differ: missing {sorted(set(expected) - set(actual))[:5]}, "
        f"extra {sorted(set(actual) - set(expected))[:5]}"
    )
    columns = set(next(iter(rows)))
    missing_cols = set(next(iter(expected.values()))) - columns
    assert not missing_cols, f"{view}: columns missing from the view: {sorted(missing_cols)}"
    bad = [
        (key, col, exp_row[col], actual[key][col])
        for key, exp_row in expected.items()
        for col in exp_row
        if not _same(exp_row[col], actual[key][col])
    ]
    assert not bad, f"{view}: {len(bad)} cells differ, e.g. (key, column, expected, actual): {bad[:5]}"


def test_handbuilt_set_has_the_tricky_cases(handbuilt_output: Path) -> None:
    """The hand-built set must hold the cases that tell Trino from DuckDB, or it tests nothing."""
    local = LocalAthena(handbuilt_output / "metrics")
    q = local.con.execute
    assert q("SELECT count(*) FROM cinema.v_site_daily_trend WHERE weekday_number = 7").fetchone()[0] > 0
    assert q("SELECT count(*) FROM cinema.v_session_occupancy WHERE after_midnight").fetchone()[0] > 0
    assert (
        q(
            "SELECT count(*) FROM cinema.v_film_weekly_top WHERE prev_week_box_office IS NULL "
            "AND week_number > 1"
        ).fetchone()[0]
        > 0
    )
    assert q("SELECT count(DISTINCT partition_month) FROM cinema.v_site_daily_trend").fetchone()[0] == 2
    # integer division: with DuckDB set to divide integers like Trino, ratios still have decimals
    assert (
        q("SELECT count(*) FROM cinema.v_chain_daily WHERE occupancy BETWEEN 0.0001 AND 0.9999").fetchone()[0]
        > 0
    )
