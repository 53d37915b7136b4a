"""pos_lines_daily, the quarantine rate's denominator (docs/DATA_QUALITY.md): accepted lines by
site and sale business date add up to the run's accepted lines, with a bad line left out."""

from __future__ import annotations

from tests.unit.job import scenario
from tests.unit.job.snap import concession, write_snapshot

from cinema_metrics.job import sinks
from cinema_metrics.job.runner import run_job


def test_lines_by_site_and_day_add_up_to_the_accepted_lines(spark, tmp_path) -> None:
    bad = concession("Z", 1, "2026-03-06T12:00:00-06:00", 1, "not money")  # rule: bad amount
    write_snapshot(tmp_path / "src", {**scenario.POS, "site=1/date=2026-03-06/T9.jsonl": [bad]})
    report = run_job(tmp_path / "src", tmp_path / "out", spark=spark, progress=False)
    rows = sinks.read_table(tmp_path / "out", "pos_lines_daily")
    assert report["lines_quarantined"] == 1
    by_hand = sum(lines for lines, _tickets, _concessions in scenario.POS_LINES.values())
    assert int(rows["lines"].sum()) == report["lines_accepted"] == by_hand
    assert (rows["lines"] == rows["ticket_lines"] + rows["concession_lines"]).all()
