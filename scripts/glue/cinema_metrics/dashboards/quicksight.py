"""`cinema-metrics quicksight`: the spec as a QuickSight dashboard definition for Terraform.

Writes dashboards/quicksight/definition.json in the shape of the `definition` block of the
provider's aws_quicksight_dashboard (snake_case names; every nested block is a list, as
jsondecode + dynamic blocks expect) and dashboards/quicksight/datasets.json (per data set:
its id, view and columns with QuickSight types). IDs are uuid5 of names, and the JSON is
written with sorted keys, so the same spec always gives the same bytes (no plan diff).

`data_set_arn` values start with the placeholder ${data_set_arn_prefix}
("arn:aws:quicksight:<region>:<account>:dataset/"): load the file with templatefile().
"""

from __future__ import annotations

import argparse
import json
import uuid
from pathlib import Path
from typing import Any

from cinema_metrics.dashboards.spec import SPEC_PATH, Measure, Spec, Visual, load_spec

OUT_DIR = SPEC_PATH.parent / "quicksight"
NAMESPACE = uuid.UUID("6f1c3a52-8e0b-5d4e-9a55-2c1b7d0e4f10")  # fixed: changing it changes every ID
ARN_PREFIX = "${data_set_arn_prefix}"
QS_TYPES = {
    "integer": "INTEGER",
    "decimal": "DECIMAL",
    "date": "DATETIME",
    "timestamp": "DATETIME",
    "string": "STRING",
    "boolean": "BOOLEAN",
}
Obj = dict[str, Any]


