"""Reading a POS object within the per-file limits (job/posfile.py), on a folder store.

The limits are checked while the object streams in: a gzip bomb is rejected after at most one
step past the limit of decompressed bytes, never inflated whole; a file over a limit is still
hashed, so the same content is recognised (and skipped) by the next run."""

from __future__ import annotations

import gzip
import hashlib
import json
import time
import tracemalloc
import zlib

import pytest

from cinema_metrics.job.parse import split_lines
from cinema_metrics.job.posfile import PosLimits, read_pos_object
from cinema_metrics.storage import open_store

LINE = json.dumps({"transaction_id": "T", "line_no": 1, "sku": "X"}).encode()


@pytest.fixture
def pos(tmp_path):
    return open_store(tmp_path / "pos")


def _lines(content) -> list[tuple[int, bytes, bool]]:
    return list(split_lines(content.text, content.broken))


def test_plain_and_gzip_read_the_same_lines_and_hash_the_stored_bytes(pos) -> None:
    body = b"\n".join([LINE] * 3) + b"\n"
    pos.put("a.jsonl", body)
    pos.put("b.jsonl.gz", gzip.compress(body))
    plain, packed = (
        read_pos_object(pos, "a.jsonl", PosLimits()),
        read_pos_object(pos, "b.jsonl.gz", PosLimits()),
    )
    assert plain.text == packed.text == body and not plain.broken and not packed.broken
    assert plain.sha256 == hashlib.sha256(body).hexdigest()
    assert packed.sha256 == hashlib.sha256(pos.get("b.jsonl.gz") or b"").hexdigest()
    assert plain.rejected is None and packed.rejected is None


def test_concatenated_members_and_a_missing_final_newline(pos) -> None:
    pos.put("a.jsonl.gz", gzip.compress(LINE + b"\n") + gzip.compress(LINE))
    content = read_pos_object(pos, "a.jsonl.gz", PosLimits())
    assert [(n, broken) for n, _line, broken in _lines(content)] == [(1, False), (2, False)]


@pytest.mark.parametrize("cut", [0.3, 0.5, 0.9])
def test_a_truncated_gzip_keeps_what_decompressed_and_marks_the_tail(pos, cut) -> None:
    body = b"".join(json.dumps({"line_no": i, "pad": "y" * 40}).encode() + b"\n" for i in range(1, 3001))
    packed = gzip.compress(body)
    pos.put("a.jsonl.gz", packed[: int(len(packed) * cut)])
    lines = _lines(read_pos_object(pos, "a.jsonl.gz", PosLimits()))
    good, tail = lines[:-1], lines[-1]
    assert 0 < len(good) < 3000 and all(not broken for _n, _l, broken in good)
    assert [line for _n, line, _b in good] == body.split(b"\n")[: len(good)]
    assert tail[0] == len(good) + 1 and tail[2] is True


def test_garbage_after_a_member_is_a_broken_tail(pos) -> None:
    pos.put("a.jsonl.gz", gzip.compress(LINE + b"\n") + b"not gzip at all")
    lines = _lines(read_pos_object(pos, "a.jsonl.gz", PosLimits()))
    assert [(n, broken) for n, _l, broken in lines] == [(1, False), (2, True)]


def test_an_empty_gzip_file_has_no_lines(pos) -> None:
    pos.put("a.jsonl.gz", b"")
    content = read_pos_object(pos, "a.jsonl.gz", PosLimits())
    assert content.rejected is None and _lines(content) == []


def _bomb(lines: int) -> bytes:
    """A gzip of `lines` empty lines: ~1,000 to 1 compressed (16 KiB -> 16.7 M lines)."""
    z = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\n" * (1 << 20)
    parts = [z.compress(block) for _ in range(lines >> 20)]
    return b"".join([*parts, z.compress(b"\n" * (lines % (1 << 20))), z.flush()])


def test_a_gzip_bomb_is_rejected_without_inflating_it(pos) -> None:
    bomb = _bomb(1 << 24)  # 16.7 M empty lines, 16 MiB inflated
    assert len(bomb) < 64 << 10
    pos.put("bomb.jsonl.gz", bomb)
    tracemalloc.start()
    start = time.perf_counter()
    content = read_pos_object(pos, "bomb.jsonl.gz", PosLimits(max_bytes=8 << 20, max_lines=10 << 20))
    seconds = time.perf_counter() - start
    _now, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert content.rejected == "file_too_large" and content.text == b""
    assert content.sha256 == hashlib.sha256(bomb).hexdigest()
    assert peak < 24 << 20, f"peak {peak} bytes: the bomb was held whole"
    assert seconds < 5
    too_many = read_pos_object(pos, "bomb.jsonl.gz", PosLimits(max_lines=100_000))
    assert too_many.rejected == "file_too_many_lines" and "100000 lines" in too_many.detail


def test_a_long_line_rejects_the_file_without_holding_it(pos) -> None:
    pos.put("long.jsonl", LINE + b"\n" + b"x" * (8 << 20) + b"\n" + LINE + b"\n")
    tracemalloc.start()
    content = read_pos_object(pos, "long.jsonl", PosLimits(max_line_bytes=64 << 10))
    _now, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert content.rejected == "file_line_too_long" and content.text == b""
    assert peak < 4 << 20


@pytest.mark.parametrize(
    ("limit", "length", "rejected"),
    [(100, 100, None), (100, 101, "file_line_too_long")],
)
def test_the_line_limit_is_exact_across_chunks(pos, limit, length, rejected) -> None:
    # a long line that straddles the 1 MiB read chunks, between short ones
    pos.put("a.jsonl", b"a\n" * ((1 << 20) // 2 - 10) + b"y" * length + b"\n" + b"b\n")
    assert (
        read_pos_object(pos, "a.jsonl", PosLimits(max_line_bytes=limit, max_lines=10**6)).rejected == rejected
    )


@pytest.mark.parametrize("name", ["a.json", "b.JSONL", "c.gz", "d.jsonl.bz2", "e"])
def test_other_suffixes_are_rejected_with_their_hash(pos, name) -> None:
    pos.put(name, LINE + b"\n")
    content = read_pos_object(pos, name, PosLimits())
    assert content.rejected == "file_unsupported_suffix" and content.text == b""
    assert content.sha256 == hashlib.sha256(LINE + b"\n").hexdigest()


def test_a_vanished_object(pos) -> None:
    content = read_pos_object(pos, "gone.jsonl", PosLimits())
    assert (content.rejected, content.sha256) == ("file_vanished", "")
