"""The numbers the Terraform checks expect, derived from the files Terraform itself reads, never typed.

A metric table is one declaration (scripts/glue/cinema_metrics/metrics/<name>.py) and `make generate`
writes what follows from it: scripts/athena/metric_tables.json (a DynamoDB table and a Glue catalog
table each), a default view per metric in scripts/athena/views/ (rendered into views.json, each a
Glue VIRTUAL_VIEW table and a saved query) and the dashboard's data sets
(dashboards/quicksight/datasets.json). The data-quality tables are declared once too
(cinema_metrics/catalog.py QUALITY_TABLES -> scripts/athena/quality_tables.json, a Glue catalog
table each). The inventories (inventories/*.yaml), the apply test and the
destroy check name these quantities instead of numbers, e.g. `aws_dynamodb_table: metric_tables + 1`,
so adding a metric changes no test.

    metric_tables        tables of scripts/athena/metric_tables.json
    quality_tables       tables of scripts/athena/quality_tables.json (the job's quarantine and run
                         records, modules/glue_catalog's JSON tables)
    views                views of scripts/athena/views.json (modules/athena's VIRTUAL_VIEW tables)
    saved_queries        scripts/athena/{named_queries,views}/*.sql (modules/athena's saved queries)
    dynamodb_queries     those of them that read the DynamoDB connector's catalog (saved only with it on)
    dashboard_data_sets  data sets of dashboards/quicksight/datasets.json (modules/quicksight)
    throttle_alarms      modules/observability's DynamoDB throttle alarms: one per 10 metric tables
                         (a metric-math alarm reads at most 10 metrics)
"""

from __future__ import annotations

import json
import math
import re
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
METRIC_TABLES_JSON = Path("scripts/athena/metric_tables.json")
QUALITY_TABLES_JSON = Path("scripts/athena/quality_tables.json")
VIEWS_JSON = Path("scripts/athena/views.json")
SQL_DIR = Path("scripts/athena")
DATA_SETS_JSON = Path("dashboards/quicksight/datasets.json")
_TERM = re.compile(r"^(?:(\d+)\s*\*\s*)?([a-z_]+)$|^(\d+)$")


def metric_tables(root: Path = ROOT) -> dict[str, dict[str, Any]]:
    """{table: its entry of metric_tables.json} (columns, key, dynamodb keys, ...)."""
    return json.loads((root / METRIC_TABLES_JSON).read_text())["tables"]


def quality_tables(root: Path = ROOT) -> dict[str, dict[str, Any]]:
    """{table: its entry of quality_tables.json} (folder, columns, partition keys, serde, parameters)."""
    return json.loads((root / QUALITY_TABLES_JSON).read_text())["tables"]


def _sql_files(root: Path) -> list[Path]:
    return sorted([*(root / SQL_DIR).glob("named_queries/*.sql"), *(root / SQL_DIR).glob("views/*.sql")])


@cache
def quantities(root: Path = ROOT) -> dict[str, int]:
    sql = _sql_files(root)
    tables = len(metric_tables(root))
    return {
        "metric_tables": tables,
        "quality_tables": len(quality_tables(root)),
        "views": len(json.loads((root / VIEWS_JSON).read_text())["views"]),
        "saved_queries": len(sql),
        "dynamodb_queries": sum("${dynamodb_catalog}" in f.read_text() for f in sql),
        "dashboard_data_sets": len(json.loads((root / DATA_SETS_JSON).read_text())["data_sets"]),
        "throttle_alarms": math.ceil(tables / 10),
    }


def evaluate(expression: int | str, known: dict[str, int] | None = None) -> int:
    """A count as an inventory writes it: a number, or a sum of terms `N`, `name` or `N * name`
    (`-` subtracts), e.g. "saved_queries - dynamodb_queries" or "metric_tables + views"."""
    if isinstance(expression, int) and not isinstance(expression, bool):
        return expression
    known = quantities() if known is None else known
    text = str(expression).strip()
    parts = re.split(r"\s*([+-])\s*", text)
    total, sign = 0, 1
    for i, part in enumerate(parts):
        if i % 2:
            sign = 1 if part == "+" else -1
            continue
        match = _TERM.match(part)
        if not match or (match.group(2) and match.group(2) not in known):
            raise ValueError(
                f"count {text!r}: {part!r} is not a number, a quantity or N * quantity "
                f"(quantities: {', '.join(sorted(known))}; tests/terraform/catalog_counts.py)"
            )
        factor, name, number = match.groups()
        total += sign * (int(number) if number else int(factor or 1) * known[name])
    return total


def describe(expression: int | str, known: dict[str, int] | None = None) -> str:
    """`expression` with its value, for a failure message: "metric_tables + 1 = 6"."""
    value = evaluate(expression, known)
    return str(value) if isinstance(expression, int) else f"{expression} = {value}"
