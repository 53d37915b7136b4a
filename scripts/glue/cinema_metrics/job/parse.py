"""POS line validation (docs/contract/pos_lines.md, quarantine.md) and enrichment (time.md), in plain Python.

Pure and Spark-free so the rules are unit-tested line by line; the job runs `parse_file`
inside one Spark mapInArrow task per group of files. Every line gets the FIRST failing
reason of rules 1-10; rule 11 (duplicate_line) needs the whole run and the state, so the
job applies it afterwards with a window. Accepted lines are enriched here, once: site
local time, business dates, local hour, showtime context and the member flag.

How edge cases are judged: docs/contract/quarantine.md.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from cinema_metrics import contract

try:  # an accelerator, not a dependency: Glue workers without it use the stdlib decoder
    from orjson import loads as _ORJSON
except ImportError:  # pragma: no cover - exercised by the tests with _ORJSON = None
    _ORJSON = None

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
EPOCH_DATE = dt.date(1970, 1, 1)
_SHIFT = dt.timedelta(hours=contract.BUSINESS_DAY_START_HOUR)
_INT32 = (-(2**31), 2**31 - 1)
_INT64 = (-(2**63), 2**63 - 1)
_MAX_CENTS = 10**18 - 1  # DECIMAL(18,2)
_MAX_UNITS = _MAX_CENTS // 100  # the largest whole amount (an integer net_amount)
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
# Lines the fast decoder could get wrong go to the exact one: a number token with more than
# 15 significant digits (a run of 16+ digits and dots; a float cannot hold it exactly) or
# with an exponent (1e-400 underflows to 0.0). A match inside a string only costs time.
# bytes.translate + find is ~8x faster than a regular expression here.
_DIGITS = bytes(48 if c in b"0123456789." else 101 if c in b"eE" else 32 for c in range(256))
_LONG_RUN, _EXPONENT = b"0" * 16, b"0e"


def _float_safe(line: bytes) -> bool:
    t = line.translate(_DIGITS)
    return t.find(_LONG_RUN) < 0 and t.find(_EXPONENT) < 0


_REQUIRED = contract.POS_REQUIRED
_NUMERIC = re.compile(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*")
_BOM = b"\xef\xbb\xbf"

# Output columns of parse_file, in order (job/read.py's Arrow schemas mirror this): the line's
# place, its quarantine reason and text (None for an accepted line), then FIELDS.
COLUMNS = (
    "file_idx",
    "source_file",
    "line_number",
    "reason",
    "raw",
    "raw_cut",
    "transaction_id",
    "line_no",
    "site_id",
    "terminal_id",
    "sold_at_us",
    "channel",
    "customer_id",
    "item_type",
    "showtime_id",
    "ticket_type",
    "sku",
    "category",
    "quantity",
    "net_cents",
    "sale_date",
    "hour",
    "session_date",
    "screen_id",
    "film_id",
    "is_member",
    "pd",
)
FIELDS = COLUMNS[6:]


@dataclass
class Context:
    """Dimension look-ups the parser needs (built once on the driver, broadcast to tasks)."""

    sites: dict[int, str]  # site_id -> IANA zone
    showtimes: dict[int, tuple[int, int, int, int]]  # id -> (site_id, screen_id, film_id, session day number)
    members: dict[int, list[tuple[int, int]]]  # customer_id -> [(joined_us, cancelled_us or max)]
    _zones: dict[int, ZoneInfo] = field(default_factory=dict, repr=False)

    def zone(self, site_id: int) -> ZoneInfo:
        z = self._zones.get(site_id)
        if z is None:
            z = self._zones[site_id] = ZoneInfo(self.sites[site_id])
        return z

    def is_member(self, customer_id: int | None, t_us: int) -> bool:
        spans = self.members.get(customer_id) if customer_id is not None else None
        if spans:
            for j, c in spans:
                if j <= t_us < c:
                    return True
        return False


def business_day(local_wall: dt.datetime) -> int:
    """Business date (days since 1970-01-01) of a local wall-clock time: date(t - 6 h)."""
    return ((local_wall.replace(tzinfo=None) - _SHIFT).date() - EPOCH_DATE).days


def to_us(d: dt.datetime) -> int:
    delta = d - EPOCH
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


# ----------------------------------------------------------------- reading files


def split_lines(text: bytes, broken: bool = False) -> Iterator[tuple[int, bytes, bool]]:
    """Yield (1-based physical line number, line bytes without terminator, broken_tail).

    `text` is a file's decompressed bytes (job/posfile.py reads and bounds them); `broken`: its
    gzip stream was truncated or corrupt, so the text after the last newline is the damaged
    tail, yielded once with broken_tail=True (even when empty, so the damage is visible in
    quarantine). A UTF-8 BOM and a CR before LF are formatting; a blank line is a line (it is
    not a JSON object: malformed_json), because a run accounts for every line it read. A final
    newline does not open a line.
    """
    if text.startswith(_BOM):
        text = text[len(_BOM) :]
    parts = text.split(b"\n")
    tail = parts.pop()  # text after the last newline ('' when the file ends with one)
    n = 0
    for n, line in enumerate(parts, start=1):
        if line.endswith(b"\r"):
            line = line[:-1]
        yield n, line, False
    n = len(parts) + 1
    tail = tail.rstrip(b"\r")
    if broken or tail:
        yield n, tail, broken


def raw_text(line: bytes, limit: int) -> tuple[str, bool]:
    """A quarantined line's text as kept: at most `limit` bytes of it, and whether it was cut."""
    if len(line) <= limit:
        return line.decode("utf-8", "replace"), False
    return line[:limit].decode("utf-8", "ignore"), True


