"""`cinema-metrics load-mysql`: put a snapshot folder into the local (or any) MySQL and S3.

The six ECR/CRM CSVs are truncated and reloaded into the `ecr` and `crm` databases (DDL in
scripts/mysql/schema.sql) with batched multi-row INSERTs; with --pos-bucket the POS files
are uploaded to S3 under <prefix><path under pos/>, the layout the Glue crawler and the
job read.

Connection settings: a flag wins, then the environment (CM_MYSQL_HOST, CM_MYSQL_PORT,
CM_MYSQL_USER, CM_MYSQL_PASSWORD, CM_AWS_ENDPOINT), then the env file that
scripts/services/services.sh writes (<CM_SERVICES_DIR or .local/services>/env), then the
local defaults of that script.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from cinema_metrics.contract import DIMENSIONS, POS_FILE_SUFFIXES
from cinema_metrics.errors import CliError

ROOT = Path(__file__).resolve().parents[3]
BUILTIN = {
    "CM_MYSQL_HOST": "127.0.0.1",
    "CM_MYSQL_PORT": "13306",
    "CM_MYSQL_USER": "cinema",
    "CM_MYSQL_PASSWORD": "cinema-local",  # local-only account of services.sh, bound to loopback
    "CM_AWS_ENDPOINT": "",
}
BATCH_ROWS = 5000
UPLOAD_THREADS = 8
csv.field_size_limit(1 << 24)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sources", required=True, type=Path, help="snapshot folder (ecr/, crm/, pos/)")
    parser.add_argument("--host", help="MySQL host (default CM_MYSQL_HOST or 127.0.0.1)")
    parser.add_argument("--port", help="MySQL port (default CM_MYSQL_PORT or 13306)")
    parser.add_argument("--user", help="MySQL user (default CM_MYSQL_USER or cinema)")
    parser.add_argument("--password", help="MySQL password (default CM_MYSQL_PASSWORD or the local one)")
    parser.add_argument("--pos-bucket", help="also upload the POS files to this S3 bucket")
    parser.add_argument(
        "--pos-prefix", default="raw/pos/", help="S3 key prefix for POS files (default raw/pos/)"
    )
    parser.add_argument("--endpoint-url", help="S3 endpoint, e.g. the moto server (default CM_AWS_ENDPOINT)")


# ---------------------------------------------------------------- settings
def _env_file() -> dict[str, str]:
    folder = Path(os.environ.get("CM_SERVICES_DIR") or ROOT / ".local" / "services")
    path = folder / "env"
    if not path.is_file():
        return {}
    values: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        name, sep, value = line.strip().partition("=")
        if sep and name.startswith("CM_"):
            values[name] = value
    return values


def setting(flag_value: str | None, name: str, file_values: dict[str, str]) -> str:
    if flag_value is not None:
        return flag_value
    return os.environ.get(name) or file_values.get(name) or BUILTIN[name]


# ---------------------------------------------------------------- CSVs
def read_table(sources: Path, db: str, table: str) -> list[tuple[Any, ...]]:
    """Rows of one CSV in contract column order; empty fields become NULL, extra columns are ignored."""
    path = sources / db / f"{table}.csv"
    columns = list(DIMENSIONS[(db, table)])
    if not path.is_file():
        raise CliError(f"{path}: missing; write a snapshot with `cinema-metrics generate --out {sources}`")
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header is None:
            raise CliError(f"{path}: empty file; it needs a header row with {', '.join(columns)}")
        missing = [c for c in columns if c not in header]
        if missing:
            raise CliError(
                f"{path}: missing column(s) {', '.join(missing)}; the header must name {', '.join(columns)}"
            )
        idx = [header.index(c) for c in columns]
        rows = []
        for lineno, rec in enumerate(reader, start=2):
            if len(rec) < len(header):
                raise CliError(f"{path}:{lineno}: {len(rec)} fields, the header has {len(header)}")
            rows.append(tuple(rec[i] if rec[i] != "" else None for i in idx))
    return rows


def _batches(rows: list[tuple[Any, ...]], size: int) -> Iterator[list[tuple[Any, ...]]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def connect(host: str, port: str, user: str, password: str) -> Any:
    import pymysql

    try:
        port_no = int(port)
    except ValueError:
        raise CliError(f"--port must be an integer, got {port!r}") from None
    try:
        return pymysql.connect(
            host=host, port=port_no, user=user, password=password, charset="utf8mb4", connect_timeout=5,
            autocommit=False,
        )  # fmt: skip
    except pymysql.err.OperationalError as exc:
        code = exc.args[0] if exc.args else 0
        if code == 1045:
            raise CliError(
                f"MySQL at {host}:{port} refused user {user!r}: "
                "check --user/--password (CM_MYSQL_USER/PASSWORD)"
            ) from None
        raise CliError(
            f"cannot reach MySQL at {host}:{port}: start the local services with `make services-up` "
            "or pass --host/--port"
        ) from None


def read_tables(sources: Path) -> dict[tuple[str, str], list[tuple[Any, ...]]]:
    """All six tables, read (and checked) before the database is touched."""
    return {key: read_table(sources, *key) for key in DIMENSIONS}


def load_tables(
    conn: Any, sources: Path, data: dict[tuple[str, str], list[tuple[Any, ...]]]
) -> dict[str, int]:
    """Truncate and reload the six tables in one go; returns rows per db.table."""
    import pymysql

    counts: dict[str, int] = {}
    with conn.cursor() as cur:
        # Foreign keys are off for the reload: tables are truncated and filled in any order,
        # and the snapshot's own integrity is the generator's (and the job's) business.
        cur.execute("SET SESSION foreign_key_checks = 0")
        cur.execute("SET SESSION unique_checks = 0")
        try:
            for (db, table), rows in data.items():
                cols = list(DIMENSIONS[(db, table)])
                cur.execute(f"TRUNCATE TABLE `{db}`.`{table}`")
                sql = (
                    f"INSERT INTO `{db}`.`{table}` ({', '.join(f'`{c}`' for c in cols)}) "
                    f"VALUES ({', '.join(['%s'] * len(cols))})"
                )
                for batch in _batches(rows, BATCH_ROWS):
                    cur.executemany(sql, batch)
                counts[f"{db}.{table}"] = len(rows)
            conn.commit()
        except pymysql.err.MySQLError as exc:
            conn.rollback()
            raise CliError(f"loading {sources}/{db}/{table}.csv failed: {exc.args[-1]}") from None
        finally:
            cur.execute("SET SESSION foreign_key_checks = 1")
            cur.execute("SET SESSION unique_checks = 1")
    return counts


# ---------------------------------------------------------------- POS to S3
def pos_files(sources: Path) -> list[tuple[Path, str]]:
    """(file, path under pos/) for every POS file, in lexicographic order of the path."""
    root = sources / "pos"
    if not root.is_dir():
        raise CliError(f"{root}: missing; write a snapshot with `cinema-metrics generate --out {sources}`")
    files = [
        (p, p.relative_to(root).as_posix())
        for p in root.rglob("*")
        if p.is_file() and p.name.endswith(POS_FILE_SUFFIXES)
    ]
    return sorted(files, key=lambda x: x[1])


def s3_client(endpoint: str | None) -> Any:
    import boto3

    session = boto3.session.Session()
    kwargs: dict[str, Any] = {"region_name": session.region_name or "us-east-1"}
    if endpoint:
        kwargs["endpoint_url"] = endpoint
        if session.get_credentials() is None:  # the emulator accepts any key
            kwargs.update(aws_access_key_id="testing", aws_secret_access_key="testing")
    return session.client("s3", **kwargs)


def upload_pos(sources: Path, bucket: str, prefix: str, endpoint: str | None) -> tuple[int, int]:
    """Upload every POS file; returns (files, bytes)."""
    from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError

    files = pos_files(sources)
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    s3 = s3_client(endpoint)
    where = endpoint or "AWS"
    try:
        try:
            s3.head_bucket(Bucket=bucket)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") not in ("404", "NoSuchBucket", "NotFound"):
                raise
            if not endpoint:
                raise CliError(
                    f"S3 bucket {bucket} does not exist: "
                    "create it (`make apply ENV=<env>`) or pass another --pos-bucket"
                ) from None
            s3.create_bucket(Bucket=bucket)  # local emulator only

        def put(item: tuple[Path, str]) -> int:
            path, rel = item
            body = path.read_bytes()
            s3.put_object(Bucket=bucket, Key=prefix + rel, Body=body)
            return len(body)

        total = 0
        t0 = time.perf_counter()
        with ThreadPoolExecutor(UPLOAD_THREADS) as pool:
            for i, size in enumerate(pool.map(put, files), start=1):
                total += size
                if i % 5000 == 0:
                    print(
                        f"[load-mysql] uploaded {i:,}/{len(files):,} POS files, "
                        f"{time.perf_counter() - t0:.1f} s",
                        file=sys.stderr,
                        flush=True,
                    )
    except EndpointConnectionError:
        raise CliError(
            f"cannot reach S3 at {where}: "
            "start the local services with `make services-up` or fix --endpoint-url"
        ) from None
    except (ClientError, BotoCoreError) as exc:
        raise CliError(f"uploading POS files to s3://{bucket}/{prefix} at {where} failed: {exc}") from None
    return len(files), total


# ---------------------------------------------------------------- command
def run(args: argparse.Namespace) -> int:
    sources: Path = args.sources
    if not sources.is_dir():
        raise CliError(
            f"--sources {sources}: no such folder; write one with `cinema-metrics generate --out {sources}`"
        )
    file_values = _env_file()
    host = setting(args.host, "CM_MYSQL_HOST", file_values)
    port = setting(args.port, "CM_MYSQL_PORT", file_values)
    user = setting(args.user, "CM_MYSQL_USER", file_values)
    password = setting(args.password, "CM_MYSQL_PASSWORD", file_values)
    t0 = time.perf_counter()
    data = read_tables(sources)
    conn = connect(host, port, user, password)
    try:
        counts = load_tables(conn, sources, data)
    finally:
        conn.close()
    rows = ", ".join(f"{k} {v:,}" for k, v in counts.items())
    print(f"loaded {sources} into MySQL {host}:{port} in {time.perf_counter() - t0:.1f} s: {rows}")
    if args.pos_bucket:
        endpoint = setting(args.endpoint_url, "CM_AWS_ENDPOINT", file_values) or None
        t1 = time.perf_counter()
        n, size = upload_pos(sources, args.pos_bucket, args.pos_prefix, endpoint)
        print(
            f"uploaded {n:,} POS files ({size / 2**20:.1f} MB) to s3://{args.pos_bucket}/{args.pos_prefix} "
            f"at {endpoint or 'AWS'} in {time.perf_counter() - t1:.1f} s"
        )
    return 0
