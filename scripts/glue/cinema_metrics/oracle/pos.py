"""Parse and validate POS lines (docs/contract/pos_lines.md, quarantine.md) in plain Python.

Rules 1-10 depend on one line and the dimensions only, so each file is checked on its
own (in worker processes when asked); rule 11 (`duplicate_line`) needs the global order
and is applied afterwards in DuckDB over the candidates.

Amounts are kept as exact integer micro-dollars so sums stay exact.
"""

from __future__ import annotations

import gzip
import json
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

import pyarrow as pa

from cinema_metrics import contract
from cinema_metrics.errors import CliError

MICROS = 1_000_000
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_AMOUNT_LIMIT = Decimal(10) ** 12  # larger amounts cannot be money taken for one line
_NUMERIC = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
# ISO-8601 extended date-time; the offset is mandatory (rule 4).
_TIMESTAMP = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)"
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

_CHANNELS = frozenset(contract.CHANNELS)
_TICKET_TYPES = frozenset(contract.TICKET_TYPES)
_CATEGORIES = frozenset(contract.CATEGORIES)
_ENUMS = {"channel": _CHANNELS, "ticket_type": _TICKET_TYPES, "category": _CATEGORIES}
_STRING_FIELDS = tuple(f for f, t in contract.POS_FIELDS.items() if t == "string")
_INT_FIELDS = tuple(f for f, t in contract.POS_FIELDS.items() if t == "integer")

SCHEMA = pa.schema(
    [
        ("file_idx", pa.int32()),
        ("line_number", pa.int64()),
        ("transaction_id", pa.string()),
        ("line_no", pa.int64()),
        ("site_id", pa.int64()),
        ("sold_utc", pa.timestamp("us")),
        ("customer_id", pa.int64()),
        ("is_ticket", pa.bool_()),
        ("showtime_id", pa.int64()),
        ("ticket_type", pa.string()),
        ("category", pa.string()),  # a concession's category (null for a ticket)
        ("quantity", pa.int64()),
        ("amount", pa.int64()),  # micro-dollars
    ]
)


class Rejected(Exception):
    def __init__(self, reason: str) -> None:
        self.reason = reason


def _reject_constant(name: str) -> None:
    raise ValueError(f"not JSON: {name}")  # NaN / Infinity are not JSON


# One decoder for all lines: floats as exact Decimals, NaN/Infinity refused.
_DECODE = json.JSONDecoder(parse_float=Decimal, parse_constant=_reject_constant).decode


def _is_int(v: object) -> bool:
    return type(v) is int and _INT64_MIN <= v <= _INT64_MAX  # bool is not an integer


def parse_timestamp_micros(text: str) -> int | None:
    """Epoch microseconds (UTC) of an ISO-8601 timestamp with offset, or None."""
    m = _TIMESTAMP.fullmatch(text)
    if m is None:
        return None
    y, mo, d, h, mi, s, frac, off = m.groups()
    try:
        if off == "Z":
            tz = UTC
        else:
            sign = -1 if off[0] == "-" else 1
            digits = off[1:].replace(":", "")
            oh, om = int(digits[:2]), int(digits[2:] or 0)
            if om >= 60:
                return None
            tz = timezone(sign * timedelta(hours=oh, minutes=om))  # ValueError if >= 24 h
        us = int((frac or "0").ljust(6, "0")[:6])  # sub-microsecond digits are truncated
        t = datetime(int(y), int(mo), int(d), int(h), int(mi), int(s or 0), us, tzinfo=tz)
    except ValueError:
        return None
    delta = t - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * MICROS + delta.microseconds


