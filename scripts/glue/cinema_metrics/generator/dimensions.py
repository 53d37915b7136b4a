"""ECR and CRM dimension rows: sites, screens, films, customers, loyalty memberships.

Each builder returns numpy arrays (used by the simulation) plus the CSV rows in the column
order of contract.DIMENSIONS. Names include accents, commas and quotes on purpose: they
exercise UTF-8 and RFC 4180 quoting downstream.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

import numpy as np

from cinema_metrics.contract import LOYALTY_TIERS, SCREEN_FORMATS
from cinema_metrics.generator.config import Config, datetime_text, day_text
from cinema_metrics.generator.zones import DAY, ZoneOffsets

# (city, IANA zone, branch names). The first two zones differ, so any chain of 2+ sites
# spans two time zones; Mexico City keeps -06:00 all year while the US zones switch on
# 2026-03-08.
CITIES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Mexico City", "America/Mexico_City", ("Coyoacán", "Polanco", "Santa Fe", "Satélite")),
    ("New York", "America/New_York", ("Union Square", "Queens Center", "Bronx Terminal")),
    ("Los Angeles", "America/Los_Angeles", ("Burbank", "Century City", "Long Beach")),
    ("Chicago", "America/Chicago", ("River East", "Evanston", "Oak Brook")),
    ("Guadalajara", "America/Mexico_City", ("Andares", "Plaza del Sol")),
    ("Houston", "America/Chicago", ("Galleria", "Katy Mills")),
    ("Phoenix", "America/Phoenix", ("Desert Ridge", "Tempe")),
    ("Denver", "America/Denver", ("Cherry Creek", "Aurora")),
    ("Miami", "America/New_York", ("Brickell", "Dadeland")),
    ("Monterrey", "America/Monterrey", ("Valle Oriente", "Cumbres")),
    ("Seattle", "America/Los_Angeles", ("Northgate", "Bellevue")),
    ("Atlanta", "America/New_York", ("Midtown", "Perimeter")),
)
BRAND = "Luz Cinemas"

FORMAT_INDEX = {name: i for i, name in enumerate(SCREEN_FORMATS)}
GENRES = ("action", "animation", "comedy", "drama", "horror", "family", "sci-fi", "thriller", "romance")
DISTRIBUTORS = (
    "Northstar Pictures",
    "Blue Harbor Films",
    "Meridian Releasing",
    "Lantern & Co.",
    "Cactus Distribución",
    "Sunday Reel, Inc.",
)
ADJECTIVES = (
    "Last", "Silent", "Crimson", "Hidden", "Broken", "Golden", "Endless", "Frozen", "Wild", "Lost",
    "Midnight", "Electric", "Iron", "Paper", "Velvet", "Hollow", "Burning", "Quiet", "Savage", "Lucky",
)  # fmt: skip
NOUNS = (
    "Harbor", "Kingdom", "Signal", "Garden", "Frontier", "Machine", "Orchard", "Horizon", "Witness",
    "Voyage", "Empire", "Lighthouse", "Circuit", "Canyon", "Promise", "Heist", "Comet", "Summer",
)  # fmt: skip
FIRST_NAMES = (
    "José", "María", "Sofía", "Mateo", "Valentina", "Liam", "Olivia", "Noah", "Emma", "Zoë",
    "Ángel", "Camila", "Diego", "Ava", "Lucas", "Mia", "Ethan", "Renée", "Chloé", "Iñaki",
    "Grace", "Daniel", "Fernanda", "Owen", "Ximena", "Jack", "Lucía", "Henry", "Amelia", "Leo",
)  # fmt: skip
LAST_NAMES = (
    "García", "Smith", "Hernández", "Johnson", "López", "Williams", "Martínez", "Brown", "O'Brien",
    "Núñez", "Davis", "Rodríguez", "Miller", "Peña", "Wilson", "Moore", "Sánchez", "Taylor",
    "Nguyen", "Álvarez", "Kim", "Patel", "Ramírez", "Clark", "Müller", "Ortiz", "Lee", "Young",
)  # fmt: skip


@dataclass
class Site:
    site_id: int
    name: str
    city: str
    timezone: str
    opened_on: int  # days since 1970
    updated_at: int  # epoch seconds UTC
    price_level: float  # multiplies every price at the site
    target_occupancy: float  # seat-weighted mean occupancy the demand model aims at
    zone: ZoneOffsets = field(repr=False)
    # screens of this site (arrays aligned by screen)
    screen_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64), repr=False)
    seats: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64), repr=False)
    formats: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64), repr=False)


@dataclass
class Films:
    film_id: np.ndarray
    title: list[str]
    distributor: list[str]
    genre: list[str]
    runtime: np.ndarray  # minutes
    release_day: np.ndarray  # days since 1970, always a Friday
    updated_at: np.ndarray
    strength: np.ndarray  # relative opening demand (heavy-tailed: a few blockbusters)
    retention: np.ndarray  # week-on-week demand kept (0.45-0.78)


@dataclass
class Customers:
    customer_id: np.ndarray
    gen_site: np.ndarray  # site the customer mostly visits (even when home_site_id is NULL)
    weight: np.ndarray  # visit propensity (a few very frequent visitors)
    rows: list[tuple]


@dataclass
class Dimensions:
    sites: list[Site]
    films: Films
    customers: Customers
    memberships: list[tuple]
    site_rows: list[tuple]
    screen_rows: list[tuple]
    film_rows: list[tuple]


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in folded.lower() if c.isalnum())


def build_sites(cfg: Config) -> tuple[list[Site], list[tuple], list[tuple]]:
    rng = cfg.rng(1)
    lo = (cfg.first_day - 40) * DAY
    hi = (cfg.end_day + 3) * DAY
    zones: dict[str, ZoneOffsets] = {}
    sites: list[Site] = []
    site_rows: list[tuple] = []
    screen_rows: list[tuple] = []
    for i in range(cfg.sites):
        city, tz, branches = CITIES[i % len(CITIES)]
        round_no = i // len(CITIES)
        branch = branches[round_no % len(branches)]
        suffix = f" {round_no // len(branches) + 1}" if round_no >= len(branches) else ""
        site_id = i + 1
        zone = zones.setdefault(tz, ZoneOffsets(tz, lo, hi))
        opened = int(cfg.first_day - rng.integers(400, 9000))
        site = Site(
            site_id=site_id,
            name=f"{BRAND} {city} {branch}{suffix}",
            city=city,
            timezone=tz,
            opened_on=opened,
            updated_at=int((cfg.first_day - rng.integers(1, 300)) * DAY + rng.integers(0, DAY)),
            price_level=float(rng.uniform(0.85, 1.15)),
            target_occupancy=float(rng.uniform(0.17, 0.24)),
            zone=zone,
        )
        n = int(rng.integers(5, 13))
        seats = np.clip(np.round(rng.lognormal(np.log(138), 0.38, n) / 2) * 2, 80, 350).astype(np.int64)
        seats = np.sort(seats)[::-1].copy()  # screen 1 is the biggest auditorium
        formats = np.full(n, FORMAT_INDEX["standard"], dtype=np.int64)
        if n >= 7 and rng.random() < 0.5:
            formats[0] = FORMAT_INDEX["imax"]
            seats[0] = max(seats[0], 260)
        if rng.random() < 0.6:  # recliner room: few seats
            formats[n - 1] = FORMAT_INDEX["premium"]
            seats[n - 1] = int(rng.integers(40, 56)) * 2
        formats[1 + int(rng.integers(0, n - 2))] = FORMAT_INDEX["3d"]
        site.screen_ids = site_id * 100 + np.arange(1, n + 1, dtype=np.int64)
        site.seats = seats
        site.formats = formats
        sites.append(site)
        site_rows.append(
            (
                site_id,
                site.name,
                city,
                tz,
                day_text(np.array([opened]))[0],
                datetime_text(np.array([site.updated_at]))[0],
            )
        )
        upd = datetime_text(site.updated_at - rng.integers(0, 200 * DAY, n))
        for k in range(n):
            fmt = SCREEN_FORMATS[int(formats[k])]
            label = {"imax": "IMAX", "premium": "Premium", "3d": "3D"}.get(fmt)
            name = f"Sala {k + 1}" if tz.startswith("America/M") else f"Screen {k + 1}"
            screen_rows.append(
                (
                    int(site.screen_ids[k]),
                    site_id,
                    f"{name} {label}" if label else name,
                    int(seats[k]),
                    fmt,
                    upd[k],
                )
            )
    return sites, site_rows, screen_rows


def build_films(cfg: Config) -> tuple[Films, list[tuple]]:
    rng = cfg.rng(2)
    # Releases every Friday from ten weeks before the range (so the first weeks already
    # show films in their 2nd..10th week) to its last day.
    first = cfg.first_day - 70
    first_friday = first - ((first + 3) % 7 - 4) % 7  # weekday(): (days + 3) % 7, Friday = 4
    fridays = np.arange(first_friday, cfg.end_day, 7, dtype=np.int64)
    per_week = rng.integers(2, 5, len(fridays))
    release = np.repeat(fridays, per_week)
    n = len(release)
    strength = rng.lognormal(0.0, 0.85, n)
    retention = rng.uniform(0.45, 0.78, n)
    runtime = np.clip(np.round(rng.normal(116, 20, n)), 80, 185).astype(np.int64)
    genre_idx = rng.integers(0, len(GENRES), n)
    dist_idx = rng.integers(0, len(DISTRIBUTORS), n)
    adj = rng.integers(0, len(ADJECTIVES), n)
    noun = rng.integers(0, len(NOUNS), n)
    pattern = rng.integers(0, 4, n)
    seen: dict[str, int] = {}
    titles: list[str] = []
    for i in range(n):
        a, b = ADJECTIVES[int(adj[i])], NOUNS[int(noun[i])]
        base = (
            f"The {a} {b}",
            f"{b} of the {a}",
            f"{a} {b}, Part One",
            f'"{a}" {b}',
        )[int(pattern[i])]
        k = seen.get(base, 0) + 1
        seen[base] = k
        titles.append(base if k == 1 else f"{base} {k}")
    updated = release * DAY - rng.integers(3, 60, n) * DAY + rng.integers(0, DAY, n)
    films = Films(
        film_id=np.arange(1, n + 1, dtype=np.int64),
        title=titles,
        distributor=[DISTRIBUTORS[int(i)] for i in dist_idx],
        genre=[GENRES[int(i)] for i in genre_idx],
        runtime=runtime,
        release_day=release,
        updated_at=updated,
        strength=strength,
        retention=retention,
    )
    rel_text = day_text(release)
    upd_text = datetime_text(updated)
    rows = [
        (i + 1, titles[i], films.distributor[i], films.genre[i], int(runtime[i]), rel_text[i], upd_text[i])
        for i in range(n)
    ]
    return films, rows


def build_customers(cfg: Config) -> tuple[Customers, list[tuple]]:
    """Customers (CRM accounts) and their loyalty memberships.

    About 90 % of customers hold a membership; most joined before the range, some join
    during it, ~12 % cancel during it and a third of those rejoin later, so membership at
    an instant really changes within the range.
    """
    rng = cfg.rng(3)
    per_site = int(np.clip(cfg.days * 20, 1500, 6000))
    n = per_site * cfg.sites
    cid = np.arange(1, n + 1, dtype=np.int64)
    gen_site = np.repeat(np.arange(1, cfg.sites + 1, dtype=np.int64), per_site)
    weight = rng.gamma(0.8, 1.0, n)
    start, end = cfg.first_day * DAY, cfg.end_day * DAY
    span = end - start

    member = rng.random(n) < 0.9
    during = rng.random(n) < 0.15
    joined = np.where(
        during,
        start + rng.integers(0, max(span, 1), n),
        start - rng.integers(DAY, 3 * 365 * DAY, n),
    )
    cancel_u = rng.random(n)
    cancelled = np.full(n, -1, dtype=np.int64)
    in_range = (cancel_u < 0.12) & (joined < end - 2 * DAY)
    lo = np.maximum(joined, start) + DAY
    cancelled[in_range] = lo[in_range] + (rng.random(in_range.sum()) * (end - lo[in_range])).astype(np.int64)
    before = (cancel_u > 0.95) & ~during  # ex-members: their card still shows up on baskets
    cancelled[before] = joined[before] + (rng.random(before.sum()) * (start - joined[before])).astype(
        np.int64
    )
    rejoin = in_range & (rng.random(n) < 0.33)
    rejoined = cancelled + rng.integers(DAY, 30 * DAY, n)
    rejoin &= rejoined < end
    tier = rng.choice(3, n, p=[0.6, 0.3, 0.1])

    created = np.where(member, joined, start) - rng.integers(0, 400 * DAY, n)
    last_event = np.maximum(np.maximum(created, joined * member), np.where(rejoin, rejoined, cancelled))
    cust_updated = np.minimum(last_event + rng.integers(0, 20 * DAY, n), cfg.snapshot_epoch)
    birth = start // DAY - rng.integers(13 * 365, 75 * 365, n)
    birth_null = rng.random(n) < 0.15
    home_null = rng.random(n) < 0.1
    first = rng.integers(0, len(FIRST_NAMES), n)
    last = rng.integers(0, len(LAST_NAMES), n)

    birth_text = day_text(birth)
    created_text = datetime_text(created)
    cu_text = datetime_text(cust_updated)
    rows: list[tuple] = []
    for i in range(n):
        fn, ln = FIRST_NAMES[int(first[i])], LAST_NAMES[int(last[i])]
        rows.append(
            (
                int(cid[i]),
                f"{_ascii(fn)}.{_ascii(ln)}{cid[i]}@example.com",
                fn,
                ln,
                None if birth_null[i] else birth_text[i],
                None if home_null[i] else int(gen_site[i]),
                created_text[i],
                cu_text[i],
            )
        )

    memberships: list[tuple] = []
    joined_text = datetime_text(joined)
    cancelled_text = datetime_text(np.maximum(cancelled, 0))
    rejoined_text = datetime_text(rejoined)
    m_upd = np.minimum(np.maximum(joined, cancelled) + rng.integers(0, 3600, n), cfg.snapshot_epoch)
    m_upd_text = datetime_text(m_upd)
    r_upd_text = datetime_text(np.minimum(rejoined + rng.integers(0, 3600, n), cfg.snapshot_epoch))
    mid = 0
    for i in np.flatnonzero(member):
        mid += 1
        memberships.append(
            (
                mid,
                int(cid[i]),
                LOYALTY_TIERS[int(tier[i])],
                joined_text[i],
                cancelled_text[i] if cancelled[i] >= 0 else None,
                m_upd_text[i],
            )
        )
        if rejoin[i]:
            mid += 1
            memberships.append(
                (
                    mid,
                    int(cid[i]),
                    LOYALTY_TIERS[min(int(tier[i]) + 1, 2)],
                    rejoined_text[i],
                    None,
                    r_upd_text[i],
                )
            )
    return Customers(customer_id=cid, gen_site=gen_site, weight=weight, rows=rows), memberships


def build_dimensions(cfg: Config) -> Dimensions:
    sites, site_rows, screen_rows = build_sites(cfg)
    films, film_rows = build_films(cfg)
    customers, memberships = build_customers(cfg)
    return Dimensions(
        sites=sites,
        films=films,
        customers=customers,
        memberships=memberships,
        site_rows=site_rows,
        screen_rows=screen_rows,
        film_rows=film_rows,
    )
