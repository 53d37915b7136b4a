"""`cinema-metrics replay --from DATE --to DATE`: recompute those business dates from the accepted
lines, enriched again from the current ECR and CRM (after a fix: a showtime moved, a membership
back-dated). A committed run under the state's lease (job/rework.py); it reads no new POS file.
Takes `run`'s flags (sources or MySQL, output, state, DynamoDB, keys table)."""

from __future__ import annotations

import argparse
import datetime as dt

from cinema_metrics.errors import CliError
from cinema_metrics.job import cli as job_cli


def _date(text: str) -> str:
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from None


def add_arguments(p: argparse.ArgumentParser) -> None:
    job_cli.add_arguments(p)
    p.add_argument(
        "--from", dest="first", required=True, type=_date, metavar="DATE", help="first business date"
    )
    p.add_argument("--to", dest="last", required=True, type=_date, metavar="DATE", help="last business date")


def run(args: argparse.Namespace) -> int:
    if args.last < args.first:
        raise CliError(f"--from {args.first} --to {args.last}: the range is empty")
    cfg = job_cli.config_from(args)
    cfg.replay = (args.first, args.last)
    return job_cli.execute(args, cfg, ("mode", "lines_rewritten", "changed_keys"))
