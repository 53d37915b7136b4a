"""The DuckDB oracle on tiny hand-made snapshots, against hand-computed expectations.

Each scenario writes its own snapshot folder; the expected numbers in the comments are
worked out from docs/contract/ by hand, not by running any code.
"""

from __future__ import annotations

import csv
import gzip
import json
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from cinema_metrics import contract
from cinema_metrics.cli import main as cli_main
from cinema_metrics.errors import CliError
from cinema_metrics.metrics import METRIC_TABLES
from cinema_metrics.oracle import OracleResult, compute

NY, MX = "America/New_York", "America/Mexico_City"
SITES = [{"site_id": 1, "timezone": NY}, {"site_id": 2, "timezone": MX}]
SCREENS = [
    {"screen_id": 10, "site_id": 1, "seats": 100},
    {"screen_id": 11, "site_id": 1, "seats": 50},
    {"screen_id": 20, "site_id": 2, "seats": 80},
]
FILMS = [
    {"film_id": 100, "release_date": "2026-03-06"},
    {"film_id": 200, "release_date": "2026-02-27"},
    {"film_id": 300, "release_date": "2026-03-11"},
]
_DEFAULTS = {
    "str": "x",
    "int": "1",
    "bigint": "1",
    "date": "2026-01-01",
    "datetime": "2026-01-01 00:00:00",
}


_ENUM_DEFAULTS = {"format": "standard", "tier": "basic", "status": "scheduled"}


def _write_csv(path: Path, db: str, table: str, rows: list[dict]) -> None:
    schema = contract.DIMENSIONS[(db, table)]
    nullable = contract.NULLABLE.get((db, table), frozenset())
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(schema))
        w.writeheader()
        for r in rows:
            full = {c: ("" if c in nullable else _DEFAULTS[t]) for c, t in schema.items()}
            full.update({k: v for k, v in _ENUM_DEFAULTS.items() if k in schema})
            full.update({k: "" if v is None else v for k, v in r.items()})
            w.writerow(full)


def snapshot(
    root: Path,
    showtimes: list[dict],
    pos: dict[str, list[dict | str]],
    memberships: list[dict] | None = None,
) -> Path:
    _write_csv(root / "ecr/sites.csv", "ecr", "sites", SITES)
    _write_csv(root / "ecr/screens.csv", "ecr", "screens", SCREENS)
    _write_csv(root / "ecr/films.csv", "ecr", "films", FILMS)
    _write_csv(root / "ecr/showtimes.csv", "ecr", "showtimes", showtimes)
    members = memberships or []
    customers = sorted({m["customer_id"] for m in members} | {1})
    _write_csv(root / "crm/customers.csv", "crm", "customers", [{"customer_id": c} for c in customers])
    _write_csv(
        root / "crm/loyalty_memberships.csv",
        "crm",
        "loyalty_memberships",
        [{"membership_id": i, "tier": "basic", **m} for i, m in enumerate(members, start=1)],
    )
    for rel, lines in pos.items():
        text = "".join((ln if isinstance(ln, str) else json.dumps(ln)) + "\n" for ln in lines)
        path = root / "pos" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if rel.endswith(".gz"):
            path.write_bytes(gzip.compress(text.encode()))
        else:
            path.write_text(text, encoding="utf-8")
    return root


def st(showtime_id: int, screen_id: int, film_id: int, starts_at: str, status: str = "scheduled") -> dict:
    return {
        "showtime_id": showtime_id,
        "screen_id": screen_id,
        "film_id": film_id,
        "starts_at": starts_at,
        "status": status,
    }


def ticket(tx: str, line_no: int, site: int, sold_at: str, showtime: int, qty: int, amount, **kw) -> dict:
    line = {
        "transaction_id": tx,
        "line_no": line_no,
        "site_id": site,
        "terminal_id": "T1",
        "sold_at": sold_at,
        "channel": "box_office",
        "customer_id": None,
        "item_type": "ticket",
        "showtime_id": showtime,
        "ticket_type": "adult",
        "sku": "TKT",
        "quantity": qty,
        "net_amount": amount,
    }
    line.update(kw)
    return line


