"""Programme (which film plays on which screen each film week) and showtimes of one site.

A screen keeps one film for a film week (Friday to Thursday); the biggest films get the
biggest and the most screens. Each screen runs 4-5 shows a business day, from ~10:30 to a
last show between 21:00 and 00:45 wall time (later on Fridays and Saturdays), spaced by
the film's runtime plus cleaning. A show after midnight keeps the previous business date.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cinema_metrics.generator.config import Config, datetime_text
from cinema_metrics.generator.dimensions import Films, Site
from cinema_metrics.generator.zones import DAY

MAX_WEEKS_IN_RELEASE = 10


@dataclass
class Shows:
    """One site's showtimes, aligned arrays."""

    showtime_id: np.ndarray
    screen_k: np.ndarray  # index into the site's screens
    seats: np.ndarray
    fmt: np.ndarray
    film_idx: np.ndarray
    factor: np.ndarray  # relative demand of the film on this screen this week
    release_week: np.ndarray  # bool: the film's first film week
    bday: np.ndarray  # business date, days since 1970
    start_min: np.ndarray  # minutes after midnight of bday (>= 1440 after midnight)
    start_wall: np.ndarray  # naive local epoch seconds
    start_utc: np.ndarray
    cancelled: np.ndarray  # bool
    rows: list[tuple]

    def __len__(self) -> int:
        return len(self.showtime_id)


def weekday(days: np.ndarray) -> np.ndarray:
    """Monday = 0 ... Sunday = 6 for days since 1970-01-01 (a Thursday)."""
    return (days + 3) % 7


def _programme(
    cfg: Config, site: Site, films: Films, rng: np.random.Generator
) -> tuple[int, np.ndarray, np.ndarray]:
    """(first Friday, film index per [week, screen], demand factor per [week, screen])."""
    first_friday = cfg.first_day - (weekday(np.array(cfg.first_day)) - 4) % 7
    n_weeks = (cfg.end_day - first_friday + 6) // 7
    n_screens = len(site.screen_ids)
    film_of = np.zeros((n_weeks, n_screens), dtype=np.int64)
    factor = np.zeros((n_weeks, n_screens), dtype=np.float64)
    affinity = rng.lognormal(0.0, 0.25, len(films.film_id))  # local taste
    for w in range(n_weeks):
        friday = first_friday + 7 * w
        age = (friday - films.release_day) // 7
        avail = np.flatnonzero((age >= 0) & (age < MAX_WEEKS_IN_RELEASE))
        weight = films.strength[avail] * films.retention[avail] ** age[avail] * affinity[avail]
        order = np.argsort(-weight, kind="stable")
        m = max(1, min(len(avail), round(n_screens * rng.uniform(0.6, 0.8))))
        top, top_w = avail[order[:m]], weight[order[:m]]
        # every chosen film gets a screen; the rest go to the strongest by largest remainder
        extra = n_screens - m
        share = top_w / top_w.sum() * extra
        count = 1 + np.floor(share).astype(np.int64)
        left = extra - (count - 1).sum()
        count[np.argsort(-(share - np.floor(share)), kind="stable")[:left]] += 1
        films_by_screen = np.repeat(top, count)  # strongest first: biggest screens first
        per_screen = np.repeat(top_w / count**0.7, count)
        film_of[w] = films_by_screen
        factor[w] = per_screen
    return first_friday, film_of, factor


def build_shows(cfg: Config, site: Site, films: Films, first_showtime_id: int) -> Shows:
    rng = cfg.rng(10, site.site_id)
    first_friday, film_of, factor = _programme(cfg, site, films, rng)
    n_screens = len(site.screen_ids)
    days = np.arange(cfg.first_day, cfg.end_day, dtype=np.int64)
    # one row per (day, screen)
    pd_day = np.repeat(days, n_screens)
    pd_k = np.tile(np.arange(n_screens), len(days))
    pd_week = (pd_day - first_friday) // 7
    pd_film = film_of[pd_week, pd_k]
    pd_factor = factor[pd_week, pd_k]
    wd = weekday(pd_day)
    weekend = wd >= 4
    late_night = (wd == 4) | (wd == 5)  # Friday and Saturday business days
    n = len(pd_day)
    n_shows = np.where(rng.random(n) < np.where(weekend, 0.55, 0.35), 5, 4)
    first = 630 + 5 * rng.integers(0, 37, n)  # 10:30 .. 13:30
    late = rng.random(n) < np.where(late_night, 0.45, 0.1)
    last = np.where(late, 1440 + 5 * rng.integers(0, 10, n), 1260 + 5 * rng.integers(0, 31, n))
    need = films.runtime[pd_film] + 15
    fit = (last - first) // need + 1
    n_shows = np.maximum(2, np.minimum(n_shows, fit))
    last = np.maximum(last, first + need * (n_shows - 1))
    gap = (last - first) / (n_shows - 1)

    pair = np.repeat(np.arange(n), n_shows)
    k = np.arange(len(pair)) - np.repeat(np.cumsum(n_shows) - n_shows, n_shows)
    start_min = first[pair] + (np.round(k * gap[pair] / 5) * 5).astype(np.int64)
    bday = pd_day[pair]
    screen_k = pd_k[pair]
    start_wall = bday * DAY + start_min * 60
    start_utc = site.zone.to_utc(start_wall)
    m = len(pair)
    # a few cancellations: a whole screen-day (equipment failure) or a single show
    dark = rng.random(n) < 0.003
    cancelled = dark[pair] | (rng.random(m) < 0.004)
    published = (bday - 3 - rng.integers(0, 7, m)) * DAY + rng.integers(8 * 3600, 20 * 3600, m)
    cancel_at = start_utc - rng.integers(3600, 2 * DAY, m)
    updated = np.minimum(
        np.where(cancelled, np.maximum(cancel_at, published + 60), published), cfg.snapshot_epoch
    )

    showtime_id = first_showtime_id + np.arange(m, dtype=np.int64)
    film_idx = pd_film[pair]
    starts_text = datetime_text(start_wall)
    upd_text = datetime_text(updated)
    screen_ids = site.screen_ids[screen_k].tolist()
    film_ids = films.film_id[film_idx].tolist()
    ids = showtime_id.tolist()
    status = np.where(cancelled, "cancelled", "scheduled").tolist()
    rows = list(zip(ids, screen_ids, film_ids, starts_text, status, upd_text, strict=True))
    release_week = (bday - films.release_day[film_idx]) // 7 == 0
    return Shows(
        showtime_id=showtime_id,
        screen_k=screen_k,
        seats=site.seats[screen_k],
        fmt=site.formats[screen_k],
        film_idx=film_idx,
        factor=pd_factor[pair],
        release_week=release_week,
        bday=bday,
        start_min=start_min,
        start_wall=start_wall,
        start_utc=start_utc,
        cancelled=cancelled,
        rows=rows,
    )
