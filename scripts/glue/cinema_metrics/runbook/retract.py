"""`cinema-metrics retract --file pos/<path>`: withdraw one POS object's accepted lines and their
keys (rule 11 forgets them), so that a corrected version is accepted by the next run; every
metric row those lines touched is recomputed. The retracted bytes are remembered and not read
again. A committed run under the state's lease (job/rework.py); it reads no new POS file.
Takes `run`'s flags (sources or MySQL, output, state, DynamoDB, keys table)."""

from __future__ import annotations

import argparse

from cinema_metrics.errors import CliError
from cinema_metrics.job import cli as job_cli
from cinema_metrics.job import layout


def add_arguments(p: argparse.ArgumentParser) -> None:
    job_cli.add_arguments(p)
    p.add_argument(
        "--file",
        dest="files",
        action="append",
        required=True,
        metavar="KEY",
        help="the POS object as the quarantine and the report name it (pos/<path>); repeatable",
    )


def run(args: argparse.Namespace) -> int:
    bad = [f for f in args.files if not f.startswith(layout.POS_PREFIX)]
    if bad:
        raise CliError(
            f"--file {bad[0]}: name it as the run report does, {layout.POS_PREFIX}<path under the POS root>"
        )
    cfg = job_cli.config_from(args)
    cfg.retract = tuple(args.files)
    return job_cli.execute(args, cfg, ("mode", "lines_withdrawn", "changed_keys"))
