"""Two independent readings of CONTRACT.md must agree: the Spark job against the DuckDB oracle.

One small generated snapshot (2 sites x 10 days across the 2026-03-08 DST change, 1 % bad
lines) is run through `run_job` and through the oracle; every table is compared key for key
and column for column (money exact, ratios within 1e-4), and so is the quarantine, line by line.
"""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pyarrow.dataset as ds
import pytest

from cinema_metrics import contract
from cinema_metrics.oracle import OracleResult, compute

RATIO_TOLERANCE = 1e-4 + 1e-9  # one unit in the 4th decimal (CONTRACT.md 3)
CENT = Decimal("0.01")


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("oracle-vs-job") / "snapshot"
    flags = ["--sites", "2", "--days", "10", "--start", "2026-03-02", "--seed", "7", "--bad-rate", "0.01"]
    subprocess.run(
        [sys.executable, "-m", "cinema_metrics.cli", "generate", "--out", str(out), *flags], check=True
    )
    return out


@pytest.fixture(scope="module")
def job(snapshot: Path, spark, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path]:
    from cinema_metrics.job.runner import run_job

    out = tmp_path_factory.mktemp("job-output")
    report = run_job(snapshot, out, out / "_state", spark=spark, progress=False)
    return report, out


@pytest.fixture(scope="module")
def oracle(snapshot: Path) -> OracleResult:
    return compute(snapshot)


def _norm(kind: str, v: object) -> object:
    if v is None or (isinstance(v, float) and v != v):
        return None
    if kind in ("id", "count"):
        return int(v)  # type: ignore[call-overload]
    if kind == "date":
        return str(v)[:10]
    if kind == "money":
        return Decimal(str(v)).quantize(CENT)
    if kind in ("ratio", "money_ratio"):
        return float(v)  # type: ignore[arg-type]
    return str(v)


def _rows(table: str, records: list[dict]) -> dict[tuple, dict]:
    spec = contract.METRIC_TABLES[table]
    out: dict[tuple, dict] = {}
    for rec in records:
        missing = [c for c in spec.columns if c not in rec]
        assert not missing, f"{table}: job output lacks column(s) {missing}"
        row = {c: _norm(kind, rec[c]) for c, kind in spec.columns.items()}
        key = tuple(row[k] for k in spec.key)
        assert key not in out, f"{table}: key {key} appears twice"
        out[key] = row
    return out


def _job_table(output: Path, table: str) -> list[dict]:
    folder = output / "metrics" / table
    assert folder.is_dir(), f"{folder} missing (CONTRACT.md 3.6)"
    return ds.dataset(folder, format="parquet", partitioning="hive").to_table().to_pylist()


@pytest.mark.parametrize("table", list(contract.METRIC_TABLES))
def test_table_agrees_with_oracle(table: str, job: tuple[dict, Path], oracle: OracleResult) -> None:
    spec = contract.METRIC_TABLES[table]
    mine = _rows(table, oracle.arrow[table].to_pylist())
    theirs = _rows(table, _job_table(job[1], table))
    assert mine, f"{table}: the oracle found no rows; the snapshot is too small to compare"
    only_oracle = sorted(set(mine) - set(theirs))[:5]
    only_job = sorted(set(theirs) - set(mine))[:5]
    assert not only_oracle and not only_job, (
        f"{table}: keys only in the oracle {only_oracle}, only in the job {only_job} "
        f"(oracle {len(mine)} rows, job {len(theirs)})"
    )
    diffs = []
    for key, want in mine.items():
        got = theirs[key]
        for col, kind in spec.columns.items():
            a, b = want[col], got[col]
            if kind in ("ratio", "money_ratio") and a is not None and b is not None:
                same = abs(a - b) <= RATIO_TOLERANCE  # type: ignore[operator]
            else:
                same = a == b
            if not same:
                diffs.append(f"{table} key={key} {col}: oracle={a!r} job={b!r}")
    assert not diffs, f"{len(diffs)} differences, first ones:\n" + "\n".join(diffs[:15])


def test_quarantine_agrees_with_oracle(job: tuple[dict, Path], oracle: OracleResult) -> None:
    report, out = job
    counts = {k: int(v) for k, v in report["quarantined_by_reason"].items() if int(v)}
    assert counts == oracle.quarantine
    assert (report["lines_read"], report["lines_accepted"], report["lines_quarantined"]) == (
        oracle.lines_read,
        oracle.lines_accepted,
        len(oracle.quarantined_lines),
    )
    assert set(oracle.quarantine) >= {"malformed_json", "bad_type", "duplicate_line"}, "too few bad lines"
    lines = []
    for path in sorted((out / "quarantine").rglob("*")):
        if path.is_file() and not path.name.startswith((".", "_")):
            for text in path.read_text(encoding="utf-8").splitlines():
                rec = json.loads(text)
                lines.append((rec["source_file"], int(rec["line_number"]), rec["reason"]))
    assert sorted(lines) == sorted(oracle.quarantined_lines)


def test_table_row_counts_in_report(job: tuple[dict, Path], oracle: OracleResult) -> None:
    report, _ = job
    assert {k: int(v) for k, v in report["tables"].items()} == {k: len(v) for k, v in oracle.tables.items()}
