"""The "Data quality" sheet (issue 22, item 3): the freshness visual of the spec language, its
local rendering (the last successful run's time and age, a visible warning past
warn_after_hours, measured against an injected `now`) and its QuickSight KPI (a calculated field
of the hours since, red past the limit); the sheet's other visuals read the quality views.

The local page runs on the hand-built curated set of tests/sql plus two run reports (a success,
then a failure an hour later) and quarantine records (handbuilt.write_quality_records).
"""

from __future__ import annotations

import json
import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from test_dashboard_quicksight import SCHEMA, _filled, validate
from test_dashboard_share import _dom

from cinema_metrics.dashboards import quicksight
from cinema_metrics.dashboards.cli import _timestamp
from cinema_metrics.dashboards.html import freshness, render_html, write_html
from cinema_metrics.dashboards.spec import SPEC_PATH, load_spec
from cinema_metrics.errors import CliError

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sql"))
from handbuilt import LAST_SUCCESS, build_rows, write_quality_records, write_tables

LAST = datetime.fromisoformat(LAST_SUCCESS)
FRESH_NOW = LAST + timedelta(hours=3, minutes=59)  # within 4 h (a failed run came since)
STALE_NOW = LAST + timedelta(hours=4, minutes=1)
BADGE = r'<div class="badge (\w+)" data-stale="(\w+)" data-age-hours="([\d.]+)">([^<]*)</div>'


def _by_id(spec=None):
    return {v.id: v for v in (spec or load_spec()).visuals()}


# ------------------------------------------------------------------------------ the spec


def test_the_sheet_reads_the_quality_views() -> None:
    spec = load_spec()
    sheet = next(s for s in spec.sheets if s.title == "Data quality")
    views = {spec.datasets[v.dataset].view for v in sheet.visuals}
    assert views == {"v_quality_daily", "v_quarantine_reasons", "v_runs"}
    v = _by_id(spec)
    fresh = v["last_success"]
    assert (fresh.type, fresh.time, fresh.where, fresh.warn_after_hours) == (
        "freshness",
        "finished_at",
        ("status", "succeeded"),
        4.0,
    )
    rate = v["quarantine_rate"].value
    assert rate and rate.is_ratio and rate.columns == ("lines_quarantined", "lines_read")
    assert v["quarantine_rate"].format == "percent"
    assert (v["quarantine_reasons"].type, v["quarantine_reasons"].category) == ("bar", "reason")
    shown = [c["column"] for c in v["runs_table"].table_columns]
    assert {"finished_at", "status", "lines_read", "lines_accepted", "lines_quarantined"} <= set(shown)
    assert "seconds" in shown
    # the data sets' columns are the views' (views.json), not typed in the spec
    assert spec.datasets["runs"].columns["finished_at"] == "timestamp"


def _broken(tmp_path: Path, **change: object) -> Path:
    raw = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    sheet = next(s for s in raw["sheets"] if s["id"] == "data_quality")
    visual = next(v for v in sheet["visuals"] if v["id"] == "last_success")
    for key, value in change.items():
        if value is None:
            visual.pop(key, None)
        else:
            visual[key] = value
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"time": None}, r"time: None is not a timestamp column of dataset 'runs' "
                         r"\(its timestamp columns: started_at, finished_at\)"),
        ({"time": "finshed_at"}, r"time: 'finshed_at' is not a timestamp column of dataset 'runs'"),
        ({"time": "lines_read"}, r"time: 'lines_read' is not a timestamp column"),
        ({"warn_after_hours": 0}, r"warn_after_hours must be a number of hours > 0, got 0"),
        ({"warn_after_hours": -4}, r"warn_after_hours must be a number of hours > 0, got -4"),
        ({"warn_after_hours": "4h"}, r"warn_after_hours must be a number of hours > 0, got '4h'"),
        ({"warn_after_hours": None}, r"warn_after_hours must be a number of hours > 0, got None"),
        ({"where": {"column": "state", "equals": "succeeded"}},
         r"where: 'state' is not a text column of dataset 'runs'"),
        ({"where": {"column": "status"}}, r"where must be \{column: <column>, equals: <value>\}"),
        ({"where": {"column": "status", "equals": ""}}, r"where: equals must be a non-empty text"),
        ({"format": "percent"}, r"a freshness visual takes time, where and warn_after_hours, not format"),
    ],
)  # fmt: skip
def test_a_malformed_freshness_names_the_file_and_the_visual(
    tmp_path: Path, change: dict, message: str
) -> None:
    path = _broken(tmp_path, **change)
    with pytest.raises(CliError, match=rf"^{re.escape(str(path))}: visual 'last_success': {message}"):
        load_spec(path)


# ------------------------------------------------------------------------------ the local page


RUNS = [
    {"finished_at": "2024-02-14T06:30:00Z", "status": "succeeded"},
    {"finished_at": "2024-02-14T07:05:00Z", "status": "failed"},
    {"finished_at": "2024-02-13T06:30:00Z", "status": "succeeded"},
]


def test_freshness_is_the_last_success_not_the_last_run() -> None:
    v = _by_id()["last_success"]
    fresh = freshness(v, RUNS, FRESH_NOW)
    assert fresh.last == LAST and not fresh.stale
    assert fresh.age_hours == pytest.approx(3 + 59 / 60)
    stale = freshness(v, RUNS, STALE_NOW)
    assert stale.stale and stale.age_hours == pytest.approx(4 + 1 / 60)
    assert freshness(v, [r for r in RUNS if r["status"] == "failed"], FRESH_NOW).stale  # none yet


