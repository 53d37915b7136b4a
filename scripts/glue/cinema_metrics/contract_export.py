"""Export contract.METRIC_TABLES as scripts/athena/metric_tables.json.

Terraform (the Glue catalog tables) reads the JSON with jsondecode(file(...)) and the
Athena DDL is checked against it, so contract.py stays the one source of truth for the
curated Parquet columns. Run `python -m cinema_metrics.contract_export` after a contract
change; `--check` exits 1 when the committed file is stale (CI-friendly).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from cinema_metrics.contract import METRIC_TABLES

REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_PATH = REPO_ROOT / "scripts" / "athena" / "metric_tables.json"

# contract column kind -> Athena (Hive DDL) type of the Parquet column.
ATHENA_TYPES: dict[str, str] = {
    "id": "bigint",
    "count": "bigint",
    "date": "date",
    "money": "decimal(18,2)",
    "ratio": "double",
    "money_ratio": "double",
    "str": "string",
}
PARTITION_KEYS = [{"name": "partition_month", "type": "string"}]


def metric_tables_document() -> dict[str, object]:
    """The JSON document: {"tables": {table: {"columns": [...], "partition_keys": [...]}}}."""
    tables: dict[str, object] = {}
    for name, table in METRIC_TABLES.items():
        tables[name] = {
            "columns": [{"name": col, "type": ATHENA_TYPES[kind]} for col, kind in table.columns.items()],
            "partition_keys": [dict(k) for k in PARTITION_KEYS],
        }
    return {"tables": tables}


def render() -> str:
    return json.dumps(metric_tables_document(), indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cinema_metrics.contract_export", description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_PATH, help="where to write the JSON")
    parser.add_argument("--check", action="store_true", help="exit 1 if the file differs instead of writing")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} is stale: run python -m cinema_metrics.contract_export", file=sys.stderr)
            return 1
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
