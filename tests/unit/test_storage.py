"""The storage layer: the same cases on a local folder and on the moto server's S3."""

from __future__ import annotations

import json
import re
import secrets

import boto3
import pyarrow as pa
import pytest

from cinema_metrics.emulated import create_pos_queue
from cinema_metrics.job import commit, files_index
from cinema_metrics.job.discover import discover
from cinema_metrics.storage import Store, open_store


@pytest.fixture(params=["folder", "s3"])
def store(request, tmp_path) -> Store:
    if request.param == "folder":
        return open_store(tmp_path / "root")
    services = request.getfixturevalue("services")
    request.getfixturevalue("aws_env")
    bucket = f"cm-storage-{secrets.token_hex(4)}"
    boto3.client("s3", endpoint_url=services.aws_endpoint).create_bucket(Bucket=bucket)
    return open_store(f"s3://{bucket}/some/prefix", services.aws_endpoint)


def test_objects_round_trip(store: Store) -> None:
    assert store.get("a/b.txt") is None
    store.put("a/b.txt", b"one")
    store.put("a/c/d.txt", b"two")
    store.put("e.txt", b"three")
    assert store.get("a/b.txt") == b"one"
    assert [r for r, _s, _t in store.list("")] == ["a/b.txt", "a/c/d.txt", "e.txt"]
    assert [(r, s) for r, s, _t in store.list("a/")] == [("a/b.txt", 3), ("a/c/d.txt", 3)]
    assert store.get_many(["e.txt", "missing", "a/b.txt"]) == [b"three", None, b"one"]


def test_tag_changes_with_the_content(store: Store) -> None:
    store.put("x.jsonl", b"first")
    ((_r, _s, before),) = store.list("x.jsonl")
    store.put("x.jsonl", b"other")
    ((_r, _s, after),) = store.list("x.jsonl")
    if store.remote:  # an ETag is the content's: always set
        assert before and after and before != after
    else:  # a stat signature is "" while the file is too fresh to trust (it may change again)
        assert before == after == ""


def test_copy_delete_and_prefixes(store: Store, tmp_path) -> None:
    store.put("tmp/run/x.parquet", b"staged")
    store.copy("tmp/run/x.parquet", "lines/pd=2026-03-06/run-x.parquet")
    other = open_store(tmp_path / "other")
    store.copy("tmp/run/x.parquet", "out/x.parquet", into=other)
    assert other.get("out/x.parquet") == b"staged"
    assert store.delete_prefix("tmp/") == 1
    assert store.list("tmp/") == []
    assert [r for r, _s, _t in store.list("")] == ["lines/pd=2026-03-06/run-x.parquet"]
    store.delete(["lines/pd=2026-03-06/run-x.parquet", "never/there"])
    assert store.list("") == []


def test_parquet(store: Store) -> None:
    schema = pa.schema([("k", pa.string()), ("n", pa.int32())])
    store.write_parquet("p/1.parquet", pa.table({"k": ["a"], "n": [1]}, schema=schema))
    store.write_parquet("p/2.parquet", pa.table({"k": ["b", "c"], "n": [2, 3]}, schema=schema))
    got = store.read_parquets(["p/1.parquet", "p/2.parquet", "p/missing.parquet"], schema)
    assert got.to_pydict() == {"k": ["a", "b", "c"], "n": [1, 2, 3]}
    assert store.read_parquets([], schema).num_rows == 0


def test_a_spec_reopens_the_same_store(store: Store) -> None:
    store.put("k", b"v")
    again = Store.open(store.spec)
    assert again.get("k") == b"v" and again.uri == store.uri


def test_local_writes_leave_no_temp_files_and_hide_them(tmp_path) -> None:
    s = open_store(tmp_path)
    s.put("a/x", b"1")
    (tmp_path / "a" / ".x.123.tmp").write_bytes(b"half")  # what a killed writer leaves
    assert [r for r, _s, _t in s.list("")] == ["a/x"]


def test_files_index_shards_by_folder(store: Store) -> None:
    files_index.update(
        store, {"pos/site=1/d=1/a.jsonl": ["h1", "t1"], "pos/site=1/d=1/b.jsonl": ["h2", "t2"]}
    )
    files_index.update(store, {"pos/site=2/d=1/a.jsonl": ["h3", "t3"]})
    shards = [r for r, _s, _t in store.list("files/")]
    assert len(shards) == 2
    got = files_index.load(store, ["pos/site=1/d=1/zzz.jsonl"])  # reads only that folder's object
    assert got == {"pos/site=1/d=1/a.jsonl": ["h1", "t1"], "pos/site=1/d=1/b.jsonl": ["h2", "t2"]}


