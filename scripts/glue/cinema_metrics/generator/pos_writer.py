"""POS JSON Lines: formatting, the bad-line sprinkle, and the file layout.

Lines are built with plain string formatting (json.dumps per line is several times
slower); every value is ASCII and needs no escaping. Repeated values (amounts, offsets)
are formatted once and looked up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cinema_metrics.contract import CATEGORIES, CHANNELS, TICKET_TYPES
from cinema_metrics.generator.config import day_text
from cinema_metrics.generator.demand import SKU_CATEGORY, SKUS, PosBatch
from cinema_metrics.generator.dimensions import Site
from cinema_metrics.generator.zones import DAY, offset_text

WINDOW_SECONDS = 2 * 3600
BUSINESS_DAY_SHIFT = 6 * 3600
STRING_AMOUNT_RATE = 0.005  # some terminals export net_amount as a numeric string
BAD_KINDS = (
    "truncated_json",
    "missing_field",
    "bad_enum",
    "offsetless_timestamp",
    "duplicate_line",
    "quantity_word",
    "zero_quantity",
)


@dataclass
class SiteOutput:
    files: int
    lines: int
    bad_lines: int
    bytes: int
    transactions: int
    first_date: str
    last_date: str


def _money(cents: np.ndarray, quoted: np.ndarray) -> list[str]:
    values, inverse = np.unique(cents, return_inverse=True)
    text = [f"{'-' if v < 0 else ''}{abs(v) // 100}.{abs(v) % 100:02d}" for v in values.tolist()]
    quoted_text = [f'"{t}"' for t in text]
    inv = inverse.tolist()
    return [quoted_text[i] if q else text[i] for i, q in zip(inv, quoted.tolist(), strict=True)]


def format_lines(
    site: Site, batch: PosBatch, seq_start: int, rng: np.random.Generator
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(lines in file order, file key per line, transaction count). File key = (day, terminal, window)."""
    n_tx = len(batch.tx_sold)
    order = np.lexsort((np.arange(n_tx), batch.tx_sold))
    seq = np.empty(n_tx, dtype=np.int64)
    seq[order] = seq_start + np.arange(n_tx)
    tid = [f"T{site.site_id:03d}-{s:08d}" for s in seq.tolist()]
    local, off = site.zone.to_local(batch.tx_sold)
    stamp = np.datetime_as_string(local.astype("datetime64[s]")).tolist()
    off_values, off_inv = np.unique(off, return_inverse=True)
    off_text = [offset_text(int(v)) for v in off_values]
    term = batch.terminals
    cust = ["null" if c < 0 else str(c) for c in batch.tx_customer.tolist()]
    channel = batch.tx_channel.tolist()
    head = [f'{{"transaction_id":"{t}","line_no":' for t in tid]
    mid = [
        f',"site_id":{site.site_id},"terminal_id":"{term[tm]}","sold_at":"{st}{off_text[oi]}",'
        f'"channel":"{CHANNELS[ch]}","customer_id":{cu},"item_type":'
        for tm, st, oi, ch, cu in zip(
            batch.tx_terminal.tolist(), stamp, off_inv.tolist(), channel, cust, strict=True
        )
    ]
    tail = ["}" if r < 0 else f',"refund_of":"{tid[r]}"}}' for r in batch.tx_refund_of.tolist()]

    n = len(batch.ln_tx)
    amount = _money(batch.ln_cents, rng.random(n) < STRING_AMOUNT_RATE)
    ticket_types = [f'"ticket_type":"{t}"' for t in TICKET_TYPES]
    category_of = [None if c < 0 else CATEGORIES[c] for c in SKU_CATEGORY.tolist()]
    lines: list[str] = []
    append = lines.append
    for t, no, item, show, tt, sku, q, amt in zip(
        batch.ln_tx.tolist(),
        batch.ln_no.tolist(),
        batch.ln_item.tolist(),
        batch.ln_showtime.tolist(),
        batch.ln_ttype.tolist(),
        batch.ln_sku.tolist(),
        batch.ln_qty.tolist(),
        amount,
        strict=True,
    ):
        if item == 0:
            body = (
                f'"ticket","showtime_id":{show},{ticket_types[tt]},"sku":"{SKUS[sku]}",'
                f'"quantity":{q},"net_amount":{amt}'
            )
        else:
            body = (
                f'"concession","sku":"{SKUS[sku]}","category":"{category_of[sku]}",'
                f'"quantity":{q},"net_amount":{amt}'
            )
        append(f"{head[t]}{no}{mid[t]}{body}{tail[t]}")

    # file of each line: business date of the sale, terminal, 2-hour window of the business day
    shifted = local[batch.ln_tx] - BUSINESS_DAY_SHIFT
    day = shifted // DAY
    window = (shifted % DAY) // WINDOW_SECONDS
    terminal = batch.tx_terminal[batch.ln_tx]
    sold = batch.tx_sold[batch.ln_tx]
    file_order = np.lexsort((batch.ln_no, seq[batch.ln_tx], sold, window, terminal, day))
    lines = [lines[i] for i in file_order.tolist()]
    key = np.stack([day[file_order], terminal[file_order], window[file_order]], axis=1)
    return lines, key, np.array(n_tx)