def conc(tx: str, line_no: int, site: int, sold_at: str, qty: int, amount, **kw) -> dict:
    line = {
        "transaction_id": tx,
        "line_no": line_no,
        "site_id": site,
        "terminal_id": "T2",
        "sold_at": sold_at,
        "channel": "concession_stand",
        "customer_id": None,
        "item_type": "concession",
        "category": "popcorn",
        "sku": "POP-L",
        "quantity": qty,
        "net_amount": amount,
    }
    line.update(kw)
    return line


def row(result: OracleResult, table: str, **key) -> dict:
    df = result.tables[table]
    mask = None
    for k, v in key.items():
        m = df[k].astype(str) == str(v)
        mask = m if mask is None else mask & m
    hits = df[mask]
    assert len(hits) == 1, f"{table} {key}: {len(hits)} rows"
    return {k: (None if _isnull(v) else v) for k, v in hits.iloc[0].to_dict().items()}


def _isnull(v: object) -> bool:
    return v is None or (isinstance(v, float) and v != v)


def keys(result: OracleResult, table: str) -> set[tuple]:
    cols = METRIC_TABLES[table].key
    return {tuple(str(v) for v in r) for r in result.tables[table][list(cols)].itertuples(index=False)}


def money(s: str) -> Decimal:
    return Decimal(s)


# ---------------------------------------------------------------- scenario A: one busy night
Case = tuple[list[dict], dict[str, list[dict | str]], list[dict]]


def night_case() -> Case:
    """Scenario A: one busy night at site 1 (New York)."""
    showtimes = [
        st(1001, 10, 100, "2026-03-13 19:00:00"),
        st(1002, 11, 100, "2026-03-14 00:30:00"),  # 00:30 on Saturday belongs to Friday 03-13
        st(1003, 10, 100, "2026-03-14 10:00:00"),
        st(1004, 11, 200, "2026-03-13 21:00:00", "cancelled"),
        st(1005, 10, 200, "2026-03-13 13:00:00"),  # scheduled, no tickets
        st(1006, 10, 100, "2026-03-20 19:00:00"),  # a day without activity: no rows
    ]
    pos = {
        "site1/2026-03-13.jsonl": [
            ticket("T1", 1, 1, "2026-03-13T18:30:00-04:00", 1001, 2, 24.00),
            conc("T1", 2, 1, "2026-03-13T18:30:00-04:00", 1, "7.50"),
            ticket("T2", 1, 1, "2026-03-13T23:50:00-04:00", 1002, 1, 12, channel="kiosk"),
            ticket("T3", 1, 1, "2026-03-13T18:40:00-04:00", 1001, 1, 0, ticket_type="comp"),
            ticket("T4", 1, 1, "2026-03-14T00:00:00Z", 1001, -1, -12.00),  # a refund, 20:00 local
            ticket("T5", 1, 1, "2026-03-10T12:00:00-04:00", 1001, 1, 9.00, ticket_type="student"),
            conc("T6", 1, 1, "2026-03-14T01:15:00-04:00", 2, 8.00, category="drinks"),
            conc("T7", 1, 1, "2026-03-13T19:10:00-04:00", 1, 3.00, category="candy"),
            ticket("T7", 2, 1, "2026-03-13T19:10:00-04:00", 1003, 1, 12.00),
            ticket("T8", 1, 1, "2026-03-13T12:00:00-04:00", 1004, 1, 10.00),
        ]
    }
    return showtimes, pos, []


def weeks_case() -> Case:
    """Scenario B: film 300's weeks; released Wed 03-11, so week 1 starts Fri 03-06."""
    showtimes = [
        st(3001, 20, 300, "2026-03-07 20:00:00"),  # week 03-06 (1)
        st(3002, 20, 300, "2026-03-14 20:00:00"),  # week 03-13 (2)
        st(3003, 10, 300, "2026-03-20 02:00:00"),  # business Thu 03-19: still week 2, site 1
        st(3004, 20, 300, "2026-03-27 20:00:00"),  # week 03-27 (4); week 3 has no row
        st(3005, 20, 300, "2026-04-03 20:00:00"),  # week 04-03 (5)
    ]
    pos = {
        "w.jsonl": [
            ticket("A", 1, 2, "2026-03-07T19:00:00-06:00", 3001, 4, 40.00),
            ticket("B", 1, 2, "2026-03-14T19:00:00-06:00", 3002, 3, 30.00),
            ticket("C", 1, 1, "2026-03-19T21:00:00-04:00", 3003, 2, 20.00),
            ticket("D", 1, 2, "2026-03-27T19:00:00-06:00", 3004, 1, 0, ticket_type="comp"),
            ticket("E", 1, 2, "2026-04-03T19:00:00-06:00", 3005, 1, 8.00),
        ]
    }
    return showtimes, pos, []


