"""Load and validate dashboards/spec.yaml: the one declaration of the dashboard.

A data set names an Athena view (`view: v_...`) or a metric (`metric: <name>`, its generated
default view v_metric_<name>); its columns and their types are not written in the spec but read
from scripts/athena/views.json, the views' output columns as `make generate` inferred them from
the metric declarations. Errors name the spec file and the visual (or data set, filter) at
fault, so a typo in a column is found before anything is rendered or deployed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cinema_metrics.catalog import default_view_name
from cinema_metrics.errors import CliError
from cinema_metrics.metrics import METRIC_TABLES

REPO_ROOT = Path(__file__).resolve().parents[4]
SPEC_PATH = REPO_ROOT / "dashboards" / "spec.yaml"
VIEWS_PATH = REPO_ROOT / "scripts" / "athena" / "views.json"
COLUMN_TYPES = ("integer", "decimal", "date", "timestamp", "string", "boolean")
NUMERIC = ("integer", "decimal")
FORMATS = ("integer", "currency", "percent", "decimal")
VISUAL_TYPES = ("kpi", "line", "bar", "heatmap", "table", "freshness")
# a freshness visual: the newest `time` of its data set's rows (optionally those `where` a column
# equals a value), its age at render time, and a warning past `warn_after_hours`
FRESHNESS_KEYS = ("id", "type", "title", "dataset", "time", "where", "warn_after_hours")
FILTER_TYPES = ("values", "date_range")
MEASURES = "{sum: column}, {ratio: [numerator, denominator]} or {share: column, of: [column, ...]}"
# what a share's `of` may name: the visual's dimensions (the rows a share is taken within are
# those with the same values of `of` among the visual's filtered rows, so `of` must be shown)
SHARE_VISUALS = ("line", "bar", "heatmap")


def column_type(view_type: str) -> str | None:
    """The spec's type of a view column typed as in views.json (Presto types, widened)."""
    if re.fullmatch(r"decimal\(\d+,\d+\)", view_type) or view_type == "double":
        return "decimal"
    simple = {"bigint": "integer", "date": "date", "timestamp": "timestamp", "varchar": "string"}
    return {**simple, "boolean": "boolean"}.get(view_type)


@dataclass(frozen=True)
class Measure:
    """One number per group of rows (a visual's point, bar, cell or KPI):

    - sum: sum(column);
    - ratio: sum(numerator) / sum(denominator), recomputed from sums, never an average of ratios;
    - share: sum(column) / the sum of column over the visual's (filtered) rows with the same
      values of `of` as the group: a part's share of its total, 1 summed over the parts.
    """

    op: str
    columns: tuple[str, ...]
    of: tuple[str, ...] = ()

    @property
    def is_ratio(self) -> bool:
        return self.op == "ratio"

    @property
    def is_share(self) -> bool:
        return self.op == "share"

    def used_columns(self) -> set[str]:
        return {*self.columns, *self.of}


@dataclass(frozen=True)
class Dataset:
    id: str
    view: str
    title: str
    columns: dict[str, str]  # from views.json, in the view's order
    metric: str | None = None  # set when the spec named a metric (its default view)


@dataclass(frozen=True)
class Filter:
    id: str
    title: str
    type: str
    columns: dict[str, str]  # dataset id -> column


@dataclass
class Visual:
    id: str
    type: str
    title: str
    dataset: str
    format: str = "decimal"
    value: Measure | None = None
    x: str | None = None
    series: list[tuple[str, Measure]] = field(default_factory=list)
    rows: str | None = None
    rows_order: str | None = None
    columns_dim: str | None = None
    category: str | None = None
    category_label: str | None = None
    color: str | None = None  # bar: a second dimension, one bar segment (or bar) per value
    stacked: bool = False  # bar with color: segments stacked (else side by side)
    limit: int | None = None
    table_columns: list[dict[str, str]] = field(default_factory=list)
    sort: tuple[str, bool] | None = None
    time: str | None = None  # freshness: the timestamp column whose newest value is shown
    where: tuple[str, str] | None = None  # freshness: only rows whose column equals the value
    warn_after_hours: float | None = None  # freshness: warn when the newest time is older

    @property
    def unfiltered(self) -> bool:
        """The dashboard filters do not apply: a freshness visual shows the pipeline's last
        success whatever dates or site are picked (an older date range must not hide that the
        data stopped arriving)."""
        return self.type == "freshness"

    def measures(self) -> list[Measure]:
        return [m for m in [self.value] + [m for _, m in self.series] if m]

    def dimensions(self) -> list[str]:
        return [c for c in (self.x, self.category, self.color, self.rows, self.columns_dim) if c]

    def used_columns(self) -> set[str]:
        cols = {*self.dimensions(), *(c for c in (self.rows_order,) if c)}
        for m in self.measures():
            cols.update(m.used_columns())
        cols.update(c["column"] for c in self.table_columns)
        cols.update(c for c in (self.time, self.where[0] if self.where else None) if c)
        if self.sort:
            cols.add(self.sort[0])
        return cols


