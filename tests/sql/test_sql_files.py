"""Static checks of scripts/athena: every file parses in Athena's dialect, uses only the
placeholders the Terraform module fills, and the DDL columns equal metric_tables.json equal
contract.py. Where DuckDB cannot stand in for Trino, the SQL text is checked instead."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest
import sqlglot
from sqlglot import exp

from cinema_metrics import catalog
from cinema_metrics.dashboards.athena_local import ATHENA_DIR, PLACEHOLDER, sql_files, substitute, to_duckdb
from cinema_metrics.metrics import METRIC_TABLES

VALUES = {
    "database": "cinema_prod_metrics",
    "dynamodb_catalog": "cinema-prod-dynamodb",
    "dynamodb_tables": {t: f"cinema-prod-{t}" for t in METRIC_TABLES},
    "curated_location": "s3://cinema-prod-data/curated/metrics/",
    "output_location": "s3://cinema-prod-data/curated/",
}
# which placeholders each folder may use (Terraform's templatefile fails on unknown ones)
ALLOWED = {
    "ddl": {"database", "curated_location"},
    "views": {"database"},
    "named_queries": {"dynamodb_catalog", "dynamodb_tables", "database"},
    "quality": {"database", "output_location"},
}
ALL_FILES = [p for kind in ALLOWED for p in sql_files(kind)]


def _parse(path: Path) -> exp.Expression:
    sql = substitute(path.read_text(encoding="utf-8"), VALUES, path.name)
    trees = [t for t in sqlglot.parse(sql, read="athena") if t is not None]
    assert len(trees) == 1, f"{path.name}: expected one statement, got {len(trees)}"
    return trees[0]


def test_the_folders_hold_the_expected_files() -> None:
    assert sorted(p.stem for p in sql_files("ddl")) == sorted(METRIC_TABLES)
    views = {p.stem for p in sql_files("views")}
    generated = {catalog.default_view_name(m) for m in METRIC_TABLES.values()}
    assert generated <= views, "every metric has its default view (make generate)"
    assert views - generated, "the dashboard views are written by hand beside them"
    assert len(sql_files("named_queries")) >= 3


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_parses_as_athena_with_known_placeholders_only(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    used = {m.group(1) for m in PLACEHOLDER.finditer(text)}
    assert used <= ALLOWED[path.parent.name], f"{path}: placeholders {used - ALLOWED[path.parent.name]}"
    # every "${" or "%{" must be a placeholder, or templatefile would try to evaluate it
    stray = [
        m.group(0) for m in re.finditer(r"[$%]\{[^}]*\}?", text) if not PLACEHOLDER.fullmatch(m.group(0))
    ]
    assert not stray, f"{path}: template sequences templatefile cannot fill: {stray}"
    for m in PLACEHOLDER.finditer(text):
        if m.group(1) == "dynamodb_tables":
            assert m.group(2) in METRIC_TABLES, f"{path}: {m.group(0)} is not a metric table"
    tree = _parse(path)
    kind = path.parent.name
    if kind == "views":
        assert isinstance(tree, exp.Create) and tree.kind == "VIEW" and tree.args.get("replace")
        assert tree.this.name == path.stem, f"{path}: the view must be named like its file"
        assert tree.this.db == VALUES["database"]
    elif kind == "named_queries":
        assert isinstance(tree, exp.Select), f"{path}: a named query is one SELECT"
        sources = {(t.catalog, t.db) for t in tree.find_all(exp.Table)}
        one_source = {(VALUES["dynamodb_catalog"], "default")}, {("", VALUES["database"])}
        assert {c for c, _db in sources} == {VALUES["dynamodb_catalog"]} or sources in one_source, (
            f"{path}: a look-up reads the DynamoDB catalog or the Glue database, one of them"
        )
        assert list(tree.find_all(exp.Placeholder)), f"{path}: look-ups take execution parameters (?)"
    else:
        assert isinstance(tree, exp.Create) and tree.kind == "TABLE"


def _ddl_columns(tree: exp.Expression) -> list[tuple[str, str]]:
    """(name, Hive type) of a CREATE TABLE's columns, spaces removed."""
    return [(c.name, c.args["kind"].sql("hive").lower().replace(" ", "")) for c in tree.this.expressions]


