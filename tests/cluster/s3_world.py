"""The AWS side of a deployed run on the moto server, and readers of what runs left there.

A "world" is what the modules create for one deployment: the data bucket, the DynamoDB table
of accepted line keys (rule 11) and the SQS queue that receives the bucket's ObjectCreated
events for raw/pos/. The readers here open S3 and folders with boto3 and the file system
directly (not through cinema_metrics.storage, the code under test), so the tables, the
quarantine and the run reports of an S3 run and of a local folder run are compared as bytes
a reader such as Athena would see.
"""

from __future__ import annotations

import json
import os
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from cinema_metrics import contract
from cinema_metrics.emulated import create_keys_table, create_pos_queue
from cinema_metrics.metrics import METRIC_TABLES

POS_PREFIX = "raw/pos/"
CURATED = "curated/"
STATE = "curated/_state/"
REPORT_KEYS = ("lines_read", "lines_accepted", "lines_quarantined", "files_read")


def client(service: str, endpoint: str) -> Any:
    import boto3

    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1")


@dataclass(frozen=True)
class World:
    endpoint: str
    bucket: str
    queue_url: str
    keys_table: str

    @property
    def pos_uri(self) -> str:
        return f"s3://{self.bucket}/{POS_PREFIX}"

    @property
    def output_uri(self) -> str:
        return f"s3://{self.bucket}/{CURATED}"

    @property
    def state_uri(self) -> str:
        return f"s3://{self.bucket}/{STATE}"


def make_world(endpoint: str, label: str = "cm-two-host") -> World:
    """A fresh bucket, keys table and queue (unique names: a moto server may outlive a session)."""
    tag = uuid.uuid4().hex[:8]
    bucket, table, queue = f"{label}-{tag}", f"{label}-keys-{tag}", f"{label}-pos-{tag}"
    s3, sqs, ddb = client("s3", endpoint), client("sqs", endpoint), client("dynamodb", endpoint)
    s3.create_bucket(Bucket=bucket)
    create_keys_table(ddb, table)
    queue_url = create_pos_queue(s3, sqs, bucket, queue, POS_PREFIX)
    return World(endpoint, bucket, queue_url, table)


def upload(world: World, objects: dict[str, bytes]) -> None:
    """Put POS objects (names under raw/pos/), each firing an ObjectCreated event."""
    s3 = client("s3", world.endpoint)
    with ThreadPoolExecutor(8) as pool:
        list(
            pool.map(
                lambda kv: s3.put_object(Bucket=world.bucket, Key=POS_PREFIX + kv[0], Body=kv[1]),
                sorted(objects.items()),
            )
        )


def s3_objects(endpoint: str, bucket: str, prefix: str) -> dict[str, bytes]:
    """{key relative to prefix: bytes} of every object under prefix."""
    s3 = client("s3", endpoint)
    out = {}
    for key in list_keys(endpoint, bucket, prefix):
        out[key[len(prefix) :]] = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    return out


def list_keys(endpoint: str, bucket: str, prefix: str) -> list[str]:
    s3 = client("s3", endpoint)
    keys: list[str] = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys += [o["Key"] for o in page.get("Contents", ())]
    return sorted(keys)


def folder_objects(root: Path) -> dict[str, bytes]:
    out = {}
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            if not name.startswith("."):
                p = Path(dirpath) / name
                out[p.relative_to(root).as_posix()] = p.read_bytes()
    return out


def read_pos_folder(pos: Path) -> dict[str, bytes]:
    """{name under the POS root: bytes} of a snapshot's POS files."""
    return {k: v for k, v in folder_objects(pos).items() if k.endswith(contract.POS_FILE_SUFFIXES)}


def tables_of(objects: dict[str, bytes]) -> dict[str, list[dict[str, str]]]:
    """Every metric table from every Parquet object under metrics/<table>/, rows sorted
    by key, values as strings (an exact comparison)."""
    out = {}
    for t, meta in METRIC_TABLES.items():
        parts = [
            pq.read_table(pa.BufferReader(data))
            for rel, data in sorted(objects.items())
            if rel.startswith(f"metrics/{t}/") and rel.endswith(".parquet")
        ]
        assert parts, f"no Parquet object under metrics/{t}/"
        frame = pa.concat_tables(parts, promote_options="default").to_pandas()
        frame = frame.sort_values(list(meta.key)).reset_index(drop=True)
        out[t] = frame.astype(str).to_dict("records")
    return out


def quarantine_of(objects: dict[str, bytes]) -> Counter[tuple[Any, ...]]:
    """Multiset of (source_file, line_number, reason, raw) over every quarantine/*.jsonl."""
    got: Counter[tuple[Any, ...]] = Counter()
    for rel, data in objects.items():
        if rel.startswith("quarantine/") and rel.endswith(".jsonl"):
            for line in data.decode("utf-8").splitlines():
                r = json.loads(line)
                got[(r["source_file"], r["line_number"], r["reason"], r["raw"])] += 1
    return got


def committed_reports(state_objects: dict[str, bytes]) -> list[dict[str, Any]]:
    """The run report of every committed run, in commit order (state/commits/<seq>-<run>.json)."""
    rels = sorted(r for r in state_objects if r.startswith("commits/"))
    return [json.loads(state_objects[r])["report"] for r in rels]


def summed(reports: list[dict[str, Any]]) -> dict[str, Any]:
    """Line and file counts and quarantine reasons summed over runs."""
    total: dict[str, Any] = dict.fromkeys(REPORT_KEYS, 0)
    reasons: Counter[str] = Counter()
    for r in reports:
        for k in REPORT_KEYS:
            total[k] += int(r.get(k, 0))
        reasons.update(r.get("quarantined_by_reason", {}))
    total["quarantined_by_reason"] = dict(sorted(reasons.items()))
    return total


def table_diff(got: dict[str, list], want: dict[str, list]) -> str:
    """A short description of the first differences (for assertion messages)."""
    out = []
    for t in want:
        g, w = got.get(t, []), want[t]
        if g != w:
            out.append(f"{t}: {len(g)} rows vs {len(w)} expected")
            for a, b in zip(g, w, strict=False):
                if a != b:
                    out.append(f"  first difference: {a} != {b}")
                    break
    return "\n".join(out) or "equal"
