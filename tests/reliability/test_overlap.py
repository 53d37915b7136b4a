"""Two runs on one state: the second stops having changed nothing, or waits (job/lease.py).

Each case runs on a folder state and on the emulator's S3. A first run is interrupted at a
stage (after it took the lease, while it parses, between its commit and its apply) by a
second run started from inside it; the second must stop with the one-line lease error and
leave every object of the state and the output as it was; the first finishes; a full
recompute then equals one clean run. A killed run's lease expires and the next run proceeds;
a Glue retry takes over its own zombie attempt's lease, and the zombie stops at its next
renewal instead of committing over the retry.

Before the lease, a second run deleted the first one's staging as a dead run's: the first
failed with FileNotFoundError on its own staged lines, or both committed seq 1 and the lines
were doubled (issue 20). With the lease disarmed, the conditional write of HEAD still refuses
the run that committed second (test_without_the_lease_the_conditional_head_refuses_the_loser).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from tests.reliability.common import tables
from tests.unit.job import scenario
from tests.unit.job.snap import add_pos, ticket, write_snapshot

from cinema_metrics.job import lease as lease_module
from cinema_metrics.job.commit import CommitConflict
from cinema_metrics.job.lease import LeaseHeld, LeaseLost
from cinema_metrics.job.runner import run_job
from cinema_metrics.storage import Store, open_store

FIRST = dict(list(scenario.POS.items())[:1])
LATER = {  # what arrives while the first run works
    "site=1/date=2026-03-13/late.jsonl": [ticket("Z", 1, 1003, "2026-03-13T19:00:00-06:00", 2, "20.00")],
}


class Killed(BaseException):
    """What SIGKILL does to a run: it stops where it is, releasing nothing."""


class World:
    """A snapshot folder and an output (folder or s3://) with its state."""

    def __init__(self, src: Path, output: str, endpoint: str | None):
        self.src, self.output, self.endpoint = src, output, endpoint

    @property
    def store(self) -> Store:
        return open_store(self.output, self.endpoint)

    def run(self, **kw: Any) -> dict:
        kw.setdefault("progress", False)
        return run_job(self.src, self.output, aws_endpoint=self.endpoint, **kw)

    def snapshot(self) -> dict[str, bytes | None]:
        """Every object of the output and its state, with its bytes (LEASE.json apart: its
        holder is what a second run reads, never writes)."""
        store = self.store
        return {rel: store.get(rel) for rel, _s, _t in store.list("")}


@pytest.fixture(params=["folder", "s3"])
def world(request, tmp_path) -> Iterator[World]:
    src = tmp_path / "src"
    write_snapshot(src, scenario.POS)
    if request.param == "folder":
        yield World(src, str(tmp_path / "out"), None)
        return
    services = request.getfixturevalue("services")
    request.getfixturevalue("aws_env")
    bucket = f"cm-overlap-{secrets.token_hex(4)}"
    boto3.client("s3", endpoint_url=services.aws_endpoint).create_bucket(Bucket=bucket)
    yield World(src, f"s3://{bucket}/curated", services.aws_endpoint)


@pytest.fixture(scope="module")
def clean_tables(spark, tmp_path_factory) -> Callable[[dict], dict]:
    """The tables of one clean run over the given POS files (cached per file set)."""
    cache: dict[tuple[str, ...], dict] = {}

    def get(pos: dict) -> dict:
        key = tuple(sorted(pos))
        if key not in cache:
            root = tmp_path_factory.mktemp("clean")
            write_snapshot(root / "src", pos)
            run_job(root / "src", root / "out", spark=spark, progress=False)
            cache[key] = tables(root / "out")
        return cache[key]

    return get


STAGES = ["take the lease", "parse+validate (rules 1-10)", "commit"]


@pytest.mark.parametrize("stage", STAGES)
def test_a_second_run_at_any_stage_stops_and_changes_nothing(spark, world, clean_tables, stage) -> None:
    seen: dict[str, Any] = {}

    def second_run(name: str) -> None:
        if name != stage or seen:
            return
        add_pos(world.src, LATER)  # the second run would have new work to do
        before = world.snapshot()
        with pytest.raises(LeaseHeld) as err:
            world.run(spark=spark)
        seen["error"] = str(err.value)
        seen["unchanged"] = world.snapshot() == before

    first = world.run(spark=spark, phase_hook=second_run)
    assert "the state is in use by run " + first["run_id"] in seen["error"]
    assert "changed nothing" in seen["error"] and "\n" not in seen["error"]
    assert seen["unchanged"], "the refused run wrote or deleted something"
    later = world.run(spark=spark)  # the lease is free again: the late file is taken once
    assert first["lines_accepted"] + later["lines_accepted"] == 11
    world.run(spark=spark, recompute_all=True)
    assert tables(world.store) == clean_tables({**scenario.POS, **LATER})


def test_a_second_run_can_wait_for_the_lease(spark, world, tmp_path) -> None:
    """--wait-for-lease: the second run polls until the holder's lease expires (here a killed
    holder's short lease), then runs."""
    with pytest.raises(Killed):
        world.run(spark=spark, lease_seconds=3, phase_hook=_kill_at("discover POS files"))
    with pytest.raises(LeaseHeld):
        world.run(spark=spark)
    report = world.run(spark=spark, lease_wait_seconds=30)
    assert report["lines_accepted"] == 10


def _kill_at(stage: str) -> Callable[[str], None]:
    def hook(name: str) -> None:
        if name == stage:
            raise Killed(stage)

    return hook


def test_a_killed_runs_lease_expires_and_the_next_run_cleans_its_staging(spark, world, clean_tables) -> None:
    with pytest.raises(Killed):
        world.run(spark=spark, lease_seconds=2, phase_hook=_kill_at("duplicates + stage lines"))
    store = world.store
    assert [r for r, _s, _t in store.list("_state/tmp/")], "the killed run staged its lines"
    report = world.run(spark=spark, lease_wait_seconds=20)
    assert report["lines_accepted"] == 10
    assert not store.list("_state/tmp/") and not store.list("_state/pending/")
    assert tables(store) == clean_tables(scenario.POS)


def test_a_glue_retry_takes_over_and_the_zombie_attempt_stops(spark, world, clean_tables) -> None:
    """Attempt 0 of job run jr_1 stalls before its commit (a zombie Glue gave up on); attempt 1
    takes the lease at once, runs and commits; attempt 0 wakes, fails its lease renewal and
    stops before committing anything."""
    retry: dict[str, Any] = {}

    def stall(name: str) -> None:
        if name == "stage parquet" and not retry:
            retry["report"] = world.run(spark=spark, lease_group="jr_1")

    with pytest.raises(LeaseLost, match="lost its lease to run"):
        world.run(spark=spark, lease_group="jr_1", phase_hook=stall)
    assert retry["report"]["lines_accepted"] == 10
    head = world.store.get("_state/HEAD.json") or b""
    assert retry["report"]["run_id"].encode() in head
    again = world.run(spark=spark)
    assert again["lines_read"] == 0
    assert tables(world.store) == clean_tables(scenario.POS)


def test_a_run_of_another_group_does_not_take_a_live_lease(world) -> None:
    state = world.store.child("_state")
    held = lease_module.Lease.acquire(state, "run-a", group="jr_1", seconds=60)
    with pytest.raises(LeaseHeld):
        lease_module.Lease.acquire(state, "run-b", group="jr_2", seconds=60)
    with pytest.raises(LeaseHeld):
        lease_module.Lease.acquire(state, "run-c", seconds=60)
    held.release()
    lease_module.Lease.acquire(state, "run-c", seconds=60).release()


def test_without_the_lease_the_conditional_head_refuses_the_loser(
    spark, world, clean_tables, monkeypatch
) -> None:
    """Defence in depth: with Lease.acquire disarmed (every run gets a lease that fences
    nothing), a second run started while the first parses deletes the first's staging as a
    dead run's and commits; the first then fails on HEAD's If-Match (CommitConflict) instead
    of committing a second seq 1 over it, and the tables stay those of one clean run."""
    monkeypatch.setattr(
        lease_module.Lease, "acquire", classmethod(lambda cls, state, run, *a, **k: _Unfenced(state, run))
    )
    started: list[bool] = []

    def second(name: str) -> None:
        if name == "parse+validate (rules 1-10)" and not started:
            started.append(True)
            world.run(spark=spark)

    with pytest.raises(CommitConflict, match="another writer committed"):
        world.run(spark=spark, phase_hook=second)
    assert tables(world.store) == clean_tables(scenario.POS)


class _Unfenced(lease_module.Lease):
    """A lease that fences nothing (what every run had before the lease existed)."""

    def __init__(self, state: Store, run: str):
        holder = lease_module.Holder(run, run, "host", 0, 0.0, 1e12)
        super().__init__(state, holder, "", 1e12)

    def renew(self) -> None:
        pass

    def release(self) -> None:
        pass


def test_unlock_releases_a_dead_runs_lease_and_only_that(spark, world, capsys) -> None:
    """`cinema-metrics unlock --run RUN_ID`: an operator releases the lease of a run known to
    be dead; a wrong run id changes nothing; the next run then proceeds at once."""
    from cinema_metrics.cli import main

    with pytest.raises(Killed):
        world.run(spark=spark, phase_hook=_kill_at("discover POS files"))
    state = world.store.child("_state")
    holder, _ = lease_module.read_holder(state)
    assert holder is not None and not holder.released
    endpoint = ["--aws-endpoint", world.endpoint] if world.endpoint else []
    assert main(["unlock", "--state", state.uri, "--run", "not-that-run", *endpoint]) == 2
    assert "holds no lease" in capsys.readouterr().err
    assert main(["unlock", "--state", state.uri, "--run", holder.run, *endpoint]) == 0
    assert world.run(spark=spark)["lines_accepted"] == 10
