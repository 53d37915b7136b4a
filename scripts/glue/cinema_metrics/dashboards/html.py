"""Render the spec as ONE self-contained HTML file: data, JS and CSS inline, no network.

The views run on DuckDB (athena_local) over a run's Parquet and records; the page filters and
draws them in plain JS/SVG (dashboard.js), so the local preview and QuickSight show the same
visuals from the same views. A freshness visual is computed here, against the render time
(`now`, injectable): a static page has no other "now" that a test or a screenshot can pin.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from importlib import resources
from pathlib import Path

from cinema_metrics.dashboards.athena_local import LocalAthena
from cinema_metrics.dashboards.spec import Measure, Spec, Visual


def utc(v: datetime) -> datetime:
    """A timestamp in UTC: Athena's (and DuckDB's, in UTC here) timestamps carry no zone."""
    return v.replace(tzinfo=UTC) if v.tzinfo is None else v.astimezone(UTC)


def _json_value(v: object) -> object:
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, datetime):  # with its zone, so the browser cannot read it as local time
        return utc(v).isoformat(timespec="seconds").replace("+00:00", "Z")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, float) and v != v:  # NaN -> null
        return None
    return v


def page_columns(spec: Spec, dataset: str) -> list[str]:
    """The columns of a data set the page reads, in the view's order: those a visual or filter
    names, business_date (the KPI sparklines, the page's date span) and the view's first two
    columns, which order the rows (ties in a table keep that order)."""
    used = set(spec.used_columns(dataset)) | {"business_date"}
    return [c for i, c in enumerate(spec.datasets[dataset].columns) if i < 2 or c in used]


def collect_data(spec: Spec, local: LocalAthena) -> dict[str, list[dict[str, object]]]:
    """Each data set's rows, read from its view (only the columns the page uses)."""
    out: dict[str, list[dict[str, object]]] = {}
    for ds in spec.datasets.values():
        cols = ", ".join(f'"{c}"' for c in page_columns(spec, ds.id))
        rows = local.rows(f'SELECT {cols} FROM "cinema"."{ds.view}" ORDER BY 1, 2')
        out[ds.id] = [{k: _json_value(v) for k, v in r.items()} for r in rows]
    return out


def _as_time(v: object) -> datetime | None:
    if isinstance(v, datetime):
        return utc(v)
    if isinstance(v, str) and v:
        return utc(datetime.fromisoformat(v))
    return None


@dataclass(frozen=True)
class Freshness:
    """A freshness visual at render time: the newest `time` among the rows that pass `where`."""

    visual: str
    last: datetime | None
    now: datetime
    warn_after_hours: float

    @property
    def age_hours(self) -> float | None:
        return None if self.last is None else (self.now - self.last).total_seconds() / 3600

    @property
    def stale(self) -> bool:
        """Nothing yet, or older than the limit: either way the numbers cannot be trusted as current."""
        age = self.age_hours
        return age is None or age > self.warn_after_hours

    def as_json(self) -> dict[str, object]:
        return {
            "last": _json_value(self.last) if self.last else None,
            "now": _json_value(self.now),
            "age_hours": self.age_hours,
            "warn_after_hours": self.warn_after_hours,
            "stale": self.stale,
        }


def freshness(v: Visual, rows: list[dict[str, object]], now: datetime) -> Freshness:
    """The newest v.time of the rows (all of them: the dashboard filters do not apply) whose
    v.where column equals its value; rows hold datetimes or ISO strings (the page's data)."""
    assert v.time and v.warn_after_hours is not None, f"{v.id} is not a freshness visual"
    column, value = v.where or (None, None)
    times = [t for r in rows if column is None or r.get(column) == value if (t := _as_time(r.get(v.time)))]
    return Freshness(v.id, max(times, default=None), utc(now), v.warn_after_hours)


def _measure_json(m: Measure) -> dict[str, object]:
    """{op: sum|ratio|share, columns: [...], of: [...]}: dashboard.js `measure` computes it."""
    return {"op": m.op, "columns": list(m.columns), "of": list(m.of)}


def _visual_json(v: Visual) -> dict[str, object]:
    d: dict[str, object] = {
        "id": v.id,
        "type": v.type,
        "title": v.title,
        "dataset": v.dataset,
        "format": v.format,
    }
    if v.value:
        d["value"] = _measure_json(v.value)
    if v.type == "line":
        d |= {"x": v.x, "series": [{"title": t, "value": _measure_json(m)} for t, m in v.series]}
    if v.type == "heatmap":
        d |= {"rows": v.rows, "rows_order": v.rows_order, "columns": v.columns_dim}
    if v.type == "bar":
        d |= {"category": v.category, "limit": v.limit, "color": v.color, "stacked": v.stacked}
    if v.type == "table":
        d["columns"] = v.table_columns
    if v.sort:
        d["sort"] = {"column": v.sort[0], "descending": v.sort[1]}
    if v.type == "freshness":
        d |= {"time": v.time, "where": list(v.where) if v.where else None}
    return d


def spec_json(spec: Spec) -> dict[str, object]:
    return {
        "title": spec.title,
        "filters": [
            {"id": f.id, "title": f.title, "type": f.type, "columns": f.columns} for f in spec.filters
        ],
        "sheets": [
            {"id": s.id, "title": s.title, "visuals": [_visual_json(v) for v in s.visuals]}
            for s in spec.sheets
        ],
    }


def _asset(name: str) -> str:
    return resources.files("cinema_metrics.dashboards").joinpath(name).read_text(encoding="utf-8")


def _date_span(spec: Spec, data: dict[str, list[dict[str, object]]]) -> tuple[str, str]:
    """The date range control's default: every date of every column a date_range filter reads
    (the metrics' business days, and those quarantined lines give, which may lie outside them),
    so nothing is hidden until a reader narrows it."""
    dates = sorted(
        str(r[col])
        for f in spec.filters
        if f.type == "date_range"
        for ds, col in f.columns.items()
        for r in data.get(ds, [])
        if r.get(col)
    )
    return (dates[0], dates[-1]) if dates else ("", "")


def _types(spec: Spec, data: dict[str, list[dict[str, object]]]) -> dict[str, dict[str, str]]:
    """The spec type of each column the page holds (the page formats timestamps by it)."""
    return {ds: {c: spec.datasets[ds].columns[c] for c in page_columns(spec, ds)} for ds in data}


def render_html(
    spec: Spec, data: dict[str, list[dict[str, object]]], source: str, now: datetime | None = None
) -> str:
    """The page; `now` (default: the current time) is what freshness visuals measure age against."""
    now = utc(now or datetime.now(UTC))
    date_min, date_max = _date_span(spec, data)
    fresh = {
        v.id: freshness(v, data.get(v.dataset, []), now) for v in spec.visuals() if v.type == "freshness"
    }
    payload = {
        "spec": spec_json(spec),
        "data": data,
        "types": _types(spec, data),
        "freshness": {k: f.as_json() for k, f in fresh.items()},
        "dateMin": date_min,
        "dateMax": date_max,
    }
    # "</" cannot end the script element early once escaped
    blob = json.dumps(payload, separators=(",", ":"), sort_keys=True).replace("</", "<\\/")
    sections = []
    for sheet in spec.sheets:
        tiles = [v for v in sheet.visuals if v.type in TILES]  # the row of numbers on top
        parts = []
        if tiles:
            parts.append(
                '<div class="kpis">' + "".join(_section(v, fresh.get(v.id)) for v in tiles) + "</div>"
            )
        parts += [_section(v) for v in sheet.visuals if v.type not in TILES]
        sections.append(
            f'<h2 class="sheet" data-sheet-id="{html.escape(sheet.id)}">{html.escape(sheet.title)}</h2>'
            f'<div class="grid">{"".join(parts)}</div>'
        )
    # the header names the metrics' business days (a quarantined line may carry any date)
    days = sorted({str(r["business_date"]) for r in data.get("daily", []) if r.get("business_date")})
    span = f"{days[0]} to {days[-1]}" if days else "no data"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(spec.title)}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{_asset('dashboard.css')}</style></head><body>"
        f"<header><div><h1>{html.escape(spec.title)}</h1><p>{html.escape(spec.description)} "
        f'Business days {html.escape(span)}.</p></div><div class="filters"></div></header>'
        f"<main>{''.join(sections)}</main>"
        f"<footer>Generated from dashboards/spec.yaml and the Athena views over "
        f"{html.escape(source)}.</footer>"
        f'<script type="application/json" id="dashboard-data">{blob}</script>'
        f"<script>{_asset('dashboard.js')}</script></body></html>\n"
    )


TILES = ("kpi", "freshness")


def _section(v: Visual, fresh: Freshness | None = None) -> str:
    """The visual's box; dashboard.js draws into it. A freshness box carries its verdict in its
    class too (stale or fresh), so it reads the same with or without the script; dashboard.js
    adds data-stale and data-age-hours to its badge."""
    wide = " wide" if v.type in ("heatmap", "bar") or len(v.table_columns) >= 8 else ""
    if fresh is not None:
        wide += " stale" if fresh.stale else " fresh"
    return (
        f'<section class="visual {v.type}{wide}" data-visual-id="{html.escape(v.id)}" '
        f'data-visual-type="{v.type}"><h3>{html.escape(v.title)}</h3></section>'
    )


def write_html(spec: Spec, metrics_dir: Path, out: Path, now: datetime | None = None) -> Path:
    local = LocalAthena(metrics_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    page = render_html(spec, collect_data(spec, local), str(metrics_dir), now)
    out.write_text(page, encoding="utf-8")
    return out
