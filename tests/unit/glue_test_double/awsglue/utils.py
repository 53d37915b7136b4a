"""TEST DOUBLE of awsglue.utils.getResolvedOptions: --NAME VALUE pairs, every name required."""

from __future__ import annotations

import awsglue


class GlueArgumentError(Exception):
    pass


def getResolvedOptions(args: list[str], options: list[str]) -> dict[str, str]:
    awsglue.CALLS.append(("getResolvedOptions", tuple(options)))
    found = {}
    for i, a in enumerate(args):
        if a.startswith("--") and a[2:] in options and i + 1 < len(args):
            found[a[2:]] = args[i + 1]
    missing = [o for o in options if o not in found]
    if missing:
        raise GlueArgumentError(
            f"the following arguments are required: {', '.join('--' + m for m in missing)}"
        )
    return found