@dataclass(frozen=True)
class Sheet:
    id: str
    title: str
    visuals: list[Visual]


@dataclass(frozen=True)
class Spec:
    path: Path
    name: str
    title: str
    description: str
    datasets: dict[str, Dataset]
    filters: list[Filter]
    sheets: list[Sheet]

    def visuals(self) -> list[Visual]:
        return [v for s in self.sheets for v in s.visuals]

    def used_columns(self, dataset: str) -> list[str]:
        """The columns of a data set that a visual or filter names, in the view's order."""
        used = {c for v in self.visuals() if v.dataset == dataset for c in v.used_columns()}
        used |= {f.columns[dataset] for f in self.filters if dataset in f.columns}
        return [c for c in self.datasets[dataset].columns if c in used]


class _Ctx:
    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, problem: str) -> CliError:
        return CliError(f"{self.path}: {where}: {problem}")


def _names(raw: Any) -> tuple[str, ...] | None:
    if isinstance(raw, str):
        return (raw,)
    if isinstance(raw, list) and all(isinstance(x, str) for x in raw):
        return tuple(raw)
    return None


def _measure(ctx: _Ctx, where: str, raw: Any) -> Measure:
    if isinstance(raw, dict) and set(raw) == {"sum"} and isinstance(raw["sum"], str):
        return Measure("sum", (raw["sum"],))
    if (
        isinstance(raw, dict)
        and set(raw) == {"ratio"}
        and isinstance(raw["ratio"], list)
        and len(raw["ratio"]) == 2
    ):
        return Measure("ratio", (str(raw["ratio"][0]), str(raw["ratio"][1])))
    if isinstance(raw, dict) and set(raw) == {"share", "of"} and isinstance(raw["share"], str):
        of = _names(raw["of"])
        if of is not None and len(set(of)) == len(of):
            return Measure("share", (raw["share"],), of)
    raise ctx.fail(where, f"a measure is {MEASURES}, got {raw!r}")


def _check_measures(ctx: _Ctx, where: str, v: Visual, ds: Dataset) -> None:
    for m in v.measures():
        text = [c for c in m.columns if ds.columns.get(c, "integer") not in NUMERIC]
        if text:
            raise ctx.fail(where, f"a measure sums numbers: {', '.join(text)} is not a number in {ds.id!r}")
        if not m.is_share:
            continue
        if v.type not in SHARE_VISUALS:
            raise ctx.fail(where, f"a share needs a visual with dimensions ({', '.join(SHARE_VISUALS)})")
        outside = [c for c in m.of if c not in v.dimensions()]
        if outside:
            raise ctx.fail(
                where,
                f"share of {m.columns[0]!r}: `of` may only name the visual's dimensions "
                f"({', '.join(v.dimensions())}), not {', '.join(outside)}",
            )


def _of_type(ds: Dataset, kind: str) -> list[str]:
    return [c for c, t in ds.columns.items() if t == kind]