def stable_id(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def _title(text: str) -> list[Obj]:
    return [{"visibility": "VISIBLE", "format_text": [{"plain_text": text}]}]


def _column(ds: str, col: str) -> list[Obj]:
    return [{"data_set_identifier": ds, "column_name": col}]


def _number_format(fmt: str) -> list[Obj]:
    if fmt == "currency":
        inner = {
            "currency_display_format_configuration": [
                {"symbol": "USD", "decimal_places_configuration": [{"decimal_places": 2}]}
            ]
        }
    elif fmt == "percent":
        inner = {
            "percentage_display_format_configuration": [
                {"decimal_places_configuration": [{"decimal_places": 1}]}
            ]
        }
    elif fmt == "integer":
        inner = {
            "number_display_format_configuration": [{"decimal_places_configuration": [{"decimal_places": 0}]}]
        }
    else:
        inner = {
            "number_display_format_configuration": [{"decimal_places_configuration": [{"decimal_places": 2}]}]
        }
    return [inner]


def share_expression(m: Measure) -> str:
    """sum(col) over the group / sum(col) over the visual's rows with the same `of` values: a
    table calculation (sumOver at POST_AGG_FILTER, after the filters, partitioned by dimensions
    the visual shows), so the parts of a total add up to 1 under any filter."""
    (col,) = m.columns
    partition = ", ".join(f"{{{c}}}" for c in m.of)
    return f"sum({{{col}}}) / sumOver(sum({{{col}}}), [{partition}], POST_AGG_FILTER)"


def _measure(spec: Spec, v: Visual, m: Measure, fmt: str, tag: str) -> Obj:
    fid = stable_id(spec.name, "field", v.id, tag)
    if m.is_ratio:
        # ratio of sums, recomputed at the visual's grain (never an average of daily ratios)
        num, den = m.columns
        return {
            "calculated_measure_field": [{"field_id": fid, "expression": f"sum({{{num}}}) / sum({{{den}}})"}]
        }
    if m.is_share:
        return {"calculated_measure_field": [{"field_id": fid, "expression": share_expression(m)}]}
    return {
        "numerical_measure_field": [
            {
                "field_id": fid,
                "column": _column(v.dataset, m.columns[0]),
                "aggregation_function": [{"simple_numerical_aggregation": "SUM"}],
                "format_configuration": [{"numeric_format_configuration": _number_format(fmt)}],
            }
        ]
    }


def _dimension(spec: Spec, v: Visual, col: str) -> Obj:
    fid = stable_id(spec.name, "field", v.id, "dim", col)
    if spec.datasets[v.dataset].columns[col] == "date":
        return {
            "date_dimension_field": [
                {"field_id": fid, "column": _column(v.dataset, col), "date_granularity": "DAY"}
            ]
        }
    return {"categorical_dimension_field": [{"field_id": fid, "column": _column(v.dataset, col)}]}


STALE_COLOR = "#B3261E"  # the local page's warning red


def minutes_since_field(v: Visual) -> Obj:
    """A row-level calculated field of the freshness visual's data set: minutes from the row's
    time to now() (QuickSight's query time, UTC for SPICE). minIf needs a field as its measure,
    so the difference is a named field rather than inline."""
    assert v.time
    return {
        "data_set_identifier": v.dataset,
        "name": f"minutes_since_{v.time}",
        "expression": f"dateDiff({{{v.time}}}, now(), 'MI')",
    }


def freshness_expression(v: Visual) -> str:
    """Hours since the newest time (of the rows where the column equals the value): the smallest
    age in minutes / 60. dateDiff counts whole minutes, enough for an hours threshold."""
    field = "{" + minutes_since_field(v)["name"] + "}"
    if v.where:
        column, value = v.where
        quoted = value.replace("'", "\\'")
        return f"minIf({field}, {{{column}}} = '{quoted}') / 60"
    return f"min({field}) / 60"


def _freshness(spec: Spec, v: Visual, base: Obj) -> Obj:
    """A KPI of the hours since the newest time, red (text and a flag icon) past the limit. It
    shows the age, not the time: a KPI holds a number; the runs table beside it has the times."""
    assert v.warn_after_hours is not None
    hours = freshness_expression(v)
    stale = f"{hours} > {v.warn_after_hours:g}"
    value = {
        "calculated_measure_field": [
            {"field_id": stable_id(spec.name, "field", v.id, "hours"), "expression": hours}
        ]
    }
    warning = {
        "primary_value": [
            {
                "text_color": [{"solid": [{"expression": stale, "color": STALE_COLOR}]}],
                "icon": [
                    {
                        "custom_condition": [
                            {"expression": stale, "color": STALE_COLOR, "icon_options": [{"icon": "FLAG"}]}
                        ]
                    }
                ],
            }
        ]
    }
    since = f"{v.time} where {v.where[0]} = {v.where[1]}" if v.where else v.time
    subtitle = f"Hours since the newest {since}; red after {v.warn_after_hours:g} h"
    kpi = base | {
        "subtitle": [{"visibility": "VISIBLE", "format_text": [{"plain_text": subtitle}]}],
        "chart_configuration": [{"field_wells": [{"values": [value]}]}],
        "conditional_formatting": [{"conditional_formatting_options": [warning]}],
    }
    return {"kpi_visual": [kpi]}


def _visual(spec: Spec, v: Visual) -> Obj:
    vid = stable_id(spec.name, "visual", v.id)
    base: Obj = {"visual_id": vid, "title": _title(v.title)}
    if v.type == "freshness":
        return _freshness(spec, v, base)
    if v.type == "kpi":
        assert v.value
        wells = [{"values": [_measure(spec, v, v.value, v.format, "value")]}]
        return {"kpi_visual": [base | {"chart_configuration": [{"field_wells": wells}]}]}
    if v.type == "line":
        assert v.x
        wells = [
            {
                "line_chart_aggregated_field_wells": [
                    {
                        "category": [_dimension(spec, v, v.x)],
                        "values": [
                            _measure(spec, v, m, v.format, f"series{i}") for i, (_, m) in enumerate(v.series)
                        ],
                    }
                ]
            }
        ]
        return {"line_chart_visual": [base | {"chart_configuration": [{"field_wells": wells}]}]}
    if v.type == "bar":
        assert v.category and v.value
        value = _measure(spec, v, v.value, v.format, "value")
        category = _dimension(spec, v, v.category)
        wells: Obj = {"category": [category], "values": [value]}
        if v.color:
            wells["colors"] = [_dimension(spec, v, v.color)]
        if v.sort:  # by the category itself (the spec allows no other bar sort)
            sort_by = next(iter(category.values()))[0]["field_id"]
            direction = "DESC" if v.sort[1] else "ASC"
        else:  # by value, largest first
            sort_by, direction = next(iter(value.values()))[0]["field_id"], "DESC"
        sort: Obj = {"category_sort": [{"field_sort": [{"field_id": sort_by, "direction": direction}]}]}
        if v.limit:
            sort["category_items_limit"] = [{"items_limit": v.limit, "other_categories": "EXCLUDE"}]
        config: Obj = {
            "orientation": "HORIZONTAL",
            "field_wells": [{"bar_chart_aggregated_field_wells": [wells]}],
            "sort_configuration": [sort],
        }
        if v.color:
            config["bars_arrangement"] = "STACKED" if v.stacked else "CLUSTERED"
        return {"bar_chart_visual": [base | {"chart_configuration": [config]}]}
    if v.type == "heatmap":
        assert v.rows and v.columns_dim and v.value
        wells = [
            {
                "heat_map_aggregated_field_wells": [
                    {
                        "rows": [_dimension(spec, v, v.rows)],
                        "columns": [_dimension(spec, v, v.columns_dim)],
                        "values": [_measure(spec, v, v.value, v.format, "value")],
                    }
                ]
            }
        ]
        return {"heat_map_visual": [base | {"chart_configuration": [{"field_wells": wells}]}]}
    # table: one row per view row, sortable by any header in QuickSight too
    values = []
    for c in v.table_columns:
        field: Obj = {
            "field_id": stable_id(spec.name, "field", v.id, "col", c["column"]),
            "column": _column(v.dataset, c["column"]),
        }
        if "format" in c:
            field["format_configuration"] = [
                {
                    "number_format_configuration": [
                        {"numeric_format_configuration": _number_format(c["format"])}
                    ]
                }
            ]
        values.append(field)
    table: Obj = {"field_wells": [{"table_unaggregated_field_wells": [{"values": values}]}]}
    if v.sort:
        table["sort_configuration"] = [
            {
                "row_sort": [
                    {
                        "field_sort": [
                            {
                                "field_id": stable_id(spec.name, "field", v.id, "col", v.sort[0]),
                                "direction": "DESC" if v.sort[1] else "ASC",
                            }
                        ]
                    }
                ]
            }
        ]
    return {"table_visual": [base | {"chart_configuration": [table]}]}


def _scopes(spec: Spec) -> list[Obj]:
    """Where a filter applies: every visual of every sheet, but the unfiltered ones (freshness)."""
    scopes = []
    for s in spec.sheets:
        scope: Obj = {"sheet_id": stable_id(spec.name, "sheet", s.id), "scope": "ALL_VISUALS"}
        if any(v.unfiltered for v in s.visuals):
            filtered = [stable_id(spec.name, "visual", v.id) for v in s.visuals if not v.unfiltered]
            if not filtered:
                continue
            scope |= {"scope": "SELECTED_VISUALS", "visual_ids": filtered}
        scopes.append(scope)
    return scopes


def _filter_groups(spec: Spec) -> tuple[list[Obj], dict[str, list[tuple[str, str]]]]:
    """One filter group per (spec filter, column name): ALL_DATASETS applies it to every data
    set with that column. Returns the groups and, per spec filter, its (filter id, type)."""
    groups: list[Obj] = []
    controls: dict[str, list[tuple[str, str]]] = {}
    for f in spec.filters:
        by_column: dict[str, list[str]] = {}
        for ds, col in f.columns.items():
            by_column.setdefault(col, []).append(ds)
        for col, datasets in sorted(by_column.items()):
            fid = stable_id(spec.name, "filter", f.id, col)
            column = _column(datasets[0], col)
            if f.type == "date_range":
                flt = {
                    "time_range_filter": [
                        {
                            "filter_id": fid,
                            "column": column,
                            # a row with no date (a quarantined line whose text gives none)
                            # is not outside the range: the local page keeps it too
                            "null_option": "ALL_VALUES",
                            "time_granularity": "DAY",
                            "include_minimum": True,
                            "include_maximum": True,
                        }
                    ]
                }
            else:
                flt = {
                    "category_filter": [
                        {
                            "filter_id": fid,
                            "column": column,
                            "configuration": [
                                {
                                    "filter_list_configuration": [
                                        {
                                            "match_operator": "CONTAINS",
                                            "select_all_options": "FILTER_ALL_VALUES",
                                        }
                                    ]
                                }
                            ],
                        }
                    ]
                }
            groups.append(
                {
                    "filter_group_id": stable_id(spec.name, "filter_group", f.id, col),
                    "cross_dataset": "ALL_DATASETS" if len(datasets) > 1 else "SINGLE_DATASET",
                    "status": "ENABLED",
                    "filters": [flt],
                    "scope_configuration": [
                        {"selected_sheets": [{"sheet_visual_scoping_configurations": _scopes(spec)}]}
                    ],
                }
            )
            controls.setdefault(f.id, []).append((fid, f.type))
    return groups, controls


def definition(spec: Spec) -> Obj:
    groups, controls = _filter_groups(spec)
    sheets = []
    for s in spec.sheets:
        sheet_controls = []
        for f in spec.filters:
            for fid, ftype in controls[f.id]:
                cid = stable_id(spec.name, "control", s.id, fid)
                kind = "date_time_picker" if ftype == "date_range" else "dropdown"
                extra = {"type": "DATE_RANGE"} if ftype == "date_range" else {"type": "MULTI_SELECT"}
                sheet_controls.append(
                    {kind: [{"filter_control_id": cid, "source_filter_id": fid, "title": f.title} | extra]}
                )
        sheets.append(
            {
                "sheet_id": stable_id(spec.name, "sheet", s.id),
                "name": s.title,
                "title": s.title,
                "filter_controls": sheet_controls,
                "visuals": [_visual(spec, v) for v in s.visuals],
            }
        )
    doc: Obj = {
        "data_set_identifiers_declarations": [
            {"identifier": ds.id, "data_set_arn": ARN_PREFIX + data_set_id(spec, ds.id)}
            for ds in spec.datasets.values()
        ],
        "sheets": sheets,
        "filter_groups": groups,
    }
    fields = [minutes_since_field(v) for v in spec.visuals() if v.type == "freshness"]
    if fields:  # one per (data set, time column): two freshness visuals of one may share it
        doc["calculated_fields"] = list({(f["data_set_identifier"], f["name"]): f for f in fields}.values())
    return doc


def data_set_id(spec: Spec, ds: str) -> str:
    return stable_id(spec.name, "dataset", ds)


def datasets(spec: Spec) -> Obj:
    return {
        "dashboard": {"id": stable_id(spec.name, "dashboard"), "name": spec.title},
        "data_sets": {
            ds.id: {
                "data_set_id": data_set_id(spec, ds.id),
                "name": ds.title,
                "view": ds.view,
                "columns": [{"name": c, "type": QS_TYPES[t]} for c, t in ds.columns.items()],
            }
            for ds in spec.datasets.values()
        },
    }


def render(spec: Spec) -> dict[str, str]:
    dump = lambda doc: json.dumps(doc, indent=1, sort_keys=True) + "\n"  # noqa: E731
    return {"definition.json": dump(definition(spec)), "datasets.json": dump(datasets(spec))}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--spec", type=Path, default=SPEC_PATH, help="dashboard spec (default dashboards/spec.yaml)"
    )
    parser.add_argument(
        "--out", type=Path, default=OUT_DIR, help="folder for definition.json and datasets.json"
    )
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if the files are stale instead of writing"
    )


def run(args: argparse.Namespace) -> int:
    files = render(load_spec(args.spec))
    stale = []
    for name, text in files.items():
        path = args.out / name
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(str(path))
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(path)
    if stale:
        print(f"stale: {', '.join(stale)}: run cinema-metrics quicksight")
        return 1
    return 0
