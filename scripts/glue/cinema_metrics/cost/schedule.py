"""EventBridge/Glue schedule expressions -> runs in a 30-day month.

Glue cron has six fields: minutes hours day-of-month month day-of-week year. The month is
30 days (the seed's own convention: 12 runs a day x 30 days); a day-of-week restriction
counts 30/7 weeks, a month restriction 1/12 of a year per listed month.
"""

from __future__ import annotations

import re

DAYS_PER_MONTH = 30
_RATE = re.compile(r"^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$")
_CRON = re.compile(r"^cron\((.+)\)$")
_DOW = {"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], start=1
    )
}


class ScheduleError(ValueError):
    """The expression is not a cron(...) or rate(...) expression this model understands."""


def _values(field: str, low: int, high: int, names: dict[str, int] | None = None) -> set[int]:
    """Expand one cron field (lists, ranges, steps, names) into the set of values it fires on."""
    out: set[int] = set()
    for part in field.split(","):
        part = part.strip().upper()
        if names:
            for name, number in names.items():
                part = part.replace(name, str(number))
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            step = int(step_text)
            if step < 1:
                raise ScheduleError(f"step must be >= 1 in {field!r}")
        if part in ("*", "?"):
            start, end = low, high
        elif "-" in part:
            a, b = part.split("-", 1)
            start, end = int(a), int(b)
        else:
            start = int(part)
            end = high if step > 1 else start
        if not (low <= start <= high and low <= end <= high):
            raise ScheduleError(f"value out of range {low}-{high} in {field!r}")
        out.update(range(start, end + 1, step))
    return out


def _days_per_month(dom: str, dow: str) -> float:
    dom, dow = dom.strip().upper(), dow.strip().upper()
    if dom in ("*", "?") and dow in ("*", "?"):
        return float(DAYS_PER_MONTH)
    if dom not in ("*", "?"):
        # L (last day) and nW (nearest weekday) fire once a month.
        if dom == "L" or dom.endswith("W"):
            return 1.0
        return float(len([d for d in _values(dom, 1, 31) if d <= DAYS_PER_MONTH]))
    if "#" in dow or dow.endswith("L"):
        return 1.0  # nth / last weekday of the month: once a month
    return len(_values(dow, 1, 7, _DOW)) * DAYS_PER_MONTH / 7


def runs_per_month(expression: str | None) -> float:
    """Runs in a 30-day month; None (no trigger: on demand only) is 0."""
    if expression is None:
        return 0.0
    text = expression.strip()
    rate = _RATE.match(text)
    if rate:
        n, unit = int(rate.group(1)), rate.group(2)
        if n < 1:
            raise ScheduleError(f"rate must be >= 1: {expression!r}")
        minutes = n * {"m": 1, "h": 60, "d": 1440}[unit[0]]
        return DAYS_PER_MONTH * 1440 / minutes
    cron = _CRON.match(text)
    if not cron:
        raise ScheduleError(f"not a cron(...) or rate(...) expression: {expression!r}")
    fields = cron.group(1).split()
    if len(fields) != 6:
        raise ScheduleError(f"Glue cron needs 6 fields (min hour dom month dow year): {expression!r}")
    minute, hour, dom, month, dow, _year = fields
    try:
        per_day = len(_values(minute, 0, 59)) * len(_values(hour, 0, 23))
        months = len(_values(month, 1, 12, _MONTHS))
        return per_day * _days_per_month(dom, dow) * months / 12
    except (ValueError, KeyError) as exc:
        if isinstance(exc, ScheduleError):
            raise
        raise ScheduleError(f"cannot read {expression!r}: {exc}") from exc
