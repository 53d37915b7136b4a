"""How a backfill's POS files are cut into parse tasks (read.date_slices)."""

from __future__ import annotations

import itertools
import random

from cinema_metrics.job.read import date_slices


def _files(sites: int, days: int) -> list[tuple[tuple[int, str, str, str], int]]:
    rng = random.Random(7)
    out = []
    for s in range(1, sites + 1):
        for d in range(1, days + 1):
            for t in ("T1_0600", "T2_1400"):
                rel = f"site={s}/date=2026-03-{d:02d}/{t}.jsonl"
                out.append(((len(out), rel, f"raw/pos/{rel}", ""), rng.randint(800, 1200)))
    rng.shuffle(out)
    return out


def test_every_file_lands_in_exactly_one_slice() -> None:
    files = _files(4, 28)
    parts = date_slices(files, 6)
    got = sorted(spec for part in parts for spec in part)
    assert got == sorted(spec for spec, _size in files)


def test_slices_are_contiguous_in_date_and_balanced_in_bytes() -> None:
    files = _files(4, 28)
    size = {spec[1]: n for spec, n in files}
    parts = date_slices(files, 6)
    assert len(parts) == 6
    dates = [sorted({f[1].split("/")[1] for f in p}) for p in parts]
    # each date band follows the previous one: at most one date is shared by two neighbours
    for a, b in itertools.pairwise(dates):
        assert a[-1] <= b[0]
    loads = [sum(size[f[1]] for f in p) for p in parts]
    # a slice ends at a file boundary: each end is off by at most one file (<= 1200 bytes)
    assert max(loads) - min(loads) <= 2 * 1200, loads


def test_paths_without_a_date_keep_their_path_order() -> None:
    files = [((i, f"f{i:03d}.jsonl", f"f{i:03d}.jsonl", ""), 10) for i in range(10)]
    parts = date_slices(list(reversed(files)), 3)
    flat = [spec[1] for p in parts for spec in p]
    assert flat == sorted(flat)


def test_fewer_files_than_slices_gives_no_empty_slice() -> None:
    files = _files(1, 1)
    parts = date_slices(files, 8)
    assert all(parts) and sum(len(p) for p in parts) == 2
