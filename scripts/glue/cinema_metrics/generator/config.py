"""Generation settings and the shared time axis."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

DEFAULTS = {"sites": 3, "days": 28, "start": "2026-03-02", "seed": 42, "bad_rate": 0.002}
EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class Config:
    sites: int
    days: int
    start: date
    seed: int
    bad_rate: float

    @property
    def first_day(self) -> int:
        """First business date as days since 1970-01-01."""
        return (self.start - EPOCH).days

    @property
    def end_day(self) -> int:
        """One past the last business date (days since 1970-01-01)."""
        return self.first_day + self.days

    @property
    def snapshot_epoch(self) -> int:
        """When the snapshot is taken (UTC): noon after the last business day; nothing is later."""
        return (self.end_day + 1) * 86400 + 12 * 3600

    def rng(self, *path: int) -> np.random.Generator:
        """An independent, reproducible stream per concern (e.g. (2, site_id) for site demand)."""
        return np.random.Generator(np.random.PCG64(np.random.SeedSequence([self.seed, *path])))


def day_text(days: np.ndarray) -> list[str]:
    """YYYY-MM-DD for days since 1970-01-01."""
    return np.datetime_as_string(np.asarray(days, dtype="datetime64[D]")).tolist()


def datetime_text(epoch: np.ndarray) -> list[str]:
    """YYYY-MM-DD HH:MM:SS (the CSV DATETIME form) for epoch seconds."""
    text = np.datetime_as_string(np.asarray(epoch, dtype="int64").astype("datetime64[s]"))
    return np.char.replace(text, "T", " ").tolist()
