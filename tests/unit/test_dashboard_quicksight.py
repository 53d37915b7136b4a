"""The QuickSight definition generated from the spec: deterministic, and valid against the
`definition` block of aws_quicksight_dashboard in the pinned AWS provider.

The provider schema subset (test_dashboard_quicksight_schema.json) holds every block the
definition uses, with all attribute and block names at each level, cut from
`terraform providers schema -json`. Refresh it after changing the renderer with
`python tests/unit/test_dashboard_quicksight.py --refresh-schema [SCHEMA_JSON]` (terraform and
the provider, or SCHEMA_JSON saved from `terraform providers schema -json`); it also covers the
share visuals of test_dashboard_share.py, which are not in the committed spec.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from cinema_metrics.dashboards import quicksight
from cinema_metrics.dashboards.spec import load_spec

SCHEMA = Path(__file__).with_name("test_dashboard_quicksight_schema.json")
OUT = quicksight.OUT_DIR
PY_TYPES = {"string": str, "number": (int, float), "bool": bool}


def _filled(text: str) -> Any:
    return json.loads(
        text.replace(quicksight.ARN_PREFIX, "arn:aws:quicksight:us-east-1:123456789012:dataset/")
    )


def validate(obj: Any, block: dict[str, Any], path: str = "definition") -> list[str]:
    """Problems of obj against a provider block schema (attributes, nested list blocks)."""
    if not isinstance(obj, dict):
        return [f"{path}: expected an object"]
    errors = []
    attrs, blocks = block["attributes"], block["blocks"]
    for key, value in obj.items():
        where = f"{path}.{key}"
        if key in attrs:
            t = attrs[key]["type"]
            if isinstance(t, list):  # ["list", "string"] / ["set", "string"]
                if not isinstance(value, list):
                    errors.append(f"{where}: expected a list")
            elif not isinstance(value, PY_TYPES[t]) or (t == "number" and isinstance(value, bool)):
                errors.append(f"{where}: expected {t}, got {value!r}")
        elif key in blocks:
            b = blocks[key]
            if not isinstance(value, list):
                errors.append(f"{where}: a block is a list of objects")
                continue
            if len(value) < b["min_items"] or (b["max_items"] and len(value) > b["max_items"]):
                errors.append(f"{where}: {len(value)} items, allowed {b['min_items']}..{b['max_items']}")
            for i, item in enumerate(value):
                if "block" not in b:
                    errors.append(f"{where}: not in the schema subset: refresh it")
                    break
                errors += validate(item, b["block"], f"{where}[{i}]")
        else:
            errors.append(f"{where}: unknown name (not in the provider schema)")
    errors += [
        f"{path}.{k}: required attribute missing" for k, a in attrs.items() if a["required"] and k not in obj
    ]
    errors += [
        f"{path}.{k}: required block missing" for k, b in blocks.items() if b["min_items"] and k not in obj
    ]
    return errors


def test_committed_files_are_current_and_deterministic(tmp_path: Path) -> None:
    spec = load_spec()
    first, second = quicksight.render(spec), quicksight.render(load_spec())
    assert first == second, "the same spec must give the same bytes"
    for name, text in first.items():
        assert (OUT / name).read_text(encoding="utf-8") == text, (
            f"{OUT / name} is stale: run cinema-metrics quicksight"
        )


def test_ids_are_derived_from_names() -> None:
    spec = load_spec()
    definition = quicksight.definition(spec)
    sheet_ids = [s["sheet_id"] for s in definition["sheets"]]
    assert sheet_ids == [quicksight.stable_id(spec.name, "sheet", s.id) for s in spec.sheets]
    all_ids = json.dumps(definition)
    visual_ids = [quicksight.stable_id(spec.name, "visual", v.id) for v in spec.visuals()]
    assert all(i in all_ids for i in visual_ids)
    assert len(set(visual_ids)) == len(visual_ids)
    # renaming a visual changes its id, nothing else
    assert quicksight.stable_id(spec.name, "visual", "x") != quicksight.stable_id(spec.name, "visual", "y")


def test_definition_matches_the_provider_schema() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    definition = _filled((OUT / "definition.json").read_text(encoding="utf-8"))
    errors = validate(definition, schema)
    assert not errors, "\n".join(errors[:20])
    arns = [d["data_set_arn"] for d in definition["data_set_identifiers_declarations"]]
    assert all(a.startswith("arn:aws:quicksight:") for a in arns)


def test_every_spec_visual_and_filter_is_in_the_definition() -> None:
    spec = load_spec()
    definition = quicksight.definition(spec)
    kinds = {"kpi": "kpi_visual", "line": "line_chart_visual", "bar": "bar_chart_visual",
             "heatmap": "heat_map_visual", "table": "table_visual", "freshness": "kpi_visual"}  # fmt: skip
    for sheet, s in zip(definition["sheets"], spec.sheets, strict=True):
        assert len(sheet["visuals"]) == len(s.visuals)
        for vis, v in zip(sheet["visuals"], s.visuals, strict=True):
            (kind,) = vis
            assert kind == kinds[v.type]
            assert vis[kind][0]["title"][0]["format_text"][0]["plain_text"] == v.title
        assert len(sheet["filter_controls"]) >= len(spec.filters)
    ds = json.loads((OUT / "datasets.json").read_text(encoding="utf-8"))["data_sets"]
    assert {d["view"] for d in ds.values()} == {d.view for d in spec.datasets.values()}
    declared = {d["identifier"] for d in definition["data_set_identifiers_declarations"]}
    assert declared == set(spec.datasets)


def _refresh_schema(saved: Path | None = None) -> None:  # pragma: no cover - a maintenance tool
    """Cut the subset from the provider schema (`saved`: a `terraform providers schema -json`
    output, e.g. of an initialized example; else a throwaway init) to the blocks the committed
    definition and the share visuals of test_dashboard_share use."""
    if saved is not None:
        raw = saved.read_text(encoding="utf-8")
    else:
        with tempfile.TemporaryDirectory() as tmp:
            provider = 'aws = { source = "hashicorp/aws", version = "5.100.0" }'
            Path(tmp, "main.tf").write_text(
                f"terraform {{\n  required_providers {{\n    {provider}\n  }}\n}}\n"
            )
            subprocess.run(["terraform", "init", "-input=false"], cwd=tmp, check=True, capture_output=True)
            raw = subprocess.run(
                ["terraform", "providers", "schema", "-json"],
                cwd=tmp,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
    (schemas,) = json.loads(raw)["provider_schemas"].values()
    full = schemas["resource_schemas"]
    block = full["aws_quicksight_dashboard"]["block"]["block_types"]["definition"]["block"]
    from test_dashboard_share import share_definition

    with tempfile.TemporaryDirectory() as tmp:
        shares = _filled(json.dumps(share_definition(Path(tmp))))
    used = [_filled((OUT / "definition.json").read_text(encoding="utf-8")), shares]

    def cut(b: dict[str, Any], objs: list[Any]) -> dict[str, Any]:
        out: dict[str, Any] = {
            "attributes": {
                k: {"type": v["type"], "required": bool(v.get("required"))}
                for k, v in b.get("attributes", {}).items()
            },
            "blocks": {},
        }
        for k, v in b.get("block_types", {}).items():
            entry: dict[str, Any] = {"min_items": v.get("min_items", 0), "max_items": v.get("max_items", 0)}
            children = [item for o in objs if isinstance(o, dict) for item in o.get(k, [])]
            if children:
                entry["block"] = cut(v["block"], children)
            out["blocks"][k] = entry
        return out

    SCHEMA.write_text(json.dumps(cut(block, used), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(SCHEMA)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--refresh-schema"] and len(sys.argv) <= 3:
        _refresh_schema(Path(sys.argv[2]) if len(sys.argv) == 3 else None)
