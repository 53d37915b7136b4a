"""Incremental runs (docs/contract/runs.md): splits into runs == one run, duplicates, changed files,
crash leftovers, and fatal dimension errors (nothing written)."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest
from tests.unit.job import scenario
from tests.unit.job.snap import DIMENSIONS, add_pos, concession, ticket, write_csv, write_snapshot

from cinema_metrics.cli import main
from cinema_metrics.errors import CliError
from cinema_metrics.job import read, sinks
from cinema_metrics.job.runner import run_job
from cinema_metrics.metrics import METRIC_TABLES

# More files than the scenario: late lines for earlier days (wow/ltd/returning ripple),
# a re-delivered copy under another path, a file with bad lines.
EXTRA = {
    "site=1/date=2026-03-13/T9.jsonl": [
        ticket("K", 1, 1003, "2026-03-13T19:00:00-06:00", 2, "20.00", customer=501),
        concession("K", 2, "2026-03-13T19:05:00-06:00", 1, "6.00", customer=501),
    ],
    "site=1/date=2026-03-06/T1-redelivered.jsonl": scenario.SITE1[:3],
    "site=2/date=2026-03-07/late.jsonl": [
        ticket("L", 1, 2000, "2026-03-07T23:00:00-05:00", 1, "11.00", site=2, customer=500),
        '{"transaction_id": "L", "line_no": 2',
        ticket("L", 3, 2000, "2026-03-07T23:00:00-05:00", 0, "0", site=2),
    ],
}
ALL = {**scenario.POS, **EXTRA}


def tables(output: Path) -> dict:
    out = {}
    for t, meta in METRIC_TABLES.items():
        frame = sinks.read_table(output, t).sort_values(list(meta.key)).reset_index(drop=True)
        out[t] = frame.astype(str).to_dict("records")
    return out


@pytest.fixture(scope="module")
def one_run(spark, tmp_path_factory):
    root = tmp_path_factory.mktemp("one")
    write_snapshot(root / "src", ALL)
    report = run_job(root / "src", root / "out", spark=spark, progress=False)
    return tables(root / "out"), report


def test_one_run_counts(one_run):
    _, report = one_run
    assert report["lines_read"] == 18
    assert report["quarantined_by_reason"] == {"malformed_json": 1, "bad_quantity": 1, "duplicate_line": 3}
    assert report["lines_accepted"] + report["lines_quarantined"] == report["lines_read"]


def test_spark_tasks_parse_like_the_driver(spark, tmp_path, one_run, monkeypatch):
    """Small runs parse in the driver process; big ones in Spark tasks, which read the POS
    objects and write their staged and accepted lines through the store. Same tables, same report."""
    want, want_report = one_run
    monkeypatch.setattr(read, "_IN_DRIVER", -1)  # every run is "big"
    write_snapshot(tmp_path / "src", ALL)
    report = run_job(tmp_path / "src", tmp_path / "out", spark=spark, progress=False)
    assert tables(tmp_path / "out") == want
    for key in ("lines_read", "lines_accepted", "quarantined_by_reason", "tables"):
        assert report[key] == want_report[key]


@pytest.mark.parametrize("seed", [1, 2])
def test_any_split_into_runs_gives_the_same_tables(spark, tmp_path, one_run, seed):
    want, _ = one_run
    rng = random.Random(seed)
    names = sorted(ALL)
    rng.shuffle(names)
    cut = sorted(rng.sample(range(1, len(names)), 2))
    groups = [names[: cut[0]], names[cut[0] : cut[1]], names[cut[1] :]]
    src = tmp_path / "src"
    write_snapshot(src, {})
    dup_total = 0
    for i, group in enumerate(groups):
        add_pos(src, {n: ALL[n] for n in group})
        report = run_job(src, tmp_path / "out", spark=spark, progress=False)
        dup_total += report["quarantined_by_reason"].get("duplicate_line", 0)
        if i == 0:  # re-running with nothing new changes nothing
            again = run_job(src, tmp_path / "out", spark=spark, progress=False)
            assert again["lines_read"] == 0 and again["files_read"] == 0
    assert dup_total == 3
    assert tables(tmp_path / "out") == want


@pytest.mark.parametrize("kind", ["concession", "ticket"])
def test_a_run_with_one_kind_of_line(spark, tmp_path, kind):
    """Only concessions (no film week), or only tickets (no category): the tables without a row
    keep their declared types, and a later run of the other kind gives one run's tables."""
    lines = {
        "concession": concession("P", 1, "2026-03-06T12:00:00-06:00", 2, "5.25", category="drinks"),
        "ticket": ticket("Q", 1, 1000, "2026-03-06T12:01:00-06:00", 1, "9.50", ticket_type="child"),
    }
    first, other = lines[kind], lines["ticket" if kind == "concession" else "concession"]
    write_snapshot(tmp_path / "src", {"a.jsonl": [first]})
    report = run_job(tmp_path / "src", tmp_path / "out", spark=spark, progress=False)
    assert report["lines_accepted"] == 1
    empty = "film_weekly" if kind == "concession" else "concession_daily"
    assert tables(tmp_path / "out")[empty] == []
    add_pos(tmp_path / "src", {"b.jsonl": [other]})
    run_job(tmp_path / "src", tmp_path / "out", spark=spark, progress=False)
    write_snapshot(tmp_path / "once", {"a.jsonl": [first], "b.jsonl": [other]})
    run_job(tmp_path / "once", tmp_path / "out-once", spark=spark, progress=False)
    assert tables(tmp_path / "out") == tables(tmp_path / "out-once")


