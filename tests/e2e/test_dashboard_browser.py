"""The local dashboard in headless Chromium: every visual of the spec is drawn, the page logs
no console errors, a filter changes what is shown, and the PNG is not blank.

Chromium runs with --dump-dom (the DOM after the page's JS ran) and --enable-logging=stderr,
where console messages and uncaught exceptions appear as CONSOLE lines; filters are set
through the URL hash, which drives the same state -> render path as the controls.
"""

from __future__ import annotations

import math
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from cinema_metrics.dashboards.chromium import FLAGS, chromium_binary
from cinema_metrics.dashboards.spec import load_spec

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sql"))
from handbuilt import LAST_SUCCESS, build_rows, write_quality_records, write_tables

VISUAL = re.compile(r'<section class="visual[^"]*" data-visual-id="([a-z_0-9]+)" data-visual-type="(\w+)"'
                    r' data-marks="(\d+)" data-rows="(\d+)">(.*?)</section>', re.S)  # fmt: skip


def _dump(url: str, profile: Path) -> tuple[str, str]:
    argv = [chromium_binary(), *FLAGS, f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
            "--virtual-time-budget=5000", "--window-size=1440,2000", "--dump-dom", url]  # fmt: skip
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, f"chromium failed ({proc.returncode}): {proc.stderr[-1500:]}"
    return proc.stdout, proc.stderr


def _console_errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = write_quality_records(write_tables(tmp_path_factory.mktemp("run"), build_rows()))
    cli = Path(sys.executable).with_name("cinema-metrics")
    proc = subprocess.run(  # an hour after the last success: the Data quality sheet is fresh
        [str(cli), "dashboard", "--output", str(out), "--now", LAST_SUCCESS.replace("06:30", "07:30")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    html, png = out / "dashboard" / "index.html", out / "dashboard" / "index.png"
    assert f"html: {html}" in proc.stdout and f"png:  {png}" in proc.stdout
    return html


def _visuals(dom: str) -> dict[str, tuple[str, int, int, str]]:
    return {m[1]: (m[2], int(m[3]), int(m[4]), m[5]) for m in VISUAL.finditer(dom)}


def test_every_visual_is_drawn_without_console_errors(dashboard: Path, tmp_path: Path) -> None:
    html = dashboard.read_text(encoding="utf-8")
    assert not re.search(r'(src|href)="(https?:)?//', html), (
        "the page must not load anything from the network"
    )
    dom, stderr = _dump(dashboard.as_uri(), tmp_path / "p")
    assert not _console_errors(stderr), _console_errors(stderr)
    shown = _visuals(dom)
    for v in load_spec().visuals():
        assert v.id in shown, f"visual {v.id} missing from the page"
        vtype, marks, rows, inner = shown[v.id]
        assert vtype == v.type and rows > 0 and marks > 0, f"visual {v.id} drew nothing ({marks} marks)"
        if v.type == "table":
            assert inner.count("<tr>") > 1
        elif v.type == "freshness":
            assert '<div class="badge ok" data-stale="false"' in inner, f"visual {v.id}: {inner}"
        else:
            assert re.search(r'<svg[^>]*>.*class="mark"', inner, re.S), f"visual {v.id}: empty SVG"


def test_a_filter_changes_what_is_shown(dashboard: Path, tmp_path: Path) -> None:
    all_dom, _ = _dump(dashboard.as_uri(), tmp_path / "a")
    site_dom, stderr = _dump(dashboard.as_uri() + "#site=2", tmp_path / "b")
    assert not _console_errors(stderr)
    everything, site2 = _visuals(all_dom), _visuals(site_dom)
    assert site2["kpi_admissions"][2] < everything["kpi_admissions"][2]  # fewer site-days
    value = re.compile(r'<div class="value">([^<]+)</div>')
    assert value.search(site2["kpi_admissions"][3])[1] != value.search(everything["kpi_admissions"][3])[1]
    assert site2["film_weeks"][2] == everything["film_weeks"][2], "film weeks are chain-wide: no site filter"
    film_dom, _ = _dump(dashboard.as_uri() + "#film=3", tmp_path / "c")
    assert _visuals(film_dom)["session_table"][2] < everything["session_table"][2]


def test_console_errors_would_be_caught(tmp_path: Path) -> None:
    """The error detection itself works: a page that throws is reported."""
    page = tmp_path / "bad.html"
    page.write_text("<html><body><script>throw new Error('boom');</script></body></html>", encoding="utf-8")
    _, stderr = _dump(page.as_uri(), tmp_path / "p")
    assert any("boom" in line for line in _console_errors(stderr))


def test_png_is_not_blank(dashboard: Path) -> None:
    with Image.open(dashboard.with_suffix(".png")) as img:
        stat = ImageStat.Stat(img.convert("L"))
        assert img.size[0] >= 1200 and img.size[1] >= 1200
        assert stat.stddev[0] > 20, f"the screenshot looks blank (stddev {stat.stddev[0]:.1f})"


def test_line_charts_have_round_gridlines(dashboard: Path, tmp_path: Path) -> None:
    """A line chart's five gridline labels are 0 and four equal round steps ($10k, 25.0%), not
    quarters of the data's maximum ($9,806)."""
    dom, _ = _dump(dashboard.as_uri(), tmp_path / "p")
    lines = [v for v in load_spec().visuals() if v.type == "line"]
    assert lines
    for v in lines:
        inner = _visuals(dom)[v.id][3]
        axis = re.search(r'<g class="axis">(.*?)</g>', inner, re.S)
        assert axis, f"visual {v.id}: no axis"
        labels = re.findall(r"<text[^>]*>([^<]*)</text>", axis.group(1))[:5]  # then the x labels
        values = [float(re.sub(r"[$,%k]", "", t)) * (1000 if t.endswith("k") else 1) for t in labels]
        assert len(values) == 5 and values[0] == 0, (v.id, labels)
        step = values[1]
        mantissa = step / 10 ** math.floor(math.log10(step))
        assert round(mantissa, 6) in (1, 2, 2.5, 5), (v.id, labels)
        assert values == [step * i for i in range(5)], (v.id, labels)
