"""Render scripts/athena/views/*.sql into views.json: each view's SELECT and its output columns,
which modules/athena turns into Glue VIRTUAL_VIEW tables in Athena's own view form (so the views
exist right after `terraform apply`, and QuickSight's data sets find them).

Column types come from sqlglot's type inference over the curated tables' schema
(metric_tables.json), then WIDENED (integers -> bigint, decimal(p,s) -> decimal(38,s),
real -> double): Athena marks a view stale when the type a query produces cannot be coerced to
the stored one, and every narrower type coerces to these.

    python scripts/athena/render_views.py           # rewrite views.json
    python scripts/athena/render_views.py --check   # exit 1 when views.json is out of date
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import sqlglot
from sqlglot import exp
from sqlglot.optimizer.annotate_types import annotate_types
from sqlglot.optimizer.qualify import qualify

HERE = Path(__file__).resolve().parent
OUT = HERE / "views.json"
DB = "cinema_db_placeholder"


def _widen(presto_type: str) -> str:
    t = presto_type.lower().replace(" ", "")
    if t in ("tinyint", "smallint", "integer", "int", "bigint"):
        return "bigint"
    if t in ("real", "float", "double"):
        return "double"
    if m := re.fullmatch(r"decimal\((\d+),(\d+)\)", t):
        return f"decimal(38,{m.group(2)})"
    if t.startswith("varchar") or t in ("char", "text", "string"):
        return "varchar"
    if t in ("date", "boolean", "timestamp"):
        return t
    raise ValueError(f"no widening rule for type {presto_type!r}")


def hive_type(presto_type: str) -> str:
    """The Glue column type Athena stores beside a view's Presto type."""
    return "string" if presto_type == "varchar" else presto_type


def _schema() -> dict[str, dict[str, dict[str, str]]]:
    """The tables a view may read: the metric tables and the data-quality tables."""
    tables = {}
    meta = {"tables": {}}
    for source in ("metric_tables.json", "quality_tables.json"):
        meta["tables"].update(json.loads((HERE / source).read_text())["tables"])
    for name, table in meta["tables"].items():
        cols = {c["name"]: c["type"] for c in table["columns"]}
        cols.update({c["name"]: c["type"] for c in table.get("partition_keys") or []})
        tables[name] = cols
    return {DB: tables}


def render() -> dict[str, dict[str, object]]:
    schema = _schema()
    views: dict[str, dict[str, object]] = {}
    for path in sorted((HERE / "views").glob("*.sql")):
        text = path.read_text()
        create = sqlglot.parse_one(text.replace("${database}", DB), read="athena")
        if not isinstance(create, exp.Create) or not isinstance(create.expression, exp.Query):
            raise ValueError(f"{path.name}: not a CREATE VIEW ... AS SELECT")
        select = annotate_types(
            qualify(create.expression.copy(), schema=schema, dialect="athena"), schema=schema
        )
        columns = []
        for projection in select.selects:
            if projection.type is None or projection.type.this == exp.DataType.Type.UNKNOWN:
                raise ValueError(f"{path.name}: cannot infer the type of {projection.alias_or_name}")
            columns.append({"name": projection.alias_or_name, "type": _widen(projection.type.sql("athena"))})
        body = re.split(
            r'^CREATE OR REPLACE VIEW "\$\{database\}"\."\w+" AS\s*$', text, maxsplit=1, flags=re.M
        )[1]
        body = body.strip().rstrip(";")
        views[path.stem] = {
            "sql": body,
            "columns": columns,
            "hive_types": [hive_type(c["type"]) for c in columns],
        }
    return views


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when views.json is out of date")
    args = parser.parse_args(argv)
    text = json.dumps({"views": render()}, indent=2, sort_keys=True) + "\n"
    if args.check:
        if not OUT.exists() or OUT.read_text() != text:
            print(f"{OUT} is out of date: run python {Path(__file__).relative_to(HERE.parents[1])}")
            return 1
        return 0
    OUT.write_text(text)
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