def tz_case() -> Case:
    """Scenario C: two time zones and both DST changes of 2026."""
    pos = {
        "tz.jsonl": [
            # New York springs forward at 07:00Z on 2026-03-08 (02:00 EST -> 03:00 EDT).
            conc("N1", 1, 1, "2026-03-08T06:30:00Z", 1, 1.00),  # 01:30 EST -> 03-07, hour 1
            conc("N2", 1, 1, "2026-03-08T07:30:00Z", 1, 2.00),  # 03:30 EDT -> 03-07, hour 3
            conc("N3", 1, 1, "2026-03-08T10:30:00Z", 1, 4.00),  # 06:30 EDT -> 03-08, hour 6
            # and falls back at 06:00Z on 2026-11-01: 01:30 happens twice, both in hour 1 of 10-31.
            conc("N4", 1, 1, "2026-11-01T05:30:00Z", 1, 1.00),
            conc("N5", 1, 1, "2026-11-01T01:30:00-05:00", 1, 2.00),
            # Mexico City (UTC-6 all year): the line's own offset does not matter, the site's zone does.
            conc("M1", 1, 2, "2026-03-08T11:30:00Z", 1, 1.00),  # 05:30 -> 03-07, hour 5
            conc("M2", 1, 2, "2026-03-08T08:30:00-04:00", 1, 2.00),  # 12:30Z = 06:30 -> 03-08, hour 6
        ]
    }
    return [st(1, 10, 100, "2026-03-08 12:00:00")], pos, []


def loyalty_case() -> Case:
    """Scenario D: members joining and leaving mid-day, returning within 30 days."""
    memberships = [
        {"customer_id": 501, "joined_at": "2026-01-01 00:00:00"},
        {"customer_id": 502, "joined_at": "2026-01-01 00:00:00", "cancelled_at": "2026-03-13 20:00:00"},
        {"customer_id": 503, "joined_at": "2026-03-13 23:00:00"},
        {"customer_id": 505, "joined_at": "2026-01-01 00:00:00"},
        {"customer_id": 506, "joined_at": "2026-01-01 00:00:00"},
    ]
    showtimes = [
        st(4001, 10, 100, "2026-03-13 19:00:00"),
        st(4002, 10, 100, "2026-02-20 19:00:00"),
        st(4003, 10, 100, "2026-02-10 19:00:00"),  # D - 31: outside the window
        st(4004, 20, 100, "2026-03-01 19:00:00"),  # another site, inside the window
        st(4005, 10, 100, "2026-03-12 19:00:00"),  # D - 1
    ]
    pos = {
        "l.jsonl": [
            ticket("L1", 1, 1, "2026-03-13T10:00:00-04:00", 4001, 2, 20.00, customer_id=501),
            conc("L1", 2, 1, "2026-03-13T19:00:00-04:00", 1, 6.00, customer_id=501),
            ticket("L0", 1, 2, "2026-03-01T12:00:00-06:00", 4004, 1, 10.00, customer_id=501),
            # 502 is a member until 20:00Z: the 15:00 EDT ticket counts, the 17:00 EDT snack does not.
            ticket("L2", 1, 1, "2026-03-13T15:00:00-04:00", 4001, 1, 10.00, customer_id=502),
            conc("L2b", 1, 1, "2026-03-13T17:00:00-04:00", 1, 5.00, customer_id=502),
            ticket("L2c", 1, 1, "2026-02-10T12:00:00-05:00", 4003, 1, 10.00, customer_id=502),
            # 503 joins at 23:00Z: the 18:00 EDT ticket is not a member line, the 20:00 EDT snack is.
            ticket("L3", 1, 1, "2026-03-13T18:00:00-04:00", 4001, 1, 10.00, customer_id=503),
            conc("L3b", 1, 1, "2026-03-13T20:00:00-04:00", 1, 4.00, customer_id=503),
            ticket("L4", 1, 1, "2026-03-13T11:00:00-04:00", 4001, 1, 10.00, customer_id=504),
            ticket("L5a", 1, 1, "2026-02-20T10:00:00-05:00", 4002, 1, 10.00, customer_id=505),
            ticket("L5b", 1, 1, "2026-03-13T12:00:00-04:00", 4001, -1, -10.00, customer_id=505),  # refund
            ticket("L6a", 1, 1, "2026-03-12T10:00:00-04:00", 4005, 1, 10.00, customer_id=506),
            ticket("L6b", 1, 1, "2026-03-13T10:30:00-04:00", 4001, 1, 10.00, customer_id=506),
        ]
    }
    return showtimes, pos, memberships