def test_changed_file_and_redelivery(spark, tmp_path):
    src = tmp_path / "src"
    first = scenario.SITE1[:4]
    write_snapshot(src, {"site=1/a.jsonl": first})
    r1 = run_job(src, tmp_path / "out", spark=spark, progress=False)
    assert r1["lines_accepted"] == 4
    # the same file grows: its old lines are duplicates, the new ones are accepted
    add_pos(src, {"site=1/a.jsonl": scenario.SITE1})
    r2 = run_job(src, tmp_path / "out", spark=spark, progress=False)
    assert r2["files_read"] == 1
    assert r2["quarantined_by_reason"] == {"duplicate_line": 4}
    assert r2["lines_accepted"] == 3
    q = [json.loads(x) for f in sorted((tmp_path / "out" / "quarantine").rglob("*.jsonl")) for x in f.open()]
    assert [(x["source_file"], x["line_number"], x["reason"]) for x in q] == [
        ("pos/site=1/a.jsonl", n, "duplicate_line") for n in (1, 2, 3, 4)
    ]
    assert json.loads(q[0]["raw"]) == scenario.SITE1[0]
    # where the line was sold, for the data-quality views: ticket A, 18:00 on 2026-03-06 at site 1
    assert (q[0]["site_id"], q[0]["business_date"]) == (1, "2026-03-06")
    # identical re-delivery under another path: every line is a duplicate, tables unchanged
    before = tables(tmp_path / "out")
    add_pos(src, {"site=1/b.jsonl": scenario.SITE1})
    r3 = run_job(src, tmp_path / "out", spark=spark, progress=False)
    assert r3["quarantined_by_reason"] == {"duplicate_line": 7} and r3["lines_accepted"] == 0
    assert tables(tmp_path / "out") == before


def test_killed_run_leftovers_are_ignored(spark, tmp_path):
    src = tmp_path / "src"
    write_snapshot(src, scenario.POS)
    state = tmp_path / "out" / "_state"
    # what a run killed before its commit leaves: its pending marker and staged objects
    dead = state / "tmp" / "20260101T000000-dead"
    (dead / "lines" / "pd=2026-03-06").mkdir(parents=True)
    (dead / "lines" / "pd=2026-03-06" / "part-00000.parquet").write_bytes(b"junk")
    (dead / "quarantine.jsonl").write_text("{}\n")
    (state / "pending").mkdir(parents=True)
    (state / "pending" / "20260101T000000-dead.json").write_text("{}")
    report = run_job(src, tmp_path / "out", spark=spark, progress=False)
    assert report["lines_accepted"] == 10
    assert not dead.exists() and not list(state.glob("pending/*"))
    assert not list((tmp_path / "out" / "quarantine").rglob("*dead*"))
    assert not list(state.glob("lines/*/*dead*")), "nothing of the killed run reached lines/"
    # the metric output vanished (e.g. deleted by hand): the next run rebuilds it from the state
    shutil.rmtree(tmp_path / "out" / "metrics")
    (tmp_path / "out" / "run_report.json").unlink()
    rebuilt = run_job(src, tmp_path / "out", spark=spark, progress=False)
    assert rebuilt["full_recompute"] is True
    assert rebuilt["tables"] == report["tables"]


@pytest.mark.parametrize(
    ("file", "rows", "message"),
    [
        ("ecr/screens.csv", lambda r: [*r, dict(r[0], screen_id=99, site_id=7)], "row 4 (line 5)"),
        ("ecr/showtimes.csv", lambda r: [*r, dict(r[0])], "duplicate key showtime_id=1000"),
        (
            "ecr/showtimes.csv",
            lambda r: [dict(r[0], status="maybe"), *r[1:]],
            "row 1 (line 2): column status",
        ),
        ("ecr/screens.csv", lambda r: [dict(r[0], seats="many"), *r[1:]], "column seats"),
        ("ecr/showtimes.csv", lambda r: [dict(r[0], film_id=7), *r[1:]], "film_id=7 is not in ecr.films"),
        ("ecr/sites.csv", lambda r: [{k: v for k, v in x.items() if k != "timezone"} for x in r], "timezone"),
    ],
)
def test_broken_dimension_is_fatal_and_writes_nothing(tmp_path, capsys, file, rows, message):
    src = tmp_path / "src"
    write_snapshot(src, scenario.POS)
    write_csv(src / file, rows(DIMENSIONS[file]))
    code = main(["run", "--sources", str(src), "--output", str(tmp_path / "out"), "--quiet"])
    err = capsys.readouterr().err.strip()
    assert code != 0
    assert len(err.splitlines()) == 1
    assert file in err and message in err
    assert not (tmp_path / "out").exists()


def test_missing_dimension_file(tmp_path):
    src = tmp_path / "src"
    write_snapshot(src, {})
    (src / "crm" / "loyalty_memberships.csv").unlink()
    with pytest.raises(CliError, match=r"crm/loyalty_memberships\.csv: file not found"):
        run_job(src, tmp_path / "out", progress=False)