def _amount_micros(v: object) -> int | None:
    if type(v) is int:
        d = Decimal(v)
    elif type(v) is Decimal:  # JSON numbers with a fraction/exponent are parsed as Decimal
        d = v
    elif type(v) is str and _NUMERIC.fullmatch(v):
        d = Decimal(v)
    else:
        return None
    if not d.is_finite() or abs(d) >= _AMOUNT_LIMIT:
        return None
    if d.scaleb(2) != d.scaleb(2).to_integral_value():
        return None  # money taken is whole cents: 12.345 is not an amount (12.340 is)
    try:
        return int(d.scaleb(6).to_integral_value(ROUND_HALF_UP))
    except InvalidOperation:
        return None


def _is_unicode(value: object) -> bool:
    """False when a string anywhere in the value holds an unpaired surrogate (from a \\udXXX
    escape): such text has no UTF-8 form, so the line is not a JSON text we can keep."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, dict):
        return all(_is_unicode(k) and _is_unicode(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_is_unicode(v) for v in value)
    return True


_stamp_cache: dict[str, int | None] = {}


@dataclass(frozen=True)
class Lookups:
    sites: frozenset[int]
    showtime_site: dict[int, int]


def validate(text: str, lk: Lookups) -> tuple:
    """Rules 1-10 on one line: the candidate row (without position) or raise Rejected."""
    try:
        obj = _DECODE(text)
    except (ValueError, RecursionError):
        raise Rejected("malformed_json") from None
    if type(obj) is not dict or ("\\u" in text and not _is_unicode(obj)):
        raise Rejected("malformed_json")
    get = obj.get
    # 2. missing_field
    for f in contract.POS_REQUIRED:
        if get(f) is None:
            raise Rejected("missing_field")
    item_type = obj["item_type"]
    if item_type == "ticket":
        if get("showtime_id") is None or get("ticket_type") is None:
            raise Rejected("missing_field")
    elif item_type == "concession" and get("category") is None:
        raise Rejected("missing_field")
    # 3. bad_type: every listed field that is present and not null, whatever the item type
    for f in _STRING_FIELDS:
        v = get(f)
        if v is not None and type(v) is not str:
            raise Rejected("bad_type")
    for f in _INT_FIELDS:
        v = get(f)
        if v is not None and not _is_int(v):
            raise Rejected("bad_type")
    if obj["line_no"] < 1:
        raise Rejected("bad_type")
    for f, allowed in _ENUMS.items():
        v = get(f)
        if v is not None and v not in allowed:
            raise Rejected("bad_type")
    amount = _amount_micros(obj["net_amount"])
    if amount is None:
        raise Rejected("bad_type")
    sold_at = obj["sold_at"]
    if type(sold_at) is not str:
        raise Rejected("bad_type")
    # 4. bad_timestamp
    sold = _stamp_cache.get(sold_at, -1)
    if sold == -1:  # lines of one basket share sold_at: parse each text once
        if len(_stamp_cache) > 100_000:
            _stamp_cache.clear()
        sold = _stamp_cache[sold_at] = parse_timestamp_micros(sold_at)
    if sold is None:
        raise Rejected("bad_timestamp")
    # 5. unknown_site
    site_id = obj["site_id"]
    if site_id not in lk.sites:
        raise Rejected("unknown_site")
    # 6. unknown_item_type
    is_ticket = item_type == "ticket"
    if not is_ticket and item_type != "concession":
        raise Rejected("unknown_item_type")
    showtime_id = get("showtime_id")
    if is_ticket:
        # 7. unknown_showtime, 8. site_mismatch
        st_site = lk.showtime_site.get(showtime_id)
        if st_site is None:
            raise Rejected("unknown_showtime")
        if st_site != site_id:
            raise Rejected("site_mismatch")
    # 9. bad_quantity, 10. bad_amount
    qty = obj["quantity"]
    if qty == 0:
        raise Rejected("bad_quantity")
    if (qty > 0 and amount < 0) or (qty < 0 and amount > 0):
        raise Rejected("bad_amount")
    return (
        obj["transaction_id"],
        obj["line_no"],
        site_id,
        sold,
        get("customer_id"),
        is_ticket,
        showtime_id if is_ticket else None,
        obj["ticket_type"] if is_ticket else None,
        None if is_ticket else obj["category"],
        qty,
        amount,
    )


def read_text(path: Path) -> bytes:
    """A POS file's bytes, decompressed when it is a .gz."""
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise CliError(f"{path}: not a readable gzip file ({exc}); re-export or remove it") from None
    return data


