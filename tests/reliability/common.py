"""Helpers shared by the reliability tests: read what a run left (tables, quarantine, state)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.dataset as ds

from cinema_metrics.job import sinks
from cinema_metrics.metrics import METRIC_TABLES


def tables(output: Path) -> dict[str, list[dict[str, str]]]:
    """Every metric table's Parquet rows, sorted by key, values as strings (exact comparison)."""
    out = {}
    for t, meta in METRIC_TABLES.items():
        frame = sinks.read_table(output, t).sort_values(list(meta.key)).reset_index(drop=True)
        out[t] = frame.astype(str).to_dict("records")
    return out


def quarantine(output: Path) -> list[dict[str, Any]]:
    """Every quarantine record of every run, in file then line order (a file's whole-file
    record, line_number null, first)."""
    recs = []
    for f in sorted((Path(output) / "quarantine").rglob("*.jsonl")):
        recs += [json.loads(line) for line in f.read_text(encoding="utf-8").splitlines()]
    return sorted(recs, key=lambda r: (r["source_file"], r["line_number"] or 0))


def accepted_positions(state: Path) -> list[tuple[str, int]]:
    """(source_file, line_number) of every accepted line kept in the state."""
    files = sorted(str(p) for p in Path(state).glob("lines/pd=*/*.parquet"))
    if not files:
        return []
    cols = ds.dataset(files, format="parquet").to_table(columns=["source_file", "line_number"])
    return sorted(zip(cols["source_file"].to_pylist(), cols["line_number"].to_pylist(), strict=True))


def outcomes(output: Path, state: Path) -> dict[tuple[str, int | None], str]:
    """(source_file, line_number) -> 'accepted' or the quarantine reason; (source_file, None) ->
    the reason of a file rejected whole."""
    got: dict[tuple[str, int | None], str] = {}
    for key in accepted_positions(state):
        assert key not in got, f"line {key} accepted twice"
        got[key] = "accepted"
    for rec in quarantine(output):
        key = (rec["source_file"], rec["line_number"])
        assert key not in got, f"line {key} both {got[key]} and {rec['reason']}"
        got[key] = rec["reason"]
    return got


def dynamo_items(endpoint: str, prefix: str) -> dict[str, dict[tuple[str, str], dict[str, Any]]]:
    """Every item of the metric tables `<prefix><table>` (full scans), keyed by (pk, sk)."""
    import boto3

    res = boto3.resource("dynamodb", endpoint_url=endpoint)
    out = {}
    for t in METRIC_TABLES:
        table = res.Table(f"{prefix}{t}")
        got: dict[tuple[str, str], dict[str, Any]] = {}
        kwargs: dict[str, Any] = {}
        while True:
            page = table.scan(**kwargs)
            for item in page["Items"]:
                key = (item["pk"], item["sk"])
                assert key not in got, f"{t}: item {key} twice"
                got[key] = item
            if "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        out[t] = got
    return out


def parquet_items(output: Path) -> dict[str, dict[tuple[str, str], dict[str, Any]]]:
    """The items the Parquet tables of a run stand for (docs/contract/runs.md), keyed by (pk, sk)."""
    from cinema_metrics.job.dynamodb import items

    return {t: {(i["pk"], i["sk"]): i for i in items(t, sinks.read_table(output, t))} for t in METRIC_TABLES}


def table_diff(got: dict[str, list[dict[str, str]]], want: dict[str, list[dict[str, str]]]) -> str:
    """The rows that differ between two `tables()` results, for a readable assertion message."""
    out = []
    for t in want:
        a, b = got.get(t, []), want[t]
        if len(a) != len(b):
            out.append(f"{t}: {len(a)} rows, expected {len(b)}")
        out += [f"{t}:\n  got  {x}\n  want {y}" for x, y in zip(a, b, strict=False) if x != y][:3]
    return "\n".join(out)
