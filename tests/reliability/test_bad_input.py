"""Bad-input corpus (tests/data/bad_input): the job never crashes, every line gets the outcome
written by hand in expectations.yaml, the report reconciles, quarantine records carry the
contract fields, and the independent DuckDB oracle reads the corpus the same way."""

from __future__ import annotations

import shutil
import zlib
from collections import Counter
from pathlib import Path

import pytest
from tests.data.bad_input import make_corpus
from tests.reliability.common import outcomes, quarantine

from cinema_metrics import contract
from cinema_metrics.errors import CliError
from cinema_metrics.job.runner import run_job
from cinema_metrics.oracle import compute

TRUNCATED = "pos/z_truncated.jsonl.gz"
RECORD = {"source_file", "line_number", "reason", "raw", "raw_cut", "site_id", "business_date"}


@pytest.fixture(scope="module")
def expected() -> dict[tuple[str, int | None], str]:
    return {(rel, n): r for rel, lines in make_corpus.expectations().items() for n, r in lines.items()}


def _whole(expected: dict) -> dict[str, str]:
    """source_file -> reason of the files rejected whole."""
    return {rel: r for (rel, n), r in expected.items() if n is None}


def _lines_of(expected: dict) -> dict[tuple[str, int], str]:
    return {k: r for k, r in expected.items() if k[1] is not None}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_corpus.build(tmp_path_factory.mktemp("bad-input") / "src")


@pytest.fixture(scope="module")
def job(spark, corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path]:
    out = tmp_path_factory.mktemp("bad-input-out")
    report = run_job(corpus, out, spark=spark, progress=False)
    return report, out


def test_corpus_covers_every_reason_and_the_nasty_cases(corpus: Path, expected) -> None:
    # every line reason, and every whole-file reason a snapshot folder can show (a file that
    # vanished mid-run needs a live store: tests/reliability/test_poison.py)
    assert set(_lines_of(expected).values()) == {*contract.REASONS, "accepted"}
    assert set(_whole(expected).values()) == set(contract.FILE_REASONS) - {"file_vanished"}
    files = sorted(p.relative_to(corpus).as_posix() for p in (corpus / "pos").rglob("*") if p.is_file())
    assert files == sorted(make_corpus.expectations()), "every POS file has expectations, and only those"
    sizes = {rel: (corpus / rel).stat().st_size for rel in files}
    assert sizes["pos/g_empty.jsonl"] == 0
    assert max(len(line) for line in (corpus / "pos/x_big_line.jsonl").read_bytes().split(b"\n")) > 1 << 20
    assert (corpus / "pos/b_bom_crlf.jsonl").read_bytes().startswith(b"\xef\xbb\xbf")
    with pytest.raises(EOFError):  # really truncated
        __import__("gzip").decompress((corpus / TRUNCATED).read_bytes())


def test_every_line_has_its_expected_outcome(job, expected) -> None:
    _, out = job
    got = outcomes(out, out / "_state")
    diffs = [
        f"{k[0]}:{k[1]} expected {expected.get(k)} got {got.get(k)}"
        for k in sorted(set(expected) | set(got), key=lambda k: (k[0], k[1] or 0))
        if expected.get(k) != got.get(k)
    ]
    assert not diffs, "\n".join(diffs)


def test_report_reconciles(job, expected) -> None:
    report, _ = job
    lines = _lines_of(expected)
    want = Counter(lines.values())
    assert report["lines_read"] == len(lines)
    assert report["lines_accepted"] == want.pop("accepted")
    assert report["lines_read"] == report["lines_accepted"] + report["lines_quarantined"]
    assert report["quarantined_by_reason"] == {r: want[r] for r in contract.REASONS if want[r]}
    assert list(report["quarantined_by_reason"]) == [r for r in contract.REASONS if want[r]]
    assert report["files_rejected"] == _whole(expected)
    assert report["files_read"] == len(make_corpus.expectations()) - len(_whole(expected))


def _lines(rel: str, data: bytes) -> dict[int, str]:
    """Independent split of a POS file into (line number -> text) as quarantine.md's 'raw' expects."""
    if rel.endswith(".gz"):
        text = b""
        while data:
            d = zlib.decompressobj(16 + zlib.MAX_WBITS)
            text += d.decompress(data)
            data = d.unused_data
    else:
        text = data
    text = text.removeprefix(b"\xef\xbb\xbf")
    parts = text.split(b"\n")
    if parts[-1] == b"" and rel != TRUNCATED:
        parts.pop()
    return {i: p.removesuffix(b"\r").decode("utf-8", "replace") for i, p in enumerate(parts, start=1)}


def test_quarantine_records_carry_the_contract_fields(job, corpus: Path) -> None:
    _, out = job
    records = quarantine(out)
    assert records
    texts: dict[str, dict[int, str]] = {}
    for rec in records:
        rel = rec["source_file"]
        if rec["line_number"] is None:  # a file rejected whole: the reason and why, no text
            assert set(rec) == {*RECORD, "detail"} and rec["site_id"] is rec["business_date"] is None
            assert rec["reason"] in contract.FILE_REASONS and rec["raw"] is None and rec["detail"]
            continue
        assert set(rec) == RECORD, rec.keys()
        assert rec["reason"] in contract.REASONS
        if rel not in texts:
            texts[rel] = _lines(rel, (corpus / rel).read_bytes())
        text = texts[rel][rec["line_number"]]
        cut = len(text.encode()) > contract.RAW_PREFIX_BYTES
        assert rec["raw_cut"] is cut, (rel, rec["line_number"])
        assert rec["raw"] == (
            text.encode()[: contract.RAW_PREFIX_BYTES].decode("utf-8", "ignore") if cut else text
        )
    big = [r for r in records if r["source_file"] == "pos/x_big_line.jsonl"]
    assert len(big) == 1 and big[0]["raw_cut"] and len(big[0]["raw"]) == contract.RAW_PREFIX_BYTES
    tail = [r for r in records if r["source_file"] == TRUNCATED]
    assert len(tail) == 1 and 0 < len(tail[0]["raw"]) < 40, "the broken tail is the partial 4th line"


def test_oracle_reads_the_corpus_the_same_way(corpus: Path, expected, tmp_path: Path) -> None:
    # The oracle refuses a truncated gzip outright (naming it); the job keeps what decompressed.
    # Both are fair for their roles; compare everything else line by line.
    with pytest.raises(CliError, match=r"z_truncated\.jsonl\.gz"):
        compute(corpus, workers=1)
    src = tmp_path / "src"
    shutil.copytree(corpus, src)
    (src / TRUNCATED).unlink()
    res = compute(src, workers=1)
    assert res.files_rejected == _whole(expected)
    want = {k: r for k, r in _lines_of(expected).items() if k[0] != TRUNCATED}
    got_q = {(f, n): r for f, n, r in res.quarantined_lines}
    assert got_q == {k: r for k, r in want.items() if r != "accepted"}
    assert res.lines_read == len(want)
    assert res.lines_accepted == sum(r == "accepted" for r in want.values())
