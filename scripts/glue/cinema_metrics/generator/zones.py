"""Vectorised UTC offsets for a site's time zone (zoneinfo is per-instant, far too slow per line)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import numpy as np

HOUR = 3600
DAY = 86400


class ZoneOffsets:
    """UTC offset of one IANA zone as a step function of the UTC instant over [lo, hi).

    Built by asking zoneinfo once per hour: every zone we use changes offset on a whole UTC
    hour, so the steps are exact.
    """

    def __init__(self, tz: str, lo_epoch: int, hi_epoch: int) -> None:
        self.tz = tz
        zone = ZoneInfo(tz)
        lo = (lo_epoch // HOUR) * HOUR
        starts: list[int] = []
        offsets: list[int] = []
        for t in range(lo, hi_epoch + HOUR, HOUR):
            off = datetime.fromtimestamp(t, UTC).astimezone(zone).utcoffset()
            assert off is not None
            seconds = int(off.total_seconds())
            if not offsets or offsets[-1] != seconds:
                starts.append(t)
                offsets.append(seconds)
        starts[0] = -(2**62)  # the first offset holds before lo as well
        self._starts = np.asarray(starts, dtype=np.int64)
        self._offsets = np.asarray(offsets, dtype=np.int64)

    def offset(self, utc: np.ndarray) -> np.ndarray:
        """Offset in seconds (local = utc + offset) at each UTC instant."""
        return self._offsets[np.searchsorted(self._starts, utc, side="right") - 1]

    def to_utc(self, wall: np.ndarray) -> np.ndarray:
        """UTC instants of local wall-clock times (naive epoch seconds).

        Exact for wall times that exist once; callers keep away from the 01:00-04:00 hours
        where DST gaps and folds live.
        """
        guess = wall - self.offset(wall)
        return wall - self.offset(guess)

    def to_local(self, utc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(local wall seconds, offset seconds) for each UTC instant."""
        off = self.offset(utc)
        return utc + off, off


def offset_text(seconds: int) -> str:
    """+HH:MM / -HH:MM as ISO-8601 writes it."""
    sign = "-" if seconds < 0 else "+"
    minutes = abs(seconds) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
