"""Load and validate dashboards/spec.yaml: the one declaration of the dashboard.

Errors name the spec file and the visual (or data set, filter) at fault, so a typo in a
column is found before anything is rendered or deployed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cinema_metrics.errors import CliError

REPO_ROOT = Path(__file__).resolve().parents[4]
SPEC_PATH = REPO_ROOT / "dashboards" / "spec.yaml"
COLUMN_TYPES = ("integer", "decimal", "date", "string")
FORMATS = ("integer", "currency", "percent", "decimal")
VISUAL_TYPES = ("kpi", "line", "bar", "heatmap", "table")
FILTER_TYPES = ("values", "date_range")


@dataclass(frozen=True)
class Measure:
    """sum(column), or sum(numerator) / sum(denominator)."""

    columns: tuple[str, ...]

    @property
    def is_ratio(self) -> bool:
        return len(self.columns) == 2


@dataclass(frozen=True)
class Dataset:
    id: str
    view: str
    title: str
    columns: dict[str, str]


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
    limit: int | None = None
    table_columns: list[dict[str, str]] = field(default_factory=list)
    sort: tuple[str, bool] | None = None

    def used_columns(self) -> set[str]:
        cols = {c for c in (self.x, self.rows, self.rows_order, self.columns_dim, self.category) if c}
        for m in [self.value] + [m for _, m in self.series]:
            if m:
                cols.update(m.columns)
        cols.update(c["column"] for c in self.table_columns)
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


class _Ctx:
    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, problem: str) -> CliError:
        return CliError(f"{self.path}: {where}: {problem}")


def _measure(ctx: _Ctx, where: str, raw: Any) -> Measure:
    if isinstance(raw, dict) and set(raw) == {"sum"} and isinstance(raw["sum"], str):
        return Measure((raw["sum"],))
    if (
        isinstance(raw, dict)
        and set(raw) == {"ratio"}
        and isinstance(raw["ratio"], list)
        and len(raw["ratio"]) == 2
    ):
        return Measure((str(raw["ratio"][0]), str(raw["ratio"][1])))
    raise ctx.fail(where, f"a measure is {{sum: column}} or {{ratio: [numerator, denominator]}}, got {raw!r}")


def _visual(ctx: _Ctx, raw: dict[str, Any], datasets: dict[str, Dataset]) -> Visual:
    vid = str(raw.get("id", "?"))
    where = f"visual {vid!r}"
    vtype = raw.get("type")
    if vtype not in VISUAL_TYPES:
        raise ctx.fail(where, f"unknown type {vtype!r}; one of {', '.join(VISUAL_TYPES)}")
    dataset = raw.get("dataset")
    if dataset not in datasets:
        raise ctx.fail(where, f"unknown dataset {dataset!r}; declared: {', '.join(sorted(datasets))}")
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
    return v


def load_spec(path: Path = SPEC_PATH) -> Spec:
    ctx = _Ctx(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CliError(f"{path}: cannot read the dashboard spec: {exc}") from None
    if not isinstance(raw, dict):
        raise ctx.fail("top level", "expected a mapping")
    datasets: dict[str, Dataset] = {}
    for did, d in (raw.get("datasets") or {}).items():
        cols = {str(k): str(t) for k, t in (d.get("columns") or {}).items()}
        bad = {k: t for k, t in cols.items() if t not in COLUMN_TYPES}
        if bad or not cols or "view" not in d:
            raise ctx.fail(
                f"dataset {did!r}", f"needs a view and columns typed {'/'.join(COLUMN_TYPES)} ({bad})"
            )
        datasets[did] = Dataset(did, str(d["view"]), str(d.get("title", did)), cols)
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
