"""Run the Athena (Trino) SQL of scripts/athena on DuckDB, over a run's curated Parquet.

The views are written once, in Athena's dialect; locally sqlglot transpiles them to DuckDB.
Where DuckDB differs from Trino in a way sqlglot does not bridge, this module makes DuckDB
behave like Athena instead of editing the SQL:

- integer division: Trino divides bigint by bigint as integers; DuckDB's `/` returns a
  double unless `SET integer_division = true`, so it is set (a missing CAST shows locally).
- `date_add('day', n, d)` on a DATE returns a DATE in Trino; transpiled to `d + INTERVAL`
  DuckDB returns a TIMESTAMP, so it is rewritten to `d + CAST(n AS INTEGER)` (DATE + INTEGER = DATE; on a
  timestamp DuckDB raises, it does not silently change meaning).
- `at_timezone(ts, zone)` has no DuckDB twin: a macro maps it to `timezone(zone, ts)`.
- the session time zone is UTC, like Athena's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import sqlglot
from sqlglot import exp

from cinema_metrics.errors import CliError
from cinema_metrics.metrics import METRIC_TABLES

REPO_ROOT = Path(__file__).resolve().parents[4]
ATHENA_DIR = REPO_ROOT / "scripts" / "athena"
LOCAL_DATABASE = "cinema"
PLACEHOLDER = re.compile(r"\$\{([a-z_]+)(?:\.([a-z_]+))?\}")


def sql_files(kind: str) -> list[Path]:
    """The .sql files of scripts/athena/<kind> (ddl, views, named_queries), sorted by name."""
    return sorted((ATHENA_DIR / kind).glob("*.sql"))


def substitute(sql: str, values: Mapping[str, object], source: str = "<sql>") -> str:
    """Fill the Terraform templatefile placeholders (`${name}` or `${map.key}`) in a SQL file."""

    def fill(m: re.Match[str]) -> str:
        name, key = m.group(1), m.group(2)
        if name not in values:
            raise CliError(f"{source}: unknown placeholder ${{{m.group(0)[2:-1]}}}; known: {sorted(values)}")
        value = values[name]
        if key is None:
            return str(value)
        if not isinstance(value, Mapping) or key not in value:
            raise CliError(f"{source}: placeholder {m.group(0)} has no value for {key!r}")
        return str(value[key])

    return PLACEHOLDER.sub(fill, sql)


def _date_add_day_to_plus(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.DateAdd) and node.text("unit").upper() == "DAY":
        days = exp.Cast(this=node.expression.copy(), to=exp.DataType.build("INTEGER"))
        return exp.Add(this=node.this.copy(), expression=days)
    return node


def _duck_type(athena: str) -> str:
    """DuckDB's type for an Athena column type of the data-quality tables."""
    simple = {
        "string": "VARCHAR",
        "bigint": "BIGINT",
        "boolean": "BOOLEAN",
        "date": "DATE",
        "double": "DOUBLE",
    }
    if athena in simple:
        return simple[athena]
    key, value = athena.removeprefix("map<").removesuffix(">").split(",")
    return f"MAP({simple[key]}, {simple[value]})"


def to_duckdb(athena_sql: str) -> list[str]:
    """Transpile Athena (Trino) statements to DuckDB, with the fixes listed in the module doc."""
    out: list[str] = []
    for tree in sqlglot.parse(athena_sql, read="athena"):
        if tree is None:
            continue
        out.append(tree.transform(_date_add_day_to_plus).sql(dialect="duckdb"))
    return out


@dataclass
class LocalAthena:
    """A DuckDB connection with the curated tables and the views of scripts/athena."""

    metrics_dir: Path
    con: duckdb.DuckDBPyConnection = field(init=False)

    def __post_init__(self) -> None:
        missing = [t for t in METRIC_TABLES if not any((self.metrics_dir / t).rglob("*.parquet"))]
        if missing:
            raise CliError(
                f"{self.metrics_dir}: no Parquet files for {', '.join(missing)}; "
                "pass the output folder of `cinema-metrics run`"
            )
        self.con = duckdb.connect()
        self.con.execute("SET TimeZone = 'UTC'")
        self.con.execute("SET integer_division = true")
        self.con.execute("CREATE MACRO at_timezone(ts, zone) AS timezone(zone, ts)")
        self.con.execute(f'CREATE SCHEMA "{LOCAL_DATABASE}"')
        for table in METRIC_TABLES:
            glob = str(self.metrics_dir / table / "**" / "*.parquet").replace("'", "''")
            self.con.execute(
                f'CREATE VIEW "{LOCAL_DATABASE}"."{table}" AS SELECT * FROM read_parquet('
                f"'{glob}', hive_partitioning = true, hive_types = {{'partition_month': VARCHAR}})"
            )
        self._quality_tables()
        for path in sql_files("views"):
            sql = substitute(path.read_text(encoding="utf-8"), self.placeholders, path.name)
            for statement in to_duckdb(sql):
                self.con.execute(statement)

    def _quality_tables(self) -> None:
        """The job's JSON records (quarantine/, runs/ beside metrics/) as the data-quality tables
        of scripts/athena/quality_tables.json, typed as Athena's JSON SerDe types them."""
        output = self.metrics_dir.parent
        doc = json.loads((ATHENA_DIR / "quality_tables.json").read_text(encoding="utf-8"))
        for name, table in doc["tables"].items():
            types = {c["name"]: _duck_type(c["type"]) for c in table["columns"]}
            files = sorted(str(p) for p in (output / table["folder"]).rglob("*.json*"))
            cols = ", ".join(f'"{c}" {t}' for c, t in types.items())
            if not files:  # no record yet: an empty table of the right shape
                self.con.execute(f'CREATE TABLE "{LOCAL_DATABASE}"."{name}" ({cols}, "run_date" DATE)')
                continue
            listing = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
            spec = ", ".join(f"'{c}': '{t}'" for c, t in types.items())
            self.con.execute(
                f'CREATE VIEW "{LOCAL_DATABASE}"."{name}" AS SELECT * FROM read_json([{listing}], '
                f"columns = {{{spec}}}, format = 'newline_delimited', hive_partitioning = true, "
                "hive_types = {'run_date': DATE})"
            )

    @property
    def placeholders(self) -> dict[str, object]:
        return {"database": LOCAL_DATABASE}

    def view(self, name: str) -> pd.DataFrame:
        return self.con.execute(f'SELECT * FROM "{LOCAL_DATABASE}"."{name}"').df()

    def rows(self, sql: str, params: list[object] | None = None) -> list[dict[str, object]]:
        """Rows as dicts of Python values (date, Decimal, int, float, str, bool)."""
        cur = self.con.execute(sql, params or [])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    def views(self) -> list[str]:
        return [p.stem for p in sql_files("views")]
