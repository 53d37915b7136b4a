"""The hand-built set follows the metric declarations: every declared table, every declared
column (and no other), and a table it builds no rows of still gets rows over its key."""

from __future__ import annotations

import copy

import handbuilt
import pytest

from cinema_metrics.metrics import METRIC_TABLES


def test_every_declared_table_and_column_is_in_the_set() -> None:
    rows = handbuilt.build_rows()
    assert set(rows) == set(METRIC_TABLES)
    for table, table_rows in rows.items():
        assert table_rows, f"{table}: no rows"
        assert all(list(r) == list(METRIC_TABLES[table].kinds) for r in table_rows), table


def test_a_ratio_declared_as_a_quotient_is_computed_from_the_row() -> None:
    rows = handbuilt.build_rows()["site_daily"]
    zero = [r for r in rows if r["capacity"] == 0]
    assert all(r["occupancy"] is None for r in zero)  # a zero denominator is NULL
    for r in rows:
        if r["capacity"]:
            assert r["occupancy"] == round(r["admissions"] / r["capacity"], 4)


def test_a_new_table_gets_rows_over_its_key(monkeypatch: pytest.MonkeyPatch) -> None:
    tables = copy.deepcopy(handbuilt.TABLES)
    tables["popcorn_daily"] = {
        "key": ["site_id", "business_date", "category"],
        "date_column": "business_date",
        "columns": [
            {"name": "site_id", "kind": "id", "type": "bigint", "definition": "the site"},
            {"name": "business_date", "kind": "date", "type": "date", "definition": "D"},
            {"name": "category", "kind": "str", "type": "string", "definition": "the category"},
            {"name": "share", "kind": "ratio", "type": "double", "definition": "revenue / units (a ratio)"},
            {"name": "units", "kind": "count", "type": "bigint", "definition": "units"},
            {"name": "revenue", "kind": "money", "type": "decimal(18,2)", "definition": "revenue"},
        ],
    }
    monkeypatch.setattr(handbuilt, "TABLES", tables)
    rows = handbuilt.build_rows()["popcorn_daily"]
    assert len(rows) == len(handbuilt.SITES) * handbuilt.DAYS * 3
    assert len({(r["site_id"], r["business_date"], r["category"]) for r in rows}) == len(rows)
    assert all(
        r["share"] == (round(float(r["revenue"]) / r["units"], 4) if r["units"] else None) for r in rows
    )
    with pytest.raises(AssertionError, match=r"popcorn_daily: \['popcorn'\] are not declared columns"):
        handbuilt.complete("popcorn_daily", [{"popcorn": 1}])
