"""The hand-computed scenario (POS lines on top of snap.WORLD) and its expected tables.

Every expected number below was worked out by hand from docs/contract/; comments say why.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from tests.unit.job.snap import concession, ticket

SITE1 = [
    # A: member 500 (membership ends 2026-03-07T01:00Z = 03-06 19:00 local), 2 adults + popcorn
    ticket("A", 1, 1000, "2026-03-06T18:00:00-06:00", 2, "20.00", customer=500),
    concession("A", 2, "2026-03-06T18:01:00-06:00", 1, "5.00", customer=500),
    # B: comp ticket for the 00:30 show, bought after 500's membership ended
    ticket("B", 1, 1001, "2026-03-06T23:50:00-06:00", 1, "0", ticket_type="comp", customer=500),
    # C: refund of one adult ticket
    ticket("C", 1, 1000, "2026-03-06T18:30:00-06:00", -1, "-10.00"),
    # D: advance sale on 03-05 for the cancelled showtime 1002 (03-06), member 501
    ticket("D", 1, 1002, "2026-03-05T12:00:00-06:00", 1, 8, customer=501),
    # E: drinks at 01:00 on 03-07 -> business date 03-06, hour 1
    concession("E", 1, "2026-03-07T01:00:00-06:00", 2, "7.00", customer=501, category="drinks"),
    # F: advance sale for film 100's second week (showtime 1003 on 03-13)
    ticket("F", 1, 1003, "2026-03-06T20:00:00-06:00", 3, "30.00", customer=501),
]
SITE2 = [
    # G: 07:30Z on the New York DST day = 03:30 EDT -> sale business date 03-07, hour 3
    ticket("G", 1, 2000, "2026-03-08T07:30:00Z", 1, "12.50", site=2, customer=501),
    ticket("H", 1, 2001, "2026-03-08T18:00:00Z", 2, "25.00", site=2),
    concession("H", 2, "2026-03-08T18:00:00Z", 1, "4.50", site=2, category="candy"),
]
POS = {"site=1/date=2026-03-06/T1.jsonl": SITE1, "site=2/date=2026-03-08/T1.jsonl.gz": SITE2}

d = dt.date.fromisoformat
N = None

SITE_DAILY = {
    # (site, date): sessions, capacity, admissions, paid, box, c_units, c_rev, total, txns,
    #               occupancy, atp, spend_per_head, attach_rate, revenue_per_seat
    (1, d("2026-03-05")): (0, 0, 0, 0, D("0.00"), 0, D("0.00"), D("0.00"), 1, N, N, N, 0.0, N),
    (1, d("2026-03-06")): (
        2,
        200,
        3,
        2,
        D("18.00"),
        3,
        D("12.00"),
        D("30.00"),
        5,
        0.015,
        9.0,
        4.0,
        0.3333,
        0.15,
    ),
    (1, d("2026-03-13")): (1, 50, 3, 3, D("30.00"), 0, D("0.00"), D("30.00"), 0, 0.06, 10.0, 0.0, N, 0.6),
    (2, d("2026-03-07")): (
        1,
        80,
        1,
        1,
        D("12.50"),
        0,
        D("0.00"),
        D("12.50"),
        1,
        0.0125,
        12.5,
        0.0,
        0.0,
        0.1563,
    ),
    (2, d("2026-03-08")): (
        1,
        80,
        2,
        2,
        D("25.00"),
        1,
        D("4.50"),
        D("29.50"),
        1,
        0.025,
        12.5,
        2.25,
        1.0,
        0.3688,
    ),
}
SESSIONS = {
    # showtime: site, date, screen, film, starts_at, status, capacity, adm, paid, comps, box, occ, atp
    1000: (
        1,
        d("2026-03-06"),
        10,
        100,
        "2026-03-06T19:00:00",
        "scheduled",
        100,
        1,
        1,
        0,
        D("10.00"),
        0.01,
        10.0,
    ),
    1001: (1, d("2026-03-06"), 10, 100, "2026-03-07T00:30:00", "scheduled", 100, 1, 0, 1, D("0.00"), 0.01, N),
    1002: (1, d("2026-03-06"), 11, 101, "2026-03-06T21:00:00", "cancelled", 0, 1, 1, 0, D("8.00"), N, 8.0),
    1003: (
        1,
        d("2026-03-13"),
        11,
        100,
        "2026-03-13T20:00:00",
        "scheduled",
        50,
        3,
        3,
        0,
        D("30.00"),
        0.06,
        10.0,
    ),
    2000: (
        2,
        d("2026-03-07"),
        20,
        100,
        "2026-03-08T03:30:00",
        "scheduled",
        80,
        1,
        1,
        0,
        D("12.50"),
        0.0125,
        12.5,
    ),
    2001: (
        2,
        d("2026-03-08"),
        20,
        101,
        "2026-03-08T14:00:00",
        "scheduled",
        80,
        2,
        2,
        0,
        D("25.00"),
        0.025,
        12.5,
    ),
}
FILM_WEEKLY = {
    # (film, week_start): week_number, adm, box, sessions, screens, sites, psa, wow, ltd
    (100, d("2026-03-06")): (1, 3, D("22.50"), 3, 2, 2, 11.25, N, D("22.50")),
    (100, d("2026-03-13")): (2, 3, D("30.00"), 1, 1, 1, 30.0, 0.3333, D("52.50")),
    (101, d("2026-03-06")): (3, 3, D("33.00"), 1, 1, 1, 33.0, N, D("33.00")),
}
HOURLY = {
    # (site, date, hour): transactions, tickets, box, c_units, c_rev
    (1, d("2026-03-05"), 12): (1, 1, D("8.00"), 0, D("0.00")),
    (1, d("2026-03-06"), 18): (2, 1, D("10.00"), 1, D("5.00")),
    (1, d("2026-03-06"), 20): (1, 3, D("30.00"), 0, D("0.00")),
    (1, d("2026-03-06"), 23): (1, 1, D("0.00"), 0, D("0.00")),
    (1, d("2026-03-06"), 1): (1, 0, D("0.00"), 2, D("7.00")),
    (2, d("2026-03-07"), 3): (1, 1, D("12.50"), 0, D("0.00")),
    (2, d("2026-03-08"), 14): (1, 2, D("25.00"), 1, D("4.50")),
}
LOYALTY = {
    # (site, date): admissions, member_adm, share, unique, returning, member_conc_rev, member_sph
    (1, d("2026-03-05")): (0, 0, N, 0, 0, D("0.00"), N),
    (1, d("2026-03-06")): (3, 3, 1.0, 2, 0, D("12.00"), 4.0),
    (1, d("2026-03-13")): (3, 3, 1.0, 1, 1, D("0.00"), 0.0),
    (2, d("2026-03-07")): (1, 1, 1.0, 1, 1, D("0.00"), 0.0),
    (2, d("2026-03-08")): (2, 0, 0.0, 0, 0, D("0.00"), N),
}
CONCESSIONS = {
    # (site, D, category): units, revenue, transactions, revenue_share, units_per_admission
    # site 1, 03-06: A's popcorn ($5.00) and E's drinks at 01:00 on the 7th ($7.00), 3 admissions
    (1, d("2026-03-06"), "drinks"): (2, D("7.00"), 1, 0.5833, 0.6667),  # 7/12, 2/3
    (1, d("2026-03-06"), "popcorn"): (1, D("5.00"), 1, 0.4167, 0.3333),  # 5/12, 1/3
    # site 2, 03-08: H's candy at 14:00 EDT, 2 admissions (showtime 2001)
    (2, d("2026-03-08"), "candy"): (1, D("4.50"), 1, 1.0, 0.5),
}
POS_LINES = {
    # (site, sale business date): lines, ticket_lines, concession_lines
    (1, d("2026-03-05")): (1, 1, 0),  # D: the advance ticket sold on 03-05
    (1, d("2026-03-06")): (6, 4, 2),  # A1 A2 B C E (01:00 on the 7th) F: tickets A1 B C F
    (2, d("2026-03-07")): (1, 1, 0),  # G: 03:30 EDT on the 8th
    (2, d("2026-03-08")): (2, 1, 1),  # H1 H2
}
EXPECTED = {
    "site_daily": SITE_DAILY,
    "session_performance": SESSIONS,
    "film_weekly": FILM_WEEKLY,
    "hourly_demand": HOURLY,
    "loyalty_daily": LOYALTY,
    "concession_daily": CONCESSIONS,
    "pos_lines_daily": POS_LINES,
}