def reasons_case() -> Case:
    """Every reason code, in rule order; file b is read after file a."""
    good = ticket("Q", 1, 1, "2026-03-13T18:00:00-04:00", 1001, 1, 10.00)

    def variant(n: int, **changes) -> dict:
        line = dict(good, line_no=n)
        for k, v in changes.items():
            if v is ...:
                line.pop(k)
            else:
                line[k] = v
        return line

    showtimes = [st(1001, 10, 100, "2026-03-13 19:00:00"), st(2001, 20, 100, "2026-03-13 19:00:00")]
    first = [
        "not json at all",  # 1 malformed_json
        "[1, 2]",  # 2 malformed_json: not an object
        json.dumps(variant(3, sku=...)),  # 3 missing_field
        json.dumps(variant(4, ticket_type=None, quantity="two")),  # 4 missing_field before bad_type
        json.dumps(variant(5, quantity="two")),  # 5 bad_type
        json.dumps(variant(6, line_no=1.5)),  # 6 bad_type
        json.dumps(variant(7, channel="drone")),  # 7 bad_type
        json.dumps(variant(8, ticket_type="vip", sold_at="yesterday")),  # 8 bad_type before timestamp
        json.dumps(variant(9, sold_at="2026-03-13T18:00:00")),  # 9 bad_timestamp: no offset
        json.dumps(variant(10, sold_at="2026-02-30T18:00:00Z", site_id=9)),  # 10 bad_timestamp first
        json.dumps(variant(11, site_id=9, item_type="merch")),  # 11 unknown_site before item type
        json.dumps(variant(12, item_type="merch")),  # 12 unknown_item_type
        json.dumps(variant(13, showtime_id=999)),  # 13 unknown_showtime
        json.dumps(variant(14, showtime_id=2001)),  # 14 site_mismatch (showtime at site 2)
        json.dumps(variant(15, quantity=0, net_amount=-1)),  # 15 bad_quantity before bad_amount
        json.dumps(variant(16, quantity=2, net_amount="-20.00")),  # 16 bad_amount
        json.dumps(variant(17)),  # 17 accepted: the first copy of (Q, 17)
        json.dumps(variant(17)),  # 18 duplicate_line in the same file
        json.dumps(variant(19, net_amount=-5)),  # 19 bad_amount: not accepted, so not "first"
        json.dumps(variant(19, net_amount="5")),  # 20 accepted (numeric string amount)
        json.dumps(variant(21, customer_id="7")),  # 21 bad_type: customer_id is an integer or null
        json.dumps({**variant(22), "loyalty_tier": "gold"}),  # 22 accepted: unknown fields are ignored
        "",  # 23 malformed_json: an empty line is not a JSON object
        '{"transaction_id": "Q", "line_no": NaN}',  # 24 malformed_json: NaN is not JSON
    ]
    second = [json.dumps(variant(17)), json.dumps(variant(25))]  # 1 duplicate_line across files, 2 ok
    pos = {"a/2026-03-13.jsonl": first, "b/2026-03-13.jsonl.gz": second}
    return showtimes, pos, []


def edge_case_snapshot(root: Path) -> Path:
    """All scenarios in one snapshot (ids do not clash), for comparing the job with the oracle."""
    showtimes: dict[int, dict] = {}
    pos: dict[str, list[dict | str]] = {}
    members: list[dict] = []
    for name, case in (
        ("night", night_case),
        ("weeks", weeks_case),
        ("tz", tz_case),
        ("loyalty", loyalty_case),
        ("reasons", reasons_case),
    ):
        s, p, m = case()
        showtimes.update({x["showtime_id"]: x for x in s})
        pos.update({f"{name}/{rel}": lines for rel, lines in p.items()})
        members.extend(m)
    return snapshot(root, list(showtimes.values()), pos, members)