def test_queue_events_are_kept_in_the_inbox_until_applied(services, aws_env) -> None:
    """A run drains the queue into inbox/<run>.json before deleting the messages: a run killed
    afterwards loses nothing (the next run reads the inbox); only new or changed objects count."""
    ep = services.aws_endpoint
    bucket = f"cm-queue-{secrets.token_hex(4)}"
    s3, sqs = boto3.client("s3", endpoint_url=ep), boto3.client("sqs", endpoint_url=ep)
    s3.create_bucket(Bucket=bucket)
    queue = create_pos_queue(s3, sqs, bucket, bucket)
    pos, state = open_store(f"s3://{bucket}/raw/pos", ep), open_store(f"s3://{bucket}/curated/_state", ep)
    s3.put_object(Bucket=bucket, Key="raw/pos/site=1/a.jsonl", Body=b"{}\n")
    s3.put_object(Bucket=bucket, Key="raw/pos/site=1/notes.txt", Body=b"not POS")
    found, inbox = discover(pos, state, "run-1", queue, ep, listing=False)
    # every object is a candidate: notes.txt is rejected whole by the parse step, never ignored
    assert [c.relpath for c in found] == ["pos/site=1/a.jsonl", "pos/site=1/notes.txt"]
    assert inbox == ["inbox/run-1.json"]
    assert sqs.receive_message(QueueUrl=queue).get("Messages") is None, "messages deleted once kept"
    # run-1 was killed before its commit: the next run still finds the object, through the inbox
    s3.put_object(Bucket=bucket, Key="raw/pos/site=1/b.jsonl", Body=b"{}\n")
    found, inbox = discover(pos, state, "run-2", queue, ep, listing=False)
    assert [c.relpath for c in found] == ["pos/site=1/a.jsonl", "pos/site=1/b.jsonl", "pos/site=1/notes.txt"]
    assert inbox == ["inbox/run-1.json", "inbox/run-2.json"]
    # once the files index knows a.jsonl with its tag, its event no longer makes it a candidate
    tag = next(c.tag for c in found if c.relpath.endswith("a.jsonl"))
    files_index.update(state, {"pos/site=1/a.jsonl": ["sha", tag]})
    found, _ = discover(pos, state, "run-3", queue, ep, listing=False)
    assert [c.relpath for c in found] == ["pos/site=1/b.jsonl", "pos/site=1/notes.txt"]
    assert json.loads(state.get("inbox/run-2.json") or b"[]")[0][0] == "site=1/b.jsonl"


def test_a_state_of_the_old_layout_is_refused_with_the_fix(tmp_path) -> None:
    from cinema_metrics.errors import CliError

    state = open_store(tmp_path / "_state")
    state.put("manifest.json", b"{}")
    with pytest.raises(CliError, match=r"manifest\.json: a state of cinema-metrics 0\.1\.0.*fresh location"):
        commit.load_head(state)


def test_put_new_creates_once(store: Store) -> None:
    first = store.put_new("HEAD.json", b"one")
    assert first and store.get("HEAD.json") == b"one"
    assert store.put_new("HEAD.json", b"two") is None, "an existing object is never replaced"
    assert store.get("HEAD.json") == b"one"


def test_put_replacing_compares_the_tag_read(store: Store) -> None:
    store.put("HEAD.json", b"v1")
    seen = store.get_versioned("HEAD.json")
    assert seen is not None and seen.data == b"v1"
    new_tag = store.put_replacing("HEAD.json", b"v2", seen.etag)
    assert new_tag and new_tag != seen.etag and store.get("HEAD.json") == b"v2"
    assert store.put_replacing("HEAD.json", b"v3", seen.etag) is None, "a stale tag loses"
    assert store.get("HEAD.json") == b"v2"
    assert store.put_replacing("missing.json", b"x", seen.etag) is None
    assert store.get("missing.json") is None


def test_streaming_reads_in_chunks(store: Store) -> None:
    from cinema_metrics.storage import CHUNK

    body = b"x" * (CHUNK * 2 + 5)
    store.put("big.jsonl", body)
    chunks = store.stream("big.jsonl")
    assert chunks is not None
    parts = list(chunks)
    assert b"".join(parts) == body and max(map(len, parts)) <= CHUNK
    assert store.stream("missing.jsonl") is None


@pytest.mark.parametrize(
    ("location", "fix"),
    [
        ("s3:/bkt/x", "not a folder path or an s3://bucket/prefix URI"),
        ("S3://bkt/x", "scheme 'S3'"),
        ("s3://Bad_Bucket/x", "is not an S3 bucket name"),
        ("gs://bkt/x", "scheme 'gs'"),
    ],
)
def test_a_malformed_location_is_refused_with_the_fix(location, fix) -> None:
    from cinema_metrics.errors import CliError

    with pytest.raises(CliError, match=re.escape(fix)):
        open_store(location)


def test_a_conditional_write_retries_a_409_conflict(services, aws_env) -> None:
    """AWS answers 409 ConditionalRequestConflict while another conditional write to the key is
    in flight (moto never does): the store retries it, then reports the real outcome."""
    from tests.reliability.fault_proxy import FaultProxy

    bucket = f"cm-conflict-{secrets.token_hex(4)}"
    boto3.client("s3", endpoint_url=services.aws_endpoint).create_bucket(Bucket=bucket)
    with FaultProxy(services.aws_endpoint, [], s3_plan={"PUT": ["conflict", "conflict", "pass"]}) as proxy:
        store = open_store(f"s3://{bucket}/state", proxy.url)
        assert store.put_new("HEAD.json", b"one")
        assert proxy.s3_injected[("PUT", "conflict")] == 2
        assert store.put_new("HEAD.json", b"two") is None
