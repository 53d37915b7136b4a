"""Synthetic cinema chain: ECR/CRM CSVs and POS JSON Lines shaped like a real exhibitor's data.

Layout decisions (docs/contract/sources.md and pos_lines.md leave them to us):

- POS files: ``pos/site=<id>/date=<YYYY-MM-DD>/<terminal_id>_<HHMM>.jsonl``, one file per site,
  terminal and 2-hour window of the **business day** (06:00-05:59 local, docs/contract/time.md). The date
  folder is the sale's business date and HHMM is the local start of its window (0600, 0800, ...,
  0400), so a sale at 00:40 on Saturday lands in ``date=<Friday>/..._0000.jsonl`` next to the rest
  of Friday's trading. Only non-empty files are written.
- Ids: ``site_id`` 1..N, ``screen_id = site_id * 100 + n``, films and showtimes numbered in
  generation order, ``transaction_id = T<site:03d>-<seq:08d>`` (unique across the chain).
- Refund lines carry an extra field ``refund_of`` (the refunded transaction); docs/contract/pos_lines.md lets
  readers ignore fields it does not list.
- Everything derives from one ``numpy.random.Generator(PCG64(seed))`` per concern (seeded by
  ``SeedSequence`` children), so the same flags give byte-identical files.

Modules: ``zones`` (vectorised UTC offsets), ``dimensions`` (sites, screens, films, customers,
memberships), ``schedule`` (programme and showtimes), ``demand`` (baskets, tickets, concessions,
refunds), ``pos_writer`` (JSON Lines, bad lines, files), ``cli`` (flags, progress, summary).
"""

# Bumped whenever the same flags give other bytes: cached snapshots (the demo's sources, the
# bench's snapshots) carry it in their names, so a changed generator never reuses stale data.
# 2: advance sales before the window become walk-in/same-day sales; same-day sales spread out.
VERSION = 2
