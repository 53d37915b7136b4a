"""Dependency windows: which stored rows of a metric a run's new lines can change.

A run knows, from the lines it accepted, the business dates they touch (`Facts.days`: their
attribution and sale dates) and the session dates of new member admissions. A metric's
window turns that into its `Scope` (the values of its date column whose rows are recomputed)
and says what the recompute must read: the lines of which dates, the member-day index of
which range, its own stored months. A metric computed whole (new, a new version, or asked
for) has the full scope: every line, every stored row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cinema_metrics.metrics.common import month, week_start
from cinema_metrics.metrics.parts import RETURNING_WINDOW_DAYS


@dataclass(frozen=True)
class Facts:
    """What the new lines of a run touch."""

    days: frozenset[int]  # attribution (session) and sale business dates of the new lines
    member_days: frozenset[int] = frozenset()  # session dates of new member admissions


@dataclass(frozen=True)
class Scope:
    """The rows of one metric a run recomputes.

    dates: values of the metric's date column whose rows are recomputed from the lines (None:
    the whole table); extra: dates whose rows keep their line figures and only have their
    member counts recounted from the member-day index (returning members)."""

    dates: frozenset[int] | None
    extra: frozenset[int] = field(default_factory=frozenset)

    @property
    def full(self) -> bool:
        return self.dates is None

    @property
    def empty(self) -> bool:
        return self.dates is not None and not self.dates and not self.extra

    def all_dates(self) -> frozenset[int] | None:
        return None if self.dates is None else self.dates | self.extra


FULL = Scope(None)


class Window:
    """Same-day metrics: a new line on D changes rows of D only."""

    unit = "day"  # the date column holds business dates ("week": film-week Fridays)

    def describe(self) -> str:
        return "the business dates of the new lines (a ticket's session date, any line's sale date)"

    def scope(self, facts: Facts) -> Scope:
        return Scope(frozenset(facts.days))

    def line_days(self, scope: Scope) -> frozenset[int] | None:
        """Business dates whose accepted lines the recompute reads (None: all)."""
        return scope.dates

    def member_range(self, scope: Scope) -> tuple[int, int] | None:
        """Session dates of the member-day index the recompute reads (None: none)."""
        return None

    def stored_months(self, scope: Scope, stored: list[str]) -> set[str] | None:
        """Months of the metric's own stored rows the recompute reads (None: all). `stored`: the
        months the table has (listed only for windows that look at later months)."""
        dates = scope.all_dates()
        return None if dates is None else {month(d) for d in dates}

    needs_stored_months = False  # whether stored_months reads the `stored` listing

    def lookback(self, scope: Scope, existing, dims, read: set[str], stored: list[str]) -> set[str]:
        """Older stored months the recompute needs after seeing the rows read so far."""
        return set()


class ReturningMembers(Window):
    """Same-day figures, plus member counts that look back: a new member admission on D changes
    returning_members of D+1..D+30 at every site (recounted from the member-day index)."""

    def __init__(self, days: int = RETURNING_WINDOW_DAYS):
        self.days = days

    def describe(self) -> str:
        return f"{super().describe()}, and for a member admission on D also D+1..D+{self.days}"

    def scope(self, facts: Facts) -> Scope:
        days = frozenset(facts.days)
        extra = {d + k for d in facts.member_days for k in range(1, self.days + 1)} - days
        return Scope(days, frozenset(extra))

    def member_range(self, scope: Scope) -> tuple[int, int] | None:
        dates = scope.all_dates()
        if not dates:
            return None
        return min(dates) - self.days, max(dates)


class FilmWeeks(Window):
    """Film weeks (a Friday each): a new ticket on D changes its film's week of D and, through
    the running totals, the film's later weeks; the week needs the whole week's lines."""

    unit = "week"

    def describe(self) -> str:
        return "the film week of each new line's date, and the same film's later weeks (running totals)"

    def scope(self, facts: Facts) -> Scope:
        return Scope(frozenset(int(week_start(d)) for d in facts.days))

    def line_days(self, scope: Scope) -> frozenset[int] | None:
        if scope.dates is None:
            return None
        return frozenset(w + k for w in scope.dates for k in range(7))

    needs_stored_months = True

    def stored_months(self, scope: Scope, stored: list[str]) -> set[str] | None:
        """From the month of the week before the first touched one on: the previous week
        (week-on-week) and every later week (running totals) may be read or rewritten."""
        if scope.dates is None:
            return None
        first = month(min(scope.dates) - 7)
        return {first} | {m for m in stored if m >= first} | {month(w) for w in scope.dates}

    def lookback(self, scope: Scope, existing, dims, read: set[str], stored: list[str]) -> set[str]:
        """The stored month before the earliest one read, while a film shown in a touched week has
        no row before its first touched week there but could have one earlier (its first
        showtime is older): its running total starts from that row. Usually nothing: a film's
        previous week is in the months read."""
        if scope.dates is None or not read:
            return set()
        earliest = min(read)
        older = [m for m in stored if m < earliest]
        if not older:
            return set()
        shows = dims.shows
        weeks_of = week_start(shows["day"])
        touched = shows[weeks_of.isin(scope.dates)]
        for film, first_day in touched.groupby("film_id")["day"].min().items():
            first_week = int(week_start(first_day))
            film_rows = existing[(existing["film_id"] == film) & (existing["week_start"] < first_week)]
            film_start = int(week_start(shows.loc[shows["film_id"] == film, "day"].min()))
            if film_rows.empty and month(film_start) < earliest:
                return {older[-1]}
        return set()


WINDOWS = {"same_day": Window, "returning_members": ReturningMembers, "film_weeks": FilmWeeks}
