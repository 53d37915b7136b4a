"""Faults (issue 9 item 3): DynamoDB throttling/5xx/unprocessed items during writes are retried;
a run SIGKILLed while parsing, writing Parquet or writing DynamoDB leaves state from which the
next run ends with exactly the tables (and items) of one clean run; a broken ECR/CRM snapshot
stops the run before anything is written, naming the file, the row and the problem."""

from __future__ import annotations

import hashlib
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from tests.reliability.common import accepted_positions, dynamo_items, parquet_items, table_diff, tables
from tests.reliability.fault_proxy import FAULT_PLAN, FaultProxy

from cinema_metrics.cli import main
from cinema_metrics.job import sinks
from cinema_metrics.job.dynamodb import make_client, write_tables
from cinema_metrics.job.layout import files_shard
from cinema_metrics.job.runner import DynamoTarget, run_job
from cinema_metrics.metrics import TABLES

FIRST_HALF = ("2026-03-05", "2026-03-06")  # POS date folders of the first committed run


def _split(generated: Path, dest: Path) -> tuple[Path, list[Path]]:
    """Copy the snapshot without the second half of the POS files; return those files."""
    shutil.copytree(generated, dest)
    later = sorted(p for p in (dest / "pos").rglob("*.jsonl*") if p.parent.name[5:] not in FIRST_HALF)
    assert later and len(later) < len(list((dest / "pos").rglob("*.jsonl*")))
    hidden = dest.parent / "later"
    moved = []
    for p in later:
        target = hidden / p.relative_to(dest)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(p, target)
        moved.append(target)
    return hidden, moved


