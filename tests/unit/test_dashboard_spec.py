"""The dashboard spec loader: the committed spec is valid, its data sets take their columns
and types from the views (scripts/athena/views.json, derived from the metric declarations),
and mistakes are reported naming the spec file and the visual."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from cinema_metrics.dashboards.athena_local import sql_files
from cinema_metrics.dashboards.spec import SPEC_PATH, VIEWS_PATH, column_type, load_spec
from cinema_metrics.errors import CliError
from cinema_metrics.metrics import METRIC_TABLES


def test_committed_spec_declares_the_required_dashboard() -> None:
    spec = load_spec()
    kpis = {v.value.columns for v in spec.visuals() if v.type == "kpi" and v.value}
    assert kpis == {
        ("admissions",),
        ("box_office",),
        ("box_office", "paid_admissions"),
        ("concession_revenue", "admissions"),
        ("admissions", "capacity"),
        ("lines_quarantined", "lines_read"),  # the Data quality sheet
        ("lines_quarantined",),
    }
    assert {v.type for v in spec.visuals()} == {"kpi", "line", "bar", "heatmap", "table", "freshness"}
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


def test_a_column_of_another_view_is_refused(tmp_path: Path) -> None:
    """member_admissions is a column of the loyalty view, not of the daily one."""
    path = _broken(
        tmp_path, lambda r: r["sheets"][0]["visuals"][0].update(value={"sum": "member_admissions"})
    )
    with pytest.raises(
        CliError,
        match=rf"{path}: visual 'kpi_admissions': unknown column\(s\) member_admissions in dataset 'daily'",
    ):
        load_spec(path)


def test_dataset_columns_and_types_are_the_views(tmp_path: Path) -> None:
    views = json.loads(VIEWS_PATH.read_text(encoding="utf-8"))["views"]
    spec = load_spec()
    for ds in spec.datasets.values():
        want = {c["name"]: column_type(c["type"]) for c in views[ds.view]["columns"]}
        assert ds.columns == want and list(ds.columns) == list(want), ds.id
    # the spec itself lists no column of any data set
    raw = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    assert all(set(d) <= {"view", "metric", "title"} for d in raw["datasets"].values())


def test_a_new_view_column_reaches_the_data_set_without_a_spec_edit(tmp_path: Path) -> None:
    views = json.loads(VIEWS_PATH.read_text(encoding="utf-8"))
    views["views"]["v_site_daily_trend"]["columns"].append({"name": "popcorn_units", "type": "bigint"})
    views_path = tmp_path / "views.json"
    views_path.write_text(json.dumps(views), encoding="utf-8")
    path = _broken(tmp_path, lambda r: r["sheets"][0]["visuals"][0].update(value={"sum": "popcorn_units"}))
    spec = load_spec(path, views_path)
    assert spec.datasets["daily"].columns["popcorn_units"] == "integer"
    assert spec.visuals()[0].value.columns == ("popcorn_units",)  # type: ignore[union-attr]


def test_a_metric_data_set_is_its_default_view(tmp_path: Path) -> None:
    def edit(r: dict) -> None:
        r["datasets"]["metric_daily"] = {"metric": "site_daily", "title": "Site daily"}
        r["sheets"][0]["visuals"].append(
            {"id": "kpi_attach", "type": "kpi", "title": "Attach", "dataset": "metric_daily",
             "value": {"ratio": ["admissions", "capacity"]}, "format": "percent"}
        )  # fmt: skip

    spec = load_spec(_broken(tmp_path, edit))
    ds = spec.datasets["metric_daily"]
    assert (ds.view, ds.metric) == ("v_metric_site_daily", "site_daily")
    assert list(ds.columns) == [*METRIC_TABLES["site_daily"].kinds, "partition_month"]


@pytest.mark.parametrize(
    ("dataset", "message"),
    [
        ({"view": "v_site_daily_trend", "columns": {"site_id": "integer"}}, r"columns are not written here"),
        ({"metric": "popcorn_daily"}, r"unknown metric 'popcorn_daily'; declared: .*site_daily"),
        ({"view": "v_popcorn"}, r"view 'v_popcorn' is not in .*views.json"),
        ({"view": "v_site_daily_trend", "metric": "site_daily"}, r"needs a view .* or a metric"),
        ({"title": "nothing"}, r"needs a view .* or a metric"),
    ],
)
def test_dataset_mistakes_name_the_file_and_the_dataset(tmp_path: Path, dataset: dict, message: str) -> None:
    path = _broken(tmp_path, lambda r: r["datasets"].update(daily=dataset))
    with pytest.raises(CliError, match=rf"{path}: dataset 'daily': {message}"):
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
        "timestamp": ("TIMESTAMP",),
        "string": ("VARCHAR",),
        "boolean": ("BOOLEAN",),
    }
    for ds in load_spec().datasets.values():
        types = {r["column_name"]: r["column_type"] for r in local.rows(f'DESCRIBE "cinema"."{ds.view}"')}
        for col, kind in ds.columns.items():
            assert col in types, f"dataset {ds.id}: view {ds.view} has no column {col}"
            assert types[col].startswith(duck[kind]), f"dataset {ds.id}.{col}: {kind} vs {types[col]}"