def file_rejection(path: Path, data: bytes | None) -> str | None:
    """The whole-file reason of docs/contract/quarantine.md ("Whole files"), None for a file whose
    lines count. `data`: its decompressed bytes (None when its suffix already rejects it)."""
    if not path.name.endswith(contract.POS_FILE_SUFFIXES):
        return "file_unsupported_suffix"
    assert data is not None
    if len(data) > contract.MAX_FILE_BYTES:
        return "file_too_large"
    if data.count(b"\n") > contract.MAX_FILE_LINES:
        return "file_too_many_lines"
    if max(map(len, data.split(b"\n")), default=0) > contract.MAX_LINE_BYTES:
        return "file_line_too_long"
    return None


def iter_lines(data: bytes) -> Iterator[bytes]:
    """Lines split on LF (a CR before it is dropped); a final newline does not open a line."""
    data = data.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 BOM is encoding, not data
    if not data:
        return
    parts = data.split(b"\n")
    if parts[-1] == b"":
        parts.pop()
    for p in parts:
        yield p[:-1] if p.endswith(b"\r") else p


@dataclass
class ChunkResult:
    """Rules 1-10 over a run of consecutive files."""

    lines_read: int = 0
    candidates: pa.Table | None = None
    rejected: list[tuple[int, int, str]] = field(default_factory=list)  # (file_idx, line_number, reason)
    files_rejected: list[tuple[int, str]] = field(default_factory=list)  # (file_idx, whole-file reason)


def check_files(jobs: list[tuple[int, str]], lk: Lookups) -> ChunkResult:
    res = ChunkResult()
    cols: list[list] = [[] for _ in range(len(SCHEMA) - 2)]
    appends = [c.append for c in cols]
    file_ids: list[int] = []
    numbers: list[int] = []
    rejected = res.rejected
    for file_idx, name in jobs:
        path = Path(name)
        data = read_text(path) if path.name.endswith(contract.POS_FILE_SUFFIXES) else None
        reason = file_rejection(path, data)
        if reason is not None:
            res.files_rejected.append((file_idx, reason))
            continue
        assert data is not None
        n = 0
        for n, raw in enumerate(iter_lines(data), start=1):
            try:
                row = validate(raw.decode("utf-8"), lk)
            except UnicodeDecodeError:
                rejected.append((file_idx, n, "malformed_json"))
                continue
            except Rejected as exc:
                rejected.append((file_idx, n, exc.reason))
                continue
            file_ids.append(file_idx)
            numbers.append(n)
            for append, v in zip(appends, row, strict=True):
                append(v)
        res.lines_read += n
    arrays = [pa.array(file_ids, pa.int32()), pa.array(numbers, pa.int64())]
    for c, f in zip(cols, SCHEMA.names[2:], strict=True):
        typ = SCHEMA.field(f).type
        arrays.append(pa.array(c, pa.int64()).cast(typ) if f == "sold_utc" else pa.array(c, typ))
    res.candidates = pa.Table.from_arrays(arrays, schema=SCHEMA)
    return res


def list_pos_files(sources: Path) -> list[tuple[str, Path]]:
    """(path under the sources, absolute path) of every POS file (any suffix: another one is
    rejected whole), in lexicographic order; hidden files are not files of the export."""
    root = sources / "pos"
    found = []
    for p in root.rglob("*"):
        if p.is_file() and not p.name.startswith("."):
            found.append((p.relative_to(sources).as_posix(), p))
    found.sort(key=lambda t: t[0])
    return found