@pytest.fixture(scope="module")
def reference(spark, clean_run, generated: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The clean single run over every file, and a committed run over the first half (base of kills)."""
    root = tmp_path_factory.mktemp("faults-ref")
    src = root / "src"
    hidden, _ = _split(generated, src)
    base_out = root / "base"
    run_job(src, base_out, spark=spark, progress=False)
    return {
        "tables": tables(clean_run.output),
        "items": parquet_items(clean_run.output),
        "accepted": accepted_positions(clean_run.output / "_state"),
        "src": src,
        "hidden": hidden,
        "base": base_out,
    }


def test_throttling_and_server_errors_are_retried(clean_run, services) -> None:
    """The reference run wrote DynamoDB through the fault proxy: every fault of the plan was
    injected, retried, and every item is present exactly once."""
    want = Counter(f for f in FAULT_PLAN if f != "pass")
    assert clean_run.injected == want, "the whole bounded plan was used"
    assert clean_run.batch_calls > len(FAULT_PLAN), "the run went on after the faults"
    items = parquet_items(clean_run.output)
    n_items = sum(len(v) for v in items.values())
    assert sum(clean_run.report["dynamodb_items"].values()) == n_items
    assert dynamo_items(services.aws_endpoint, clean_run.prefix) == items, "every item present, none extra"
    assert clean_run.items_forwarded >= n_items


def _progress_reader(proc: subprocess.Popen) -> queue.Queue:
    lines: queue.Queue = queue.Queue()

    def pump() -> None:
        assert proc.stderr is not None
        for raw in proc.stderr:
            lines.put(raw.decode("utf-8", "replace"))
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return lines


def _wait_for(lines: queue.Queue, needle: str, timeout: float = 400) -> list[str]:
    seen: list[str] = []
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            continue
        if line is None:
            raise AssertionError(f"run ended before '{needle}':\n{''.join(seen[-20:])}")
        seen.append(line)
        if needle in line:
            return seen
    raise AssertionError(f"no '{needle}' within {timeout}s:\n{''.join(seen[-20:])}")


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# (kill point, progress line after which the kill lands; None: the proxy holds a BatchWriteItem)
KILLS = [("parsing", "discover POS files"), ("metric write", "assemble tables"), ("dynamodb write", None)]


def _run_and_kill(src: Path, out: Path, endpoint: str, prefix: str, after: str | None) -> None:
    """Start `cinema-metrics run` and SIGKILL its process group at the given point."""
    with FaultProxy(endpoint, ["pass", "pass", "hold"]) as proxy:
        cmd = [sys.executable, "-m", "cinema_metrics.cli", "run", "--sources", str(src), "--output", str(out)]
        cmd += ["--dynamodb-endpoint", proxy.url, "--table-prefix", prefix]
        # a short lease, so each run waits out the previous killed run's (SECURITY.md, killed runs)
        cmd += ["--lease-seconds", "3", "--wait-for-lease", "60"]
        proc = subprocess.Popen(
            cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, start_new_session=True
        )
        try:
            lines = _progress_reader(proc)
            if after is not None:
                _wait_for(lines, after)
            else:
                assert proxy.held.wait(400), "the run never reached its third BatchWriteItem call"
            os.killpg(proc.pid, signal.SIGKILL)  # the run's own process group (python, JVM, workers)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(60)
            proxy.release()
    assert proc.returncode == -signal.SIGKILL


def test_sigkilled_runs_then_one_rerun_equal_one_clean_run(
    spark, services, ddb_tables, reference, tmp_path
) -> None:
    """A committed run over the first half; the second half arrives; three runs are SIGKILLed
    in a row (while parsing, while writing Parquet, in the middle of the DynamoDB writes); the
    next run ends with the tables, accepted lines and DynamoDB items of one clean run."""
    src = tmp_path / "src"
    shutil.copytree(reference["src"], src)
    out = tmp_path / "out"
    shutil.copytree(reference["base"], out)
    prefix = ddb_tables()
    write_tables(make_client(services.aws_endpoint), prefix, {t: sinks.read_table(out, t) for t in TABLES})
    head = (out / "_state" / "HEAD.json").read_bytes()
    shutil.copytree(reference["hidden"], src, dirs_exist_ok=True)  # the second half arrives

    for phase, after in KILLS:
        _run_and_kill(src, out, services.aws_endpoint, prefix, after)
        now = (out / "_state" / "HEAD.json").read_bytes()
        if after is not None:  # before the commit: HEAD untouched, the run never happened
            assert now == head, f"a run killed during {phase} must not commit"
        else:  # DynamoDB is written by the apply step, after the commit: the next run finishes it
            got = json.loads(now)
            assert got["seq"] == json.loads(head)["seq"] + 1 and got["applied"] is False, phase

    target = DynamoTarget(make_client(services.aws_endpoint), prefix)
    report = run_job(src, out, spark=spark, dynamodb=target, progress=False, lease_wait_seconds=60)
    assert report["lines_read"] == report["lines_accepted"] + report["lines_quarantined"]
    got = tables(out)
    assert got == reference["tables"], table_diff(got, reference["tables"])
    assert accepted_positions(out / "_state") == reference["accepted"], "no line lost or doubled"
    assert dynamo_items(services.aws_endpoint, prefix) == reference["items"]
    assert not list((out / "_state").glob("tmp/*")), "staging of the killed runs is gone"
    assert not list((out / "_state").glob("pending/*")), "no run is left pending"


# Broken ECR/CRM snapshots: (file, edit of its text, words the one-line message must hold)
def _drop_column(col: str):
    def edit(text: str) -> str:
        rows = [line.split(",") for line in text.splitlines()]
        i = rows[0].index(col)
        return "\n".join(",".join(r[:i] + r[i + 1 :]) for r in rows) + "\n"

    return edit


def _dup_last_row(text: str) -> str:
    return text + text.splitlines()[-1] + "\n"


BROKEN = [
    ("crm/customers.csv", None, ["crm/customers.csv", "file not found"]),
    ("ecr/showtimes.csv", _drop_column("status"), ["ecr/showtimes.csv", "missing column", "status"]),
    ("crm/loyalty_memberships.csv", _drop_column("joined_at"), ["loyalty_memberships.csv", "joined_at"]),
    ("ecr/films.csv", _dup_last_row, ["ecr/films.csv", "duplicate key film_id", "row "]),
    ("crm/customers.csv", _dup_last_row, ["crm/customers.csv", "duplicate key customer_id", "row "]),
    ("ecr/screens.csv", "screen_of_unknown_site", ["ecr/screens.csv", "row ", "site_id=999", "ecr.sites"]),
    ("ecr/sites.csv", "bad_date", ["ecr/sites.csv", "row 1 (line 2)", "opened_on", "2026-02-30"]),
    ("ecr/showtimes.csv", "bad_datetime", ["ecr/showtimes.csv", "row 1 (line 2)", "starts_at"]),
]


def _break(src: Path, file: str, how) -> None:
    path = src / file
    text = path.read_text(encoding="utf-8")
    if how is None:
        path.unlink()
        return
    if how == "screen_of_unknown_site":
        header, first = text.splitlines()[:2]
        cols = header.split(",")
        vals = first.split(",")
        vals[cols.index("screen_id")] = "99999"
        vals[cols.index("site_id")] = "999"
        text += ",".join(vals) + "\n"
    elif how in ("bad_date", "bad_datetime"):
        header, first = text.splitlines()[:2]
        col = "opened_on" if how == "bad_date" else "starts_at"
        vals = first.split(",")
        vals[header.split(",").index(col)] = "2026-02-30" if how == "bad_date" else "2026-03-06 25:00:00"
        text = text.replace(first, ",".join(vals), 1)
    else:
        text = how(text)
    path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def committed(spark, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A small snapshot with one committed run (output and state), to be broken afterwards."""
    from tests.data.bad_input import make_corpus

    root = tmp_path_factory.mktemp("broken-dims")
    src = make_corpus.build(root / "src")
    run_job(src, root / "out", spark=spark, progress=False)
    return src, root / "out"


@pytest.mark.parametrize(("file", "how", "words"), BROKEN, ids=[f"{b[0]}-{i}" for i, b in enumerate(BROKEN)])
def test_broken_dimension_stops_before_writing(
    services, aws_env, committed, tmp_path, capsys, file, how, words
) -> None:
    src = tmp_path / "src"
    shutil.copytree(committed[0], src)
    (src / "pos" / "new.jsonl").write_text((src / "pos" / "a_reasons.jsonl").read_text().replace('"A', '"N'))
    out = tmp_path / "out"
    shutil.copytree(committed[1], out)
    before = _digest(out)
    _break(src, file, how)
    with FaultProxy(services.aws_endpoint) as proxy:
        args = ["run", "--sources", str(src), "--output", str(out), "--quiet"]
        code = main([*args, "--dynamodb-endpoint", proxy.url, "--table-prefix", "never-"])
    err = capsys.readouterr().err.strip()
    assert code != 0
    assert len(err.splitlines()) == 1, err
    for w in words:
        assert w in err, f"{w!r} not in {err!r}"
    assert _digest(out) == before, "the output folder (metrics, quarantine, state) is unchanged"
    assert proxy.batch_calls == 0, "nothing was written to DynamoDB"


def test_replay_after_a_late_dimension(spark, committed, tmp_path) -> None:
    """SECURITY.md runbook: a showtime reaches ECR late; removing the file's entry from the
    files index replays it: the quarantined ticket is accepted, the accepted lines are duplicates, and the
    tables equal one clean run over the fixed snapshot."""
    src = tmp_path / "src"
    shutil.copytree(committed[0], src)
    out = tmp_path / "out"
    shutil.copytree(committed[1], out)
    with (src / "ecr" / "showtimes.csv").open("a", encoding="utf-8") as f:
        f.write("9999,10,100,2026-03-06 20:00:00,scheduled,2026-03-07 00:00:00\n")
    before = set(accepted_positions(out / "_state"))
    shard = out / "_state" / files_shard("pos/a_reasons.jsonl")
    entries = json.loads(shard.read_text())
    del entries["pos/a_reasons.jsonl"]
    shard.write_text(json.dumps(entries))

    report = run_job(src, out, spark=spark, progress=False)
    assert report["files_read"] == 1
    redo = {k for k in before if k[0] == "pos/a_reasons.jsonl"}
    assert report["quarantined_by_reason"]["duplicate_line"] == len(redo) + 1  # + the in-file copy of A1
    after = set(accepted_positions(out / "_state"))
    assert after - before == {("pos/a_reasons.jsonl", 23)}, "only the late showtime's ticket is new"
    clean = run_job(src, tmp_path / "clean", spark=spark, progress=False)
    got, want = tables(out), tables(tmp_path / "clean")
    assert got == want, table_diff(got, want)
    assert len(after) == clean["lines_accepted"]