@pytest.fixture(scope="module")
def night(tmp_path_factory: pytest.TempPathFactory) -> OracleResult:
    showtimes, pos, members = night_case()
    return compute(snapshot(tmp_path_factory.mktemp("night"), showtimes, pos, members), workers=1)


def test_site_daily_refunds_comps_late_show_advance_sale(night: OracleResult) -> None:
    # T(03-13): T1 2/24, T2 1/12 (00:30 show), T3 comp 1/0, T4 refund -1/-12, T5 advance 1/9,
    # T8 1/10 (cancelled showtime) -> admissions 5, paid 4, box 43.00.
    # C(03-13): T1 1/7.50, T6 2/8.00 (01:15 local is still Friday), T7 1/3.00 -> 4 units, 18.50.
    # Scheduled sessions on 03-13: 1001 (100), 1002 (50), 1005 (100) -> 3, capacity 250.
    r = row(night, "site_daily", site_id=1, business_date="2026-03-13")
    assert (r["sessions"], r["capacity"], r["admissions"], r["paid_admissions"]) == (3, 250, 5, 4)
    assert (r["box_office"], r["concession_units"], r["concession_revenue"]) == (
        money("43.00"),
        4,
        money("18.50"),
    )
    assert r["total_revenue"] == money("61.50")
    assert r["transactions"] == 7  # T1 T2 T3 T4 T6 T7 T8 (T5 was sold on 03-10)
    assert r["occupancy"] == pytest.approx(0.02)  # 5 / 250
    assert r["atp"] == pytest.approx(10.75)  # 43 / 4
    assert r["spend_per_head"] == pytest.approx(3.7)  # 18.50 / 5
    # Baskets with a ticket (qty > 0): T1 T2 T3 T7 T8; with a concession as well: T1 T7.
    assert r["attach_rate"] == pytest.approx(0.4)
    assert r["revenue_per_seat"] == pytest.approx(0.246)  # 61.50 / 250


def test_site_daily_null_ratios_and_sale_only_day(night: OracleResult) -> None:
    # 03-10: only the advance sale T5 (sold then, attributed to Friday): no sessions, no admissions.
    r = row(night, "site_daily", site_id=1, business_date="2026-03-10")
    assert (r["sessions"], r["capacity"], r["admissions"], r["transactions"]) == (0, 0, 0, 1)
    assert r["box_office"] == 0 and r["total_revenue"] == 0
    assert r["occupancy"] is None and r["atp"] is None and r["spend_per_head"] is None
    assert r["revenue_per_seat"] is None
    assert r["attach_rate"] == pytest.approx(0.0)  # T5 holds a ticket and no concession
    # 03-14: T7's ticket for the 10:00 show; nothing was sold on 03-14 itself.
    r = row(night, "site_daily", site_id=1, business_date="2026-03-14")
    assert (r["sessions"], r["capacity"], r["admissions"], r["transactions"]) == (1, 100, 1, 0)
    assert r["attach_rate"] is None and r["spend_per_head"] == pytest.approx(0.0)
    assert keys(night, "site_daily") == {("1", "2026-03-10"), ("1", "2026-03-13"), ("1", "2026-03-14")}


def test_session_performance(night: OracleResult) -> None:
    assert keys(night, "session_performance") == {("1001",), ("1002",), ("1003",), ("1004",), ("1005",)}
    r = row(night, "session_performance", showtime_id=1001)
    assert (r["site_id"], str(r["business_date"]), r["screen_id"], r["film_id"]) == (1, "2026-03-13", 10, 100)
    assert (r["starts_at"], r["status"], r["capacity"]) == ("2026-03-13T19:00:00", "scheduled", 100)
    # T1 2, T3 comp 1, T4 -1, T5 1 -> 3 admissions, 2 paid, 1 comp, 24 + 0 - 12 + 9 = 21.00
    assert (r["admissions"], r["paid_admissions"], r["comps"], r["box_office"]) == (3, 2, 1, money("21.00"))
    assert r["occupancy"] == pytest.approx(0.03) and r["atp"] == pytest.approx(10.5)
    r = row(night, "session_performance", showtime_id=1002)
    assert (str(r["business_date"]), r["starts_at"]) == ("2026-03-13", "2026-03-14T00:30:00")
    r = row(night, "session_performance", showtime_id=1004)  # cancelled, with a ticket
    assert (r["status"], r["capacity"], r["admissions"], r["box_office"]) == (
        "cancelled",
        0,
        1,
        money("10.00"),
    )
    assert r["occupancy"] is None and r["atp"] == pytest.approx(10.0)
    r = row(night, "session_performance", showtime_id=1005)  # scheduled, nothing sold
    assert (r["capacity"], r["admissions"], r["box_office"], r["occupancy"]) == (100, 0, 0, 0.0)
    assert r["atp"] is None


