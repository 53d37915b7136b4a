"""What the metric transforms share: the dimension facts, rounding, dates (docs/contract/).

Internal form: dates are day numbers, money integer cents, a ratio an integer of
10^-DECIMALS units (nullable Int64, NA when the denominator is 0). Integer arithmetic makes
the half-up rounding exact; job/sinks.py turns the internal form into DATE / DECIMAL(18,2) /
DOUBLE.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cinema_metrics import contract

EPOCH_DATE = dt.date(1970, 1, 1)


def week_start(day):
    """Friday on or before the day (day numbers; 1970-01-02 was a Friday)."""
    return day - (day - 1) % 7


def to_day(d: dt.date) -> int:
    return (d - EPOCH_DATE).days


def iso(day: int) -> str:
    return (EPOCH_DATE + dt.timedelta(days=int(day))).isoformat()


def month(day: int) -> str:
    return iso(day)[:7]


def ratio(num, den, scale: int = 1, kind: str = "ratio") -> pd.Series:
    """round_half_up(num / (den * scale), DECIMALS[kind]) as an integer of 10^-k units; NA if den == 0."""
    k = contract.DECIMALS[kind]
    num = np.asarray(num, dtype=np.int64)
    den = np.asarray(den, dtype=np.int64) * scale
    safe = np.where(den == 0, 1, den)
    sign = np.sign(num) * np.sign(safe)
    q = (2 * np.abs(num) * 10**k + np.abs(safe)) // (2 * np.abs(safe))
    out = pd.array(sign * q, dtype="Int64")
    out[den == 0] = pd.NA
    return pd.Series(out)


def zero_fill(frame: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    """Sums over empty sets are 0 (docs/contract/runs.md): NaN from an outer join becomes 0."""
    for c in cols:
        frame[c] = frame[c].fillna(0).astype("int64")
    return frame


def in_scope(frame: pd.DataFrame, column: str, dates: set[int] | None) -> pd.DataFrame:
    return frame if dates is None else frame[frame[column].isin(dates)]


@dataclass
class DimFrames:
    """Dimension facts the metrics need, in internal form (no personal data)."""

    shows: pd.DataFrame  # showtime_id, site_id, screen_id, film_id, day, starts_at, status, capacity, seats
    release_week: dict[int, int]  # film_id -> week_start day of the release week


def dim_frames(dims) -> DimFrames:
    st = dims["ecr.showtimes"]
    screens = dims["ecr.screens"][["screen_id", "site_id", "seats"]]
    shows = st[["showtime_id", "screen_id", "film_id", "starts_at", "status"]].merge(screens, on="screen_id")
    starts = pd.to_datetime(shows["starts_at"]).to_numpy("datetime64[s]")
    shift = np.timedelta64(contract.BUSINESS_DAY_START_HOUR, "h")
    shows["day"] = (starts - shift).astype("datetime64[D]").astype("int64")
    shows["starts_at"] = np.datetime_as_string(starts, unit="s")  # YYYY-MM-DDTHH:MM:SS
    shows["capacity"] = np.where(shows["status"] == "scheduled", shows["seats"], 0).astype("int64")
    films = dims["ecr.films"]
    release = {
        int(f): int(week_start(to_day(d)))
        for f, d in zip(films["film_id"], films["release_date"], strict=True)
    }
    cols = [
        "showtime_id",
        "site_id",
        "screen_id",
        "film_id",
        "day",
        "starts_at",
        "status",
        "capacity",
        "seats",
    ]
    return DimFrames(
        shows[cols].astype({c: "int64" for c in cols if c not in ("starts_at", "status")}), release
    )
