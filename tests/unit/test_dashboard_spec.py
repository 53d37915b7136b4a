"""The dashboard spec loader: the committed spec is valid and uses the views' columns, and
mistakes are reported naming the spec file and the visual."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from cinema_metrics.dashboards.athena_local import sql_files
from cinema_metrics.dashboards.spec import SPEC_PATH, load_spec
from cinema_metrics.errors import CliError


def test_committed_spec_declares_the_required_dashboard() -> None:
    spec = load_spec()
    kpis = {v.value.columns for v in spec.visuals() if v.type == "kpi" and v.value}
    assert kpis == {
        ("admissions",),
        ("box_office",),
        ("box_office", "paid_admissions"),
        ("concession_revenue", "admissions"),
        ("admissions", "capacity"),
    }
    assert {v.type for v in spec.visuals()} == {"kpi", "line", "bar", "heatmap", "table"}
    assert {f.id for f in spec.filters} == {"site", "dates", "film"}
    assert {d.view for d in spec.datasets.values()} <= {p.stem for p in sql_files("views")}
    assert "session_table" in {v.id for v in spec.visuals() if v.type == "table"}


def _broken(tmp_path: Path, edit) -> Path:
    raw = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    edit(raw)
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


def test_unknown_column_names_the_file_and_the_visual(tmp_path: Path) -> None:
    path = _broken(tmp_path, lambda r: r["sheets"][0]["visuals"][0].update(value={"sum": "admisions"}))
    with pytest.raises(CliError, match=rf"{path}: visual 'kpi_admissions': unknown column\(s\) admisions"):
        load_spec(path)


def test_unknown_dataset_names_the_file_and_the_visual(tmp_path: Path) -> None:
    path = _broken(tmp_path, lambda r: r["sheets"][1]["visuals"][0].update(dataset="movies"))
    with pytest.raises(CliError, match=rf"{path}: visual 'top_films': unknown dataset 'movies'"):
        load_spec(path)


def test_unknown_filter_column_is_an_error(tmp_path: Path) -> None:
    path = _broken(tmp_path, lambda r: r["filters"][0]["columns"].update(daily="site"))
    with pytest.raises(CliError, match=r"filter 'site': unknown column 'site'"):
        load_spec(path)


def test_declared_columns_exist_in_the_views_with_matching_types(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sql"))
    from handbuilt import build_rows, write_tables

    from cinema_metrics.dashboards.athena_local import LocalAthena

    local = LocalAthena(write_tables(tmp_path, build_rows()) / "metrics")
    # DuckDB sums BIGINT into HUGEINT where Trino keeps BIGINT: both are integers for QuickSight
    duck = {
        "integer": ("BIGINT", "INTEGER", "HUGEINT"),
        "decimal": ("DECIMAL", "DOUBLE"),
        "date": ("DATE",),
        "string": ("VARCHAR",),
    }
    for ds in load_spec().datasets.values():
        types = {r["column_name"]: r["column_type"] for r in local.rows(f'DESCRIBE "cinema"."{ds.view}"')}
        for col, kind in ds.columns.items():
            assert col in types, f"dataset {ds.id}: view {ds.view} has no column {col}"
            assert types[col].startswith(duck[kind]), f"dataset {ds.id}.{col}: {kind} vs {types[col]}"
