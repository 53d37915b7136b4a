"""Property tests (hypothesis) over the bad-input world (tests/data/bad_input ecr/crm):

1. a random mix of valid and invalid lines (and identical re-sent copies) gives exactly the
   tables of the valid lines alone;
2. files delivered over several runs in a random order, with identical re-deliveries under
   other paths and files that grow between runs, give the tables of one run over the final set.

tests/unit/job/test_job_runs.py already checks two fixed splits of a hand-made scenario; here
the lines, the files and the schedule are drawn at random. Spark runs are slow: few examples,
tiny data, the session's Spark.
"""

from __future__ import annotations

import itertools
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.data.bad_input import make_corpus
from tests.reliability.common import accepted_positions, table_diff, tables
from tests.unit.job.snap import concession, ticket

from cinema_metrics.job.runner import run_job

SETTINGS = settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    derandomize=False,
)


def _valid_pool() -> list[str]:
    """Valid lines over the world's showtimes, sites, members and times (distinct keys)."""
    shows = [(1000, 1, "-06:00"), (1001, 1, "-06:00"), (1002, 1, "-06:00"), (2000, 2, "-05:00")]
    out = []
    n = 0
    for day, hour in (("2026-03-05", "12"), ("2026-03-06", "18"), ("2026-03-06", "23"), ("2026-03-07", "01")):
        for show, site, off in shows:
            n += 1
            customer = (500, 501, 502, None)[n % 4]
            qty, amount = ((2, "21.00"), (1, "9.50"), (-1, "-9.50"), (1, "0"))[n % 4]
            ttype = "comp" if amount == "0" else ("adult", "child", "senior")[n % 3]
            sold_at = f"{day}T{hour}:{n:02d}"
            out.append(
                json.dumps(ticket(f"P{n}", 1, show, f"{sold_at}:00{off}", qty, amount, ttype, site, customer))
            )
            category = ("popcorn", "drinks", "combo")[n % 3]
            conc_amount = f"{4 + n % 5}.25"
            out.append(
                json.dumps(
                    concession(
                        f"P{n}", 2, f"{sold_at}:30{off}", 1 + n % 3, conc_amount, site, customer, category
                    )
                )
            )
    return out


VALID = _valid_pool()
# Invalid lines of rules 1-10 from the hand-written corpus (they are invalid whatever else a run holds).
_EXP = make_corpus.expectations()
_HERE = Path(make_corpus.__file__).parent
BAD = [
    line
    for rel in (
        "pos/a_reasons.jsonl",
        "pos/c_numbers.jsonl",
        "pos/d_timestamps.jsonl",
        "pos/f_only_bad.jsonl",
    )
    for n, line in enumerate((_HERE / rel).read_text(encoding="utf-8").splitlines(), start=1)
    if _EXP[rel][n] not in ("accepted", "duplicate_line")
] + ["", "   "]


def _snapshot(root: Path, files: dict[str, list[str]]) -> Path:
    for sub in ("ecr", "crm"):
        shutil.copytree(_HERE / sub, root / sub, dirs_exist_ok=True)
    for rel, lines in files.items():
        path = root / "pos" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(x + "\n" for x in lines), encoding="utf-8")
    return root


@st.composite
def mixes(draw) -> tuple[dict[str, list[str]], list[str]]:
    valid = draw(st.lists(st.sampled_from(VALID), min_size=1, max_size=14, unique=True))
    bad = draw(st.lists(st.sampled_from(BAD), max_size=10))
    resent = draw(st.lists(st.sampled_from(valid), max_size=3))
    lines = draw(st.permutations(valid + bad + resent))
    cuts = sorted(draw(st.lists(st.integers(0, len(lines)), max_size=2)))
    bounds = [0, *cuts, len(lines)]
    files = {f"mix/f{i}.jsonl": lines[a:b] for i, (a, b) in enumerate(itertools.pairwise(bounds))}
    return files, valid


@SETTINGS
@given(mix=mixes())
def test_invalid_lines_change_no_metric(spark, tmp_path_factory: pytest.TempPathFactory, mix) -> None:
    files, valid = mix
    root = tmp_path_factory.mktemp("mix")
    r_mix = run_job(_snapshot(root / "mix", files), root / "out-mix", spark=spark, progress=False)
    r_valid = run_job(
        _snapshot(root / "valid", {"v.jsonl": valid}), root / "out-valid", spark=spark, progress=False
    )
    assert r_mix["lines_accepted"] == r_valid["lines_accepted"] == len(valid)
    assert r_mix["lines_read"] == sum(len(x) for x in files.values())
    assert r_mix["lines_quarantined"] == r_mix["lines_read"] - len(valid)
    got, want = tables(root / "out-mix"), tables(root / "out-valid")
    assert got == want, table_diff(got, want)


@st.composite
def schedules(draw) -> list[dict[str, list[str]]]:
    """Per run, the files (path -> full content) present in the sources folder at that run."""
    pool = draw(st.lists(st.sampled_from(VALID + BAD[:6]), min_size=2, max_size=16, unique=True))
    n_files = draw(st.integers(1, min(4, len(pool))))
    cuts = sorted(draw(st.lists(st.integers(1, len(pool) - 1), min_size=n_files - 1, max_size=n_files - 1)))
    bounds = [0, *cuts, len(pool)]
    final = {f"d/f{i}.jsonl": pool[a:b] for i, (a, b) in enumerate(itertools.pairwise(bounds))}
    runs = draw(st.integers(2, 3))
    present: list[dict[str, list[str]]] = [{} for _ in range(runs)]
    for rel, lines in final.items():
        first = draw(st.integers(0, runs - 1))
        grows = first < runs - 1 and len(lines) > 1 and draw(st.booleans())
        if grows:  # a prefix first, the whole file from a later run on (an export that was still open)
            later = draw(st.integers(first + 1, runs - 1))
            keep = draw(st.integers(1, len(lines) - 1))
            for r in range(first, later):
                present[r][rel] = lines[:keep]
            for r in range(later, runs):
                present[r][rel] = lines
        else:
            for r in range(first, runs):
                present[r][rel] = lines
        if draw(st.booleans()):  # an identical re-delivery under another path
            again = draw(st.integers(first, runs - 1))
            for r in range(again, runs):
                present[r][f"redelivered/{rel}"] = lines
    return present


@SETTINGS
@given(plan=schedules())
def test_runs_with_redeliveries_and_growing_files_equal_one_run(
    spark, tmp_path_factory: pytest.TempPathFactory, plan
) -> None:
    root = tmp_path_factory.mktemp("runs")
    src = root / "src"
    accepted = 0
    for files in plan:
        shutil.rmtree(src / "pos", ignore_errors=True)
        report = run_job(_snapshot(src, files), root / "out", spark=spark, progress=False)
        assert report["lines_read"] == report["lines_accepted"] + report["lines_quarantined"]
        accepted += report["lines_accepted"]
    once = run_job(_snapshot(root / "once", plan[-1]), root / "out-once", spark=spark, progress=False)
    got, want = tables(root / "out"), tables(root / "out-once")
    assert got == want, table_diff(got, want)
    assert accepted == once["lines_accepted"], "no line lost or counted twice across runs"
    assert len(accepted_positions(root / "out" / "_state")) == accepted
