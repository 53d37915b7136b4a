"""The commit protocol: how a run's staged work becomes visible, once, by one writer.

A run, holding the state's lease (job/lease.py):
  begin     writes pending/<run>.json, so its staging is known if it dies before committing;
  stages    everything under tmp/<run>/ (invisible to every reader);
  commit    writes its record commits/<seq>-<run>.json (create-only), then HEAD.json with
            `If-Match` on the tag it read at its start: HEAD moves only from the state this
            run saw, so two writers can never both commit on top of one HEAD;
  apply     copies the staged objects into place, updates the indexes, writes the sinks, and
            marks HEAD applied (`If-Match` again). Every step can run twice: the next run
            applies a commit whose apply was cut short before it reads anything.
A run that dies before its commit left only tmp/ objects; the next lease holder deletes them
(`clean_killed`). The layout is job/layout.py; docs/STATE.md tells the whole protocol.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pandas as pd

from cinema_metrics.errors import CliError
from cinema_metrics.job import layout
from cinema_metrics.storage import Store, parallel_map

if TYPE_CHECKING:
    from cinema_metrics.job.config import RunConfig
    from cinema_metrics.job.lease import Lease

try:  # the C decoder (Glue 5.1 ships orjson); json otherwise
    from orjson import loads as _loads
except ImportError:  # pragma: no cover
    _loads = json.loads

VERSION = 2
COMPACT_AT = 12  # objects in one lines/ or members/ folder before a run folds them into one


class CommitConflict(CliError):
    """HEAD moved since this run read it: another writer committed (nothing of this run counts).
    One line on the command line (exit 2), like every reason a run could not finish."""


@dataclass
class Head:
    seq: int = 0
    run: str | None = None
    applied: bool = True
    sale_range: dict[str, list[str]] = field(default_factory=dict)  # pd -> [min, max] sale date
    tables: dict[str, int] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)  # metric -> declared version computed
    etag: str | None = None  # the tag HEAD.json had when read (None: no HEAD yet)

    @property
    def commit_rel(self) -> str:
        return layout.commit_record(self.seq, self.run or "")

    def body(self) -> bytes:
        fields = {k: v for k, v in asdict(self).items() if k != "etag"}
        return _dumps({"version": VERSION, **fields})


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":"), sort_keys=True).encode()


def run_record_line(report: dict) -> bytes:
    """A run's record under runs/: one JSON object on one line, as Athena's JSON SerDe reads it
    (docs/DATA_QUALITY.md)."""
    return (json.dumps(report, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def load_head(state: Store) -> Head | None:
    found = state.get_versioned(layout.HEAD)
    if found is None:
        if state.get("manifest.json") is not None:  # 0.1.0's single-document state
            raise CliError(
                f"{state.url('manifest.json')}: a state of cinema-metrics 0.1.0, which this version "
                "does not read; delete that state (or give --state a fresh location): the next run "
                "rebuilds it from the POS files"
            )
        return None
    d = _loads(found.data)
    if d.get("version") != VERSION:
        raise CliError(
            f"{state.url(layout.HEAD)}: state version {d.get('version')}, this job writes {VERSION}; "
            "run once with a fresh --state (the metrics are recomputed from the POS files)"
        )
    return Head(
        d["seq"], d["run"], d["applied"], d.get("sale_range", {}), d.get("tables", {}), d.get("versions", {}),
        found.etag,
    )  # fmt: skip


def write_head(state: Store, head: Head) -> None:
    """Move HEAD from the state this run read (If-Match on its tag; create-only when none)."""
    body = head.body()
    tag = (
        state.put_new(layout.HEAD, body)
        if head.etag is None
        else state.put_replacing(layout.HEAD, body, head.etag)
    )
    if tag is None:
        raise CommitConflict(
            f"{state.url(layout.HEAD)} changed since run {head.run} read it: another writer committed; "
            "this run stops and nothing of it is visible (the next run starts from that writer's state)"
        )
    head.etag = tag


def new_run_id() -> str:
    return f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"


def begin(state: Store, run_id: str) -> None:
    state.put(layout.pending(run_id), _dumps({"run": run_id}))


def clean_killed(state: Store, head: Head | None) -> list[str]:
    """Delete what runs that died before their commit staged (one LIST of pending/). Called by
    the lease holder only: every other run listed there is dead (its lease expired or was taken)."""
    killed = []
    for rel, _size, _tag in state.list(layout.PENDING):
        run = layout.pending_run(rel)
        if head is not None and run == head.run and not head.applied:
            continue  # committed, its apply not finished: apply() completes it and removes this
        state.delete_prefix(layout.staging(run))
        state.delete([rel])
        killed.append(run)
    return killed


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
    dynamodb_deletes: list[str] = field(default_factory=list)  # metric tables with rows that left them
    keys_staged: list[str] = field(default_factory=list)  # staged key objects for the key index
    keys_retracted: list[str] = field(default_factory=list)  # staged key objects to remove from it
    inbox: list[str] = field(default_factory=list)  # inbox objects this run has read
    report: dict[str, Any] = field(default_factory=dict)  # run_report.json

    def to_json(self) -> bytes:
        return _dumps(self.__dict__)

    @classmethod
    def from_json(cls, data: bytes) -> Commit:
        return cls(**_loads(data))


def commit(state: Store, head: Head, record: Commit, lease: Lease) -> Head:
    """Write the record, then HEAD: from here on the run counts, applied or not."""
    lease.renew()
    new = Head(head.seq + 1, record.run, False, head.sale_range, head.tables, head.versions, head.etag)
    if state.put_new(new.commit_rel, record.to_json()) is None:
        raise CommitConflict(f"{state.url(new.commit_rel)} already exists: another writer took seq {new.seq}")
    write_head(state, new)
    return new


def load_commit(state: Store, head: Head) -> Commit:
    data = state.get(head.commit_rel)
    if data is None:
        raise ValueError(f"{state.url(head.commit_rel)}: HEAD names a commit record that is missing")
    return Commit.from_json(data)


def apply(state: Store, output: Store, head: Head, record: Commit, cfg: RunConfig, lease: Lease) -> None:
    """Put a committed run's effects in place; safe to repeat after a kill at any point."""
    from cinema_metrics.job import files_index, sinks
    from cinema_metrics.job.keys import key_index

    lease.renew()
    parallel_map(lambda c: state.copy(c[0], c[1]), record.copies)
    index = key_index(state, cfg.keys_table, cfg.aws_endpoint)
    if record.keys_staged:
        index.add(state, record.run, record.keys_staged)
    if record.keys_retracted:
        index.remove(state, record.keys_retracted)
    if record.files:
        files_index.update(state, record.files)
    parallel_map(lambda c: state.copy(c[0], c[1], into=output), record.outputs)
    output.delete(record.output_deletes)
    if (record.dynamodb or record.dynamodb_deletes) and cfg.dynamodb is not None:
        from cinema_metrics.job.dynamodb import delete_rows, write_tables

        lease.renew()

        def staged(name: str) -> pd.DataFrame:
            return sinks.from_arrow(
                name.split(".")[0], state.read_parquet(layout.staging(record.run, f"dynamodb/{name}.parquet"))
            )

        write_tables(cfg.dynamodb.client, cfg.dynamodb.prefix, {t: staged(t) for t in record.dynamodb})
        delete_rows(
            cfg.dynamodb.client,
            cfg.dynamodb.prefix,
            {t: staged(f"{t}.removed") for t in record.dynamodb_deletes},
        )
    output.put(layout.run_record(record.run), run_record_line(record.report))
    output.put(layout.RUN_REPORT, (json.dumps(record.report, indent=2) + "\n").encode())
    state.delete(record.deletes + record.inbox)
    head.applied = True
    write_head(state, head)
    state.delete_prefix(layout.staging(record.run))
    state.delete([layout.pending(record.run)])
