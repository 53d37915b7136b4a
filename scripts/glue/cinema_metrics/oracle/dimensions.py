"""Read and check the ECR/CRM snapshot CSVs (docs/contract/sources.md) for the oracle.

Written independently of the job: a broken dimension table is fatal and the message names
the file, the row and the problem.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cinema_metrics import contract
from cinema_metrics.errors import CliError

Row = dict[str, object]


@dataclass
class Dimensions:
    sites: dict[int, Row]
    screens: dict[int, Row]
    films: dict[int, Row]
    showtimes: dict[int, Row]
    memberships: list[Row]

    def showtime_site(self) -> dict[int, int]:
        """showtime_id -> site_id (through the showtime's screen)."""
        return {sid: self.screens[int(r["screen_id"])]["site_id"] for sid, r in self.showtimes.items()}


def _parse_datetime(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    if value.tzinfo is not None:  # UTC columns may carry an explicit offset; store naive UTC
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


_PARSERS = {
    "int": int,
    "bigint": int,
    "str": str,
    "date": date.fromisoformat,
    "datetime": _parse_datetime,
}


def _read_table(sources: Path, db: str, table: str) -> dict[object, Row]:
    path = sources / db / f"{table}.csv"
    rel = f"{db}/{table}.csv"
    if not path.is_file():
        raise CliError(f"{rel}: file missing under {sources}; a snapshot needs it (docs/contract/sources.md)")
    schema = contract.DIMENSIONS[(db, table)]
    nullable = contract.NULLABLE.get((db, table), frozenset())
    key = contract.PRIMARY_KEYS[(db, table)]
    rows: dict[object, Row] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header = reader.fieldnames or []
        missing = [c for c in schema if c not in header]
        if missing:
            raise CliError(f"{rel}: missing column(s) {', '.join(missing)}; add them to the header row")
        for n, raw in enumerate(reader, start=2):  # row 1 is the header
            row: Row = {}
            for col, kind in schema.items():
                text = raw.get(col)
                if text is None or text == "":
                    if col not in nullable:
                        raise CliError(f"{rel} row {n}: column {col} is empty but required")
                    row[col] = None
                    continue
                try:
                    row[col] = _PARSERS[kind](text)
                except ValueError:
                    raise CliError(f"{rel} row {n}: column {col}={text!r} is not a valid {kind}") from None
            k = row[key]
            if k in rows:
                raise CliError(f"{rel} row {n}: duplicate {key} {k}")
            rows[k] = row
    return rows


def load_dimensions(sources: Path) -> Dimensions:
    sites = _read_table(sources, "ecr", "sites")
    screens = _read_table(sources, "ecr", "screens")
    films = _read_table(sources, "ecr", "films")
    showtimes = _read_table(sources, "ecr", "showtimes")
    _read_table(sources, "crm", "customers")  # checked (keys, types) though no metric needs a column
    memberships = list(_read_table(sources, "crm", "loyalty_memberships").values())
    for sid, s in sites.items():
        try:
            ZoneInfo(str(s["timezone"]))
        except (ZoneInfoNotFoundError, ValueError):
            raise CliError(f"ecr/sites.csv: site {sid} has unknown timezone {s['timezone']!r}") from None
    for scid, sc in screens.items():
        if sc["site_id"] not in sites:
            raise CliError(f"ecr/screens.csv: screen {scid} references unknown site {sc['site_id']}")
        if int(sc["seats"]) <= 0:  # type: ignore[call-overload]
            raise CliError(f"ecr/screens.csv: screen {scid} has seats {sc['seats']}; seats must be > 0")
    for stid, st in showtimes.items():
        if st["screen_id"] not in screens:
            raise CliError(f"ecr/showtimes.csv: showtime {stid} references unknown screen {st['screen_id']}")
        if st["film_id"] not in films:
            raise CliError(f"ecr/showtimes.csv: showtime {stid} references unknown film {st['film_id']}")
        if st["status"] not in contract.SHOWTIME_STATUSES:
            raise CliError(f"ecr/showtimes.csv: showtime {stid} has unknown status {st['status']!r}")
    return Dimensions(sites, screens, films, showtimes, memberships)