def test_film_weekly_same_night(night: OracleResult) -> None:
    # Film 100 (released Fri 03-06): 1001 3/21, 1002 1/12, 1003 1/12 -> week of 03-13, week 2.
    r = row(night, "film_weekly", film_id=100, week_start="2026-03-13")
    assert (r["week_number"], r["admissions"], r["box_office"]) == (2, 5, money("45.00"))
    assert (r["sessions"], r["screens"], r["sites"]) == (3, 2, 1)
    assert r["per_screen_average"] == pytest.approx(22.5)
    assert r["wow_change"] is None and r["ltd_box_office"] == money("45.00")
    # Film 200 (released 02-27, week 3): only the cancelled 1004 sold; 1005 is its scheduled run.
    r = row(night, "film_weekly", film_id=200, week_start="2026-03-13")
    assert (r["week_number"], r["admissions"], r["box_office"], r["sessions"], r["screens"]) == (
        3,
        1,
        money("10.00"),
        1,
        1,
    )


def test_hourly_demand_by_sale_hour(night: OracleResult) -> None:
    expected = {  # (date, hour): (transactions, tickets, box_office, concession_units, revenue)
        ("2026-03-10", 12): (1, 1, "9.00", 0, "0"),
        ("2026-03-13", 12): (1, 1, "10.00", 0, "0"),
        ("2026-03-13", 18): (2, 3, "24.00", 1, "7.50"),
        ("2026-03-13", 19): (1, 1, "12.00", 1, "3.00"),
        ("2026-03-13", 20): (1, -1, "-12.00", 0, "0"),
        ("2026-03-13", 23): (1, 1, "12.00", 0, "0"),
        ("2026-03-13", 1): (1, 0, "0", 2, "8.00"),
    }
    assert keys(night, "hourly_demand") == {("1", d, str(h)) for d, h in expected}
    for (d, h), (tx, tk, bo, cu, cr) in expected.items():
        r = row(night, "hourly_demand", site_id=1, business_date=d, hour=h)
        assert (r["transactions"], r["tickets"], r["box_office"]) == (tx, tk, money(bo)), (d, h)
        assert (r["concession_units"], r["concession_revenue"]) == (cu, money(cr)), (d, h)


def test_loyalty_keys_equal_site_daily(night: OracleResult) -> None:
    assert keys(night, "loyalty_daily") == keys(night, "site_daily")
    r = row(night, "loyalty_daily", site_id=1, business_date="2026-03-13")
    assert (r["admissions"], r["member_admissions"], r["unique_members"], r["returning_members"]) == (
        5,
        0,
        0,
        0,
    )
    assert r["member_share"] == pytest.approx(0.0) and r["member_spend_per_head"] is None
    assert night.quarantine == {} and night.lines_accepted == night.lines_read == 10


# ---------------------------------------------------------------- scenario B: a film's weeks
def test_film_weekly_weeks_wow_and_ltd(tmp_path: Path) -> None:
    # Film 300 is released Wed 03-11: release week starts Fri 03-06 (week 1).
    showtimes, pos, _ = weeks_case()
    res = compute(snapshot(tmp_path, showtimes, pos), workers=1)
    expected = {  # week_start: (week_number, box_office, wow_change, ltd, sessions, screens, sites, psa)
        "2026-03-06": (1, "40.00", None, "40.00", 1, 1, 1, 40.0),
        "2026-03-13": (2, "50.00", 0.25, "90.00", 2, 2, 2, 25.0),  # (50 - 40) / 40
        "2026-03-27": (4, "0.00", None, "90.00", 1, 1, 1, 0.0),  # the week before has no row
        "2026-04-03": (5, "8.00", None, "98.00", 1, 1, 1, 8.0),  # previous box office is 0
    }
    assert keys(res, "film_weekly") == {("300", w) for w in expected}
    for week, (wn, bo, wow, ltd, sessions, screens, sites, psa) in expected.items():
        r = row(res, "film_weekly", film_id=300, week_start=week)
        assert (r["week_number"], r["box_office"], r["ltd_box_office"]) == (wn, money(bo), money(ltd)), week
        assert (r["sessions"], r["screens"], r["sites"]) == (sessions, screens, sites), week
        assert r["per_screen_average"] == pytest.approx(psa), week
        assert (r["wow_change"] is None) == (wow is None), week
        if wow is not None:
            assert r["wow_change"] == pytest.approx(wow), week


