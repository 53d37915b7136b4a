"""Source loading: ECR/CRM dimension tables (snapshot CSVs or MySQL) and POS file discovery.

Dimension tables are read whole and validated before the job writes anything: a broken
table raises CliError naming the file, the row and the problem (docs/contract/sources.md).
Only the columns the metrics need are read (contract.JOB_COLUMNS): no personal CRM column is
ever loaded, cached or validated, and an error about a CRM row names the row and the column,
never a value. POS files are found by job/discover.py through the storage layer.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from cinema_metrics import contract
from cinema_metrics.errors import CliError
from cinema_metrics.storage import stat_tag

_INT32 = (-(2**31), 2**31 - 1)
_INT64 = (-(2**63), 2**63 - 1)
ENUMS: dict[tuple[str, str, str], tuple[str, ...]] = {
    ("ecr", "screens", "format"): contract.SCREEN_FORMATS,
    ("ecr", "showtimes", "status"): contract.SHOWTIME_STATUSES,
    ("crm", "loyalty_memberships", "tier"): contract.LOYALTY_TIERS,
}
# (table, column) -> (referenced table, its key): checked after every table is loaded.
REFERENCES: dict[tuple[tuple[str, str], str], tuple[str, str]] = {
    (("ecr", "screens"), "site_id"): ("ecr", "sites"),
    (("ecr", "showtimes"), "screen_id"): ("ecr", "screens"),
    (("ecr", "showtimes"), "film_id"): ("ecr", "films"),
    (("crm", "loyalty_memberships"), "customer_id"): ("crm", "customers"),
}


def job_schema(key: tuple[str, str]) -> dict[str, str]:
    """{column: kind} of what the job reads of a table (contract.JOB_COLUMNS, in table order)."""
    return {c: contract.DIMENSIONS[key][c] for c in contract.JOB_COLUMNS[key]}


def shown(key: tuple[str, str], value: Any) -> str:
    """A value as an error message may show it: ECR values as they are, CRM values never (a
    shifted CSV field can put an e-mail address into any column)."""
    return "(a CRM value, not shown)" if key[0] == "crm" else repr(value)


def redact_url(url: str) -> str:
    """A connection URL with its password replaced, for messages."""
    return re.sub(r"(//[^/@:]*:)[^/@]*@", r"\1***@", url)


@dataclass
class Dimensions:
    """The six dimension tables as typed pandas frames (dates as datetime.date, datetimes naive UTC)."""

    tables: dict[tuple[str, str], pd.DataFrame]

    def __getitem__(self, name: str) -> pd.DataFrame:
        db, table = name.split(".")
        return self.tables[(db, table)]


# ----------------------------------------------------------------- value parsing


def _parse_value(value: Any, kind: str) -> Any:
    """Convert a CSV string or a MySQL value to the contract type; ValueError on garbage."""
    if kind in ("int", "bigint"):
        if isinstance(value, bool):
            raise ValueError("not an integer")
        if isinstance(value, int):
            n = value
        elif isinstance(value, float) and value.is_integer():
            # a nullable INT from the catalog: Spark's toPandas makes the column float64
            n = int(value)
        else:
            text = str(value).strip()
            if not text.lstrip("+-").isdigit():
                raise ValueError(f"{value!r} is not an integer")
            n = int(text)
        lo, hi = _INT32 if kind == "int" else _INT64
        if not lo <= n <= hi:
            raise ValueError(f"{n} is out of range for {kind.upper()}")
        return n
    if kind == "str":
        return str(value)
    if kind == "date":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        return dt.date.fromisoformat(str(value).strip())
    if kind == "datetime":
        if isinstance(value, dt.datetime):
            d = value
        elif isinstance(value, dt.date):
            d = dt.datetime.combine(value, dt.time())
        else:
            text = str(value).strip()
            if len(text) < 10:
                raise ValueError(f"{value!r} is not a datetime")
            d = dt.datetime.fromisoformat(text)
        if d.tzinfo is not None:  # an explicit offset: normalise to naive UTC
            d = d.astimezone(dt.UTC).replace(tzinfo=None)
        return d
    raise AssertionError(kind)


def _typed_frame(
    key: tuple[str, str],
    records: Iterable[tuple[str, dict[str, Any]]],
    columns_present: Iterable[str],
    where: str,
) -> pd.DataFrame:
    """Validate and convert records ((row label, {column: raw value})) of one table."""
    full = contract.DIMENSIONS[key]  # every column must be there, though only the job's are read
    missing = [c for c in full if c not in set(columns_present)]
    if missing:
        raise CliError(f"{where}: missing column(s) {', '.join(missing)}; expected {', '.join(full)}")
    schema = job_schema(key)
    nullable = contract.NULLABLE.get(key, frozenset())
    pk = contract.PRIMARY_KEYS[key]
    seen: dict[Any, str] = {}
    out: dict[str, list[Any]] = {c: [] for c in schema}
    labels: list[str] = []
    for label, rec in records:
        for col, kind in schema.items():
            raw = rec.get(col)
            if raw is None or (isinstance(raw, str) and raw == ""):
                if col not in nullable:
                    raise CliError(f"{where} {label}: column {col} is empty (NULL) but required")
                out[col].append(None)
                continue
            try:
                value = _parse_value(raw, kind)
            except (ValueError, TypeError, OverflowError) as exc:
                detail = f"{raw!r} ({exc})" if key[0] == "ecr" else shown(key, raw)
                raise CliError(f"{where} {label}: column {col}: cannot parse {detail} as {kind}") from None
            allowed = ENUMS.get((*key, col))
            if allowed is not None and value not in allowed:
                raise CliError(
                    f"{where} {label}: column {col}: unknown value {shown(key, value)}; allowed: {allowed}"
                )
            out[col].append(value)
        k = out[pk][-1]
        if k in seen:
            raise CliError(f"{where} {label}: duplicate key {pk}={shown(key, k)} (first at {seen[k]})")
        seen[k] = label
        labels.append(label)
    frame = pd.DataFrame(out, columns=list(schema))
    for col, kind in schema.items():
        if kind in ("int", "bigint"):
            frame[col] = frame[col].astype("Int64" if col in nullable else "int64")
    frame.attrs["labels"] = RowLabels(labels)
    frame.attrs["where"] = where
    return frame


class RowLabels:
    """Row labels for error messages, shared and never copied: pandas deep-copies `attrs` on
    every derived frame, which for a 157k-row table costs seconds per merge."""

    __slots__ = ("items",)

    def __init__(self, items: list[str]):
        self.items = items

    def __getitem__(self, i: int) -> str:
        return self.items[i]

    def __len__(self) -> int:
        return len(self.items)

    def __deepcopy__(self, memo: dict) -> RowLabels:
        return self

    def __copy__(self) -> RowLabels:
        return self


_PLAIN = {  # the plain CSV forms the vectorised path converts; anything else goes row by row
    "int": r"^-?[0-9]{1,18}$",
    "bigint": r"^-?[0-9]{1,18}$",
    "date": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
    "datetime": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}$",
}


class _LineLabels(RowLabels):
    """Labels of the vectorised path, formatted on demand from the physical line numbers."""

    __slots__ = ()

    def __getitem__(self, i: int) -> str:
        return f"row {i + 1} (line {self.items[i]})"


def _fast_column(values: tuple[str, ...], kind: str, nullable: bool, allowed: tuple[str, ...] | None):
    """Vectorised _parse_value (Arrow kernels) for CSV text in the plain forms; None when any value
    is not plain, and the caller takes the row-by-row path, which names the first bad row."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(values, pa.string())
    empty = pc.equal(arr, "")
    n_empty = pc.sum(empty).as_py() or 0
    if n_empty and (not nullable or n_empty == len(arr)):
        return None
    arr = pc.if_else(empty, pa.scalar(None, pa.string()), arr)
    if kind == "str":
        if allowed is not None and not pc.all(pc.is_in(arr.drop_null(), pa.array(allowed))).as_py():
            return None
        return arr.to_pylist()
    if not pc.all(pc.match_substring_regex(arr.drop_null(), _PLAIN[kind])).as_py():
        return None
    if kind in ("int", "bigint"):
        nums = pc.cast(arr, pa.int64())
        lo, hi = _INT32 if kind == "int" else _INT64
        if pc.any(pc.or_(pc.less(nums, lo), pc.greater(nums, hi))).as_py():
            return None
        if nullable:  # the row-by-row path makes nullable integer columns Int64
            return pd.array(nums.to_pandas(), dtype="Int64")
        return nums.to_numpy()
    text = pc.utf8_replace_slice(arr, 10, 11, " ") if kind == "datetime" else arr
    fmt = "%Y-%m-%d %H:%M:%S" if kind == "datetime" else "%Y-%m-%d"
    ts = pc.strptime(text, format=fmt, unit="s", error_is_null=True)
    # a round trip rejects what strptime normalises (2025-02-30) but fromisoformat would not accept
    if ts.null_count != arr.null_count or not pc.all(pc.equal(pc.strftime(ts, format=fmt), text)).as_py():
        return None
    if kind == "date":
        return pc.cast(ts, pa.date32()).to_pylist()
    return ts.cast(pa.timestamp("ns")).to_numpy(zero_copy_only=False)


