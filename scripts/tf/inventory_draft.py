"""Print the `resources:` and `outputs:` sections of an inventory from a plan JSON, as a starting
point when a root changes (the `values:` a reviewer cares about are written by hand).

Usage: python scripts/tf/inventory_draft.py .local/tf-validate/data/prod/plan.json
(make validate leaves each root's plan JSON there.)
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any


def _walk(module: dict[str, Any]) -> list[dict[str, Any]]:
    found = list(module.get("resources", []))
    for child in module.get("child_modules", []):
        found += _walk(child)
    return found


def main(argv: list[str]) -> int:
    plan = json.loads(Path(argv[1]).read_text())
    resources = _walk(plan["planned_values"]["root_module"])
    counts = Counter(r["type"] for r in resources if r["mode"] == "managed")
    print("resources:")
    for rtype, count in sorted(counts.items()):
        print(f"  {rtype}: {count}")
    print(f"outputs: [{', '.join(sorted(plan['planned_values'].get('outputs', {})))}]")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
