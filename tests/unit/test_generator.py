"""`cinema-metrics generate`: determinism, conformance to docs/contract/sources.md, flag errors.

The checks read the files the way a consumer would (csv, json) and judge them against the
contract, not against the generator's own model.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cinema_metrics import cli
from cinema_metrics.contract import (
    CATEGORIES,
    CHANNELS,
    DIMENSIONS,
    ITEM_TYPES,
    LOYALTY_TIERS,
    NULLABLE,
    POS_REQUIRED,
    POS_REQUIRED_CONCESSION,
    POS_REQUIRED_TICKET,
    PRIMARY_KEYS,
    SCREEN_FORMATS,
    SHOWTIME_STATUSES,
    TICKET_TYPES,
)
from cinema_metrics.generator.cli import generate
from cinema_metrics.generator.config import Config

PATH_RE = re.compile(r"^pos/site=(\d+)/date=(\d{4}-\d{2}-\d{2})/([A-Z]+\d+)_(\d{2})00\.jsonl$")
AMOUNT_RE = re.compile(r'"net_amount":("?)(-?\d+\.\d{2})\1[,}]')
OFFSET_RE = re.compile(r'"sold_at":"[^"]{19}([+-]\d\d:\d\d)"')
ENUMS = {"channel": CHANNELS, "ticket_type": TICKET_TYPES, "category": CATEGORIES}
START = date(2026, 3, 2)


def digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def read_csv(root: Path, db: str, table: str) -> tuple[list[str], list[dict[str, str]]]:
    with (root / db / f"{table}.csv").open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("gen") / "clean"
    summary = generate(Config(sites=3, days=10, start=START, seed=11, bad_rate=0.0), out, progress=False)
    return out, summary


@pytest.fixture(scope="module")
def dims(clean: tuple[Path, dict]) -> dict[str, list[dict[str, str]]]:
    root = clean[0]
    return {table: read_csv(root, db, table)[1] for db, table in DIMENSIONS}


# ---------------------------------------------------------------- determinism
def test_same_seed_gives_identical_bytes_and_another_seed_differs(tmp_path: Path) -> None:
    cfg = Config(sites=2, days=5, start=START, seed=3, bad_rate=0.01)
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(cfg, a, progress=False)
    generate(cfg, b, progress=False)
    generate(Config(sites=2, days=5, start=START, seed=4, bad_rate=0.01), c, progress=False)
    da, db, dc = digest(a), digest(b), digest(c)
    assert len(da) > 50
    assert da == db
    assert da != dc
    assert sum(da[k] != dc.get(k) for k in da) > len(da) // 2


def test_regenerating_into_a_snapshot_folder_replaces_it(tmp_path: Path) -> None:
    out = tmp_path / "snap"
    generate(Config(sites=1, days=3, start=START, seed=1, bad_rate=0.0), out, progress=False)
    stale = out / "pos" / "site=1" / "date=2020-01-01" / "X_0600.jsonl"
    stale.parent.mkdir(parents=True)
    stale.write_text("{}\n")
    generate(Config(sites=1, days=3, start=START, seed=1, bad_rate=0.0), out, progress=False)
    assert not stale.exists()


# ---------------------------------------------------------------- ECR / CRM CSVs
def test_every_csv_has_exactly_the_contract_columns(clean: tuple[Path, dict]) -> None:
    root = clean[0]
    for (db, table), columns in DIMENSIONS.items():
        header, rows = read_csv(root, db, table)
        assert header == list(columns), (db, table)
        assert rows, (db, table)
        # RFC 4180 line ends; no value holds a line break, so one CRLF per record
        assert (root / db / f"{table}.csv").read_bytes().count(b"\r\n") == len(rows) + 1


def test_csv_values_parse_as_their_types_and_nulls_only_where_allowed(clean: tuple[Path, dict]) -> None:
    root = clean[0]
    for (db, table), columns in DIMENSIONS.items():
        nullable = NULLABLE.get((db, table), frozenset())
        _, rows = read_csv(root, db, table)
        seen_null = dict.fromkeys(nullable, False)
        for row in rows:
            for col, kind in columns.items():
                value = row[col]
                if value == "":
                    assert col in nullable, (table, col, row)
                    seen_null[col] = True
                    continue
                if kind in ("int", "bigint"):
                    assert re.fullmatch(r"-?\d+", value), (table, col, value)
                elif kind == "date":
                    assert date.fromisoformat(value).isoformat() == value
                elif kind == "datetime":
                    datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
        assert all(seen_null.values()), (table, seen_null)  # NULLs really occur


def test_keys_unique_foreign_keys_resolve_enums_valid(dims: dict[str, list[dict[str, str]]]) -> None:
    for (_, table), key in PRIMARY_KEYS.items():
        ids = [r[key] for r in dims[table]]
        assert len(ids) == len(set(ids)), table
    sites = {r["site_id"] for r in dims["sites"]}
    screens = {r["screen_id"] for r in dims["screens"]}
    films = {r["film_id"] for r in dims["films"]}
    customers = {r["customer_id"] for r in dims["customers"]}
    assert all(r["site_id"] in sites for r in dims["screens"])
    assert all(r["screen_id"] in screens and r["film_id"] in films for r in dims["showtimes"])
    assert all(r["customer_id"] in customers for r in dims["loyalty_memberships"])
    assert all(r["home_site_id"] in sites for r in dims["customers"] if r["home_site_id"])
    assert all(r["format"] in SCREEN_FORMATS and int(r["seats"]) > 0 for r in dims["screens"])
    assert all(r["status"] in SHOWTIME_STATUSES for r in dims["showtimes"])
    assert all(r["tier"] in LOYALTY_TIERS for r in dims["loyalty_memberships"])
    for r in dims["sites"]:
        ZoneInfo(r["timezone"])
    for m in dims["loyalty_memberships"]:
        assert not m["cancelled_at"] or m["joined_at"] < m["cancelled_at"]


# ---------------------------------------------------------------- POS lines
def _is_int(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def check_line(text: str, site_zone: dict[int, str], show_site: dict[int, int]) -> str | None:
    """The docs/contract/quarantine.md rule a line breaks, or None (duplicates are checked by the caller)."""
    try:
        obj = json.loads(text)
    except ValueError:
        return "malformed_json"
    if not isinstance(obj, dict):
        return "malformed_json"
    required = list(POS_REQUIRED)
    if obj.get("item_type") == "ticket":
        required += POS_REQUIRED_TICKET
    elif obj.get("item_type") == "concession":
        required += POS_REQUIRED_CONCESSION
    if any(obj.get(f) is None for f in required):
        return "missing_field"
    for f in ("line_no", "site_id", "quantity", "showtime_id", "customer_id"):
        if obj.get(f) is not None and not _is_int(obj[f]):
            return "bad_type"
    for f in ("transaction_id", "terminal_id", "sku", "sold_at", "channel", "item_type"):
        if not isinstance(obj[f], str):
            return "bad_type"
    if obj["line_no"] < 1:
        return "bad_type"
    amount = obj["net_amount"]
    if isinstance(amount, bool) or not isinstance(amount, (int, float, str)):
        return "bad_type"
    try:
        amount = float(amount)
    except ValueError:
        return "bad_type"
    for f, allowed in ENUMS.items():
        if obj.get(f) is not None and obj[f] not in allowed:
            return "bad_type"
    try:
        sold = datetime.fromisoformat(obj["sold_at"])
    except ValueError:
        return "bad_timestamp"
    if sold.tzinfo is None:
        return "bad_timestamp"
    if obj["site_id"] not in site_zone:
        return "unknown_site"
    if obj["item_type"] not in ITEM_TYPES:
        return "unknown_item_type"
    if obj["item_type"] == "ticket":
        if obj["showtime_id"] not in show_site:
            return "unknown_showtime"
        if show_site[obj["showtime_id"]] != obj["site_id"]:
            return "site_mismatch"
    if obj["quantity"] == 0:
        return "bad_quantity"
    if _sign(amount) not in (_sign(obj["quantity"]), 0):
        return "bad_amount"
    return None


def _lookups(
    dims: dict[str, list[dict[str, str]]],
) -> tuple[dict[int, str], dict[int, int], dict[int, datetime]]:
    site_zone = {int(r["site_id"]): r["timezone"] for r in dims["sites"]}
    screen_site = {r["screen_id"]: int(r["site_id"]) for r in dims["screens"]}
    show_site = {int(r["showtime_id"]): screen_site[r["screen_id"]] for r in dims["showtimes"]}
    show_start = {
        int(r["showtime_id"]): datetime.strptime(r["starts_at"], "%Y-%m-%d %H:%M:%S")
        for r in dims["showtimes"]
    }
    return site_zone, show_site, show_start


def test_every_pos_line_is_valid_and_filed_where_the_layout_says(
    clean: tuple[Path, dict], dims: dict[str, list[dict[str, str]]]
) -> None:
    assert_pos_conforms(*clean, dims)


def test_pos_lines_conform_across_the_autumn_dst_change(tmp_path: Path) -> None:
    # 2026-11-01: US clocks fall back (01:00-02:00 happens twice); Mexico City does not change.
    out = tmp_path / "autumn"
    summary = generate(
        Config(sites=2, days=3, start=date(2026, 10, 31), seed=2, bad_rate=0.0), out, progress=False
    )
    dims = {table: read_csv(out, db, table)[1] for db, table in DIMENSIONS}
    assert_pos_conforms(out, summary, dims)
    ny = next(r["site_id"] for r in dims["sites"] if r["timezone"] == "America/New_York")
    offsets = {
        m.group(1) for p in out.glob(f"pos/site={ny}/**/*.jsonl") for m in OFFSET_RE.finditer(p.read_text())
    }
    assert offsets == {"-04:00", "-05:00"}


def assert_pos_conforms(root: Path, summary: dict, dims: dict[str, list[dict[str, str]]]) -> None:
    site_zone, show_site, show_start = _lookups(dims)
    files = sorted(root.glob("pos/**/*.jsonl"))
    assert len(files) == summary["pos_files"]
    seen: set[tuple[str, int]] = set()
    tx_site: dict[str, int] = {}
    tx_lines: dict[str, list[int]] = {}
    n = 0
    for path in files:
        rel = path.relative_to(root).as_posix()
        m = PATH_RE.match(rel)
        assert m, rel
        text = path.read_text(encoding="utf-8")
        assert text and text.endswith("\n"), rel
        for raw in text.splitlines():
            n += 1
            assert check_line(raw, site_zone, show_site) is None, raw
            am = AMOUNT_RE.search(raw)
            assert am, f"net_amount is not written with 2 decimals: {raw}"
            obj = json.loads(raw)
            key = (obj["transaction_id"], obj["line_no"])
            assert key not in seen, raw
            seen.add(key)
            assert tx_site.setdefault(obj["transaction_id"], obj["site_id"]) == obj["site_id"]
            tx_lines.setdefault(obj["transaction_id"], []).append(obj["line_no"])
            # sold_at carries the site's offset at that instant
            sold = datetime.fromisoformat(obj["sold_at"])
            zone = ZoneInfo(site_zone[obj["site_id"]])
            assert sold.utcoffset() == sold.astimezone(zone).utcoffset(), raw
            # file: site, terminal, business date of the sale and its 2-hour window
            local = sold.replace(tzinfo=None) - timedelta(hours=6)
            assert int(m.group(1)) == obj["site_id"]
            assert m.group(2) == local.date().isoformat(), (rel, raw)
            assert m.group(3) == obj["terminal_id"]
            assert int(m.group(4)) == (6 + 2 * (local.hour // 2)) % 24, (rel, raw)
            if obj["item_type"] == "ticket" and obj["quantity"] > 0:
                assert sold.replace(tzinfo=None) <= show_start[obj["showtime_id"]], raw
    assert n == summary["pos_lines"] and summary["pos_bad_lines"] == 0
    assert len(tx_lines) == summary["pos_transactions"]
    assert all(sorted(v) == list(range(1, len(v) + 1)) for v in tx_lines.values())


def test_bad_rate_injects_exactly_the_reported_number_of_bad_lines(
    tmp_path: Path,
) -> None:
    out = tmp_path / "bad"
    summary = generate(Config(sites=2, days=4, start=START, seed=5, bad_rate=0.02), out, progress=False)
    dims = {table: read_csv(out, db, table)[1] for db, table in DIMENSIONS}
    site_zone, show_site, _ = _lookups(dims)
    reasons: dict[str, int] = {}
    accepted: set[tuple[str, int]] = set()
    for path in sorted(out.glob("pos/**/*.jsonl")):
        for raw in path.read_text(encoding="utf-8").splitlines():
            reason = check_line(raw, site_zone, show_site)
            if reason is None:
                obj = json.loads(raw)
                key = (obj["transaction_id"], obj["line_no"])
                reason = "duplicate_line" if key in accepted else None
                accepted.add(key)
            if reason:
                reasons[reason] = reasons.get(reason, 0) + 1
    assert summary["pos_bad_lines"] > 20
    assert sum(reasons.values()) == summary["pos_bad_lines"]
    assert {"malformed_json", "missing_field", "bad_type", "bad_timestamp", "duplicate_line"} <= set(reasons)


# ---------------------------------------------------------------- flags
@pytest.mark.parametrize(
    ("flags", "needle"),
    [
        (["--sites", "0"], "--sites must be from 1 to 200"),
        (["--sites", "201"], "--sites must be from 1 to 200"),
        (["--sites", "three"], "--sites must be an integer"),
        (["--days", "0"], "--days must be from 1 to 1100"),
        (["--days", "1101"], "--days must be from 1 to 1100"),
        (["--start", "2026-02-30"], "--start must be a date YYYY-MM-DD"),
        (["--start", "tomorrow"], "--start must be a date YYYY-MM-DD"),
        (["--bad-rate", "0.6"], "--bad-rate must be from 0 to 0.5"),
        (["--bad-rate", "-0.1"], "--bad-rate must be from 0 to 0.5"),
        (["--bad-rate", "lots"], "--bad-rate must be a number"),
        (["--seed", "-1"], "--seed must be from 0"),
    ],
)
def test_bad_flags_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flags: list[str], needle: str
) -> None:
    out = tmp_path / "never"
    code = cli.main(["generate", "--out", str(out), *flags])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and needle in err, err
    assert not out.exists()


def test_out_folder_with_foreign_files_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("keep me")
    code = cli.main(["generate", "--out", str(tmp_path), "--days", "1", "--sites", "1"])
    err = capsys.readouterr().err
    assert code == 2 and "notes.txt" in err and err.count("\n") == 1
    assert (tmp_path / "notes.txt").read_text() == "keep me"


def test_cli_prints_a_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["generate", "--out", str(tmp_path / "s"), "--days", "2", "--sites", "1"])
    captured = capsys.readouterr()
    assert code == 0
    assert "POS JSONL" in captured.out and "2026-03-02 .. 2026-03-03" in captured.out
    assert "[generate] site 1/1" in captured.err
