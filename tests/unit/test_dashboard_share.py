"""A share of total in the dashboard spec ({share: col, of: [dims]}): in the local page the parts
of each group add up to 1 under any filter, and the QuickSight definition of such visuals (a
stacked bar with a color dimension, a heat map) passes the definition checks.

The example visuals run on the committed views (the hand-built curated set of tests/sql), so the
test needs no metric of its own: the box office of each site as a share of the day's, stacked per
day, and the transactions of each hour as a share of the weekday's.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
import yaml
from test_dashboard_quicksight import SCHEMA, _filled, validate

from cinema_metrics.dashboards import quicksight
from cinema_metrics.dashboards.html import write_html
from cinema_metrics.dashboards.spec import SPEC_PATH, Spec, load_spec
from cinema_metrics.errors import CliError

SHARE_SHEET = {
    "id": "shares",
    "title": "Shares",
    "visuals": [
        {
            "id": "site_mix",
            "type": "bar",
            "title": "Box office by site, share of the day",
            "dataset": "daily",
            "category": "business_date",
            "sort": {"column": "business_date"},
            "color": "site_id",
            "stacked": True,
            "value": {"share": "box_office", "of": ["business_date"]},
            "format": "percent",
        },
        {
            "id": "site_split",
            "type": "bar",
            "title": "Admissions by weekday and site, share of all",
            "dataset": "daily",
            "category": "weekday_name",
            "color": "site_id",
            "value": {"share": "admissions", "of": []},
            "format": "percent",
        },
        {
            "id": "hour_mix",
            "type": "heatmap",
            "title": "Transactions by hour, share of the weekday",
            "dataset": "hourly",
            "rows": "weekday_name",
            "rows_order": "weekday_number",
            "columns": "hour",
            "value": {"share": "transactions", "of": ["weekday_name"]},
            "format": "percent",
        },
    ],
}


def share_spec_path(folder: Path) -> Path:
    """The committed spec plus the sheet of share visuals, written to folder/spec.yaml."""
    raw = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    raw["sheets"].append(SHARE_SHEET)
    path = folder / "spec.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return path


def share_definition(folder: Path) -> dict:
    """The QuickSight definition of the share spec (test_dashboard_quicksight --refresh-schema
    cuts the schema subset to cover it too)."""
    return quicksight.definition(load_spec(share_spec_path(folder)))


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> Spec:
    return load_spec(share_spec_path(tmp_path_factory.mktemp("spec")))


# ------------------------------------------------------------------------------ the spec language


def test_the_share_parses_with_its_dimensions(spec: Spec) -> None:
    by_id = {v.id: v for v in spec.visuals()}
    mix = by_id["site_mix"]
    assert mix.value and mix.value.is_share and mix.value.columns == ("box_office",)
    assert mix.value.of == ("business_date",)
    assert (mix.color, mix.stacked, mix.sort) == ("site_id", True, ("business_date", False))
    assert by_id["site_split"].value.of == () and not by_id["site_split"].stacked  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ({"value": {"share": "box_office", "of": ["site_id"]}, "color": None, "stacked": False},
         r"`of` may only name the visual's dimensions \(business_date\), not site_id"),
        ({"value": {"share": "box_office", "of": ["film_week_start"]}},
         r"not film_week_start"),
        ({"value": {"share": "box_office"}}, r"a measure is .*\{share: column, of: \[column, \.\.\.\]\}"),
        ({"value": {"share": "weekday_name", "of": ["business_date"]}}, r"weekday_name is not a number"),
        ({"color": None}, r"stacked needs a color dimension"),
        ({"sort": {"column": "box_office"}}, r"a bar sorts by its value .* or by its category"),
    ],
)  # fmt: skip
def test_share_mistakes_name_the_file_and_the_visual(tmp_path: Path, edit: dict, message: str) -> None:
    path = share_spec_path(tmp_path)
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    visual = raw["sheets"][-1]["visuals"][0]
    visual.update(edit)
    for k in [k for k, x in visual.items() if x is None]:
        del visual[k]
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(CliError, match=rf"{path}: visual 'site_mix': .*{message}"):
        load_spec(path)


def test_a_kpi_cannot_hold_a_share(tmp_path: Path) -> None:
    path = share_spec_path(tmp_path)
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw["sheets"][0]["visuals"][0]["value"] = {"share": "admissions", "of": []}
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(CliError, match=r"visual 'kpi_admissions': a share needs a visual with dimensions"):
        load_spec(path)


# ------------------------------------------------------------------------------ the local page

SEGMENT = re.compile(r'<rect [^>]*data-category="([^"]+)" data-color="([^"]+)" data-value="([^"]+)"')
CELL = re.compile(r'<rect [^>]*data-row="([^"]+)" data-column="([^"]+)" data-value="([^"]+)"')


@pytest.fixture(scope="module")
def page(spec: Spec, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from cinema_metrics.dashboards.chromium import chromium_binary

    try:
        chromium_binary()
    except CliError as exc:
        pytest.skip(str(exc))
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sql"))
    from handbuilt import build_rows, write_tables

    out = write_tables(tmp_path_factory.mktemp("run"), build_rows())
    return write_html(spec, out / "metrics", out / "dashboard" / "index.html")


def _dom(url: str, profile: Path) -> str:
    from cinema_metrics.dashboards.chromium import FLAGS, chromium_binary

    argv = [chromium_binary(), *FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=5000",
            "--window-size=1440,2000", "--dump-dom", url]  # fmt: skip
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-1500:]
    return proc.stdout


def _section(dom: str, visual: str) -> str:
    m = re.search(rf'data-visual-id="{visual}".*?</section>', dom, re.S)
    assert m, f"visual {visual} is not on the page"
    return m.group(0)


def _sums(pattern: re.Pattern[str], html: str) -> dict[str, float]:
    sums: dict[str, float] = defaultdict(float)
    for group, _, value in pattern.findall(html):
        sums[group] += float(value)
    return dict(sums)


@pytest.mark.parametrize(
    "hash_", ["", "#site=2", "#from=2024-01-30&to=2024-02-03", "#site=1&from=2024-02-01"]
)
def test_local_shares_sum_to_one_per_group(page: Path, tmp_path: Path, hash_: str) -> None:
    dom = _dom(page.as_uri() + hash_, tmp_path / "profile")
    days = _sums(SEGMENT, _section(dom, "site_mix"))
    assert len(days) > 3, f"too few days drawn: {days}"
    # site 1 sells no tickets on 2024-01-25: under #site=1 that day's share is NULL (not drawn)
    assert all(abs(s - 1) < 1e-9 for s in days.values()), days
    if "site=" in hash_:  # one site: every day is all of it
        assert {len(SEGMENT.findall(_section(dom, "site_mix")))} == {len(days)}
    whole = _sums(SEGMENT, _section(dom, "site_split"))
    assert abs(sum(whole.values()) - 1) < 1e-9, whole  # of: [] -> the whole visual is 1
    weekdays = _sums(CELL, _section(dom, "hour_mix"))
    assert len(weekdays) >= 2 and all(abs(s - 1) < 1e-9 for s in weekdays.values()), weekdays


def test_local_share_is_a_ratio_of_sums_not_an_average(page: Path, tmp_path: Path) -> None:
    """Each segment equals sum(part) / sum(day) from the page's own data."""
    html = page.read_text(encoding="utf-8")
    blob = re.search(r'<script type="application/json" id="dashboard-data">(.*?)</script>', html, re.S)
    assert blob
    rows = json.loads(blob.group(1).replace("<\\/", "</"))["data"]["daily"]
    day_total: dict[str, float] = defaultdict(float)
    part: dict[tuple[str, str], float] = defaultdict(float)
    for r in rows:
        day_total[r["business_date"]] += r["box_office"] or 0
        part[(r["business_date"], str(r["site_id"]))] += r["box_office"] or 0
    dom = _dom(page.as_uri(), tmp_path / "profile")
    segments = SEGMENT.findall(_section(dom, "site_mix"))
    assert segments
    for day, site, value in segments:
        assert float(value) == pytest.approx(part[(day, site)] / day_total[day], abs=1e-12)