def _payload(page: str) -> dict:
    blob = re.search(r'<script type="application/json" id="dashboard-data">(.*?)</script>', page, re.S)
    assert blob
    return json.loads(blob[1].replace("<\\/", "</"))


@pytest.mark.parametrize(("now", "stale"), [(FRESH_NOW, False), (STALE_NOW, True)])
def test_the_page_carries_the_verdict_at_the_injected_time(now: datetime, stale: bool) -> None:
    page = render_html(load_spec(), {"runs": RUNS}, "test", now)
    state = _payload(page)["freshness"]["last_success"]
    assert state["stale"] is stale and state["last"] == LAST_SUCCESS and state["warn_after_hours"] == 4
    assert state["now"] == now.isoformat().replace("+00:00", "Z")
    css = "stale" if stale else "fresh"
    assert re.search(rf'<section class="visual freshness {css}" data-visual-id="last_success"', page)


def test_now_is_read_as_utc_without_a_zone() -> None:
    assert _timestamp("2024-02-14T10:30:00") == datetime(2024, 2, 14, 10, 30)
    page = render_html(load_spec(), {"runs": RUNS}, "test", _timestamp("2024-02-14T10:29:00"))
    assert _payload(page)["freshness"]["last_success"]["stale"] is False
    zoned = _timestamp("2024-02-14T12:30:00+02:00")
    assert zoned.astimezone(UTC) == datetime(2024, 2, 14, 10, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def run_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from cinema_metrics.dashboards.chromium import chromium_binary

    try:
        chromium_binary()
    except CliError as exc:
        pytest.skip(str(exc))
    out = write_tables(tmp_path_factory.mktemp("run"), build_rows())
    return write_quality_records(out)


def _section(dom: str, visual: str) -> str:
    m = re.search(rf'<section [^>]*data-visual-id="{visual}".*?</section>', dom, re.S)
    assert m, f"visual {visual} is not on the page"
    return m.group(0)


@pytest.mark.parametrize(("now", "stale"), [(FRESH_NOW, False), (STALE_NOW, True)])
def test_the_warning_shows_only_when_the_last_success_is_too_old(
    run_output: Path, tmp_path: Path, now: datetime, stale: bool
) -> None:
    page = write_html(load_spec(), run_output / "metrics", tmp_path / "index.html", now)
    box = _section(_dom(page.as_uri(), tmp_path / "profile"), "last_success")
    assert '<div class="value">2024-02-14 06:30 UTC</div>' in box  # the success, not the failure after it
    badge = re.search(BADGE, box)
    assert badge, box
    assert (badge[1], badge[2]) == (("warn", "true") if stale else ("ok", "false"))
    assert float(badge[3]) == pytest.approx((now - LAST).total_seconds() / 3600, abs=0.01)
    assert ("Older than 4 h: the numbers may be stale" in badge[4]) is stale
    assert ("visual freshness stale" in box) is stale


def test_the_sheet_draws_the_quality_views(run_output: Path, tmp_path: Path) -> None:
    page = write_html(load_spec(), run_output / "metrics", tmp_path / "index.html", FRESH_NOW)
    dom = _dom(page.as_uri(), tmp_path / "profile")
    reasons = _section(dom, "quarantine_reasons")
    assert "malformed_json" in reasons and "bad_type" in reasons
    runs = _section(dom, "runs_table")
    assert runs.count("<tr>") == 3  # the header and both runs, newest first
    assert runs.index("2024-02-14 07:05 UTC") < runs.index("2024-02-14 06:30 UTC")
    # site 1 on 2024-02-01: 4 quarantined lines beside that day's accepted ones
    rates = _section(dom, "quarantine_rate")
    cell = re.search(r'data-row="1" data-column="2024-02-01" data-value="([\d.e-]+)"', rates)
    assert cell and 0 < float(cell[1]) < 1


# ------------------------------------------------------------------------------ QuickSight


def test_quicksight_has_the_sheet_with_the_freshness_kpi() -> None:
    spec = load_spec()
    definition = quicksight.definition(spec)
    sheet = next(s for s in definition["sheets"] if s["name"] == "Data quality")
    vid = quicksight.stable_id(spec.name, "visual", "last_success")
    kpis = [v["kpi_visual"][0] for v in sheet["visuals"] if "kpi_visual" in v]
    (kpi,) = [k for k in kpis if k["visual_id"] == vid]
    (measure,) = kpi["chart_configuration"][0]["field_wells"][0]["values"][0]["calculated_measure_field"]
    assert measure["expression"] == "minIf({minutes_since_finished_at}, {status} = 'succeeded') / 60"
    fields = {(f["data_set_identifier"], f["name"]): f["expression"] for f in definition["calculated_fields"]}
    assert fields[("runs", "minutes_since_finished_at")] == "dateDiff({finished_at}, now(), 'MI')"
    warning = kpi["conditional_formatting"][0]["conditional_formatting_options"][0]["primary_value"][0]
    assert warning["text_color"][0]["solid"][0]["expression"] == measure["expression"] + " > 4"
    # the date and site filters never hide the last success
    for group in definition["filter_groups"]:
        (selected,) = group["scope_configuration"][0]["selected_sheets"]
        for scope in selected["sheet_visual_scoping_configurations"]:
            assert vid not in scope.get("visual_ids", []) and not (
                scope["sheet_id"] == sheet["sheet_id"] and scope["scope"] == "ALL_VISUALS"
            )
    errors = validate(_filled(json.dumps(definition)), json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert not errors, "\n".join(errors[:20])
