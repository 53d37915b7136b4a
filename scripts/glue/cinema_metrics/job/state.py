"""Run state (CONTRACT.md 4) in a Store (a folder or an S3 prefix), commit by one object.

Layout under the state root:
  HEAD.json                          the commit point, written last: the committed run
                                     (seq, id), whether its effects are applied, per-partition
                                     sale-date range, table row counts
  commits/<seq>-<run>.json           a committed run's record: what its apply step does
  pending/<run>.json                 written first by a run; a run listed here and not in
                                     HEAD was killed: its tmp/<run>/ is deleted
  inbox/<run>.json                   POS object events drained from the queue, kept until a
                                     committed run has read them
  tmp/<run>/...                      everything a run writes before its commit (invisible)
  lines/pd=<date>/<run>-<n>.parquet  accepted lines by attribution date (session date of a
                                     ticket, sale date of a concession)
  members/month=<m>/<run>.parquet    distinct (customer_id, site_id, day) member admissions
  keys/<run>.parquet                 accepted (transaction_id, line_no): rule 11 on a folder
                                     (a deployment uses a DynamoDB table: job/keys.py)
  files/<folder hash>.json           processed POS files of one folder: name -> [sha256, tag]
  cache/dimensions/                  validated dimension tables by CSV signature (sources.py)

A run stages under tmp/<run>/, writes its commit record, then HEAD (the commit: S3 replaces
one object atomically). Only then does it apply: copy the staged objects to their places
(server-side on S3), update the files index, publish the metric months and quarantine,
write DynamoDB, mark HEAD applied. A run killed before HEAD left only tmp/ objects, which
the next run deletes; one killed during apply is applied again by the next run (every
step is idempotent), before that run reads anything. So readers of lines/, members/,
files/ and the curated prefixes only ever see applied runs.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cinema_metrics.errors import CliError
from cinema_metrics.storage import Store, parallel_map

try:  # the C decoder (Glue 5.1 ships orjson); json otherwise
    from orjson import loads as _loads
except ImportError:  # pragma: no cover
    _loads = json.loads

HEAD = "HEAD.json"
VERSION = 2
COMPACT_AT = 12  # objects in one lines/ or members/ folder before a run folds them into one


@dataclass
class Head:
    seq: int = 0
    run: str | None = None
    applied: bool = True
    sale_range: dict[str, list[str]] = field(default_factory=dict)  # pd -> [min, max] sale date
    tables: dict[str, int] = field(default_factory=dict)

    @property
    def commit_rel(self) -> str:
        return f"commits/{self.seq:08d}-{self.run}.json"


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":"), sort_keys=True).encode()


def load_head(state: Store) -> Head | None:
    data = state.get(HEAD)
    if data is None:
        if state.get("manifest.json") is not None:  # 0.1.0's single-document state
            raise CliError(
                f"{state.url('manifest.json')}: a state of cinema-metrics 0.1.0, which this version "
                "does not read; delete that state (or give --state a fresh location): the next run "
                "rebuilds it from the POS files"
            )
        return None
    d = _loads(data)
    if d.get("version") != VERSION:
        raise CliError(
            f"{state.url(HEAD)}: state version {d.get('version')}, this job writes {VERSION}; "
            "run once with a fresh --state (the metrics are recomputed from the POS files)"
        )
    return Head(d["seq"], d["run"], d["applied"], d.get("sale_range", {}), d.get("tables", {}))


def write_head(state: Store, head: Head) -> None:
    body = {
        "version": VERSION,
        "seq": head.seq,
        "run": head.run,
        "applied": head.applied,
        "sale_range": head.sale_range,
        "tables": head.tables,
    }
    state.put(HEAD, _dumps(body))


def new_run_id() -> str:
    return f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"


def tmp(run_id: str, rel: str = "") -> str:
    return f"tmp/{run_id}/{rel}" if rel else f"tmp/{run_id}/"


def begin(state: Store, run_id: str) -> None:
    state.put(f"pending/{run_id}.json", _dumps({"run": run_id}))


def clean_killed(state: Store, head: Head | None) -> list[str]:
    """Delete what runs killed before their commit staged (bounded: one LIST of pending/)."""
    killed = []
    for rel, _size, _tag in state.list("pending/"):
        rid = rel.rsplit("/", 1)[1].removesuffix(".json")
        if head is not None and rid == head.run and not head.applied:
            continue  # committed, its apply not finished: apply() completes it and removes this
        state.delete_prefix(tmp(rid))
        state.delete([rel])
        killed.append(rid)
    return killed


# ---------------------------------------------------------------- processed POS files


def files_shard(relpath: str) -> str:
    """The files/ object of a POS file's folder: a run reads only its new files' folders."""
    folder = relpath.rsplit("/", 1)[0] if "/" in relpath else ""
    return f"files/{hashlib.sha1(folder.encode()).hexdigest()[:20]}.json"


def load_files(state: Store, relpaths: list[str]) -> dict[str, list[str]]:
    """relpath -> [sha256, tag] of the processed files among those folders."""
    shards = sorted({files_shard(r) for r in relpaths})
    out: dict[str, list[str]] = {}
    for data in state.get_many(shards):
        if data:
            out.update(_loads(data))
    return out


def update_files(state: Store, entries: dict[str, list[str]]) -> None:
    by_shard: dict[str, dict[str, list[str]]] = {}
    for rel, v in entries.items():
        by_shard.setdefault(files_shard(rel), {})[rel] = v

    def one(item: tuple[str, dict[str, list[str]]]) -> None:
        shard, new = item
        data = state.get(shard)
        cur = _loads(data) if data else {}
        cur.update(new)
        state.put(shard, _dumps(cur))

    parallel_map(one, sorted(by_shard.items()))


# ---------------------------------------------------------------- partitioned objects


def lines_folder(pd_iso: str) -> str:
    return f"lines/pd={pd_iso}/"


def members_folder(month: str) -> str:
    return f"members/month={month}/"


def list_folders(state: Store, folders: list[str]) -> dict[str, list[str]]:
    """Objects of each folder (one LIST each, in flight together)."""
    found = parallel_map(lambda f: [r for r, _s, _t in state.list(f)], folders)
    return dict(zip(folders, found, strict=True))


# ---------------------------------------------------------------- the commit record


@dataclass
class Commit:
    """What a committed run's apply step does; every step can run twice."""

    run: str
    copies: list[list[str]] = field(default_factory=list)  # [tmp rel, final rel] in the state
    deletes: list[str] = field(default_factory=list)  # state objects folded into a copy
    files: dict[str, list[str]] = field(default_factory=dict)  # files index entries
    outputs: list[list[str]] = field(default_factory=list)  # [tmp rel, output rel]
    output_deletes: list[str] = field(default_factory=list)  # output objects (emptied months)
    dynamodb: list[str] = field(default_factory=list)  # metric tables with staged changed rows
    keys_staged: list[str] = field(default_factory=list)  # staged key objects for the key index
    inbox: list[str] = field(default_factory=list)  # inbox objects this run has read
    report: dict[str, Any] = field(default_factory=dict)  # run_report.json

    def to_json(self) -> bytes:
        return _dumps(self.__dict__)

    @classmethod
    def from_json(cls, data: bytes) -> Commit:
        return cls(**_loads(data))


def commit(state: Store, head: Head, record: Commit) -> Head:
    """Write the record, then HEAD: from here on the run counts, applied or not."""
    new = Head(head.seq + 1, record.run, False, head.sale_range, head.tables)
    state.put(new.commit_rel, record.to_json())
    write_head(state, new)
    return new


def load_commit(state: Store, head: Head) -> Commit:
    data = state.get(head.commit_rel)
    if data is None:
        raise ValueError(f"{state.url(head.commit_rel)}: HEAD names a commit record that is missing")
    return Commit.from_json(data)
