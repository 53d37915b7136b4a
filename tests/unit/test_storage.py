"""The storage layer: the same cases on a local folder and on the moto server's S3."""

from __future__ import annotations

import json
import secrets

import boto3
import pyarrow as pa
import pytest

from cinema_metrics.emulated import create_pos_queue
from cinema_metrics.job import state as st
from cinema_metrics.job.discover import discover
from cinema_metrics.storage import Store


@pytest.fixture(params=["folder", "s3"])
def store(request, tmp_path) -> Store:
    if request.param == "folder":
        return Store(tmp_path / "root")
    services = request.getfixturevalue("services")
    request.getfixturevalue("aws_env")
    bucket = f"cm-storage-{secrets.token_hex(4)}"
    boto3.client("s3", endpoint_url=services.aws_endpoint).create_bucket(Bucket=bucket)
    return Store(f"s3://{bucket}/some/prefix", services.aws_endpoint)


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
    if store.s3:  # an ETag is the content's: always set
        assert before and after and before != after
    else:  # a stat signature is "" while the file is too fresh to trust (it may change again)
        assert before == after == ""


def test_copy_delete_and_prefixes(store: Store, tmp_path) -> None:
    store.put("tmp/run/x.parquet", b"staged")
    store.copy("tmp/run/x.parquet", "lines/pd=2026-03-06/run-x.parquet")
    other = Store(tmp_path / "other")
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
    s = Store(tmp_path)
    s.put("a/x", b"1")
    (tmp_path / "a" / ".x.123.tmp").write_bytes(b"half")  # what a killed writer leaves
    assert [r for r, _s, _t in s.list("")] == ["a/x"]


def test_files_index_shards_by_folder(store: Store) -> None:
    st.update_files(store, {"pos/site=1/d=1/a.jsonl": ["h1", "t1"], "pos/site=1/d=1/b.jsonl": ["h2", "t2"]})
    st.update_files(store, {"pos/site=2/d=1/a.jsonl": ["h3", "t3"]})
    shards = [r for r, _s, _t in store.list("files/")]
    assert len(shards) == 2
    got = st.load_files(store, ["pos/site=1/d=1/zzz.jsonl"])  # reads only that folder's object
    assert got == {"pos/site=1/d=1/a.jsonl": ["h1", "t1"], "pos/site=1/d=1/b.jsonl": ["h2", "t2"]}


def test_queue_events_are_kept_in_the_inbox_until_applied(services, aws_env) -> None:
    """A run drains the queue into inbox/<run>.json before deleting the messages: a run killed
    afterwards loses nothing (the next run reads the inbox); only new or changed objects count."""
    ep = services.aws_endpoint
    bucket = f"cm-queue-{secrets.token_hex(4)}"
    s3, sqs = boto3.client("s3", endpoint_url=ep), boto3.client("sqs", endpoint_url=ep)
    s3.create_bucket(Bucket=bucket)
    queue = create_pos_queue(s3, sqs, bucket, bucket)
    pos, state = Store(f"s3://{bucket}/raw/pos", ep), Store(f"s3://{bucket}/curated/_state", ep)
    s3.put_object(Bucket=bucket, Key="raw/pos/site=1/a.jsonl", Body=b"{}\n")
    s3.put_object(Bucket=bucket, Key="raw/pos/site=1/notes.txt", Body=b"not POS")
    found, inbox = discover(pos, state, "run-1", queue, ep, listing=False)
    assert [c.relpath for c in found] == ["pos/site=1/a.jsonl"] and inbox == ["inbox/run-1.json"]
    assert sqs.receive_message(QueueUrl=queue).get("Messages") is None, "messages deleted once kept"
    # run-1 was killed before its commit: the next run still finds the object, through the inbox
    s3.put_object(Bucket=bucket, Key="raw/pos/site=1/b.jsonl", Body=b"{}\n")
    found, inbox = discover(pos, state, "run-2", queue, ep, listing=False)
    assert [c.relpath for c in found] == ["pos/site=1/a.jsonl", "pos/site=1/b.jsonl"]
    assert inbox == ["inbox/run-1.json", "inbox/run-2.json"]
    # once the files index knows a.jsonl with its tag, its event no longer makes it a candidate
    tag = next(c.tag for c in found if c.relpath.endswith("a.jsonl"))
    st.update_files(state, {"pos/site=1/a.jsonl": ["sha", tag]})
    found, _ = discover(pos, state, "run-3", queue, ep, listing=False)
    assert [c.relpath for c in found] == ["pos/site=1/b.jsonl"]
    assert json.loads(state.get("inbox/run-2.json") or b"[]")[0][0] == "site=1/b.jsonl"


def test_a_state_of_the_old_layout_is_refused_with_the_fix(tmp_path) -> None:
    from cinema_metrics.errors import CliError

    state = Store(tmp_path / "_state")
    state.put("manifest.json", b"{}")
    with pytest.raises(CliError, match=r"manifest\.json: a state of cinema-metrics 0\.1\.0.*fresh location"):
        st.load_head(state)
