"""The synthetic data looks like a cinema chain: KPIs fall in the bands of GUIDE.md section 4.

One modest data set (2 sites x 21 days, crossing the US DST change) is generated once and
every KPI is recomputed here from the raw files, independently of the generator's model.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from cinema_metrics.generator.cli import generate
from cinema_metrics.generator.config import Config


class Snapshot:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.sites = self._csv("ecr/sites.csv")
        self.screens = self._csv("ecr/screens.csv")
        self.films = self._csv("ecr/films.csv")
        self.showtimes = self._csv("ecr/showtimes.csv")
        self.customers = self._csv("crm/customers.csv")
        self.memberships = self._csv("crm/loyalty_memberships.csv")
        self.lines = [
            json.loads(line)
            for path in sorted(root.glob("pos/**/*.jsonl"))
            for line in path.read_text(encoding="utf-8").splitlines()
        ]
        self.tickets = [x for x in self.lines if x["item_type"] == "ticket"]
        self.concessions = [x for x in self.lines if x["item_type"] == "concession"]
        seats = {int(s["screen_id"]): int(s["seats"]) for s in self.screens}
        self.show_seats = {int(s["showtime_id"]): seats[int(s["screen_id"])] for s in self.showtimes}
        self.show_start = {
            int(s["showtime_id"]): datetime.strptime(s["starts_at"], "%Y-%m-%d %H:%M:%S")
            for s in self.showtimes
        }
        self.scheduled = {int(s["showtime_id"]) for s in self.showtimes if s["status"] == "scheduled"}

    def _csv(self, rel: str) -> list[dict[str, str]]:
        with (self.root / rel).open(encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))


def amount(line: dict) -> float:
    return float(line["net_amount"])


def business_date(wall: datetime) -> date:
    return (wall - timedelta(hours=6)).date()


@pytest.fixture(scope="module")
def snap(tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    out = tmp_path_factory.mktemp("shapes") / "snapshot"
    cfg = Config(sites=2, days=21, start=date(2026, 3, 2), seed=7, bad_rate=0.0)
    generate(cfg, out, progress=False)
    return Snapshot(out)


def test_occupancy_atp_and_spend_per_head_in_plausible_bands(snap: Snapshot) -> None:
    admissions = sum(t["quantity"] for t in snap.tickets)
    capacity = sum(snap.show_seats[s] for s in snap.scheduled)
    paid = sum(t["quantity"] for t in snap.tickets if t["ticket_type"] != "comp")
    box_office = sum(amount(t) for t in snap.tickets)
    concessions = sum(amount(c) for c in snap.concessions)
    assert 0.12 <= admissions / capacity <= 0.35, admissions / capacity
    assert 6 <= box_office / paid <= 13, box_office / paid
    assert 4 <= concessions / admissions <= 10, concessions / admissions


def test_loyalty_members_hold_about_45_percent_of_admissions(snap: Snapshot) -> None:
    spans: dict[int, list[tuple[datetime, datetime | None]]] = defaultdict(list)
    for m in snap.memberships:
        joined = datetime.fromisoformat(m["joined_at"] + "+00:00")
        cancelled = datetime.fromisoformat(m["cancelled_at"] + "+00:00") if m["cancelled_at"] else None
        spans[int(m["customer_id"])].append((joined, cancelled))

    def member(customer: int | None, at: datetime) -> bool:
        return customer is not None and any(j <= at and (c is None or c > at) for j, c in spans[customer])

    total = sum(t["quantity"] for t in snap.tickets)
    members = sum(
        t["quantity"] for t in snap.tickets if member(t["customer_id"], datetime.fromisoformat(t["sold_at"]))
    )
    assert 0.35 <= members / total <= 0.55, members / total
    # memberships really start and end inside the range
    start, end = datetime(2026, 3, 2), datetime(2026, 3, 23)
    joined_in = [m for m in snap.memberships if start <= datetime.fromisoformat(m["joined_at"]) < end]
    ended_in = [
        m
        for m in snap.memberships
        if m["cancelled_at"] and start <= datetime.fromisoformat(m["cancelled_at"]) < end
    ]
    assert joined_in and ended_in


def test_comps_refunds_and_advance_sales_present(snap: Snapshot) -> None:
    comps = [t for t in snap.tickets if t["ticket_type"] == "comp" and t["quantity"] > 0]
    assert comps and all(amount(t) == 0 for t in comps)
    by_tx = {x["transaction_id"]: x for x in snap.lines}
    refunds = [x for x in snap.lines if x["quantity"] < 0]
    assert refunds and all(amount(x) <= 0 for x in refunds)
    for r in refunds:  # a refund refers to an earlier sale of the same site
        original = by_tx[r["refund_of"]]
        assert original["site_id"] == r["site_id"]
        assert datetime.fromisoformat(original["sold_at"]) < datetime.fromisoformat(r["sold_at"])
    # advance: sold a day or more before the show; mostly online
    advance = [
        t
        for t in snap.tickets
        if t["quantity"] > 0
        and snap.show_start[t["showtime_id"]] - datetime.fromisoformat(t["sold_at"]).replace(tzinfo=None)
        >= timedelta(days=1)
    ]
    assert len(advance) > 0.05 * len(snap.tickets)
    assert sum(t["channel"] == "online" for t in advance) > 0.7 * len(advance)


def test_channels_concession_mix_and_cancelled_shows(snap: Snapshot) -> None:
    assert {x["channel"] for x in snap.lines} == {"box_office", "kiosk", "online", "concession_stand"}
    assert {c["category"] for c in snap.concessions} == {"popcorn", "drinks", "candy", "combo", "hot_food"}
    stand = [c for c in snap.concessions if c["channel"] == "concession_stand"]
    assert len(stand) > 0.5 * len(snap.concessions)
    cancelled = {int(s["showtime_id"]) for s in snap.showtimes} - snap.scheduled
    assert cancelled, "a few showtimes are cancelled"
    net: dict[int, int] = defaultdict(int)
    for t in snap.tickets:
        net[t["showtime_id"]] += t["quantity"]
    assert all(net.get(s, 0) == 0 for s in cancelled), "tickets of cancelled shows are all refunded"


def test_schedule_shapes(snap: Snapshot) -> None:
    zones = {s["timezone"] for s in snap.sites}
    assert len(zones) >= 2
    per_site = defaultdict(list)
    for s in snap.screens:
        per_site[s["site_id"]].append(int(s["seats"]))
    assert all(5 <= len(v) <= 12 for v in per_site.values())
    all_seats = [x for v in per_site.values() for x in v]
    assert 110 <= sum(all_seats) / len(all_seats) <= 200 and min(all_seats) >= 80 and max(all_seats) <= 350
    per_screen_day = defaultdict(int)
    for s in snap.showtimes:
        per_screen_day[(s["screen_id"], business_date(snap.show_start[int(s["showtime_id"])]))] += 1
    mean_shows = sum(per_screen_day.values()) / len(per_screen_day)
    assert 3.8 <= mean_shows <= 5.0, mean_shows
    starts = list(snap.show_start.values())
    late = [w for w in starts if w.hour < 2]
    assert late, "some shows start after midnight"
    assert all(business_date(w) == w.date() - timedelta(days=1) for w in late)
    assert min(w.time() for w in starts if w.hour >= 6).strftime("%H:%M") >= "10:30"
    # films release on Fridays
    assert all(date.fromisoformat(f["release_date"]).weekday() == 4 for f in snap.films)
    # the DST change shows in New York offsets: -05:00 before 2026-03-08, -04:00 after
    ny = {s["site_id"] for s in snap.sites if s["timezone"] == "America/New_York"}
    offsets = {x["sold_at"][-6:] for x in snap.lines if str(x["site_id"]) in ny}
    assert offsets == {"-05:00", "-04:00"}


def test_demand_peaks_weekends_evenings_and_decays_with_film_age(snap: Snapshot) -> None:
    adm: dict[int, int] = defaultdict(int)
    for t in snap.tickets:
        adm[t["showtime_id"]] += t["quantity"]

    def mean_occ(pred) -> float:
        shows = [s for s in snap.scheduled if pred(s)]
        return sum(adm[s] for s in shows) / sum(snap.show_seats[s] for s in shows)

    day = {s: business_date(w) for s, w in snap.show_start.items()}
    assert mean_occ(lambda s: day[s].weekday() == 5) > 1.5 * mean_occ(lambda s: day[s].weekday() in (0, 2))
    assert mean_occ(lambda s: 18 <= snap.show_start[s].hour <= 22) > 1.3 * mean_occ(
        lambda s: 10 <= snap.show_start[s].hour < 14
    )
    release = {int(f["film_id"]): date.fromisoformat(f["release_date"]) for f in snap.films}
    film_of = {int(s["showtime_id"]): int(s["film_id"]) for s in snap.showtimes}

    def age(s: int) -> int:
        return (day[s] - release[film_of[s]]).days // 7

    def per_show(pred) -> float:
        shows = [s for s in snap.scheduled if pred(s)]
        return sum(adm[s] for s in shows) / len(shows)

    assert per_show(lambda s: age(s) == 0) > 1.2 * per_show(lambda s: age(s) >= 4)

    # discount Tuesday: cheaper tickets than Monday
    def atp(weekday: int) -> float:
        ts = [
            t
            for t in snap.tickets
            if day[t["showtime_id"]].weekday() == weekday and t["ticket_type"] != "comp"
        ]
        return sum(amount(t) for t in ts) / sum(t["quantity"] for t in ts)

    assert atp(1) < 0.8 * atp(0)


def test_no_hour_is_an_artifact_of_the_window(snap: Snapshot) -> None:
    """Issue 22: the hour x weekday heatmap is the product a reader sees.

    Sales that would have been made before the first business day were once clamped onto its
    06:00 (the busiest hour of the week), then moved to the same day and clamped onto the box
    office's opening instant (08:00:00: the first morning's 08:00 hour had twice the usual share).
    Counted as the job counts hourly_demand: one transaction per (site, business date of
    the sale, local hour of sale).
    """
    sales: dict[str, tuple[int, datetime]] = {}
    for x in snap.lines:
        sales[x["transaction_id"]] = (x["site_id"], datetime.fromisoformat(x["sold_at"]).replace(tzinfo=None))
    first = date(2026, 3, 2)
    cells: dict[tuple[date, int], int] = defaultdict(int)
    instants: dict[tuple[int, datetime], int] = defaultdict(int)
    for site, wall in sales.values():
        cells[(business_date(wall), wall.hour)] += 1
        instants[(site, wall)] += 1
    days = sorted({d for d, _ in cells})
    assert days[0] == first and len(days) == 21, "every sale lies in the snapshot's business days"

    # no instant holds a pile of sales (a clamp puts hundreds on one second)
    pile = max(instants.items(), key=lambda kv: kv[1])
    assert pile[1] <= 5, f"{pile[1]} sales at site {pile[0][0]} at {pile[0][1]}"

    per_day = {d: sum(cells[(d, h)] for h in range(24)) for d in days}
    others = days[1:]
    # the first morning is like any other: its 06:00 hour no busier than the typical one, and
    # no more of its day sold before the first shows (06:00-09:59) than on any other day
    typical_six = sorted(cells[(d, 6)] for d in others)[len(others) // 2]
    assert cells[(first, 6)] <= max(typical_six, 2), (cells[(first, 6)], typical_six)

    def morning(d: date) -> float:
        return sum(cells[(d, h)] for h in (6, 7, 8, 9)) / per_day[d]

    assert morning(first) <= max(morning(d) for d in others), (
        morning(first),
        sorted(round(morning(d), 3) for d in others),
    )
    # the busiest hour of the week (the heatmap's darkest cell) is an evening hour
    week: dict[tuple[int, int], int] = defaultdict(int)
    for (d, h), n in cells.items():
        week[(d.weekday(), h)] += n
    (weekday, hour), n = max(week.items(), key=lambda kv: kv[1])
    assert 17 <= hour <= 22, f"busiest hour: weekday {weekday} {hour:02d}:00 ({n} sales)"
