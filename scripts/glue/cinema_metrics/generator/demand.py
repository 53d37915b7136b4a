"""Demand of one site: admissions per show, baskets, ticket and concession lines, refunds.

Everything is vectorised over the site's whole range (numpy arrays of shows, groups,
admissions and lines); no Python loop runs per ticket.

Shapes aimed at (GUIDE.md section 4): seat-weighted occupancy around the site's target
(17-24 %), evenings and weekends busiest, discount Tuesday (cheaper and busier than its
neighbours), ATP ~$8-11 with cheaper child/senior/student tickets and ~3 % comps,
concession spend ~$6-8 per head, loyalty cards on ~45 % of admissions, advance sales
mostly online (more for films in their release week), ~1-2 % refunds and every ticket of
a cancelled show refunded. Every sale lies in the snapshot's business days and none is
clamped onto an instant, so no hour of the hour x weekday picture comes from the window.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cinema_metrics.contract import CATEGORIES, CHANNELS, SCREEN_FORMATS, TICKET_TYPES
from cinema_metrics.generator.dimensions import Customers, Site
from cinema_metrics.generator.schedule import Shows, weekday
from cinema_metrics.generator.zones import DAY

BOX_OFFICE, KIOSK, ONLINE, STAND = (
    CHANNELS.index(c) for c in ("box_office", "kiosk", "online", "concession_stand")
)
COMP = TICKET_TYPES.index("comp")

# ---- prices (USD)
ADULT_BASE = 10.75
TYPE_PRICE = np.array([1.0, 0.72, 0.75, 0.82, 0.0])  # adult, child, senior, student, comp
FORMAT_PRICE = np.array([1.0, 1.45, 1.2, 1.6])  # standard, imax, 3d, premium
FORMAT_DEMAND = np.array([1.0, 1.3, 0.9, 1.1])
MATINEE_PRICE = 0.8  # shows starting before 16:00
TUESDAY_PRICE = 0.6
# (sku, category, price, probability) for the concession counter
CONCESSIONS: tuple[tuple[str, str, float, float], ...] = (
    ("POP-S", "popcorn", 6.25, 0.09),
    ("POP-M", "popcorn", 7.50, 0.14),
    ("POP-L", "popcorn", 8.75, 0.10),
    ("DRK-M", "drinks", 4.75, 0.16),
    ("DRK-L", "drinks", 5.75, 0.10),
    ("DRK-WATER", "drinks", 3.25, 0.05),
    ("CND-CHOC", "candy", 4.25, 0.07),
    ("CND-GUMMY", "candy", 4.00, 0.05),
    ("CMB-DUO", "combo", 14.50, 0.11),
    ("CMB-FAMILY", "combo", 22.00, 0.04),
    ("HOT-NACHOS", "hot_food", 7.25, 0.05),
    ("HOT-DOG", "hot_food", 6.75, 0.04),
)
TICKET_SKUS = tuple(f"TKT-{t.upper()}-{f.upper()}" for t in TICKET_TYPES for f in SCREEN_FORMATS)
SKUS = TICKET_SKUS + tuple(c[0] for c in CONCESSIONS)
SKU_CATEGORY = np.array([-1] * len(TICKET_SKUS) + [CATEGORIES.index(c[1]) for c in CONCESSIONS])
CONC_PRICE = np.array([c[2] for c in CONCESSIONS])
CONC_P = np.array([c[3] for c in CONCESSIONS]) / sum(c[3] for c in CONCESSIONS)

# ---- demand shape
DOW_DEMAND = np.array([0.62, 0.95, 0.6, 0.7, 1.3, 1.6, 1.2])  # Mon..Sun business day
MONTH_DEMAND = np.array([0.85, 0.8, 0.95, 1.0, 1.05, 1.15, 1.25, 1.15, 0.85, 0.9, 1.05, 1.25])
GROUP_SIZE_P = np.array([0.3, 0.4, 0.12, 0.11, 0.045, 0.025])  # 1..6 people per basket
TYPE_CUM_EVENING = np.cumsum([0.70, 0.08, 0.07, 0.12, 0.03])
TYPE_CUM_MATINEE = np.cumsum([0.50, 0.28, 0.12, 0.07, 0.03])
SAME_DAY_P = 0.22  # share of baskets bought earlier on the show's day (the rest: advance, walk-in)
# channel mix by sale mode (walk-in, earlier the same day, days in advance): bo, kiosk, online
CHANNEL_CUM = np.cumsum([[0.58, 0.32, 0.10], [0.20, 0.15, 0.65], [0.08, 0.0, 0.92]], axis=1)
ADVANCE_HOUR_P = np.array([2, 4, 5, 6, 8, 9, 8, 7, 6, 6, 7, 9, 11, 12, 10, 7, 4], dtype=float)  # 07..23 h
ADVANCE_HOUR_P /= ADVANCE_HOUR_P.sum()
CARD_P = np.array([0.39, 0.5, 0.8, 0.0])  # loyalty card on a ticket basket, by channel
INLINE_CONCESSION_P = np.array([0.28, 0.15, 0.08, 0.0])  # snacks in the ticket basket
REFUND_P = np.array([0.01, 0.008, 0.022, 0.0])


@dataclass
class PosBatch:
    """One site's POS data before formatting: a transaction table and a line table."""

    tx_sold: np.ndarray  # UTC epoch seconds
    tx_channel: np.ndarray
    tx_terminal: np.ndarray  # index into terminals
    tx_customer: np.ndarray  # customer_id or -1
    tx_refund_of: np.ndarray  # transaction index or -1
    ln_tx: np.ndarray  # sorted; lines of a transaction are contiguous
    ln_no: np.ndarray
    ln_item: np.ndarray  # 0 ticket, 1 concession
    ln_showtime: np.ndarray  # showtime_id or -1
    ln_ttype: np.ndarray  # TICKET_TYPES index or -1
    ln_sku: np.ndarray  # SKUS index
    ln_qty: np.ndarray
    ln_cents: np.ndarray
    terminals: list[str]


