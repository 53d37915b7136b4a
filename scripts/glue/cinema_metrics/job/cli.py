"""`cinema-metrics run`: one run of the metrics job (docs/contract/runs.md, the command line).

--output and --state take folders or s3://bucket/prefix URIs (the same layout under either);
--pos-s3 reads the POS objects in place; --spark-master runs the Spark side on a cluster.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cinema_metrics.errors import CliError
from cinema_metrics.storage import check_location, is_s3


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--sources", type=Path, help="snapshot folder (ecr/, crm/, pos/)")
    p.add_argument(
        "--output",
        required=True,
        help="output folder or s3://bucket/prefix (metrics/, quarantine/, run_report.json)",
    )
    p.add_argument("--state", help="state folder or s3://bucket/prefix (default: <output>/_state)")
    p.add_argument(
        "--mysql", metavar="URL", help="read ECR/CRM from MySQL (mysql://user:pass@host:port) instead of CSVs"
    )
    p.add_argument(
        "--pos-s3",
        metavar="S3_URL",
        help="read POS objects in place under s3://bucket/prefix/ (not <sources>/pos)",
    )
    p.add_argument(
        "--pos-queue", metavar="URL", help="SQS queue of the POS prefix's S3 events: read only what arrived"
    )
    p.add_argument("--reconcile", action="store_true", help="list the whole POS prefix even with --pos-queue")
    p.add_argument(
        "--keys-table", metavar="NAME", help="DynamoDB table of accepted line keys (rule 11) for S3 state"
    )
    p.add_argument(
        "--aws-endpoint", metavar="URL", help="endpoint URL for S3, SQS, DynamoDB (the moto server)"
    )
    p.add_argument(
        "--spark-master", metavar="URL", help="Spark master, e.g. spark://host:7077 (default local)"
    )
    p.add_argument(
        "--dynamodb", action="store_true", help="also write the changed rows to DynamoDB (default AWS chain)"
    )
    p.add_argument("--dynamodb-endpoint", metavar="URL", help="DynamoDB endpoint URL (implies --dynamodb)")
    p.add_argument("--table-prefix", default="", help="DynamoDB table name prefix, e.g. cinema-local-")
    p.add_argument("--recompute-all", action="store_true", help="recompute every metric row from the state")
    p.add_argument(
        "--recompute",
        action="append",
        default=[],
        metavar="METRIC",
        help="compute this metric table over the whole accepted history this run (repeatable)",
    )
    p.add_argument(
        "--lease-seconds",
        type=float,
        default=None,
        metavar="S",
        help="expiry of this run's lease on the state, renewed between phases (default 7200)",
    )
    p.add_argument(
        "--wait-for-lease",
        type=float,
        default=0.0,
        metavar="S",
        help="wait up to S seconds for another run's lease instead of stopping at once",
    )
    p.add_argument("--quiet", action="store_true", help="no progress lines on stderr")


def config_from(args: argparse.Namespace):
    """The RunConfig of the command line's flags (`run`, and the runbook's replay and retract)."""
    from cinema_metrics.job.config import DynamoTarget, RunConfig

    if args.sources is None and (args.mysql is None or args.pos_s3 is None):
        raise CliError("--sources DIR is required unless both --mysql and --pos-s3 are given")
    if args.sources is not None and not args.sources.is_dir():
        raise CliError(f"--sources {args.sources}: not a folder")
    if args.pos_s3 and not is_s3(args.pos_s3):
        raise CliError(f"--pos-s3 {args.pos_s3!r}: expected s3://bucket/prefix/")
    for flag, value in (("--output", args.output), ("--state", args.state), ("--pos-s3", args.pos_s3)):
        if value is not None:
            check_location(value, flag)
    recompute = check_metric_names(args.recompute, "--recompute")
    dynamo = None
    if args.dynamodb or args.dynamodb_endpoint:
        from cinema_metrics.job.dynamodb import make_client

        dynamo = DynamoTarget(make_client(args.dynamodb_endpoint or args.aws_endpoint), args.table_prefix)
    cfg = RunConfig(
        output=args.output,
        state=args.state,
        sources=args.sources,
        mysql_url=args.mysql,
        pos=args.pos_s3,
        pos_queue_url=args.pos_queue,
        keys_table=args.keys_table,
        aws_endpoint=args.aws_endpoint,
        dynamodb=dynamo,
        spark_master=args.spark_master,
        reconcile=args.reconcile,
        recompute_all=args.recompute_all,
        recompute=recompute,
        progress=not args.quiet,
        lease_wait_seconds=args.wait_for_lease,
    )
    if args.lease_seconds is not None:
        cfg.lease_seconds = args.lease_seconds
    return cfg


def execute(args: argparse.Namespace, cfg, summary_keys: tuple[str, ...]) -> int:
    """Run the job with cfg; print the report's summary (one JSON line on stderr)."""
    from cinema_metrics.job.runner import run as run_job

    with aws_errors(args.aws_endpoint):
        report = run_job(cfg)
    print(json.dumps({k: report[k] for k in summary_keys}), file=sys.stderr)
    return 0


def run(args: argparse.Namespace) -> int:
    keys = ("lines_read", "lines_accepted", "lines_quarantined", "files_read")
    return execute(args, config_from(args), keys)


@contextmanager
def aws_errors(endpoint: str | None) -> Iterator[None]:
    """AWS set-up problems as one line naming the fix (exit 2), not a traceback."""
    try:
        from botocore.exceptions import EndpointConnectionError, NoCredentialsError, PartialCredentialsError
    except ImportError:  # pragma: no cover - boto3 is a dependency
        yield
        return
    try:
        yield
    except (NoCredentialsError, PartialCredentialsError):
        raise CliError(
            "no AWS credentials: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
            "(any value works with --aws-endpoint and the local emulator)"
        ) from None
    except EndpointConnectionError as exc:
        where = endpoint or "the default AWS endpoint"
        raise CliError(
            f"cannot reach {where} ({exc.kwargs.get('endpoint_url', '')}): check --aws-endpoint"
        ) from None


def check_metric_names(names: list[str], flag: str) -> tuple[str, ...]:
    """The metric names given, each one a declared metric (else a one-line error listing them)."""
    from cinema_metrics.metrics import TABLES

    unknown = [n for n in names if n not in TABLES]
    if unknown:
        raise CliError(f"{flag} {', '.join(unknown)}: not a metric table; the tables are {', '.join(TABLES)}")
    return tuple(names)
