"""Hand-made snapshot folders for the job tests (docs/contract/sources.md layout).

WORLD is small enough to compute every metric by hand:
  site 1  America/Mexico_City (UTC-6 all year)   screens 10 (100 seats), 11 (50 seats)
  site 2  America/New_York (DST starts 2026-03-08) screen 20 (80 seats)
  film 100 released Fri 2026-03-06 (release week 03-06); film 101 released Wed 2026-02-25 (week 02-20)
  showtimes (wall time at the site):
    1000 s10 f100 2026-03-06 19:00 scheduled   -> business date 03-06
    1001 s10 f100 2026-03-07 00:30 scheduled   -> business date 03-06 (a 00:30 show)
    1002 s11 f101 2026-03-06 21:00 cancelled   -> business date 03-06
    1003 s11 f100 2026-03-13 20:00 scheduled   -> business date 03-13 (film 100's second week)
    1004 s11 f101 2026-03-07 15:00 scheduled   -> business date 03-07 (no tickets)
    2000 s20 f100 2026-03-08 03:30 scheduled   -> business date 03-07 (DST night in New York)
    2001 s20 f101 2026-03-08 14:00 scheduled   -> business date 03-08
  customer 500: member from 2026-01-01, membership cancelled 2026-03-07T01:00:00Z (mid-day)
  customer 501: member from 2026-01-01, open; customer 502: never a member
"""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path
from typing import Any

SITES = [
    dict(
        site_id=1,
        name="Centro",
        city="CDMX",
        timezone="America/Mexico_City",
        opened_on="2010-01-01",
        updated_at="2026-01-01 00:00:00",
    ),
    dict(
        site_id=2,
        name="Midtown",
        city="New York",
        timezone="America/New_York",
        opened_on="2012-05-01",
        updated_at="2026-01-01 00:00:00",
    ),
]
SCREENS = [
    dict(screen_id=10, site_id=1, name="1", seats=100, format="standard", updated_at="2026-01-01 00:00:00"),
    dict(screen_id=11, site_id=1, name="2", seats=50, format="imax", updated_at="2026-01-01 00:00:00"),
    dict(screen_id=20, site_id=2, name="1", seats=80, format="3d", updated_at="2026-01-01 00:00:00"),
]
FILMS = [
    dict(
        film_id=100,
        title="A",
        distributor="D",
        genre="drama",
        runtime_min=120,
        release_date="2026-03-06",
        updated_at="2026-01-01 00:00:00",
    ),
    dict(
        film_id=101,
        title="B",
        distributor="D",
        genre="comedy",
        runtime_min=95,
        release_date="2026-02-25",
        updated_at="2026-01-01 00:00:00",
    ),
]
SHOWTIMES = [
    dict(showtime_id=1000, screen_id=10, film_id=100, starts_at="2026-03-06 19:00:00", status="scheduled"),
    dict(showtime_id=1001, screen_id=10, film_id=100, starts_at="2026-03-07 00:30:00", status="scheduled"),
    dict(showtime_id=1002, screen_id=11, film_id=101, starts_at="2026-03-06 21:00:00", status="cancelled"),
    dict(showtime_id=1003, screen_id=11, film_id=100, starts_at="2026-03-13 20:00:00", status="scheduled"),
    dict(showtime_id=1004, screen_id=11, film_id=101, starts_at="2026-03-07 15:00:00", status="scheduled"),
    dict(showtime_id=2000, screen_id=20, film_id=100, starts_at="2026-03-08 03:30:00", status="scheduled"),
    dict(showtime_id=2001, screen_id=20, film_id=101, starts_at="2026-03-08 14:00:00", status="scheduled"),
]
for _s in SHOWTIMES:
    _s["updated_at"] = "2026-01-01 00:00:00"
CUSTOMERS = [
    dict(
        customer_id=c,
        email=f"c{c}@example.com",
        first_name="F",
        last_name="L",
        birth_date="",
        home_site_id=1,
        created_at="2025-12-01 00:00:00",
        updated_at="2025-12-01 00:00:00",
    )
    for c in (500, 501, 502)
]
MEMBERSHIPS = [
    dict(
        membership_id=1,
        customer_id=500,
        tier="gold",
        joined_at="2026-01-01 00:00:00",
        cancelled_at="2026-03-07 01:00:00",
        updated_at="2026-03-07 01:00:00",
    ),
    dict(
        membership_id=2,
        customer_id=501,
        tier="basic",
        joined_at="2026-01-01 00:00:00",
        cancelled_at="",
        updated_at="2026-01-01 00:00:00",
    ),
]
DIMENSIONS = {
    "ecr/sites.csv": SITES,
    "ecr/screens.csv": SCREENS,
    "ecr/films.csv": FILMS,
    "ecr/showtimes.csv": SHOWTIMES,
    "crm/customers.csv": CUSTOMERS,
    "crm/loyalty_memberships.csv": MEMBERSHIPS,
}


def write_csv(path: Path, rows: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def ticket(
    txn: str,
    line_no: int,
    showtime: int,
    sold_at: str,
    qty: int = 1,
    amount: Any = "10.00",
    ticket_type: str = "adult",
    site: int = 1,
    customer: int | None = None,
    **extra: Any,
) -> dict[str, Any]:
    return dict(
        transaction_id=txn,
        line_no=line_no,
        site_id=site,
        terminal_id="T1",
        sold_at=sold_at,
        channel="box_office",
        customer_id=customer,
        item_type="ticket",
        showtime_id=showtime,
        ticket_type=ticket_type,
        sku=f"TKT-{ticket_type}",
        quantity=qty,
        net_amount=amount,
        **extra,
    )


def concession(
    txn: str,
    line_no: int,
    sold_at: str,
    qty: int = 1,
    amount: Any = "5.00",
    site: int = 1,
    customer: int | None = None,
    category: str = "popcorn",
    **extra: Any,
) -> dict[str, Any]:
    return dict(
        transaction_id=txn,
        line_no=line_no,
        site_id=site,
        terminal_id="T2",
        sold_at=sold_at,
        channel="concession_stand",
        customer_id=customer,
        item_type="concession",
        sku="POP-L",
        category=category,
        quantity=qty,
        net_amount=amount,
        **extra,
    )


def encode(lines: list[Any]) -> bytes:
    out = []
    for line in lines:
        out.append(line if isinstance(line, str) else json.dumps(line))
    return ("\n".join(out) + "\n").encode("utf-8")


def write_snapshot(
    root: Path, pos: dict[str, list[Any] | bytes], dims: dict[str, list] | None = None
) -> Path:
    """Write dimension CSVs and POS files (relpath under pos/ -> lines or raw bytes)."""
    for rel, rows in (dims or DIMENSIONS).items():
        write_csv(root / rel, rows)
    add_pos(root, pos)
    return root


def add_pos(root: Path, pos: dict[str, list[Any] | bytes]) -> None:
    for rel, lines in pos.items():
        path = root / "pos" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        data = lines if isinstance(lines, bytes) else encode(lines)
        if rel.endswith(".gz") and not isinstance(lines, bytes):
            data = gzip.compress(data)
        path.write_bytes(data)
