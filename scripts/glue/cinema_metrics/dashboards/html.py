"""Render the spec as ONE self-contained HTML file: data, JS and CSS inline, no network.

The views run on DuckDB (athena_local) over a run's Parquet; the page filters and draws
them in plain JS/SVG (dashboard.js), so the local preview and QuickSight show the same
visuals from the same views.
"""

from __future__ import annotations

import html
import json
from datetime import date, datetime
from decimal import Decimal
from importlib import resources
from pathlib import Path

from cinema_metrics.dashboards.athena_local import LocalAthena
from cinema_metrics.dashboards.spec import Measure, Spec, Visual


def _json_value(v: object) -> object:
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, (date, datetime)):
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


def render_html(spec: Spec, data: dict[str, list[dict[str, object]]], source: str) -> str:
    dates = sorted({str(r["business_date"]) for r in data.get("daily", []) if r.get("business_date")})
    payload = {
        "spec": spec_json(spec),
        "data": data,
        "dateMin": dates[0] if dates else "",
        "dateMax": dates[-1] if dates else "",
    }
    # "</" cannot end the script element early once escaped
    blob = json.dumps(payload, separators=(",", ":"), sort_keys=True).replace("</", "<\\/")
    sections = []
    for sheet in spec.sheets:
        kpis = [v for v in sheet.visuals if v.type == "kpi"]
        parts = []
        if kpis:
            parts.append('<div class="kpis">' + "".join(_section(v) for v in kpis) + "</div>")
        parts += [_section(v) for v in sheet.visuals if v.type != "kpi"]
        sections.append(
            f'<h2 class="sheet" data-sheet-id="{html.escape(sheet.id)}">{html.escape(sheet.title)}</h2>'
            f'<div class="grid">{"".join(parts)}</div>'
        )
    span = f"{dates[0]} to {dates[-1]}" if dates else "no data"
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


def _section(v: Visual) -> str:
    wide = " wide" if v.type in ("heatmap", "bar") or len(v.table_columns) > 8 else ""
    return (
        f'<section class="visual {v.type}{wide}" data-visual-id="{html.escape(v.id)}" '
        f'data-visual-type="{v.type}"><h3>{html.escape(v.title)}</h3></section>'
    )


def write_html(spec: Spec, metrics_dir: Path, out: Path) -> Path:
    local = LocalAthena(metrics_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_html(spec, collect_data(spec, local), str(metrics_dir)), encoding="utf-8")
    return out