# ----------------------------------------------------------------- one line


class _Reject(Exception):
    def __init__(self, reason: str):
        self.reason = reason


def _int(value: object, lo: int, hi: int) -> int:
    """A JSON integer literal: int, not bool, and not a number written as 2.0 or 1e3.

    An export that writes a quantity as 1e3 is not producing integers; quarantining it
    (bad_type) is safer than guessing.
    """
    if type(value) is not int:
        raise _Reject("bad_type")
    n = value
    if not lo <= n <= hi:
        raise _Reject("bad_type")
    return n


def _str(value: object, allowed: tuple[str, ...] | None = None) -> str:
    if type(value) is not str or (allowed is not None and value not in allowed):
        raise _Reject("bad_type")
    return value


def _cents(value: object) -> int:
    """net_amount: JSON number or numeric string, whole cents only, DECIMAL(18,2) range."""
    t = type(value)
    if t is int:
        if abs(value) > _MAX_UNITS:  # type: ignore[arg-type]
            raise _Reject("bad_type")
        return value * 100  # type: ignore[operator]
    if t is float:
        # Only the fast decoder yields floats, and only for tokens a float holds exactly
        # (see _loads), so repr() gives back the token's decimal value.
        r = repr(value)
        if "e" not in r:
            if len(r) - r.index(".") > 3:
                raise _Reject("bad_type")  # sub-cent
            return round(value * 100)  # type: ignore[operator]
        d = Decimal(r)
    elif t is Decimal:
        d = value  # type: ignore[assignment]
    elif t is str and _NUMERIC.fullmatch(value):  # type: ignore[arg-type]
        try:
            d = Decimal(value.strip())  # type: ignore[union-attr]
        except InvalidOperation:
            raise _Reject("bad_type") from None
    else:
        raise _Reject("bad_type")  # bool, float NaN/Infinity, list, object, other strings
    if not d.is_finite():
        raise _Reject("bad_type")
    c = d * 100
    if c != c.to_integral_value() or abs(c) > _MAX_CENTS:
        raise _Reject("bad_type")
    return int(c)


def _not_json(name: str) -> object:
    raise ValueError(f"{name} is not JSON")  # RFC 8259 has no NaN/Infinity: rule 1