def _fast_csv(path: Path, key: tuple[str, str], where: str) -> pd.DataFrame | None:
    """The frame _csv_records + _typed_frame build, for a clean file, computed per column."""
    schema = job_schema(key)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, strict=True)
            header = [h.strip() for h in next(reader)]
            rows, lines = [], []
            for fields in reader:
                if not fields or fields == [""]:
                    continue
                rows.append(fields)
                lines.append(reader.line_num)
    except (OSError, StopIteration, csv.Error, UnicodeDecodeError):
        return None
    if len(set(header)) != len(header) or any(c not in header for c in contract.DIMENSIONS[key]):
        return None
    if any(len(r) != len(header) for r in rows):
        return None
    nullable = contract.NULLABLE.get(key, frozenset())
    at = {c: header.index(c) for c in schema}  # only the job's columns are kept
    cols = {c: tuple(r[i] for r in rows) for c, i in at.items()}
    out = {}
    for col, kind in schema.items():
        conv = _fast_column(cols[col], kind, col in nullable, ENUMS.get((*key, col)))
        if conv is None:
            return None
        out[col] = conv
    frame = pd.DataFrame(out, columns=list(schema))
    if not rows or frame[contract.PRIMARY_KEYS[key]].duplicated().any():
        return None
    frame.attrs["labels"] = _LineLabels(lines)
    frame.attrs["where"] = where
    return frame


