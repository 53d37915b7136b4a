"""The QuickSight module renders every block the generated dashboard definition uses.

HCL cannot recurse, so modules/quicksight/dashboard.tf spells out (generated) the nested
dynamic blocks of the definitions it supports; a block the dashboard generator emits but the
module does not render would be dropped silently. These checks need no provider schema.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

from tfharness import ROOT

SCRIPT = ROOT / "modules" / "quicksight" / "tools" / "render_definition_hcl.py"
DEFINITION = ROOT / "dashboards" / "quicksight" / "definition.json"
DEFAULT = ROOT / "modules" / "quicksight" / "default" / "definition.json"


def check(*files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--check", *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_module_renders_every_block_of_the_generated_definition() -> None:
    assert DEFINITION.exists(), f"{DEFINITION} is missing: run `cinema-metrics quicksight`"
    result = check(DEFINITION, DEFAULT)
    assert result.returncode == 0, result.stderr


def test_a_block_the_module_does_not_render_is_reported(tmp_path: Path) -> None:
    definition = json.loads(DEFINITION.read_text())
    changed = copy.deepcopy(definition)
    sheet = changed["sheets"][0]
    sheet["visuals"].append({"pie_chart_visual": [{"visual_id": "pie", "chart_configuration": [{}]}]})
    extra = tmp_path / "definition.json"
    extra.write_text(json.dumps(changed))
    result = check(extra)
    assert result.returncode == 1
    assert "definition.sheets.visuals.pie_chart_visual" in result.stderr
    assert "definition.sheets.visuals.pie_chart_visual.chart_configuration" in result.stderr


def test_every_data_set_of_the_definition_is_declared_in_datasets_json() -> None:
    """The module's precondition in HCL terms, checked before any plan: identifiers and IDs agree."""
    definition = json.loads(DEFINITION.read_text())
    data_sets = json.loads((DEFINITION.parent / "datasets.json").read_text())["data_sets"]
    declared = {d["identifier"]: d["data_set_arn"] for d in definition["data_set_identifiers_declarations"]}
    assert declared, "the definition declares no data set"
    for identifier, arn in declared.items():
        assert identifier in data_sets, f"{identifier} is not in datasets.json"
        assert arn == "${data_set_arn_prefix}" + data_sets[identifier]["data_set_id"], identifier