# One decoder for every line: json.loads(parse_float=...) builds a new decoder per call.
_DECODE = json.JSONDecoder(parse_float=Decimal, parse_constant=_not_json).decode


def _loads_exact(line: bytes) -> object:
    """The reference decoder: stdlib json, numbers with a fraction as exact Decimals."""
    text = line.decode("utf-8")
    if text.startswith("\ufeff"):  # json.loads rejects a BOM before decoding; so do we
        raise ValueError("BOM")
    obj = _DECODE(text)
    if _SURROGATE_ESCAPE.search(text) and _has_lone_surrogate(obj):
        raise ValueError("an unpaired surrogate escape is not a character")
    return obj


# "\ud800" alone decodes to a str that is not Unicode text: no UTF-8 form, so it can be
# neither stored nor compared. Such a line is malformed_json (orjson refuses it outright).
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _has_lone_surrogate(obj: object) -> bool:
    try:
        json.dumps(obj, ensure_ascii=False, default=str).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _loads(line: bytes) -> object:
    """Decode one line; orjson when installed (about 3x faster), else the reference decoder.

    orjson is strict RFC 8259 and gives the same objects, except that fractions become
    floats: exact for tokens of at most 15 significant digits and no exponent, so other
    lines go to the reference decoder, as does anything orjson refuses (it then decides).
    """
    if _ORJSON is not None and _float_safe(line):
        try:
            return _ORJSON(line)
        except ValueError:
            pass
    return _loads_exact(line)


def check_line(line: bytes, ctx: Context) -> tuple[str | None, tuple | None]:
    """Validate one line; return (reason, None) or (None, field values in FIELDS order)."""
    try:
        obj = _loads(line)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return "malformed_json", None
    if type(obj) is not dict:
        return "malformed_json", None
    try:
        return None, _check(obj, ctx)
    except _Reject as r:
        return r.reason, None


_SITE, _SALE = FIELDS.index("site_id"), FIELDS.index("sale_date")


def locate(line: bytes, ctx: Context) -> tuple[int | None, int | None]:
    """(site_id, sale business date) of a quarantined line, as far as its text tells them (a
    known site; a sold_at with an offset): what the data-quality views group quarantined lines
    by. (None, None) when the line is not a JSON object."""
    try:
        obj = _loads(line)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None, None
    if type(obj) is not dict:
        return None, None
    site = obj.get("site_id")
    if type(site) is not int or site not in ctx.sites:
        return None, None
    sold_at = obj.get("sold_at")
    try:
        ts = dt.datetime.fromisoformat(sold_at) if type(sold_at) is str else None
        local = ts.astimezone(ctx.zone(site)) if ts is not None and ts.utcoffset() is not None else None
    except (ValueError, OverflowError):
        local = None
    if local is None:
        return site, None
    return site, local.toordinal() - _EPOCH_ORDINAL - (local.hour < contract.BUSINESS_DAY_START_HOUR)


def _opt_int(value: object, lo: int, hi: int) -> int | None:
    return None if value is None else _int(value, lo, hi)


def _opt_str(value: object, allowed: tuple[str, ...]) -> str | None:
    return None if value is None else _str(value, allowed)


