"""concession_daily against hand-computed values (docs/contract/metrics.md), and its pieces:
shares of the day's concession revenue sum to 1, a zero total or no admissions give NULL."""

from __future__ import annotations

from decimal import Decimal

from tests.unit.job import scenario
from tests.unit.job.snap import concession, write_snapshot

from cinema_metrics.job import sinks
from cinema_metrics.job.runner import run_job
from cinema_metrics.job.sinks import to_arrow

EXTRA = {
    # site 1, business date 2026-03-07: a drink sold and refunded in another basket (total 0),
    # and no ticket that day (no admissions)
    "site=1/date=2026-03-07/T2.jsonl": [
        concession("K", 1, "2026-03-07T12:00:00-06:00", 1, "3.00", category="drinks"),
        concession("L", 1, "2026-03-07T12:30:00-06:00", -1, "-3.00", category="drinks"),
    ],
}


def test_concession_daily_by_hand(spark, tmp_path) -> None:
    write_snapshot(tmp_path / "src", {**scenario.POS, **EXTRA})
    run_job(tmp_path / "src", tmp_path / "out", spark=spark, progress=False)
    rows = to_arrow("concession_daily", sinks.read_table(tmp_path / "out", "concession_daily")).to_pylist()
    got = {(r["site_id"], str(r["business_date"]), r["category"]): r for r in rows}
    want = {
        # site 1, 2026-03-06: A's popcorn (1, $5.00) and E's drinks at 01:00 on the 7th (2, $7.00);
        # concession revenue $12.00, admissions 3 (site_daily)
        (1, "2026-03-06", "drinks"): (2, Decimal("7.00"), 1, 0.5833, 0.6667),  # 7/12, 2/3
        (1, "2026-03-06", "popcorn"): (1, Decimal("5.00"), 1, 0.4167, 0.3333),  # 5/12, 1/3
        # site 1, 2026-03-07: +1 -1 drinks, $0 total: no share; no admissions that day
        (1, "2026-03-07", "drinks"): (0, Decimal("0.00"), 2, None, None),
        # site 2, 2026-03-08: H's candy (14:00 EDT), admissions 2 (showtime 2001)
        (2, "2026-03-08", "candy"): (1, Decimal("4.50"), 1, 1.0, 0.5),
    }
    cols = ("units", "revenue", "transactions", "revenue_share", "units_per_admission")
    assert {k: tuple(r[c] for c in cols) for k, r in got.items()} == want


def test_shares_of_a_day_sum_to_one(spark, tmp_path) -> None:
    write_snapshot(tmp_path / "src", scenario.POS)
    run_job(tmp_path / "src", tmp_path / "out", spark=spark, progress=False)
    rows = sinks.read_table(tmp_path / "out", "concession_daily")
    sums = rows.groupby(["site_id", "business_date"])["revenue_share"].sum()  # ten-thousandths
    assert all(abs(int(s) - 10_000) <= len(rows) for s in sums)
