"""Markdown summary of a `terraform show -json` plan, for the CI job summary ($GITHUB_STEP_SUMMARY).

Usage: terraform show -json ENV.tfplan | python scripts/tf/plan_summary.py --env prod
Standard library only. Destroys and replacements are listed by address: those need a human look.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ACTIONS = {
    ("create",): "create",
    ("update",): "update",
    ("delete",): "destroy",
    ("delete", "create"): "replace",
    ("create", "delete"): "replace",
    ("read",): "read",
    ("no-op",): "no-op",
}


def summarize(plan: dict[str, Any], env: str) -> str:
    by_action: Counter[str] = Counter()
    by_type: dict[str, Counter[str]] = {}
    risky: list[str] = []
    for change in plan.get("resource_changes", []):
        if change.get("mode") != "managed":
            continue
        action = ACTIONS.get(tuple(change["change"]["actions"]), "+".join(change["change"]["actions"]))
        by_action[action] += 1
        by_type.setdefault(change["type"], Counter())[action] += 1
        if action in ("destroy", "replace"):
            risky.append(f"- `{change['address']}` ({action})")
    lines = [
        f"### terraform plan: {env}",
        "",
        " · ".join(f"**{by_action[a]}** to {a}" for a in ("create", "update", "replace", "destroy")),
        "",
    ]
    changed = {t: c for t, c in sorted(by_type.items()) if set(c) - {"no-op"}}
    if changed:
        lines += ["| resource type | create | update | replace | destroy |", "|---|---:|---:|---:|---:|"]
        for rtype, counts in changed.items():
            cells = " | ".join(str(counts.get(a, 0)) for a in ("create", "update", "replace", "destroy"))
            lines.append(f"| `{rtype}` | {cells} |")
    else:
        lines.append("No changes.")
    if risky:
        lines += ["", "**Destroyed or replaced (review these):**", *risky]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env", required=True)
    parser.add_argument("plan_json", nargs="?", help="plan JSON file (default: stdin)")
    args = parser.parse_args(argv)
    text = Path(args.plan_json).read_text() if args.plan_json else sys.stdin.read()
    sys.stdout.write(summarize(json.loads(text), args.env))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
