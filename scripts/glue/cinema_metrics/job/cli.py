"""`cinema-metrics run`: one run of the metrics job on local Spark (CONTRACT.md 5)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from cinema_metrics.errors import CliError


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--sources", type=Path, help="snapshot folder (ecr/, crm/, pos/)")
    p.add_argument(
        "--output", type=Path, required=True, help="output folder (metrics/, quarantine/, run_report.json)"
    )
    p.add_argument("--state", type=Path, help="state folder (default: <output>/_state)")
    p.add_argument(
        "--mysql", metavar="URL", help="read ECR/CRM from MySQL (mysql://user:pass@host:port) instead of CSVs"
    )
    p.add_argument(
        "--pos-s3", metavar="S3_URL", help="read POS files from s3://bucket/prefix/ instead of <sources>/pos"
    )
    p.add_argument("--aws-endpoint", metavar="URL", help="S3 endpoint URL (e.g. the local moto server)")
    p.add_argument(
        "--dynamodb", action="store_true", help="also write the changed rows to DynamoDB (default AWS chain)"
    )
    p.add_argument("--dynamodb-endpoint", metavar="URL", help="DynamoDB endpoint URL (implies --dynamodb)")
    p.add_argument("--table-prefix", default="", help="DynamoDB table name prefix, e.g. cinema-local-")
    p.add_argument("--recompute-all", action="store_true", help="recompute every metric row from the state")
    p.add_argument("--quiet", action="store_true", help="no progress lines on stderr")


def run(args: argparse.Namespace) -> int:
    from cinema_metrics.job.runner import DynamoTarget, run_job

    if args.sources is None and (args.mysql is None or args.pos_s3 is None):
        raise CliError("--sources DIR is required unless both --mysql and --pos-s3 are given")
    if args.sources is not None and not args.sources.is_dir():
        raise CliError(f"--sources {args.sources}: not a folder")
    pos_root = None
    if args.pos_s3:
        from cinema_metrics.sources import sync_s3_pos

        cache = (args.state or args.output / "_state") / "pos-cache"
        pos_root = sync_s3_pos(args.pos_s3, cache, args.aws_endpoint)
    dynamo = None
    if args.dynamodb or args.dynamodb_endpoint:
        from cinema_metrics.job.dynamodb import make_client

        dynamo = DynamoTarget(make_client(args.dynamodb_endpoint), args.table_prefix)
    report = run_job(
        args.sources,
        args.output,
        args.state,
        dynamodb=dynamo,
        progress=not args.quiet,
        mysql_url=args.mysql,
        pos_root=pos_root,
        recompute_all=args.recompute_all,
    )
    summary = {k: report[k] for k in ("lines_read", "lines_accepted", "lines_quarantined", "files_read")}
    print(json.dumps(summary), file=sys.stderr)
    return 0
