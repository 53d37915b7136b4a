"""Which POS objects a run reads (docs/contract/runs.md): new paths, and known paths whose content changed.

Without a queue, or on a first or reconciling run, the POS root is listed whole (a folder
walk, or ~1 LIST per 1,000 S3 objects). With a queue (S3 event notifications for the POS
prefix, the deployed form), a run asks only for what arrived: it drains the queue into one
inbox object in the state (so a killed run loses no event), then reads every inbox object
not yet taken by a committed run. Either way each listed object is looked up in the files
index of its folder by (path, tag): a matching tag is not even read; a changed tag is read
and hashed, and only a changed sha256 makes the file's lines count again. Every object under
the POS root is a candidate, whatever its suffix: one that is not `.jsonl` / `.jsonl.gz` is
rejected whole by the parse step (docs/contract/quarantine.md), never silently left out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import unquote_plus

from cinema_metrics.job import files_index, layout
from cinema_metrics.storage import Store, aws_client


@dataclass
class Candidate:
    relpath: str  # pos/... (layout.POS_PREFIX + name)
    name: str  # under the POS root
    size: int
    tag: str
    old_sha: str  # "" for a new path


def drain_queue(queue_url: str, endpoint_url: str | None, pos: Store) -> tuple[list[list], list[dict]]:
    """Every message now in the queue -> ([name, size, tag] of created POS objects, receipts)."""
    sqs = aws_client("sqs", endpoint_url)
    base = f"{pos.prefix}/" if pos.prefix else ""
    events: list[list] = []
    receipts: list[dict] = []
    while True:
        resp = sqs.receive_message(
            QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0, VisibilityTimeout=900
        )
        msgs = resp.get("Messages", [])
        if not msgs:
            break
        for m in msgs:
            receipts.append({"Id": str(len(receipts)), "ReceiptHandle": m["ReceiptHandle"]})
            try:
                body = json.loads(m["Body"])
            except ValueError:
                continue  # not an S3 event (e.g. a stray message): nothing to read
            for r in body.get("Records", []):
                if not str(r.get("eventName", "")).startswith("ObjectCreated"):
                    continue  # a deleted POS file keeps its accepted lines (`retract` withdraws them)
                o, b = r["s3"]["object"], r["s3"]["bucket"]["name"]
                key = unquote_plus(o["key"])
                if b != pos.bucket or not key.startswith(base):
                    continue
                size = int(o.get("size", 0))
                events.append([key[len(base) :], size, f"{o.get('eTag', '').strip(chr(34))}:{size}"])
    return events, receipts


def delete_messages(queue_url: str, endpoint_url: str | None, receipts: list[dict]) -> None:
    sqs = aws_client("sqs", endpoint_url)
    for i in range(0, len(receipts), 10):
        chunk = [dict(r, Id=str(j)) for j, r in enumerate(receipts[i : i + 10])]
        sqs.delete_message_batch(QueueUrl=queue_url, Entries=chunk)


def discover(
    pos: Store,
    state: Store,
    run_id: str,
    queue_url: str | None,
    endpoint_url: str | None,
    listing: bool,
) -> tuple[list[Candidate], list[str]]:
    """(candidates in lexicographic order of relpath, inbox objects read)."""
    inbox: list[str] = []
    objects: dict[str, tuple[int, str]] = {}
    if queue_url:
        events, receipts = drain_queue(queue_url, endpoint_url, pos)
        if events:
            state.put(layout.inbox(run_id), json.dumps(events).encode())
        if receipts:
            delete_messages(queue_url, endpoint_url, receipts)  # safe now: the inbox holds them
        inbox = [rel for rel, _s, _t in state.list(layout.INBOX)]
        for data in state.get_many(inbox):
            for name, size, tag in json.loads(data or b"[]"):
                objects[name] = (size, tag)
    if listing or not queue_url:
        for name, size, tag in pos.list(""):
            objects[name] = (size, tag)
    names = sorted(n for n in objects if not n.endswith("/"))  # a console's "folder" is no file
    known = files_index.load(state, [layout.POS_PREFIX + n for n in names])
    out: list[Candidate] = []
    for name in names:
        size, tag = objects[name]
        rel = layout.POS_PREFIX + name
        old = known.get(rel)
        if old is not None and tag and old[1] == tag:
            continue
        out.append(Candidate(rel, name, size, tag, old[0] if old else ""))
    return out, inbox