def terminals_of(site: Site) -> tuple[list[str], dict[int, np.ndarray]]:
    """Terminal ids of a site and, per channel, the indices of its terminals."""
    n = len(site.screen_ids)
    groups = {
        BOX_OFFICE: [f"BO{i:02d}" for i in range(1, (3 if n >= 9 else 2) + 1)],
        KIOSK: ["KI01", "KI02"],
        ONLINE: ["WEB01"],
        STAND: [f"CS{i:02d}" for i in range(1, (3 if n >= 8 else 2) + 1)],
    }
    names: list[str] = []
    index: dict[int, np.ndarray] = {}
    for channel, ids in groups.items():
        index[channel] = np.arange(len(names), len(names) + len(ids))
        names.extend(ids)
    return names, index


def _pick_terminal(rng: np.random.Generator, channel: np.ndarray, index: dict[int, np.ndarray]) -> np.ndarray:
    out = np.zeros(len(channel), dtype=np.int64)
    for c, idx in index.items():
        sel = channel == c
        out[sel] = idx[rng.integers(0, len(idx), int(sel.sum()))]
    return out


def _split_groups(rng: np.random.Generator, admissions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cut each show's admissions into baskets of 1-6 people: (show index, size) per basket."""
    total = int(admissions.sum())
    if total == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    sizes = rng.choice(6, total // 2 + 64, p=GROUP_SIZE_P) + 1
    while sizes.sum() < total:
        sizes = np.concatenate([sizes, rng.choice(6, total // 4 + 64, p=GROUP_SIZE_P) + 1])
    cum_people = np.cumsum(sizes)
    cum_shows = np.cumsum(admissions)
    cuts = np.union1d(cum_people[cum_people < total], cum_shows[:-1])
    cuts = cuts[(cuts > 0) & (cuts < total)]
    starts = np.concatenate([[0], cuts])
    size = np.diff(np.concatenate([starts, [total]]))
    show = np.searchsorted(cum_shows, starts, side="right")
    return show, size


def _customers(rng: np.random.Generator, site: Site, customers: Customers, n: int) -> np.ndarray:
    """customer_id of n card-holding baskets: mostly the site's regulars, a few visitors."""
    pool = np.flatnonzero(customers.gen_site == site.site_id)
    w = customers.weight[pool] / customers.weight[pool].sum()
    picked = customers.customer_id[pool[rng.choice(len(pool), n, p=w)]]
    visitor = rng.random(n) < 0.04
    picked[visitor] = customers.customer_id[rng.integers(0, len(customers.customer_id), int(visitor.sum()))]
    return picked


def simulate_site(
    site: Site, shows: Shows, customers: Customers, first_day: int, rng: np.random.Generator
) -> PosBatch:
    zone = site.zone
    terminals, term_index = terminals_of(site)
    m = len(shows)
    wd = weekday(shows.bday)
    sm = shows.start_min
    sched = ~shows.cancelled

    # ---- admissions per show
    tod = np.select([sm < 840, sm < 1020, sm < 1230, sm < 1350], [0.55, 0.85, 1.45, 1.25], 0.7)
    month = shows.bday.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12
    f = shows.factor * DOW_DEMAND[wd] * tod * MONTH_DEMAND[month] * FORMAT_DEMAND[shows.fmt]
    seats = shows.seats
    base = site.target_occupancy * seats[sched].sum() / max((seats * f)[sched].sum(), 1e-9)
    lam = np.minimum(seats * base * f, 0.9 * seats)
    adm = np.minimum(rng.poisson(lam * rng.gamma(3.0, 1 / 3, m)), seats)
    adm = np.where(sched, adm, rng.poisson(lam * 0.12))  # cancelled: only early advance sales

    # ---- baskets (groups of people buying together)
    g_show, g_size = _split_groups(rng, adm)
    n_groups = len(g_show)
    g_start = shows.start_utc[g_show]
    g_cancelled = shows.cancelled[g_show]
    evening_weekend = (sm[g_show] >= 1020) & (wd[g_show] >= 4)
    p_adv = 0.12 + 0.25 * shows.release_week[g_show] + 0.1 * evening_weekend
    u = rng.random(n_groups)
    mode = np.where(u < p_adv, 2, np.where(u < p_adv + SAME_DAY_P, 1, 0))
    # when: walk-ins 2-50 min before the show; same-day sales 1-8 h before it, spread over
    # the hours the box office is open (08:00 on), never clamped onto its opening instant;
    # advance sales 1-13 days ahead at an hour of the day people book.
    walk_in = g_start - rng.integers(120, 50 * 60, n_groups)
    opens = zone.to_utc(shows.bday[g_show] * DAY + 8 * 3600)  # box office opens 08:00
    earliest = np.maximum(g_start - 8 * 3600, opens)
    latest = g_start - 3600  # every show starts at 10:30 or later: latest > opens
    same_day = earliest + (rng.random(n_groups) * np.maximum(latest - earliest, 0)).astype(np.int64)
    lead_days = np.minimum(rng.geometric(0.3, n_groups), 13)
    hour = 7 + rng.choice(len(ADVANCE_HOUR_P), n_groups, p=ADVANCE_HOUR_P)
    advance = zone.to_utc(
        (shows.bday[g_show] - lead_days) * DAY + hour * 3600 + rng.integers(0, 3600, n_groups)
    )
    # The snapshot's sales start with its first business day (06:00). A basket that would have
    # been bought ahead before then is bought at the cinema instead, like that show's other
    # customers who did not book: walk-in or same day in the model's own proportions (u / p_adv
    # is uniform again for these baskets), so its sale has the hours of any day's sales for its
    # show. Clamping it onto the first morning made that hour the busiest of the week; filing it
    # on an earlier date would give the job days with sales but no sessions (zero-revenue days).
    window_open = zone.to_utc(np.array([first_day * DAY + 6 * 3600]))[0]
    before = (mode == 2) & (advance < window_open)
    mode = np.where(before, np.where(u / p_adv * (1 - p_adv) < SAME_DAY_P, 1, 0), mode)
    sold = np.select([mode == 0, mode == 1], [walk_in, same_day], advance)
    channel = (rng.random(n_groups)[:, None] >= CHANNEL_CUM[mode][:, :-1]).sum(axis=1)
    terminal = _pick_terminal(rng, channel, term_index)
    has_card = rng.random(n_groups) < CARD_P[channel]
    customer = np.full(n_groups, -1, dtype=np.int64)
    customer[has_card] = _customers(rng, site, customers, int(has_card.sum()))

    # ---- ticket lines: one per (basket, ticket type), quantity = people of that type
    adm_group = np.repeat(np.arange(n_groups), g_size)
    u = rng.random(len(adm_group))
    matinee = (sm[g_show] < 1020)[adm_group]
    ttype = np.where(
        matinee,
        np.searchsorted(TYPE_CUM_MATINEE, u, side="right"),
        np.searchsorted(TYPE_CUM_EVENING, u, side="right"),
    )
    ttype = np.minimum(ttype, len(TICKET_TYPES) - 1)
    key, qty = np.unique(adm_group * 8 + ttype, return_counts=True)
    t_group, t_type = key // 8, key % 8
    price = (
        site.price_level
        * ADULT_BASE
        * FORMAT_PRICE[shows.fmt]
        * np.where(sm < 960, MATINEE_PRICE, 1.0)
        * np.where(wd == 1, TUESDAY_PRICE, 1.0)
    )
    t_unit = np.round(price[g_show[t_group]] * TYPE_PRICE[t_type] * 4).astype(np.int64) * 25
    t_show = g_show[t_group]
    t_sku = t_type * len(SCREEN_FORMATS) + shows.fmt[t_show]

    # ---- concessions: in the ticket basket, or a separate stand purchase before the show
    u = rng.random(n_groups)
    inline = sched[g_show] & (u < INLINE_CONCESSION_P[channel])
    stand = sched[g_show] & ~inline & (rng.random(n_groups) < 0.72)
    s_group = np.flatnonzero(stand)
    n_stand = len(s_group)
    s_sold = np.maximum(g_start[s_group] - rng.integers(60, 25 * 60, n_stand), sold[s_group] + 60)
    s_customer = np.where(rng.random(n_stand) < 0.75, customer[s_group], -1)
    s_terminal = _pick_terminal(rng, np.full(n_stand, STAND), term_index)
    # concession transactions: inline ones reuse the basket's index, stand ones get new ones
    c_owner = np.concatenate([np.flatnonzero(inline), n_groups + np.arange(n_stand)])
    c_people = np.concatenate([g_size[inline], g_size[s_group]])
    n_items = 1 + rng.binomial(c_people, 0.7)
    item_tx = np.repeat(c_owner, n_items)
    item_sku = rng.choice(len(CONCESSIONS), len(item_tx), p=CONC_P)
    item_qty = 1 + (rng.random(len(item_tx)) < 0.12)
    key, inv = np.unique(item_tx * 32 + item_sku, return_inverse=True)
    c_tx, c_sku = key // 32, key % 32
    c_qty = np.bincount(inv, weights=item_qty).astype(np.int64)
    c_unit = np.round(CONC_PRICE[c_sku] * site.price_level * 4).astype(np.int64) * 25
    c_cents = c_unit * c_qty
    tx_customer_all = np.concatenate([customer, s_customer])
    free = (tx_customer_all[c_tx] >= 0) & (rng.random(len(c_tx)) < 0.03)  # loyalty reward
    c_cents[free] = 0

    # ---- refunds: a later transaction with negative lines, pointing at the sale
    refund = np.where(g_cancelled, True, rng.random(n_groups) < REFUND_P[channel])
    r_group = np.flatnonzero(refund)
    n_ref = len(r_group)
    r_sale, r_start = sold[r_group], g_start[r_group]
    early = r_sale < r_start - 2 * 3600
    r_sold = np.where(
        early,
        r_sale + (rng.uniform(0.05, 0.9, n_ref) * (r_start - 1800 - r_sale)).astype(np.int64),
        r_start + rng.integers(300, 1200, n_ref),
    )
    r_sold = np.where(
        g_cancelled[r_group], np.maximum(r_sale + 60, np.minimum(r_sold, r_start - 1800)), r_sold
    )
    r_channel = np.where(channel[r_group] == ONLINE, ONLINE, BOX_OFFICE)
    r_terminal = _pick_terminal(rng, r_channel, term_index)
    partial = ~g_cancelled[r_group] & (g_size[r_group] >= 2) & (rng.random(n_ref) < 0.25)
    ref_no = np.full(n_groups, -1, dtype=np.int64)
    ref_no[r_group] = np.arange(n_ref)
    first_line = np.r_[True, t_group[1:] != t_group[:-1]]
    is_partial = np.zeros(n_groups, dtype=bool)
    is_partial[r_group] = partial
    rl = np.flatnonzero(refund[t_group] & (~is_partial[t_group] | first_line))
    rl_qty = np.where(is_partial[t_group[rl]], -1, -qty[rl])
    rl_tx = n_groups + n_stand + ref_no[t_group[rl]]

    # concession refunds (spilled popcorn): one unit of the transaction's first line
    c_first = np.r_[True, c_tx[1:] != c_tx[:-1]] if len(c_tx) else np.zeros(0, bool)
    cr = np.flatnonzero(c_first & (rng.random(len(c_tx)) < 0.004))
    n_cref = len(cr)
    tx_sold_cs = np.concatenate([sold, s_sold])
    tx_term_cs = np.concatenate([terminal, s_terminal])
    tx_chan_cs = np.concatenate([channel, np.full(n_stand, STAND)])  # refund where it was bought
    cr_sold = tx_sold_cs[c_tx[cr]] + rng.integers(300, 1800, n_cref)
    cr_unit = np.where(c_cents[cr] == 0, 0, c_unit[cr])

    # ---- assemble
    base_r = n_groups + n_stand
    base_cr = base_r + n_ref
    tx_sold = np.concatenate([sold, s_sold, r_sold, cr_sold])
    tx_channel = np.concatenate([tx_chan_cs, r_channel, tx_chan_cs[c_tx[cr]]])
    tx_terminal = np.concatenate([terminal, s_terminal, r_terminal, tx_term_cs[c_tx[cr]]])
    tx_customer = np.concatenate([customer, s_customer, customer[r_group], tx_customer_all[c_tx[cr]]])
    tx_refund_of = np.concatenate([np.full(n_groups + n_stand, -1), r_group, c_tx[cr]])

    ln_tx = np.concatenate([t_group, c_tx, rl_tx, base_cr + np.arange(n_cref)])
    n_t, n_c, n_rl = len(t_group), len(c_tx), len(rl)
    ln_item = np.concatenate(
        [np.zeros(n_t, np.int64), np.ones(n_c, np.int64), np.zeros(n_rl, np.int64), np.ones(n_cref, np.int64)]
    )
    show_ids = shows.showtime_id[t_show]
    ln_showtime = np.concatenate([show_ids, np.full(n_c, -1), show_ids[rl], np.full(n_cref, -1)])
    ln_ttype = np.concatenate([t_type, np.full(n_c, -1), t_type[rl], np.full(n_cref, -1)])
    c_sku_all = len(TICKET_SKUS) + c_sku
    ln_sku = np.concatenate([t_sku, c_sku_all, t_sku[rl], c_sku_all[cr]])
    ln_qty = np.concatenate([qty, c_qty, rl_qty, np.full(n_cref, -1)])
    ln_cents = np.concatenate([t_unit * qty, c_cents, t_unit[rl] * rl_qty, -cr_unit])

    order = np.argsort(ln_tx, kind="stable")
    ln_tx = ln_tx[order]
    first = np.r_[0, np.flatnonzero(ln_tx[1:] != ln_tx[:-1]) + 1]
    ln_no = np.arange(len(ln_tx)) - np.repeat(first, np.diff(np.r_[first, len(ln_tx)])) + 1
    return PosBatch(
        tx_sold=tx_sold,
        tx_channel=tx_channel,
        tx_terminal=tx_terminal,
        tx_customer=tx_customer,
        tx_refund_of=tx_refund_of,
        ln_tx=ln_tx,
        ln_no=ln_no,
        ln_item=ln_item[order],
        ln_showtime=ln_showtime[order],
        ln_ttype=ln_ttype[order],
        ln_sku=ln_sku[order],
        ln_qty=ln_qty[order],
        ln_cents=ln_cents[order],
        terminals=terminals,
    )
