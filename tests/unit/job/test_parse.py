"""Line validation (docs/contract/quarantine.md), file reading edge cases and business time; no Spark."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from tests.unit.job.snap import concession, ticket

from cinema_metrics import contract
from cinema_metrics.job import parse
from cinema_metrics.job.parse import Context, business_day, check_line, parse_file, to_us

EPOCH = dt.date(1970, 1, 1)


def day(s: str) -> int:
    return (dt.date.fromisoformat(s) - EPOCH).days


def us(s: str) -> int:
    return to_us(dt.datetime.fromisoformat(s))


CTX = Context(
    sites={1: "America/Mexico_City", 2: "America/New_York"},
    showtimes={1000: (1, 10, 100, day("2026-03-06")), 2000: (2, 20, 100, day("2026-03-07"))},
    members={500: [(us("2026-01-01T00:00:00+00:00"), us("2026-03-07T01:00:00+00:00"))]},
)
GOOD = ticket("A", 1, 1000, "2026-03-06T18:00:00-06:00", 2, "20.00", customer=500)


@pytest.fixture(autouse=True, params=["orjson", "stdlib"])
def decoder(request, monkeypatch):
    """Every rule is checked with both decoders: orjson (the fast path) and the stdlib one
    Glue workers without orjson use; they must agree line for line."""
    if request.param == "stdlib":
        monkeypatch.setattr(parse, "_ORJSON", None)
    else:
        assert parse._ORJSON is not None, "orjson is a dependency: `make install`"
    return request.param


def reason(obj) -> str | None:
    line = obj if isinstance(obj, bytes) else (obj if isinstance(obj, str) else json.dumps(obj)).encode()
    return check_line(line, CTX)[0]


def with_(**kw):
    d = dict(GOOD)
    for k, v in kw.items():
        if v is KeyError:
            d.pop(k)
        else:
            d[k] = v
    return d


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (GOOD, None),
        ("{not json", "malformed_json"),
        ("[1, 2]", "malformed_json"),
        ('"a string"', "malformed_json"),
        (b'{"transaction_id": "\xff"}', "malformed_json"),
        (with_(sku=KeyError), "missing_field"),
        (with_(quantity=None), "missing_field"),
        (with_(showtime_id=None), "missing_field"),
        (with_(ticket_type=KeyError), "missing_field"),
        (concession("B", 1, "2026-03-06T18:00:00-06:00", category=None), "missing_field"),
        (with_(quantity="two"), "bad_type"),
        (with_(line_no=1.5), "bad_type"),
        (with_(line_no=0), "bad_type"),
        (with_(quantity=True), "bad_type"),
        (with_(channel="drone"), "bad_type"),
        (with_(ticket_type="vip"), "bad_type"),
        (with_(site_id="1"), "bad_type"),
        (with_(customer_id="500"), "bad_type"),
        (with_(net_amount="12.345"), "bad_type"),
        (with_(net_amount="abc"), "bad_type"),
        (with_(net_amount=True), "bad_type"),
        (with_(sold_at=1741300000), "bad_type"),
        (with_(item_type=5), "bad_type"),
        (
            '{"transaction_id":"A","line_no":1,"site_id":1,"terminal_id":"T","sold_at":"2026-03-06T18:00:00Z",'
            '"channel":"kiosk","item_type":"concession","sku":"x","category":"candy","quantity":1,"net_amount":NaN}',
            "malformed_json",
        ),
        (with_(sold_at="2026-03-06T18:00:00"), "bad_timestamp"),
        (with_(sold_at="yesterday"), "bad_timestamp"),
        (with_(site_id=9), "unknown_site"),
        (with_(item_type="gift_card"), "unknown_item_type"),
        (with_(showtime_id=4242), "unknown_showtime"),
        (with_(showtime_id=2000), "site_mismatch"),
        (with_(quantity=0), "bad_quantity"),
        (with_(net_amount="-1.00"), "bad_amount"),
        (with_(quantity=-1, net_amount=5), "bad_amount"),
        # accepted variants
        (with_(net_amount=20), None),
        (with_(net_amount="0"), None),
        (with_(quantity=2.0), "bad_type"),
        (with_(line_no=1e3), "bad_type"),
        (with_(extra_field={"x": 1}), None),
        (with_(quantity=-2, net_amount="-20.00"), None),
        (with_(net_amount="20.000"), None),
        (with_(sold_at="2026-03-07T00:00:00Z"), None),
    ],
)
def test_reason_codes(line, expected):
    assert reason(line) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # missing_field (2) beats bad_type (3)
        (with_(sku=None, quantity="two"), "missing_field"),
        # bad_type (3) beats bad_timestamp (4)
        (with_(channel="drone", sold_at="nope"), "bad_type"),
        # bad_timestamp (4) beats unknown_site (5)
        (with_(sold_at="nope", site_id=9), "bad_timestamp"),
        # unknown_site (5) beats unknown_item_type (6)
        (with_(site_id=9, item_type="gift_card"), "unknown_site"),
        # unknown_showtime (7) beats bad_quantity (9)
        (with_(showtime_id=4242, quantity=0), "unknown_showtime"),
        # site_mismatch (8) beats bad_amount (10)
        (with_(showtime_id=2000, net_amount="-3"), "site_mismatch"),
        # bad_quantity (9) beats bad_amount (10)
        (with_(quantity=0, net_amount="-3"), "bad_quantity"),
    ],
)
def test_first_failing_rule_wins(line, expected):
    assert reason(line) == expected


def test_every_reason_code_is_covered_in_order():
    assert contract.REASONS[-1] == "duplicate_line"  # applied by the job, see test_job_runs
    assert contract.REASONS[:10] == (
        "malformed_json",
        "missing_field",
        "bad_type",
        "bad_timestamp",
        "unknown_site",
        "unknown_item_type",
        "unknown_showtime",
        "site_mismatch",
        "bad_quantity",
        "bad_amount",
    )


GOOD_TEXT = json.dumps(GOOD)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("12.34", 1234),
        ("12.00", 1200),
        ("-0.0", 0),
        ("0.29", 29),
        ("1E3", 100000),
        ("12.345e1", 12345),
        ("1e-400", "bad_type"),  # underflows to 0.0 as a float: exact decoder
        ("12.3400000000000000001", "bad_type"),  # a float would round it to 12.34
        ("12.3400000000000000000", 1234),
        ("0.00001", "bad_type"),
        ("99999999999999.99", 9999999999999999),
        ("9999999999999999.99", 999999999999999999),
        ("99999999999999999.99", "bad_type"),  # beyond DECIMAL(18,2)
        ("18446744073709551616", "bad_type"),
        ("1e400", "bad_type"),
    ],
)
def test_net_amount_is_exact_with_either_decoder(amount, expected):
    line = GOOD_TEXT.replace('"20.00"', amount).encode()
    assert amount in line.decode()
    got, values = check_line(line, CTX)
    if isinstance(expected, str):
        assert got == expected
    else:
        assert got is None
        assert values[parse.FIELDS.index("net_cents")] == expected


@pytest.mark.parametrize(
    ("escape", "expected"),
    [
        ("\\ud800", "malformed_json"),  # unpaired: no UTF-8 form, cannot be stored
        ("\\udc00x", "malformed_json"),
        ("\\ud83c\\udfac", None),  # a pair: U+1F3AC, a character like any other
        ("\\\\ud800", None),  # an escaped backslash, then the letters ud800
    ],
)
def test_surrogate_escapes(escape, expected):
    line = GOOD_TEXT.replace('"sku": "', '"sku": "' + escape).encode()
    got, values = check_line(line, CTX)
    assert got == expected
    if expected is None:
        values[parse.FIELDS.index("sku")].encode("utf-8")


def test_enrichment_of_an_accepted_ticket():
    _, v = check_line(json.dumps(GOOD).encode(), CTX)
    names = parse.FIELDS
    row = dict(zip(names, v, strict=True))
    assert row["net_cents"] == 2000
    assert row["hour"] == 18
    assert row["sale_date"] == day("2026-03-06")
    assert row["session_date"] == row["pd"] == day("2026-03-06")
    assert row["film_id"] == 100 and row["screen_id"] == 10
    assert row["is_member"] is True


def test_member_at_the_instant_of_sale():
    # membership cancelled 2026-03-07T01:00Z = 2026-03-06 19:00 in Mexico City
    before = with_(sold_at="2026-03-06T18:59:59-06:00")
    after = with_(sold_at="2026-03-06T19:00:00-06:00")
    assert check_line(json.dumps(before).encode(), CTX)[1][19] is True
    assert check_line(json.dumps(after).encode(), CTX)[1][19] is False


@pytest.mark.parametrize(
    ("wall", "expected"),
    [
        ("2026-03-07 00:30", "2026-03-06"),  # a 00:30 show on Saturday belongs to Friday
        ("2026-03-07 05:59", "2026-03-06"),
        ("2026-03-07 06:00", "2026-03-07"),
        ("2026-03-08 03:30", "2026-03-07"),  # the DST night in New York: wall time, no conversion
    ],
)
def test_business_day(wall, expected):
    assert business_day(dt.datetime.fromisoformat(wall)) == day(expected)


def test_sale_on_the_us_dst_change_day():
    # 07:30Z on 2026-03-08 is 03:30 EDT (clocks jumped 02:00 -> 03:00): hour 3, business date 03-07
    line = ticket("N", 1, 2000, "2026-03-08T07:30:00Z", site=2)
    _, v = check_line(json.dumps(line).encode(), CTX)
    assert v[15] == 3 and v[14] == day("2026-03-07")
    # 11:30Z is 07:30 EDT: business date 03-08
    line = ticket("N", 1, 2000, "2026-03-08T11:30:00Z", site=2)
    _, v = check_line(json.dumps(line).encode(), CTX)
    assert v[15] == 7 and v[14] == day("2026-03-08")


def test_bom_crlf_and_blank_lines():
    data = b"\xef\xbb\xbf" + json.dumps(GOOD).encode() + b"\r\n\r\n   \n" + b"oops\r\n"
    rows = list(parse_file(0, "pos/a.jsonl", data, CTX))
    # Blank and whitespace-only lines are lines too: every line read is accounted for.
    assert [(r[2], r[3]) for r in rows] == [
        (1, None),
        (2, "malformed_json"),
        (3, "malformed_json"),
        (4, "malformed_json"),
    ]
    assert rows[3][4] == "oops"


def test_invalid_utf8_keeps_raw_with_replacement_characters():
    rows = list(parse_file(0, "pos/a.jsonl", b'{"transaction_id": "\xff\xfe"}\n', CTX))
    assert rows[0][3] == "malformed_json"
    assert "\ufffd" in rows[0][4]


def test_a_long_quarantined_line_keeps_a_bounded_prefix_and_says_so():
    long_line = b'{"transaction_id": "' + b"x" * 10_000 + b'"'  # not closed: malformed_json
    rows = list(parse_file(0, "pos/a.jsonl", long_line + b"\n" + b"oops\n", CTX, raw_limit=100))
    assert [(r[3], len(r[4].encode()), r[5]) for r in rows] == [
        ("malformed_json", 100, True),
        ("malformed_json", 4, False),
    ]


def test_a_quarantined_line_says_where_it_was_sold_when_it_can():
    from cinema_metrics.job.parse import locate

    unknown_showtime = with_(showtime_id=9999)
    assert check_line(json.dumps(unknown_showtime).encode(), CTX)[0] == "unknown_showtime"
    assert locate(json.dumps(unknown_showtime).encode(), CTX) == (1, day("2026-03-06"))
    assert locate(json.dumps(with_(sold_at="yesterday")).encode(), CTX) == (1, None)
    assert locate(json.dumps(with_(site_id=77)).encode(), CTX) == (None, None)
    assert locate(b"not json", CTX) == (None, None)