def _check(o: dict, ctx: Context) -> tuple:
    g = o.get
    # 2. missing_field
    if None in map(g, _REQUIRED):
        raise _Reject("missing_field")
    item_type = o["item_type"]
    is_ticket = item_type == "ticket"
    if is_ticket:
        if g("showtime_id") is None or g("ticket_type") is None:
            raise _Reject("missing_field")
    elif item_type == "concession" and g("category") is None:
        raise _Reject("missing_field")
    # 3. bad_type (every listed field that is present; item_type's value is rule 6)
    txn, terminal, sold_at, sku = o["transaction_id"], o["terminal_id"], o["sold_at"], o["sku"]
    if type(txn) is not str or type(terminal) is not str or type(sold_at) is not str or type(sku) is not str:
        raise _Reject("bad_type")
    if type(item_type) is not str:
        raise _Reject("bad_type")
    line_no, site_id = o["line_no"], o["site_id"]
    if type(line_no) is not int or type(site_id) is not int or not 1 <= line_no <= _INT32[1]:
        raise _Reject("bad_type")
    if not _INT32[0] <= site_id <= _INT32[1]:
        raise _Reject("bad_type")
    channel = _str(o["channel"], contract.CHANNELS)
    customer = _opt_int(g("customer_id"), *_INT64)
    showtime = _opt_int(g("showtime_id"), *_INT64)
    ticket_type = _opt_str(g("ticket_type"), contract.TICKET_TYPES)
    category = _opt_str(g("category"), contract.CATEGORIES)
    quantity = o["quantity"]
    if type(quantity) is not int or not _INT32[0] <= quantity <= _INT32[1]:
        raise _Reject("bad_type")
    cents = _cents(o["net_amount"])
    # 4. bad_timestamp
    try:
        ts = dt.datetime.fromisoformat(sold_at)
    except ValueError:
        raise _Reject("bad_timestamp") from None
    if ts.tzinfo is None or ts.utcoffset() is None:
        raise _Reject("bad_timestamp")
    # 5. unknown_site
    if site_id not in ctx.sites:
        raise _Reject("unknown_site")
    # 6. unknown_item_type
    if not is_ticket and item_type != "concession":
        raise _Reject("unknown_item_type")
    if is_ticket:
        # 7. unknown_showtime, 8. site_mismatch
        st = ctx.showtimes.get(showtime)  # type: ignore[arg-type]
        if st is None:
            raise _Reject("unknown_showtime")
        if st[0] != site_id:
            raise _Reject("site_mismatch")
    # 9. bad_quantity, 10. bad_amount
    if quantity == 0:
        raise _Reject("bad_quantity")
    if (quantity > 0 and cents < 0) or (quantity < 0 and cents > 0):
        raise _Reject("bad_amount")
    # enrichment
    try:
        local = ts.astimezone(ctx.zone(site_id))  # type: ignore[arg-type]
        delta = ts - EPOCH
    except (OverflowError, ValueError):
        raise _Reject("bad_timestamp") from None
    t_us = (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
    # business date: the local calendar day, less one before 06:00 (see business_day)
    sale_day = local.toordinal() - _EPOCH_ORDINAL - (local.hour < contract.BUSINESS_DAY_START_HOUR)
    if is_ticket:
        _site, screen_id, film_id, session_day = st
        pd = session_day
    else:
        showtime = ticket_type = None
        screen_id = film_id = session_day = None
        pd = sale_day
    return (
        txn,
        line_no,
        site_id,
        terminal,
        t_us,
        channel,
        customer,
        item_type,
        showtime,
        ticket_type,
        sku,
        category if not is_ticket else None,
        quantity,
        cents,
        sale_day,
        local.hour,
        session_day,
        screen_id,
        film_id,
        ctx.is_member(customer, t_us),
        pd,
    )


def parse_file(
    file_idx: int,
    relpath: str,
    text: bytes,
    ctx: Context,
    broken: bool = False,
    raw_limit: int = contract.RAW_PREFIX_BYTES,
) -> Iterator[tuple]:
    """Yield one row (COLUMNS order) per line of a POS file's decompressed text."""
    nulls = [None] * len(FIELDS)
    for n, line, broken_tail in split_lines(text, broken):
        reason, values = ("malformed_json", None) if broken_tail else check_line(line, ctx)
        if reason is None:
            yield (file_idx, relpath, n, None, None, None, *values)
            continue
        where = list(nulls)
        if not broken_tail:
            where[_SITE], where[_SALE] = locate(line, ctx)
        yield (file_idx, relpath, n, reason, *raw_text(line, raw_limit), *where)


def raw_lines(text: bytes, broken: bool, raw_limit: int) -> Iterator[tuple[int, str, bool]]:
    """(line number, kept text, cut) of every line, for quarantining duplicates after the fact."""
    for n, line, _broken_tail in split_lines(text, broken):
        yield n, *raw_text(line, raw_limit)
