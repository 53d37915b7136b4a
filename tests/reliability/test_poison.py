"""Bad objects are consumed once and the pipeline moves on (docs/contract/quarantine.md).

On the emulator's S3 with the POS event queue, the deployed form: a file created then deleted
before the run, a 16 KiB gzip that inflates to 16.7 M lines, a 64 MiB line, and objects with
other suffixes arrive beside good files. The run takes the good lines, rejects each bad object
whole with one quarantine record and its reason (listed in the report's files_rejected), and
the next runs, from the queue and from a reconciling listing, read nothing. Before this, the
vanished object failed every later run, the bomb took minutes and was retried every run, and
the other suffixes were silently ignored."""

from __future__ import annotations

import gzip
import json
import secrets
import time
import zlib
from typing import Any

import boto3
import pytest
from tests.unit.job import scenario
from tests.unit.job.snap import encode, write_snapshot

from cinema_metrics import contract
from cinema_metrics.emulated import create_pos_queue
from cinema_metrics.job.runner import run_job
from cinema_metrics.storage import open_store

MALFORMED_LONG = b'{"transaction_id": "' + b"y" * 20_000  # 20 KB, under the line limit: kept cut


def _bomb(lines: int) -> bytes:
    z = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = z.compress(b"\n" * (1 << 20))
    parts = [block] + [z.compress(b"\n" * (1 << 20)) for _ in range((lines >> 20) - 1)]
    return b"".join([*parts, z.flush()])


def _long_line(n_bytes: int) -> bytes:
    z = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = b"x" * (1 << 20)
    body = [z.compress(chunk) for _ in range(n_bytes >> 20)]
    return b"".join([*body, z.compress(b"\n"), z.flush()])


class Bed:
    def __init__(self, endpoint: str, tmp_path) -> None:
        self.endpoint = endpoint
        self.bucket = f"cm-poison-{secrets.token_hex(4)}"
        self.s3 = boto3.client("s3", endpoint_url=endpoint)
        self.s3.create_bucket(Bucket=self.bucket)
        sqs = boto3.client("sqs", endpoint_url=endpoint)
        self.queue = create_pos_queue(self.s3, sqs, self.bucket, self.bucket)
        self.src = tmp_path / "src"
        write_snapshot(self.src, {})  # ECR and CRM only: POS comes from the bucket

    def put(self, name: str, body: bytes) -> None:
        self.s3.put_object(Bucket=self.bucket, Key=f"raw/pos/{name}", Body=body)

    def run(self, spark, **kw: Any) -> dict:
        started = time.monotonic()
        report = run_job(
            self.src,
            f"s3://{self.bucket}/curated",
            pos=f"s3://{self.bucket}/raw/pos/",
            pos_queue_url=self.queue,
            aws_endpoint=self.endpoint,
            spark=spark,
            progress=False,
            **kw,
        )
        print(f"run: {time.monotonic() - started:.1f} s, {report['lines_read']} lines, "
              f"{len(report['files_rejected'])} files rejected")  # fmt: skip
        return report

    def quarantine(self) -> list[dict]:
        store = open_store(f"s3://{self.bucket}/curated", self.endpoint)
        records = []
        for rel, _s, _t in store.list("quarantine/"):
            records += [json.loads(line) for line in (store.get(rel) or b"").decode().splitlines()]
        return records


def test_each_bad_object_is_consumed_once(spark, services, aws_env, tmp_path) -> None:
    bed = Bed(services.aws_endpoint, tmp_path)
    for name, lines in scenario.POS.items():
        bed.put(name, gzip.compress(encode(lines)) if name.endswith(".gz") else encode(lines))
    first = bed.run(spark)
    assert first["lines_accepted"] == 10 and first["files_rejected"] == {}

    bed.put("site=1/date=2026-03-06/deleted.jsonl", encode(scenario.SITE1[:1]))
    bed.s3.delete_object(Bucket=bed.bucket, Key="raw/pos/site=1/date=2026-03-06/deleted.jsonl")
    bed.put("site=1/date=2026-03-07/bomb.jsonl.gz", _bomb(1 << 24))  # 16.7 M empty lines
    bed.put("site=1/date=2026-03-07/long.jsonl.gz", _long_line(64 << 20))  # one 64 MiB line
    for name in ("export.json", "EXPORT.JSONL", "dump.gz"):
        bed.put(f"site=1/date=2026-03-07/{name}", encode(scenario.SITE1[:1]))
    bed.put("site=1/date=2026-03-07/ok.jsonl", MALFORMED_LONG + b"\n")

    second = bed.run(spark)
    base = "pos/site=1/date=2026-03-0"
    assert second["files_rejected"] == {
        f"{base}6/deleted.jsonl": "file_vanished",
        f"{base}7/EXPORT.JSONL": "file_unsupported_suffix",
        f"{base}7/bomb.jsonl.gz": "file_too_many_lines",
        f"{base}7/dump.gz": "file_unsupported_suffix",
        f"{base}7/export.json": "file_unsupported_suffix",
        f"{base}7/long.jsonl.gz": "file_line_too_long",
    }
    assert second["lines_read"] == 1 and second["quarantined_by_reason"] == {"malformed_json": 1}
    assert second["files_read"] == 1
    records = bed.quarantine()
    whole = sorted((r["source_file"], r["reason"]) for r in records if r["line_number"] is None)
    assert whole == sorted(second["files_rejected"].items())
    assert set(second["files_rejected"].values()) <= set(contract.FILE_REASONS)
    cut = [r for r in records if r["line_number"] is not None]
    assert [(r["reason"], r["raw_cut"]) for r in cut] == [("malformed_json", True)]
    assert max(len((r["raw"] or "").encode()) for r in records) <= contract.RAW_PREFIX_BYTES

    third = bed.run(spark)  # the queue is drained: nothing new
    fourth = bed.run(spark, reconcile=True)  # a full listing finds every object known
    for report in (third, fourth):
        assert (report["lines_read"], report["files_read"], report["files_rejected"]) == (0, 0, {})
    assert len(bed.quarantine()) == len(records), "no bad object was quarantined twice"

    # the operator replaces the bomb with a proper export: new content, read once
    bed.put("site=1/date=2026-03-07/bomb.jsonl.gz", gzip.compress(encode(scenario.SITE2[:1])))
    fifth = bed.run(spark)
    assert fifth["files_read"] == 1 and fifth["lines_accepted"] == 0  # it repeats an accepted line
    assert fifth["quarantined_by_reason"] == {"duplicate_line": 1}


@pytest.mark.parametrize("suffix", [".JSONL", ".json"])
def test_a_folder_source_rejects_other_suffixes_too(spark, tmp_path, suffix) -> None:
    src = tmp_path / "src"
    write_snapshot(src, scenario.POS)
    (src / "pos" / f"stray{suffix}").write_bytes(encode(scenario.SITE1[:1]))
    report = run_job(src, tmp_path / "out", spark=spark, progress=False)
    assert report["files_rejected"] == {f"pos/stray{suffix}": "file_unsupported_suffix"}
    assert report["lines_accepted"] == 10
