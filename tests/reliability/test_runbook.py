"""The runbook as commands (README "Runbook"), on a folder state and on the emulator's S3:
replay after an ECR/CRM fix, retract then a corrected file, each equal to a fresh run over the
corrected sources; status shows the runs, the lag, the lease and a failed run."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import boto3
import pytest
from tests.reliability.common import tables
from tests.unit.job import scenario
from tests.unit.job.snap import DIMENSIONS, encode, write_csv, write_snapshot

from cinema_metrics.cli import main
from cinema_metrics.job.runner import run_job
from cinema_metrics.storage import open_store

SITE1_FILE = "site=1/date=2026-03-06/T1.jsonl"


class World:
    def __init__(self, src: Path, output: str, endpoint: str | None):
        self.src, self.output, self.endpoint = src, output, endpoint

    def flags(self) -> list[str]:
        return ["--sources", str(self.src), "--output", self.output, "--quiet"] + (
            ["--aws-endpoint", self.endpoint] if self.endpoint else []
        )

    def tables(self) -> dict:
        return tables(open_store(self.output, self.endpoint))


@pytest.fixture(params=["folder", "s3"])
def world(request, tmp_path) -> World:
    src = tmp_path / "src"
    write_snapshot(src, scenario.POS)
    if request.param == "folder":
        return World(src, str(tmp_path / "out"), None)
    services = request.getfixturevalue("services")
    request.getfixturevalue("aws_env")
    bucket = f"cm-runbook-{secrets.token_hex(4)}"
    boto3.client("s3", endpoint_url=services.aws_endpoint).create_bucket(Bucket=bucket)
    return World(src, f"s3://{bucket}/curated", services.aws_endpoint)


def _fresh(spark, src: Path, tmp_path: Path) -> dict:
    out = tmp_path / "fresh"
    run_job(src, out, spark=spark, progress=False)
    return tables(out)


def test_replay_after_an_ecr_and_a_crm_fix_equals_a_fresh_run(spark, world, tmp_path, capsys) -> None:
    assert main(["run", *world.flags()]) == 0
    # ECR: showtime 1000 really started a day later; CRM: customer 502 has been a member all along
    moved = [
        dict(r, starts_at="2026-03-07 19:00:00") if r["showtime_id"] == 1000 else r
        for r in DIMENSIONS["ecr/showtimes.csv"]
    ]
    write_csv(world.src / "ecr/showtimes.csv", moved)
    joined = dict(
        DIMENSIONS["crm/loyalty_memberships.csv"][0], membership_id=9, customer_id=502, cancelled_at=""
    )
    write_csv(world.src / "crm/loyalty_memberships.csv", [*DIMENSIONS["crm/loyalty_memberships.csv"], joined])
    want = _fresh(spark, world.src, tmp_path)
    assert world.tables() != want, "the fix changes the numbers"
    assert main(["replay", *world.flags(), "--from", "2026-03-05", "--to", "2026-03-13"]) == 0
    summary = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert summary["mode"] == "replay" and summary["lines_rewritten"] > 0
    assert world.tables() == want
    assert main(["run", *world.flags()]) == 0  # an ordinary run afterwards reads nothing new
    assert world.tables() == want


def test_retract_then_a_corrected_file_equals_a_fresh_run_over_the_corrected_files(
    spark, world, tmp_path, capsys
) -> None:
    assert main(["run", *world.flags()]) == 0
    corrected = [
        dict(scenario.SITE1[0], net_amount="18.00"),
        *scenario.SITE1[1:5],
    ]  # one price, two lines less
    # without a retract, the corrected export is a duplicate of what was accepted
    (world.src / "pos" / SITE1_FILE).write_bytes(encode(corrected))
    assert main(["run", *world.flags()]) == 0
    assert json.loads(capsys.readouterr().err.strip().splitlines()[-1])["lines_accepted"] == 0
    assert main(["retract", *world.flags(), "--file", f"pos/{SITE1_FILE}"]) == 0
    summary = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert summary["mode"] == "retract" and summary["lines_withdrawn"] == len(scenario.SITE1)
    (world.src / "pos" / SITE1_FILE).write_bytes(encode(corrected) + b"\n")  # the export again, new bytes
    assert main(["run", *world.flags()]) == 0
    fresh_src = tmp_path / "fresh-src"
    write_snapshot(fresh_src, {**scenario.POS, SITE1_FILE: corrected})
    assert world.tables() == _fresh(spark, fresh_src, tmp_path)


def test_retracted_bytes_are_not_read_again(spark, world, capsys) -> None:
    assert main(["run", *world.flags()]) == 0
    assert main(["retract", *world.flags(), "--file", f"pos/{SITE1_FILE}"]) == 0
    assert main(["run", *world.flags(), "--reconcile"]) == 0
    assert json.loads(capsys.readouterr().err.strip().splitlines()[-1])["lines_read"] == 0
    assert all(row["site_id"] != "1" or row["admissions"] == "0" for row in world.tables()["site_daily"])


def test_status_shows_the_runs_the_lag_the_lease_and_a_failure(spark, world, capsys) -> None:
    assert main(["run", *world.flags()]) == 0
    (world.src / "ecr" / "sites.csv").write_text("garbage\n")  # fails before the lease: no record
    assert main(["run", *world.flags()]) == 2
    capsys.readouterr()
    endpoint = ["--aws-endpoint", world.endpoint] if world.endpoint else []
    assert main(["status", "--output", world.output, *endpoint, "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["lease"] == "free" and found["head"]["applied"] is True
    assert [r["status"] for r in found["runs"]] == ["succeeded"]
    assert found["lag_minutes"] is not None and found["lag_minutes"] < 5
    assert found["lines_24h"] == 10 and found["quarantine_rate_24h"] == 0
    assert main(["status", "--output", world.output, *endpoint]) == 0
    text = capsys.readouterr().out
    assert "lease: free" in text and "succeeded" in text and "lag: the last successful run finished" in text