def _freshness(ctx: _Ctx, where: str, raw: dict[str, Any], v: Visual, ds: Dataset) -> Visual:
    """type: freshness: `time` a timestamp column, `where` {column: <a string column>, equals:
    <text>} (optional), `warn_after_hours` a number of hours > 0; nothing else (it shows a time
    and an age, so a measure, a format or a sort would mean nothing)."""
    extra = sorted(set(raw) - set(FRESHNESS_KEYS))
    if extra:
        raise ctx.fail(
            where,
            f"a freshness visual takes time, where and warn_after_hours, not {', '.join(extra)}",
        )
    stamps = _of_type(ds, "timestamp")
    if raw.get("time") not in stamps:
        raise ctx.fail(
            where,
            f"time: {raw.get('time')!r} is not a timestamp column of dataset {ds.id!r} "
            f"(its timestamp columns: {', '.join(stamps) or 'none'})",
        )
    v.time = str(raw["time"])
    hours = raw.get("warn_after_hours")
    if isinstance(hours, bool) or not isinstance(hours, (int, float)) or not hours > 0:
        raise ctx.fail(where, f"warn_after_hours must be a number of hours > 0, got {hours!r}")
    v.warn_after_hours = float(hours)
    if "where" in raw:
        cond = raw["where"]
        texts = _of_type(ds, "string")
        if not (isinstance(cond, dict) and set(cond) == {"column", "equals"}):
            raise ctx.fail(where, f"where must be {{column: <column>, equals: <value>}}, got {cond!r}")
        if cond["column"] not in texts:
            raise ctx.fail(
                where,
                f"where: {cond['column']!r} is not a text column of dataset {ds.id!r} "
                f"(its text columns: {', '.join(texts) or 'none'})",
            )
        if not isinstance(cond["equals"], str) or not cond["equals"]:
            raise ctx.fail(where, f"where: equals must be a non-empty text, got {cond['equals']!r}")
        v.where = (str(cond["column"]), cond["equals"])
    return v


