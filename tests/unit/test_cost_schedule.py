"""Schedule expressions -> runs in a 30-day month."""

from __future__ import annotations

import pytest

from cinema_metrics.cost.schedule import ScheduleError, runs_per_month


@pytest.mark.parametrize(
    ("expression", "runs"),
    [
        ("cron(0 */2 * * ? *)", 360),  # every 2 hours
        ("cron(15 5 * * ? *)", 30),  # daily
        ("cron(0 0/2 * * ? *)", 360),
        ("cron(0,30 * * * ? *)", 1440),  # every half hour
        ("cron(0 6-18 * * ? *)", 13 * 30),
        ("cron(15 5 ? * MON *)", 30 / 7),  # weekly
        ("cron(0 8 ? * MON-FRI *)", 5 * 30 / 7),
        ("cron(0 3 1 * ? *)", 1),  # monthly
        ("cron(0 3 1,15 * ? *)", 2),
        ("cron(0 3 * 1 ? *)", 30 / 12),  # January only
        ("rate(2 hours)", 360),
        ("rate(1 day)", 30),
        ("rate(30 minutes)", 1440),
        (None, 0),
    ],
)
def test_runs_per_month(expression: str | None, runs: float) -> None:
    assert runs_per_month(expression) == pytest.approx(runs)


@pytest.mark.parametrize("bad", ["every 2 hours", "cron(0 */2 * * ?)", "cron(61 * * * ? *)", "rate(0 hours)"])
def test_bad_expressions_are_rejected(bad: str) -> None:
    with pytest.raises(ScheduleError):
        runs_per_month(bad)