def test_quality_ddl_equals_quality_tables_json() -> None:
    """The data-quality tables: JSON SerDe over the job's records, projected by run_date."""
    document = json.loads((ATHENA_DIR / "quality_tables.json").read_text(encoding="utf-8"))
    assert document == catalog.quality_document(), "quality_tables.json is stale"
    assert sorted(p.stem for p in sql_files("quality")) == sorted(document["tables"])
    for table, spec in document["tables"].items():
        tree = _parse(ATHENA_DIR / "quality" / f"{table}.sql")
        assert _ddl_columns(tree) == [(c["name"], c["type"].replace(" ", "")) for c in spec["columns"]]
        text = tree.sql("athena")
        assert f"'{VALUES['output_location']}{spec['folder']}/'" in text
        assert spec["serde"] in text and "'projection.run_date.type'='date'" in text.replace(" ", "")


def test_ddl_columns_equal_metric_tables_json_equal_contract() -> None:
    document = json.loads((ATHENA_DIR / "metric_tables.json").read_text(encoding="utf-8"))
    assert document == catalog.metric_tables_document(), "metric_tables.json is stale"
    assert catalog.main(["--check"]) == 0
    for table, spec in document["tables"].items():
        assert [c["name"] for c in spec["columns"]] == list(METRIC_TABLES[table].kinds)
        tree = _parse(ATHENA_DIR / "ddl" / f"{table}.sql")
        assert _ddl_columns(tree) == [(c["name"], c["type"].replace(" ", "")) for c in spec["columns"]], table
        props = {
            p.name: p.text("value") for p in tree.find_all(exp.Property) if p.name.startswith("projection")
        }
        assert props["projection.partition_month.format"] == "yyyy-MM"
        assert props["projection.enabled"] == "true"
        assert f"'{VALUES['curated_location']}{table}/'" in tree.sql("athena")


@pytest.mark.parametrize("path", sql_files("views"), ids=lambda p: p.name)
def test_every_division_is_on_doubles(path: Path) -> None:
    """Trino divides bigint by bigint as integers (7 / 2 = 3). Locally DuckDB is put in
    the same mode (SET integer_division), and the text must CAST both sides to double."""
    for div in _parse(path).find_all(exp.Div):
        for side in (div.this, div.expression):
            assert isinstance(side, exp.Cast) and side.to.this == exp.DataType.Type.DOUBLE, (
                f"{path.name}: {div.sql('athena')}: cast both operands to double"
            )


def test_local_duckdb_divides_integers_like_trino() -> None:
    con = duckdb.connect()
    con.execute("SET integer_division = true")
    assert con.execute(to_duckdb("SELECT 7 / 2, CAST(7 AS double) / CAST(2 AS double)")[0]).fetchone() == (
        3,
        3.5,
    )


@pytest.mark.parametrize("path", sql_files("views"), ids=lambda p: p.name)
def test_views_avoid_what_duckdb_cannot_check(path: Path) -> None:
    """Functions whose DuckDB translation is not faithful are kept out of the views:
    - date_diff: Trino counts whole units elapsed, DuckDB counts boundaries crossed
      (23:00 -> 01:00 next day: Trino 0 days, DuckDB 1);
    - format_datetime (Java patterns): sqlglot leaves it untranslated;
    - current_date / now(): they depend on the session time zone (UTC in Athena), not the
      site's, so a business date must come from the data.
    Weekdays use day_of_week (ISO 1 = Monday ... 7 = Sunday), which maps to DuckDB's
    ISODOW; DuckDB's own dayofweek() would say 0 for Sunday."""
    tree = _parse(path)
    names = {type(f).__name__ for f in tree.find_all(exp.Func)} | {
        f.name.lower() for f in tree.find_all(exp.Anonymous)
    }
    assert not names & {"DateDiff", "TimestampDiff", "CurrentDate", "CurrentTimestamp", "format_datetime"}
    duck = to_duckdb(substitute(path.read_text(encoding="utf-8"), VALUES, path.name))[0]
    if "day_of_week" in path.read_text(encoding="utf-8"):
        assert "ISODOW(" in duck and "DAYOFWEEK(" not in duck.upper().replace("ISODOW", "")


def test_date_diff_differs_between_trino_and_duckdb() -> None:
    """Why date_diff stays out of the views: the same transpiled call gives DuckDB's
    boundary count, not Trino's elapsed whole days (Trino: 0 for a 2-hour span)."""
    sql = "SELECT date_diff('day', TIMESTAMP '2024-03-01 23:00:00', TIMESTAMP '2024-03-02 01:00:00')"
    duck = to_duckdb(sql)[0]
    assert duckdb.connect().execute(duck).fetchone()[0] == 1  # Trino returns 0 here


def test_date_add_on_a_date_stays_a_date_locally() -> None:
    con = duckdb.connect()
    (value,) = con.execute(to_duckdb("SELECT date_add('day', -7, DATE '2024-03-01')")[0]).fetchone()
    assert type(value).__name__ == "date" and str(value) == "2024-02-23"
