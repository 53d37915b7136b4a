"""The processed POS objects, one index object per POS folder (job/layout.py `files_shard`).

An entry is relpath -> [sha256, tag] for a file read, [sha256 or "", tag, reason] for a file
rejected whole (docs/contract/quarantine.md, "Whole files"): a run skips an object whose tag matches its
entry, and one whose content hash matches, so a rejected file is not read again until its
content changes.
"""

from __future__ import annotations

import json

from cinema_metrics.job import layout
from cinema_metrics.storage import Store, parallel_map

try:  # the C decoder (Glue 5.1 ships orjson); json otherwise
    from orjson import loads as _loads
except ImportError:  # pragma: no cover
    _loads = json.loads


def load(state: Store, relpaths: list[str]) -> dict[str, list[str]]:
    """relpath -> entry of the processed files among those folders."""
    shards = sorted({layout.files_shard(r) for r in relpaths})
    out: dict[str, list[str]] = {}
    for data in state.get_many(shards):
        if data:
            out.update(_loads(data))
    return out


def update(state: Store, entries: dict[str, list[str]]) -> None:
    by_shard: dict[str, dict[str, list[str]]] = {}
    for rel, entry in entries.items():
        by_shard.setdefault(layout.files_shard(rel), {})[rel] = entry

    def one(item: tuple[str, dict[str, list[str]]]) -> None:
        shard, new = item
        data = state.get(shard)
        current = _loads(data) if data else {}
        current.update(new)
        state.put(shard, json.dumps(current, separators=(",", ":"), sort_keys=True).encode())

    parallel_map(one, sorted(by_shard.items()))