# ---------------------------------------------------------------- scenario C: time zones and DST
def test_time_zones_and_dst_days(tmp_path: Path) -> None:
    showtimes, pos, _ = tz_case()
    res = compute(snapshot(tmp_path, showtimes, pos), workers=1)
    expected = {
        (1, "2026-03-07", 1): "1.00",
        (1, "2026-03-07", 3): "2.00",
        (1, "2026-03-08", 6): "4.00",
        (1, "2026-10-31", 1): "3.00",
        (2, "2026-03-07", 5): "1.00",
        (2, "2026-03-08", 6): "2.00",
    }
    assert keys(res, "hourly_demand") == {(str(s), d, str(h)) for s, d, h in expected}
    for (s, d, h), revenue in expected.items():
        assert row(res, "hourly_demand", site_id=s, business_date=d, hour=h)["concession_revenue"] == money(
            revenue
        )
    r = row(res, "site_daily", site_id=1, business_date="2026-03-07")
    assert (r["concession_units"], r["concession_revenue"], r["transactions"]) == (2, money("3.00"), 2)
    r = row(res, "site_daily", site_id=1, business_date="2026-10-31")
    assert (r["transactions"], r["sessions"]) == (2, 0)


# ---------------------------------------------------------------- scenario D: loyalty
def test_loyalty_daily_members_and_returning(tmp_path: Path) -> None:
    showtimes, pos, memberships = loyalty_case()
    res = compute(snapshot(tmp_path, showtimes, pos, memberships), workers=1)
    r = row(res, "loyalty_daily", site_id=1, business_date="2026-03-13")
    # admissions: 501 2, 502 1, 503 1, 504 1, 505 -1, 506 1 = 5; member: 501 2 + 502 1 - 505 1 + 506 1 = 3
    assert (r["admissions"], r["member_admissions"]) == (5, 3)
    assert r["member_share"] == pytest.approx(0.6)
    assert r["unique_members"] == 3  # 501 502 506 (505 only has a refund)
    assert r["returning_members"] == 2  # 501 (03-01, other site) and 506 (D-1); not 502 (D-31)
    assert r["member_concession_revenue"] == money("10.00")  # 501 6.00 + 503 4.00
    assert r["member_spend_per_head"] == pytest.approx(3.3333)  # 10 / 3, 4 decimals
    r = row(res, "loyalty_daily", site_id=1, business_date="2026-02-20")
    assert (r["member_admissions"], r["unique_members"], r["returning_members"]) == (1, 1, 0)
    assert keys(res, "loyalty_daily") == keys(res, "site_daily")


