"""Build the bad-input snapshot: the committed files plus the byte-level ones made here.

The committed files (ecr/, crm/, pos/*.jsonl) are plain UTF-8 text. The files below are
generated at test time because they are big (a 1 MB line), binary (a truncated gzip,
invalid UTF-8) or depend on exact bytes an editor or git could "fix" (BOM, CRLF). The
expected reason of every line, committed and generated, is in expectations.yaml, written
by hand from docs/contract/quarantine.md.

    python tests/data/bad_input/make_corpus.py DEST   # writes a snapshot folder
"""

from __future__ import annotations

import gzip
import json
import shutil
import sys
import zlib
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
MB = 1 << 20
_LINE = dict(
    transaction_id="X",
    line_no=1,
    site_id=1,
    terminal_id="BO-1",
    sold_at="2026-03-06T18:00:00-06:00",
    channel="box_office",
    customer_id=500,
    item_type="ticket",
    showtime_id=1000,
    ticket_type="adult",
    sku="TKT-ADULT",
    quantity=1,
    net_amount="10.00",
)


def ticket(txn: str, **fields: object) -> bytes:
    return json.dumps({**_LINE, "transaction_id": txn, **fields}, ensure_ascii=False).encode("utf-8")


def stored_gzip(data: bytes) -> bytes:
    """gzip with one stored (uncompressed) deflate block: content byte k sits at offset 15 + k."""
    blob = gzip.compress(data, compresslevel=0, mtime=0)
    assert blob[15 : 15 + len(data)] == data, "expected a single stored block"
    return blob


def _gzip_of(parts: list[bytes], repeat: int) -> bytes:
    """gzip of b"".join(parts) * repeat, compressed as it goes (never held inflated)."""
    z = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    out = [z.compress(part) for _ in range(repeat) for part in parts]
    return b"".join([*out, z.flush()])


def generated() -> dict[str, bytes]:
    """relpath -> bytes of the generated POS files."""
    files: dict[str, bytes] = {}
    # Files rejected whole (docs/contract/quarantine.md, "Whole files"): other suffixes, and one
    # past each per-file limit (a few KB each, compressed).
    files["pos/v_bare.gz"] = gzip.compress(ticket("V1") + b"\n", mtime=0)
    files["pos/v_export.JSONL"] = ticket("V2") + b"\n"
    files["pos/v_export.json"] = b"[" + ticket("V3") + b"]\n"
    files["pos/v_inflates.jsonl.gz"] = _gzip_of([b"x" * MB, b"\n"], 65)
    files["pos/v_long_line.jsonl.gz"] = _gzip_of([b"y" * MB], 3)
    files["pos/v_many_lines.jsonl.gz"] = _gzip_of([b"\n" * 1000], 600)
    # UTF-8 BOM, CRLF line ends, a blank and a whitespace-only line, no final newline.
    lines = [ticket("B1"), b"", ticket("B2"), b"  \t ", ticket("B3")]
    files["pos/b_bom_crlf.jsonl"] = b"\xef\xbb\xbf" + b"\r\n".join(lines)
    # Two concatenated gzip members (what `cat a.gz b.gz` or an appending exporter makes).
    files["pos/w_members.jsonl.gz"] = gzip.compress(
        ticket("W1") + b"\n" + ticket("W2") + b"\n", mtime=0
    ) + gzip.compress(ticket("W3") + b"\n", mtime=0)
    # A valid 1 MB line (an unknown field carries the bulk) and 1 MB of unterminated garbage.
    big_ok = ticket("X1", receipt_text="x" * MB)
    big_bad = b'{"transaction_id": "X2", "receipt_text": "' + b"y" * MB
    files["pos/x_big_line.jsonl"] = b"\n".join([big_ok, big_bad, ticket("X3")]) + b"\n"
    # Invalid UTF-8 (stray bytes; Latin-1 text), a raw NUL inside a string, valid non-ASCII.
    files["pos/y_invalid_utf8.jsonl"] = (
        b"\n".join(
            [
                ticket("Y1"),
                ticket("Y2").replace(b'"BO-1"', b'"BO-\xff\xfe"'),
                ticket("Y3").replace(b'"BO-1"', b'"' + "Caf\u00e9".encode("latin-1") + b'"'),
                ticket("Y4", terminal_id="Caf\u00e9"),
                ticket("Y5").replace(b'"BO-1"', b'"BO\x001"'),
                # JSON escapes of UTF-16 surrogates: unpaired (no character), then a pair (one)
                ticket("Y6").replace(b'"BO-1"', b'"BO-\\ud800"'),
                ticket("Y7").replace(b'"BO-1"', b'"BO-\\ud83c\\udfac"'),
                # amounts a float cannot tell apart from whole cents
                ticket("Y8").replace(b'"10.00"', b"10.0000000000000000001"),
                ticket("Y9").replace(b'"10.00"', b"1e-400"),
                ticket("YA").replace(b'"10.00"', b"10.00"),
            ]
        )
        + b"\n"
    )
    # A gzip cut 20 bytes into its 4th line: lines 1-3 decompress, line 4 is the broken tail.
    body = b"".join(ticket(f"Z{i}") + b"\n" for i in range(1, 7))
    cut = sum(len(ticket(f"Z{i}")) + 1 for i in range(1, 4)) + 20
    files["pos/z_truncated.jsonl.gz"] = stored_gzip(body)[: 15 + cut]
    return files


def expectations() -> dict[str, dict[int | None, str]]:
    """relpath -> {line number: reason or 'accepted'} for every POS file of the corpus; a file
    rejected whole: {None: its whole-file reason}."""
    data = yaml.safe_load((HERE / "expectations.yaml").read_text(encoding="utf-8"))
    return {
        rel: {None if n == "file" else int(n): r for n, r in (lines or {}).items()}
        for rel, lines in data.items()
    }


def build(dest: Path) -> Path:
    """Write the whole snapshot folder (dimension CSVs and every POS file) under dest."""
    dest = Path(dest)
    for sub in ("ecr", "crm", "pos"):
        shutil.copytree(HERE / sub, dest / sub, dirs_exist_ok=True)
    for rel, data in generated().items():
        path = dest / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return dest


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: make_corpus.py DEST")
    print(build(Path(sys.argv[1])))