def _check_rows(dims: Dimensions) -> None:
    """Cross-table and value rules: references, seats > 0, valid IANA time zones."""
    for (key, col), ref in REFERENCES.items():
        frame = dims.tables[key]
        known = set(dims.tables[ref][contract.PRIMARY_KEYS[ref]].tolist())
        for i, value in enumerate(frame[col].tolist()):
            if value not in known:
                where, label = frame.attrs["where"], frame.attrs["labels"][i]
                raise CliError(f"{where} {label}: {col}={shown(key, value)} is not in {ref[0]}.{ref[1]}")
    sites = dims.tables[("ecr", "sites")]
    for i, tz in enumerate(sites["timezone"].tolist()):
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise CliError(
                f"{sites.attrs['where']} {sites.attrs['labels'][i]}: timezone {tz!r} is not an IANA time zone"
            ) from None
    screens = dims.tables[("ecr", "screens")]
    for i, seats in enumerate(screens["seats"].tolist()):
        if seats <= 0:
            raise CliError(
                f"{screens.attrs['where']} {screens.attrs['labels'][i]}: seats={seats} must be > 0"
            )


# ----------------------------------------------------------------- snapshot CSVs


def _csv_records(path: Path, where: str) -> tuple[list[str], Iterator[tuple[str, dict[str, str]]]]:
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise CliError(f"{where}: file not found") from None
    reader = csv.reader(handle, strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        handle.close()
        raise CliError(f"{where}: empty file, expected a header row") from None
    except (csv.Error, UnicodeDecodeError) as exc:
        handle.close()
        raise CliError(f"{where} line 1: unreadable header ({exc})") from None

    def rows() -> Iterator[tuple[str, dict[str, str]]]:
        n = 0
        try:
            with handle:
                for fields in reader:
                    if not fields or fields == [""]:
                        continue  # a blank line is not a record
                    n += 1
                    label = f"row {n} (line {reader.line_num})"
                    if len(fields) != len(header):
                        raise CliError(f"{where} {label}: {len(fields)} fields, header has {len(header)}")
                    yield label, dict(zip(header, fields, strict=True))
        except (csv.Error, UnicodeDecodeError) as exc:
            raise CliError(f"{where} row {n + 1} (line {reader.line_num}): unreadable CSV ({exc})") from None

    return header, rows()


class DimensionCache:
    """Validated tables kept in the state folder by the stat signature of their CSV: an
    unchanged file (same size, mtime, ctime, inode) is not read again, which saves an
    every-2-hours increment ~4 s on a year's showtimes. Reads happen at load time; writes wait
    for `flush`, which the run calls once it holds the state's lease (a refused run writes
    nothing). The tables hold only the job's columns (contract.JOB_COLUMNS): nothing personal."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.pending: list[tuple[Path, str, pd.DataFrame]] = []

    def entry(self, key: tuple[str, str]) -> Path:
        return self.folder / f"{key[0]}.{key[1]}.pkl"

    def get(self, key: tuple[str, str], sig: str) -> pd.DataFrame | None:
        return _cached_table(self.entry(key), sig) if sig else None

    def put(self, key: tuple[str, str], sig: str, frame: pd.DataFrame) -> None:
        if sig:
            self.pending.append((self.entry(key), sig, frame))

    def flush(self) -> None:
        for entry, sig, frame in self.pending:
            _store_table(entry, sig, frame)
        self.pending = []


def load_dimensions_csv(
    sources: Path, only: Iterable[str] | None = None, cache: DimensionCache | None = None
) -> dict[tuple[str, str], pd.DataFrame]:
    """Load (a subset of) the six tables from `<sources>/<db>/<table>.csv`, validated per table
    (cross-table checks are load_dimensions'); `cache` spares re-reading unchanged files."""
    wanted = set(only) if only is not None else None
    tables = {}
    for key in contract.JOB_COLUMNS:
        if wanted is not None and key[0] not in wanted:
            continue
        path = Path(sources) / key[0] / f"{key[1]}.csv"
        where = f"{key[0]}/{key[1]}.csv"
        sig = _csv_signature(path) if cache is not None else ""
        frame = cache.get(key, sig) if cache is not None else None
        if frame is None:
            frame = _fast_csv(path, key, where)
            if frame is None:  # something is not plain: the row-by-row path names the first problem
                header, rows = _csv_records(path, where)
                frame = _typed_frame(key, rows, header, where)
            if cache is not None:
                cache.put(key, sig, frame)
        tables[key] = frame
    return tables


def _code_tag() -> str:
    """Cached tables are valid for this exact loader and contract only."""
    global _CODE_TAG
    if _CODE_TAG is None:
        h = hashlib.sha256(Path(__file__).read_bytes())
        h.update(Path(contract.__file__).read_bytes())
        _CODE_TAG = h.hexdigest()[:16]
    return _CODE_TAG


_CODE_TAG: str | None = None


def _csv_signature(path: Path) -> str:
    try:
        return stat_tag(path)
    except OSError:
        return ""


def _cached_table(entry: Path, sig: str) -> pd.DataFrame | None:
    import pickle

    try:
        with entry.open("rb") as f:
            tag, stored_sig, frame = pickle.load(f)  # the job's own state folder, never input
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
        return None
    return frame if (tag, stored_sig) == (_code_tag(), sig) else None


def _store_table(entry: Path, sig: str, frame: pd.DataFrame) -> None:
    import pickle

    entry.parent.mkdir(parents=True, exist_ok=True)
    tmp = entry.with_name(f".{entry.name}.tmp")
    with tmp.open("wb") as f:
        pickle.dump((_code_tag(), sig, frame), f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, entry)


# ----------------------------------------------------------------- MySQL


def parse_mysql_url(url: str) -> dict[str, Any]:
    parsed = urlparse(url)
    if parsed.scheme not in ("mysql", "mariadb") or not parsed.hostname:
        raise CliError(f"--mysql {redact_url(url)!r}: expected mysql://user:password@host:port")
    return {
        "host": parsed.hostname,
        "port": parsed.port or 3306,
        "user": unquote(parsed.username or ""),
        "password": unquote(parsed.password or ""),
    }


def load_dimensions_mysql(url: str) -> dict[tuple[str, str], pd.DataFrame]:
    """Read the six tables from a MySQL-compatible server (databases ecr and crm)."""
    import pymysql

    params = parse_mysql_url(url)
    try:
        conn = pymysql.connect(**params, connect_timeout=10, cursorclass=pymysql.cursors.SSDictCursor)
    except pymysql.MySQLError as exc:
        raise CliError(f"--mysql {params['host']}:{params['port']}: cannot connect ({exc})") from None
    tables = {}
    try:
        for key in contract.JOB_COLUMNS:
            where = f"mysql {key[0]}.{key[1]}"
            with conn.cursor() as cur:
                try:
                    cur.execute(f"SELECT * FROM `{key[0]}`.`{key[1]}` LIMIT 0")
                    present = [d[0] for d in cur.description]
                    cur.fetchall()
                    _typed_frame(key, iter(()), present, where)  # names any missing column
                    wanted = list(contract.JOB_COLUMNS[key])
                    cur.execute(f"SELECT {', '.join(f'`{c}`' for c in wanted)} FROM `{key[0]}`.`{key[1]}`")
                except pymysql.MySQLError as exc:
                    raise CliError(f"{where}: cannot read ({exc})") from None
                records = ((f"row {i}", rec) for i, rec in enumerate(cur, start=1))
                tables[key] = _typed_frame(key, records, present, where)
    finally:
        conn.close()
    return tables


def dimensions_from_frames(
    frames: dict[tuple[str, str], pd.DataFrame], origin: str = "catalog"
) -> Dimensions:
    """Validate tables already read by someone else (Glue's catalog) exactly like the CSVs."""
    tables = {}
    for key in contract.JOB_COLUMNS:
        if key not in frames:
            raise CliError(f"{origin} {key[0]}.{key[1]}: table missing")
        present = list(frames[key].columns)
        frame = frames[key][[c for c in contract.JOB_COLUMNS[key] if c in present]]
        records = (
            (f"row {i}", {c: (None if pd.isna(v) else v) for c, v in rec.items()})
            for i, rec in enumerate(frame.to_dict("records"), start=1)
        )
        tables[key] = _typed_frame(key, records, present, f"{origin} {key[0]}.{key[1]}")
    dims = Dimensions(tables)
    _check_rows(dims)
    return dims


def load_dimensions(
    sources: Path | None, mysql_url: str | None = None, cache: DimensionCache | None = None
) -> Dimensions:
    """All six tables, from MySQL when a URL is given, else from the snapshot CSVs; validated.
    cache: see load_dimensions_csv (CSV only: a database has no file signature)."""
    if mysql_url:
        tables = load_dimensions_mysql(mysql_url)
    else:
        if sources is None:
            raise CliError("--sources is required when --mysql is not given")
        tables = load_dimensions_csv(sources, cache=cache)
    dims = Dimensions(tables)
    _check_rows(dims)
    return dims