_FIELD = re.compile(r',"(sku|sold_at|terminal_id)":"[^"]*"')
_CHANNEL = re.compile(r'"channel":"[a-z_]+"')
_OFFSET = re.compile(r'("sold_at":"[0-9T:-]{19})[+-]\d\d:\d\d"')
_QTY = re.compile(r'"quantity":-?\d+')


def inject_bad_lines(
    lines: list[str], key: np.ndarray, rate: float, rng: np.random.Generator
) -> tuple[list[str], np.ndarray, int]:
    """Corrupt a sprinkle of lines the way real exports go wrong (each hits one quarantine rule)."""
    n_bad = int(rng.binomial(len(lines), rate)) if rate > 0 and lines else 0
    if n_bad == 0:
        return lines, key, 0
    picks = np.sort(rng.choice(len(lines), n_bad, replace=False)).tolist()
    kinds = rng.integers(0, len(BAD_KINDS), n_bad).tolist()
    cuts = rng.uniform(0.2, 0.9, n_bad).tolist()
    out = list(lines)
    extra_at: list[int] = []
    for pos, kind, cut in zip(picks, kinds, cuts, strict=True):
        line = lines[pos]
        name = BAD_KINDS[kind]
        if name == "truncated_json":
            out[pos] = line[: int(len(line) * cut)]
        elif name == "missing_field":
            out[pos] = _FIELD.sub("", line, count=1)
        elif name == "bad_enum":
            out[pos] = _CHANNEL.sub('"channel":"drone"', line, count=1)
        elif name == "offsetless_timestamp":
            out[pos] = _OFFSET.sub(r'\1"', line, count=1)
        elif name == "quantity_word":
            out[pos] = _QTY.sub('"quantity":"two"', line, count=1)
        elif name == "zero_quantity":
            out[pos] = _QTY.sub('"quantity":0', line, count=1)
        else:  # duplicate_line: the terminal sent it twice
            extra_at.append(pos)
    if extra_at:
        idx = np.sort(np.concatenate([np.arange(len(out)), np.asarray(extra_at)]), kind="stable")
        out = [out[i] for i in idx.tolist()]
        key = key[idx]
    return out, key, n_bad


def write_files(
    out: Path, site: Site, lines: list[str], key: np.ndarray, terminals: list[str]
) -> tuple[int, int, str, str]:
    """Write one file per (business date, terminal, window). Returns (files, bytes, first, last date)."""
    if not lines:
        return 0, 0, "", ""
    change = np.r_[True, np.any(key[1:] != key[:-1], axis=1)]
    starts = np.flatnonzero(change).tolist()
    ends = [*starts[1:], len(lines)]
    days = key[starts, 0]
    day_names = day_text(days)
    total = 0
    made: set[str] = set()
    site_dir = out / "pos" / f"site={site.site_id}"
    for a, b, d in zip(starts, ends, day_names, strict=True):
        folder = site_dir / f"date={d}"
        if d not in made:
            folder.mkdir(parents=True, exist_ok=True)
            made.add(d)
        terminal, window = int(key[a, 1]), int(key[a, 2])
        hhmm = f"{(6 + 2 * window) % 24:02d}00"
        data = "\n".join(lines[a:b]) + "\n"
        (folder / f"{terminals[terminal]}_{hhmm}.jsonl").write_text(data, encoding="utf-8", newline="")
        total += len(data)
    return len(starts), total, day_names[0], max(day_names)


def write_site(
    out: Path, site: Site, batch: PosBatch, seq_start: int, bad_rate: float, rng: np.random.Generator
) -> SiteOutput:
    lines, key, n_tx = format_lines(site, batch, seq_start, rng)
    lines, key, n_bad = inject_bad_lines(lines, key, bad_rate, rng)
    files, size, first, last = write_files(out, site, lines, key, batch.terminals)
    return SiteOutput(files, len(lines), n_bad, size, int(n_tx), first, last)
