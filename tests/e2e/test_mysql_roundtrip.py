"""`cinema-metrics load-mysql` against the local MariaDB and moto S3 (the `services` fixture).

What is loaded must read back equal to the CSVs, NULLs included, and a reload replaces
(truncates) what an earlier load left; the POS upload lists the same keys and bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import socket
import uuid
from pathlib import Path

import boto3
import pymysql
import pytest

from cinema_metrics import cli
from cinema_metrics.contract import DIMENSIONS, PRIMARY_KEYS
from cinema_metrics.generator.cli import generate
from cinema_metrics.generator.config import Config

pytestmark = pytest.mark.e2e
START = dt.date(2026, 3, 6)


def csv_rows(root: Path, db: str, table: str) -> list[tuple[str, ...]]:
    cols = list(DIMENSIONS[(db, table)])
    with (root / db / f"{table}.csv").open(encoding="utf-8", newline="") as f:
        rows = [tuple(r[c] for c in cols) for r in csv.DictReader(f)]
    key = cols.index(PRIMARY_KEYS[(db, table)])
    return sorted(rows, key=lambda r: int(r[key]))


def as_text(value: object) -> str:
    """A value read from MySQL in the snapshot's CSV spelling."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def mysql_rows(conn, db: str, table: str) -> list[tuple[str, ...]]:
    cols = list(DIMENSIONS[(db, table)])
    with conn.cursor() as cur:
        cur.execute(f"SELECT {', '.join(cols)} FROM `{db}`.`{table}` ORDER BY `{PRIMARY_KEYS[(db, table)]}`")
        return [tuple(as_text(v) for v in row) for row in cur.fetchall()]


def load_args(services, sources: Path) -> list[str]:
    return [
        "load-mysql", "--sources", str(sources),
        "--host", services.mysql_host, "--port", str(services.mysql_port),
        "--user", services.mysql_user, "--password", services.mysql_password,
    ]  # fmt: skip


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("roundtrip")
    big, small = root / "big", root / "small"
    generate(Config(sites=2, days=3, start=START, seed=21, bad_rate=0.0), big, progress=False)
    generate(Config(sites=1, days=2, start=START, seed=22, bad_rate=0.01), small, progress=False)
    return big, small


def test_load_then_select_equals_the_csvs_and_reload_replaces(services, snapshots, capsys) -> None:
    big, small = snapshots
    assert cli.main(load_args(services, big)) == 0
    assert cli.main(load_args(services, small)) == 0  # must truncate what `big` left
    out = capsys.readouterr().out
    assert "ecr.showtimes" in out
    conn = pymysql.connect(
        host=services.mysql_host, port=services.mysql_port, user=services.mysql_user,
        password=services.mysql_password, charset="utf8mb4",
    )  # fmt: skip
    try:
        nulls = 0
        for db, table in DIMENSIONS:
            expected = csv_rows(small, db, table)
            got = mysql_rows(conn, db, table)
            assert len(got) == len(expected), (db, table)
            assert got == expected, (db, table)
            nulls += sum(v == "" for row in got for v in row)
        assert nulls > 0, "the snapshot has NULLs (birth_date, home_site_id, cancelled_at) and they survive"
        with conn.cursor() as cur:  # UTF-8 survives the trip
            cur.execute("SELECT COUNT(*) FROM crm.customers WHERE last_name LIKE '%í%'")
            assert cur.fetchone()[0] > 0
    finally:
        conn.close()


def test_pos_upload_lists_the_same_keys_and_bytes(services, aws_env, snapshots, capsys) -> None:
    _, small = snapshots
    bucket = f"cinema-roundtrip-{uuid.uuid4().hex[:12]}"  # the moto server outlives test sessions
    args = [*load_args(services, small), "--pos-bucket", bucket, "--pos-prefix", "raw/pos"]
    assert cli.main([*args, "--endpoint-url", services.aws_endpoint]) == 0
    assert "uploaded" in capsys.readouterr().out
    s3 = boto3.client("s3", endpoint_url=services.aws_endpoint, region_name="us-east-1")
    keys: dict[str, int] = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix="raw/pos/"):
        keys.update({o["Key"]: o["Size"] for o in page.get("Contents", [])})
    local = {
        "raw/pos/" + p.relative_to(small / "pos").as_posix(): p
        for p in sorted((small / "pos").rglob("*.jsonl"))
    }
    assert set(keys) == set(local) and len(local) > 20
    for key, path in local.items():
        assert keys[key] == path.stat().st_size
    for key in sorted(local)[:: max(1, len(local) // 10)]:  # bytes of a sample
        assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == local[key].read_bytes()


def test_unreachable_server_is_one_line_naming_host_port_and_the_fix(snapshots, capsys) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = cli.main(["load-mysql", "--sources", str(snapshots[1]), "--port", str(port)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1
    assert f"127.0.0.1:{port}" in err and "make services-up" in err


def test_broken_sources_are_named_before_the_server_is_touched(tmp_path: Path, capsys) -> None:
    (tmp_path / "ecr").mkdir()
    code = cli.main(["load-mysql", "--sources", str(tmp_path), "--port", "1"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert "ecr/sites.csv: missing" in err and "cinema-metrics generate" in err
    (tmp_path / "ecr" / "sites.csv").write_text("site_id,name\n1,x\n", encoding="utf-8")
    code = cli.main(["load-mysql", "--sources", str(tmp_path), "--port", "1"])
    err = capsys.readouterr().err
    assert code == 2 and "missing column(s) city, timezone, opened_on, updated_at" in err