# ---------------------------------------------------------------- quarantine: every reason code
def test_every_reason_code_in_order(tmp_path: Path) -> None:
    showtimes, pos, _ = reasons_case()
    res = compute(snapshot(tmp_path, showtimes, pos), workers=1)
    expected = [
        ("pos/a/2026-03-13.jsonl", 1, "malformed_json"),
        ("pos/a/2026-03-13.jsonl", 2, "malformed_json"),
        ("pos/a/2026-03-13.jsonl", 3, "missing_field"),
        ("pos/a/2026-03-13.jsonl", 4, "missing_field"),
        ("pos/a/2026-03-13.jsonl", 5, "bad_type"),
        ("pos/a/2026-03-13.jsonl", 6, "bad_type"),
        ("pos/a/2026-03-13.jsonl", 7, "bad_type"),
        ("pos/a/2026-03-13.jsonl", 8, "bad_type"),
        ("pos/a/2026-03-13.jsonl", 9, "bad_timestamp"),
        ("pos/a/2026-03-13.jsonl", 10, "bad_timestamp"),
        ("pos/a/2026-03-13.jsonl", 11, "unknown_site"),
        ("pos/a/2026-03-13.jsonl", 12, "unknown_item_type"),
        ("pos/a/2026-03-13.jsonl", 13, "unknown_showtime"),
        ("pos/a/2026-03-13.jsonl", 14, "site_mismatch"),
        ("pos/a/2026-03-13.jsonl", 15, "bad_quantity"),
        ("pos/a/2026-03-13.jsonl", 16, "bad_amount"),
        ("pos/a/2026-03-13.jsonl", 18, "duplicate_line"),
        ("pos/a/2026-03-13.jsonl", 19, "bad_amount"),
        ("pos/a/2026-03-13.jsonl", 21, "bad_type"),
        ("pos/a/2026-03-13.jsonl", 23, "malformed_json"),
        ("pos/a/2026-03-13.jsonl", 24, "malformed_json"),
        ("pos/b/2026-03-13.jsonl.gz", 1, "duplicate_line"),
    ]
    assert res.quarantined_lines == expected
    assert set(res.quarantine) == set(contract.REASONS)  # every code is exercised
    assert res.quarantine["malformed_json"] == 4 and res.quarantine["duplicate_line"] == 2
    assert (res.files_read, res.lines_read, res.lines_accepted) == (2, 26, 4)
    assert res.lines_read == res.lines_accepted + len(res.quarantined_lines)
    # Accepted: (Q,17) once, (Q,20), (Q,22), (Q,25) -> 4 admissions for showtime 1001 at 10.00, 5.00...
    r = row(res, "session_performance", showtime_id=1001)
    assert (r["admissions"], r["box_office"]) == (4, money("35.00"))


def test_broken_dimension_is_fatal(tmp_path: Path) -> None:
    root = snapshot(tmp_path, [st(1, 10, 100, "2026-03-13 19:00:00")], {"x.jsonl": []})
    _write_csv(root / "ecr/screens.csv", "ecr", "screens", [*SCREENS, {"screen_id": 99, "site_id": 7}])
    with pytest.raises(CliError, match=r"screens\.csv.*screen 99.*unknown site 7"):
        compute(root, workers=1)
    _write_csv(root / "ecr/screens.csv", "ecr", "screens", [*SCREENS, {"screen_id": 10, "site_id": 1}])
    with pytest.raises(CliError, match=r"screens\.csv row 5: duplicate screen_id 10"):
        compute(root, workers=1)


def test_cli_writes_parquet_and_workers_agree(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    showtimes = [st(1001, 10, 100, "2026-03-13 19:00:00")]
    pos = {
        f"site1/f{i}.jsonl": [
            ticket(f"T{i}", 1, 1, "2026-03-13T18:30:00-04:00", 1001, 1, 10.00),
            ticket("SAME", 1, 1, "2026-03-13T18:30:00-04:00", 1001, 1, 10.00),  # dup after the first file
            "{broken",
        ]
        for i in range(6)
    }
    src = snapshot(tmp_path / "src", showtimes, pos)
    assert cli_main(["oracle", "--sources", str(src), "--output", str(tmp_path / "out"), "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "duplicate_line" in printed and "malformed_json" in printed
    for name, spec in METRIC_TABLES.items():
        table = pq.read_table(tmp_path / "out" / f"{name}.parquet")
        assert table.column_names == list(spec.kinds)
    sp = pq.read_table(tmp_path / "out" / "session_performance.parquet").to_pylist()
    assert [(r["showtime_id"], r["admissions"]) for r in sp] == [(1001, 7)]  # 6 own + 1 SAME
    report = json.loads((tmp_path / "out" / "oracle_report.json").read_text())
    assert report["quarantined_by_reason"] == {"malformed_json": 6, "duplicate_line": 5}
    parallel = compute(src, workers=2)  # the worker pool keeps file order
    assert parallel.quarantined_lines == compute(src, workers=1).quarantined_lines


def test_unreadable_gzip_names_the_file(tmp_path: Path) -> None:
    root = snapshot(tmp_path, [st(1, 10, 100, "2026-03-13 19:00:00")], {"ok.jsonl": []})
    (root / "pos" / "broken.jsonl.gz").write_bytes(gzip.compress(b'{"a": 1}\n')[:12])
    with pytest.raises(CliError, match=r"broken\.jsonl\.gz: not a readable gzip file"):
        compute(root, workers=1)
