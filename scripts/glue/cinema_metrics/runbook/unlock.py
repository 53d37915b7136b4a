"""`cinema-metrics unlock`: release the state's lease of a run the operator knows is dead.

A run killed outright (SIGKILL, a lost host) leaves its lease until it expires (--lease-seconds,
default 2 hours). When the operator knows the run is gone (its process or Glue job run has
ended), `unlock --run RUN_ID` releases that lease now; the next run then cleans what the dead
run staged. The release is conditional on the holder still being RUN_ID, and a run that was
in fact alive stops at its next lease renewal before writing anything more (docs/STATE.md).
"""

from __future__ import annotations

import argparse
import sys

from cinema_metrics.errors import CliError
from cinema_metrics.storage import check_location, open_store


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--state", required=True, help="the state folder or s3://bucket/prefix (<output>/_state)")
    p.add_argument("--run", required=True, metavar="RUN_ID", help="the run that holds the lease and is dead")
    p.add_argument("--aws-endpoint", metavar="URL", help="endpoint URL for S3 (the moto server)")


def run(args: argparse.Namespace) -> int:
    from cinema_metrics.job import layout
    from cinema_metrics.job.cli import aws_errors
    from cinema_metrics.job.lease import break_lease, read_holder

    state = open_store(check_location(args.state, "--state"), args.aws_endpoint)
    with aws_errors(args.aws_endpoint):
        holder, _etag = read_holder(state)
        if holder is None or holder.released or holder.run != args.run:
            now = "nobody" if holder is None or holder.released else holder.describe()
            raise CliError(
                f"{state.url(layout.LEASE)}: run {args.run} holds no lease (held by {now}); nothing changed"
            )
        if not break_lease(state, args.run):
            raise CliError(
                f"{state.url(layout.LEASE)}: the lease changed while it was released; run unlock again"
            )
    print(f"released the lease of {holder.describe()}", file=sys.stderr)
    return 0
