"""Reading one POS object, bounded: a file is rejected whole before it can cost the run.

docs/contract/quarantine.md ("Whole files"): a file that vanished before the run read it, whose
name has another suffix than `.jsonl` / `.jsonl.gz`, or that passes a per-file limit
(decompressed bytes, line length, lines) gets one file-level quarantine record and counts no
lines. The limits are checked while the object streams in, chunk by chunk, so a gzip bomb is
never inflated whole and a 64 MiB line is never held: reading stops at the first limit passed
(the rest of the object is only hashed, so an unchanged file is recognised and not read again).
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from cinema_metrics import contract
from cinema_metrics.storage import Store

_GZIP_MAGIC = b"\x1f\x8b"
_STEP = 1 << 20  # decompressed bytes produced per decompress call (bounds a bomb's step)


@dataclass(frozen=True)
class PosLimits:
    """Per-file limits (docs/contract/quarantine.md; defaults in contract.py)."""

    max_bytes: int = contract.MAX_FILE_BYTES  # decompressed bytes
    max_line_bytes: int = contract.MAX_LINE_BYTES
    max_lines: int = contract.MAX_FILE_LINES
    raw_bytes: int = contract.RAW_PREFIX_BYTES  # a quarantine record keeps at most this of a line


@dataclass(frozen=True)
class PosContent:
    """One object as the parser sees it."""

    sha256: str  # of the stored bytes ("" when the object vanished)
    text: bytes  # decompressed lines (b"" when the file is rejected)
    broken: bool  # a truncated or corrupt gzip stream: its tail is one malformed line
    rejected: str | None  # a file-level reason (contract.FILE_REASONS), None when readable
    detail: str = ""  # why, for the quarantine record (sizes and limits, never content)


class _Gunzip:
    """Streaming gzip with several members, as `gzip -d` reads them; `broken` after a corrupt
    or truncated stream (what decompressed up to there is kept)."""

    def __init__(self) -> None:
        self.d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self.broken = False
        self.started = False
        self.carry = b""

    def feed(self, data: bytes) -> Iterator[bytes]:
        data = self.carry + data
        self.carry = b""
        while data and not self.broken:
            if self.started and self.d.eof:  # another member must follow
                if len(data) < 2:
                    self.carry = data
                    return
                if not data.startswith(_GZIP_MAGIC):
                    self.broken = True
                    return
                self.d = zlib.decompressobj(16 + zlib.MAX_WBITS)
            self.started = True
            try:
                out = self.d.decompress(data, _STEP)
                data = self.d.unconsumed_tail
                if self.d.eof:
                    data = self.d.unused_data
            except zlib.error:
                self.broken = True
                return
            if out:
                yield out

    def finish(self) -> tuple[bytes, bool]:
        """(what is still buffered, whether the stream ended inside a member or was corrupt)."""
        if self.broken:
            return b"", True
        if not self.started:
            return b"", False
        if self.d.eof:
            return b"", bool(self.carry)
        try:
            return self.d.flush(), True
        except zlib.error:
            return b"", True


class _Limits:
    """Counts decompressed bytes, lines and the longest line as the chunks pass."""

    def __init__(self, limits: PosLimits) -> None:
        self.limits = limits
        self.bytes = self.lines = self.longest = self.run = 0

    def check(self, out: bytes) -> str | None:
        self.bytes += len(out)
        if self.bytes > self.limits.max_bytes:
            return "file_too_large"
        newlines = out.count(b"\n")
        self.lines += newlines
        if self.lines > self.limits.max_lines:
            return "file_too_many_lines"
        if newlines == 0:
            self.run += len(out)
        else:
            first, last = out.find(b"\n"), out.rfind(b"\n")
            # a line wholly inside this step is shorter than the step; only a longer step (a
            # limit below the 1 MiB read size) needs its lines measured one by one
            longer = len(out) > self.limits.max_line_bytes and last > first
            inner = max(map(len, out[first + 1 : last].split(b"\n"))) if longer else 0
            self.longest = max(self.longest, self.run + first, inner)
            self.run = len(out) - last - 1
        if max(self.longest, self.run) > self.limits.max_line_bytes:
            return "file_line_too_long"
        return None

    def describe(self, reason: str) -> str:
        lim = self.limits
        return {
            "file_too_large": f"more than {lim.max_bytes} bytes decompressed",
            "file_too_many_lines": f"more than {lim.max_lines} lines",
            "file_line_too_long": f"a line longer than {lim.max_line_bytes} bytes",
        }[reason]


def read_pos_object(store: Store, name: str, limits: PosLimits) -> PosContent:
    """The object `name` of the POS store, decompressed and checked against the limits."""
    chunks = store.stream(name)
    if chunks is None:
        return PosContent("", b"", False, "file_vanished", "the object was deleted before the run read it")
    hasher = hashlib.sha256()
    if not name.endswith(contract.POS_FILE_SUFFIXES):
        for chunk in chunks:
            hasher.update(chunk)
        suffixes = " or ".join(contract.POS_FILE_SUFFIXES)
        return PosContent(hasher.hexdigest(), b"", False, "file_unsupported_suffix", f"not {suffixes}")
    gunzip = _Gunzip() if name.endswith(".gz") else None
    counter = _Limits(limits)
    kept: list[bytes] = []
    rejected: str | None = None
    for chunk in chunks:
        hasher.update(chunk)
        if rejected is not None:
            continue  # only hashed: the content's identity, never its lines
        for out in gunzip.feed(chunk) if gunzip is not None else (chunk,):
            rejected = counter.check(out)
            if rejected is not None:
                kept = []
                break
            kept.append(out)
    broken = False
    if gunzip is not None and rejected is None:
        tail, broken = gunzip.finish()
        rejected = counter.check(tail) if tail else None
        kept.append(tail)
    if rejected is not None:
        return PosContent(hasher.hexdigest(), b"", False, rejected, counter.describe(rejected))
    return PosContent(hasher.hexdigest(), b"".join(kept), broken, None)