def _visual(ctx: _Ctx, raw: dict[str, Any], datasets: dict[str, Dataset]) -> Visual:
    vid = str(raw.get("id", "?"))
    where = f"visual {vid!r}"
    vtype = raw.get("type")
    if vtype not in VISUAL_TYPES:
        raise ctx.fail(where, f"unknown type {vtype!r}; one of {', '.join(VISUAL_TYPES)}")
    dataset = raw.get("dataset")
    if dataset not in datasets:
        raise ctx.fail(where, f"unknown dataset {dataset!r}; declared: {', '.join(sorted(datasets))}")
    if vtype == "freshness":
        plain = Visual(id=vid, type=vtype, title=str(raw.get("title", vid)), dataset=dataset)
        return _freshness(ctx, where, raw, plain, datasets[dataset])
    fmt = raw.get("format", "decimal")
    if fmt not in FORMATS:
        raise ctx.fail(where, f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    v = Visual(id=vid, type=vtype, title=str(raw.get("title", vid)), dataset=dataset, format=fmt)
    if "value" in raw:
        v.value = _measure(ctx, where, raw["value"])
    v.x = raw.get("x")
    v.series = [(str(s.get("title")), _measure(ctx, where, s.get("value"))) for s in raw.get("series", [])]
    v.rows, v.rows_order, v.columns_dim = raw.get("rows"), raw.get("rows_order"), raw.get("columns")
    v.category, v.category_label, v.limit = raw.get("category"), raw.get("category_label"), raw.get("limit")
    if ("color" in raw or "stacked" in raw) and vtype != "bar":
        raise ctx.fail(where, "color and stacked are options of a bar visual")
    v.color, v.stacked = raw.get("color"), bool(raw.get("stacked", False))
    if v.stacked and not v.color:
        raise ctx.fail(where, "stacked needs a color dimension (the segments)")
    if vtype == "table":
        v.columns_dim = None
        v.table_columns = [
            {"column": str(c["column"]), **{k: str(x) for k, x in c.items()}} for c in raw["columns"]
        ]
        for c in v.table_columns:
            if c.get("format", "decimal") not in FORMATS:
                raise ctx.fail(where, f"column {c['column']!r}: unknown format {c['format']!r}")
    if "sort" in raw:
        v.sort = (str(raw["sort"]["column"]), bool(raw["sort"].get("descending", False)))
        if vtype == "bar" and v.sort[0] != v.category:
            raise ctx.fail(
                where, "a bar sorts by its value (no sort) or by its category (sort: {column: category})"
            )
    required = {
        "kpi": ("value",),
        "line": ("x", "series"),
        "bar": ("category", "value"),
        "heatmap": ("rows", "columns_dim", "value"),
        "table": ("table_columns",),
    }[vtype]
    for attr in required:
        if not getattr(v, attr):
            raise ctx.fail(where, f"a {vtype} visual needs {attr.replace('_dim', '')!r}")
    unknown = sorted(v.used_columns() - set(datasets[dataset].columns))
    if unknown:
        raise ctx.fail(where, f"unknown column(s) {', '.join(unknown)} in dataset {dataset!r}")
    _check_measures(ctx, where, v, datasets[dataset])
    return v


def _views(ctx: _Ctx, views_path: Path) -> dict[str, dict[str, str]]:
    """{view: {column: spec type}} from views.json."""
    try:
        doc = json.loads(views_path.read_text(encoding="utf-8"))["views"]
    except (OSError, ValueError, KeyError) as exc:
        raise ctx.fail(
            "datasets", f"cannot read the views' columns from {views_path} ({exc}): run make generate"
        ) from None
    views: dict[str, dict[str, str]] = {}
    for name, view in doc.items():
        cols: dict[str, str] = {}
        for c in view["columns"]:
            kind = column_type(c["type"])
            if kind is None:
                raise CliError(
                    f"{views_path}: view {name}: column {c['name']}: no dashboard type for {c['type']!r}"
                )
            cols[c["name"]] = kind
        views[name] = cols
    return views


def _dataset(ctx: _Ctx, did: str, d: Any, views: dict[str, dict[str, str]], views_path: Path) -> Dataset:
    where = f"dataset {did!r}"
    if not isinstance(d, dict):
        raise ctx.fail(where, "expected a mapping with a view (or a metric) and a title")
    if "columns" in d:
        raise ctx.fail(
            where,
            f"columns are not written here: they are the view's, read from {views_path} (remove them)",
        )
    if ("view" in d) == ("metric" in d):
        raise ctx.fail(where, "needs a view (view: v_...) or a metric (metric: <name>, its default view)")
    metric = str(d["metric"]) if "metric" in d else None
    if metric is not None and metric not in METRIC_TABLES:
        raise ctx.fail(where, f"unknown metric {metric!r}; declared: {', '.join(sorted(METRIC_TABLES))}")
    view = default_view_name(METRIC_TABLES[metric]) if metric else str(d["view"])
    if view not in views:
        raise ctx.fail(
            where,
            f"view {view!r} is not in {views_path} (known: {', '.join(sorted(views))}): run make generate",
        )
    return Dataset(did, view, str(d.get("title", did)), dict(views[view]), metric)


def load_spec(path: Path = SPEC_PATH, views_path: Path = VIEWS_PATH) -> Spec:
    ctx = _Ctx(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CliError(f"{path}: cannot read the dashboard spec: {exc}") from None
    if not isinstance(raw, dict):
        raise ctx.fail("top level", "expected a mapping")
    views = _views(ctx, views_path)
    datasets = {
        str(did): _dataset(ctx, str(did), d, views, views_path)
        for did, d in (raw.get("datasets") or {}).items()
    }
    filters: list[Filter] = []
    for f in raw.get("filters") or []:
        where = f"filter {f.get('id')!r}"
        if f.get("type") not in FILTER_TYPES:
            raise ctx.fail(where, f"unknown type {f.get('type')!r}; one of {', '.join(FILTER_TYPES)}")
        for did, col in (f.get("columns") or {}).items():
            if did not in datasets:
                raise ctx.fail(where, f"unknown dataset {did!r}")
            if col not in datasets[did].columns:
                raise ctx.fail(where, f"unknown column {col!r} in dataset {did!r}")
        filters.append(Filter(str(f["id"]), str(f.get("title", f["id"])), f["type"], dict(f["columns"])))
    sheets = [
        Sheet(
            str(s["id"]),
            str(s.get("title", s["id"])),
            [_visual(ctx, v, datasets) for v in s.get("visuals", [])],
        )
        for s in raw.get("sheets") or []
    ]
    ids = [v.id for s in sheets for v in s.visuals] + [s.id for s in sheets] + [f.id for f in filters]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ctx.fail("ids", f"duplicate ids {', '.join(dupes)}")
    if not sheets:
        raise ctx.fail("sheets", "no sheets")
    return Spec(
        path,
        str(raw.get("name")),
        str(raw.get("title")),
        str(raw.get("description", "")),
        datasets,
        filters,
        sheets,
    )
