"""Helpers shared by this project's checkov custom checks (loaded from --external-checks-dir policies).

checkov hands a check the resource configuration as a dict whose values are wrapped in one-element
lists (HCL) or plain values (some plan attributes); `first` unwraps both. In a plan, values known
only after apply are absent: such checks return UNKNOWN rather than guessing.
"""

from __future__ import annotations

import os
from typing import Any

# The tag keys every environment root puts in the provider's default_tags (terraform/*/providers.tf).
REQUIRED_TAGS = tuple(
    key.strip()
    for key in os.environ.get("CM_REQUIRED_TAGS", "Project,Environment,ManagedBy,Repository").split(",")
    if key
)


def first(value: Any) -> Any:
    while isinstance(value, list) and len(value) == 1:
        value = value[0]
    return value


def block(conf: dict[str, Any], *path: str) -> dict[str, Any] | None:
    """Follow nested blocks (`a.b.c`), returning the innermost one as a dict, or None when absent."""
    current: Any = conf
    for name in path:
        if not isinstance(current, dict) or name not in current:
            return None
        current = first(current[name])
    return current if isinstance(current, dict) else None


def is_set(value: Any) -> bool:
    value = first(value)
    return value not in (None, "", [], {})