# ------------------------------------------------------------------------------ QuickSight


def test_quicksight_share_is_a_table_calculation(spec: Spec) -> None:
    definition = quicksight.definition(spec)
    text = json.dumps(definition)
    assert "sum({box_office}) / sumOver(sum({box_office}), [{business_date}], POST_AGG_FILTER)" in text
    assert "sum({admissions}) / sumOver(sum({admissions}), [], POST_AGG_FILTER)" in text
    (sheet,) = [s for s in definition["sheets"] if s["name"] == "Shares"]
    bar = sheet["visuals"][0]["bar_chart_visual"][0]["chart_configuration"][0]
    assert bar["bars_arrangement"] == "STACKED"
    wells = bar["field_wells"][0]["bar_chart_aggregated_field_wells"][0]
    assert wells["colors"][0]["categorical_dimension_field"][0]["column"][0]["column_name"] == "site_id"
    category = wells["category"][0]["date_dimension_field"][0]
    assert category["column"][0]["column_name"] == "business_date"
    sort = bar["sort_configuration"][0]
    assert sort["category_sort"][0]["field_sort"][0] == {"field_id": category["field_id"], "direction": "ASC"}
    assert "category_items_limit" not in sort  # no limit: every day
    clustered = sheet["visuals"][1]["bar_chart_visual"][0]["chart_configuration"][0]
    assert clustered["bars_arrangement"] == "CLUSTERED"


def test_quicksight_definition_with_shares_passes_the_schema_check(spec: Spec) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    text = json.dumps(quicksight.definition(spec), indent=1, sort_keys=True)
    errors = validate(_filled(text), schema)
    assert not errors, "\n".join(errors[:20])
    # and the data sets it names are the rendered ones
    data_sets = quicksight.datasets(spec)["data_sets"]
    declared = quicksight.definition(spec)["data_set_identifiers_declarations"]
    assert {d["identifier"] for d in declared} == set(data_sets)
