"""AWS Glue 5.1 entry point: the only module that imports awsglue.

Reads the crawled ECR/CRM tables from the Data Catalog (from_catalog, whole: see
read_dimensions), runs the same job as `cinema-metrics run` (cinema_metrics.job.runner.run)
with the state, the POS files and the outputs addressed as s3:// URIs of the data bucket
(no driver-local copy: on Glue the driver and the executors are different hosts), publishes
the run's quarantine ratio to CloudWatch (the module's alarm watches it), and commits the
job only after every write succeeded.

Job arguments (--NAME VALUE): JOB_NAME, database, catalog_table_prefix, bucket,
pos_prefix (raw/pos/), curated_prefix (curated/), state_prefix (curated/_state/),
dynamodb_table_prefix (e.g. cinema-prod-); optional: pos_queue_url (the SQS queue of the POS
prefix's S3 event notifications), keys_table (the DynamoDB table of accepted line keys),
reconcile ("true": list the whole POS prefix by key, ETag and size this run, catching any
object whose event the queue lost; a weekly trigger passes it), recompute (comma-separated metric
tables to compute over the whole accepted history this run, e.g. after a definition changed
without a version bump; a new table or a new version needs nothing: the next run does it);
the runbook's maintenance runs (README "Runbook"): replay_from and replay_to (business dates,
after an ECR or CRM fix), retract (comma-separated pos/<path> of POS objects to withdraw).
Job bookmarks are not used (the job keeps its own record of processed files): run it with
--job-bookmark-option job-bookmark-disable.
"""

from __future__ import annotations

import sys
from typing import Any

REQUIRED = (
    "JOB_NAME",
    "database",
    "catalog_table_prefix",
    "bucket",
    "pos_prefix",
    "curated_prefix",
    "state_prefix",
    "dynamodb_table_prefix",
)
OPTIONAL = ("pos_queue_url", "keys_table", "reconcile", "recompute", "replay_from", "replay_to", "retract")


def resolve_arguments(argv: list[str]) -> dict[str, Any]:
    """The required arguments, plus each optional one given in argv (else None).

    getResolvedOptions makes every name it is asked for required, and Terraform passes an
    optional argument only when its resource exists, so an optional name is asked for only
    when it is present.
    """
    from awsglue.utils import getResolvedOptions

    present = [n for n in OPTIONAL if any(a == f"--{n}" or a.startswith(f"--{n}=") for a in argv)]
    args: dict[str, Any] = dict(getResolvedOptions(argv, [*REQUIRED, *present]))
    for name in OPTIONAL:
        args.setdefault(name, None)
    return args


def _listed(value: Any) -> list[str]:
    """A comma-separated job argument as a list (none: empty)."""
    return [item for item in str(value or "").split(",") if item]


def build_config(args: dict[str, Any], dynamodb_client: Any, dimensions: Any):
    """The run's RunConfig: every location an s3:// URI under the data bucket. The state's
    lease is grouped by the Glue job run (a retry attempt takes over its own earlier attempt's
    lease at once: Glue starts it only after that attempt ended)."""
    from cinema_metrics.job.cli import check_metric_names
    from cinema_metrics.job.config import DynamoTarget, RunConfig
    from cinema_metrics.job.lease import glue_group

    bucket = args["bucket"]
    return RunConfig(
        output=f"s3://{bucket}/{args['curated_prefix']}",
        state=f"s3://{bucket}/{args['state_prefix']}",
        pos=f"s3://{bucket}/{args['pos_prefix']}",
        pos_queue_url=args["pos_queue_url"],
        keys_table=args["keys_table"],
        reconcile=str(args["reconcile"]).lower() == "true",
        recompute=check_metric_names(_listed(args["recompute"]), "recompute"),
        replay=(args["replay_from"], args["replay_to"]) if args["replay_from"] else None,
        retract=tuple(_listed(args["retract"])),
        dynamodb=DynamoTarget(dynamodb_client, args["dynamodb_table_prefix"]),
        dimensions=dimensions,
        lease_group=glue_group(args["JOB_RUN_ID"]) if args.get("JOB_RUN_ID") else None,
    )


def read_dimensions(glue_context, database: str, table_prefix: str):
    """ECR/CRM tables from the catalog; the crawler names JDBC tables <prefix><db>_<table>.

    No transformation_ctx here on purpose: with job bookmarks on, a JDBC source that has one
    is read incrementally by primary key, and docs/contract/sources.md reads these tables whole
    on every run (a showtime updated in place must be seen). POS files are tracked by the job's
    own record of processed files (path + content), which also catches a changed file, which
    bookmarks keyed on modification time would not tell apart from a re-delivery. Only the
    columns the metrics need leave Spark (contract.JOB_COLUMNS): no personal CRM column
    reaches the driver.
    """
    from cinema_metrics import contract
    from cinema_metrics.sources import dimensions_from_frames

    frames = {}
    for (db, table), columns in contract.JOB_COLUMNS.items():
        dyf = glue_context.create_dynamic_frame.from_catalog(
            database=database,
            table_name=f"{table_prefix}{db}_{table}",
        )
        df = dyf.toDF()
        # every column's name (a missing one is fatal), the values of the job's columns only
        frame = df.select(*[c for c in columns if c in df.columns]).toPandas()
        names_only = [c for c in df.columns if c not in columns]
        frames[(db, table)] = frame.reindex(columns=[*frame.columns, *names_only])
    return dimensions_from_frames(frames, origin="catalog")


def publish_run_metrics(cloudwatch, job_name: str, report: dict) -> None:
    """CinemaMetrics/QuarantineRatio (and line counts) per JobName, for the module's alarm."""
    read = int(report.get("lines_read", 0))
    ratio = report.get("lines_quarantined", 0) / read if read else 0.0
    dims = [{"Name": "JobName", "Value": job_name}]
    cloudwatch.put_metric_data(
        Namespace="CinemaMetrics",
        MetricData=[
            {"MetricName": "QuarantineRatio", "Dimensions": dims, "Value": ratio, "Unit": "None"},
            {"MetricName": "LinesRead", "Dimensions": dims, "Value": read, "Unit": "Count"},
            {
                "MetricName": "LinesQuarantined",
                "Dimensions": dims,
                "Value": int(report.get("lines_quarantined", 0)),
                "Unit": "Count",
            },
        ],
    )


def main(argv: list[str] | None = None) -> dict:
    import boto3
    from awsglue.context import GlueContext
    from awsglue.job import Job
    from pyspark.context import SparkContext

    from cinema_metrics.job import runner
    from cinema_metrics.job.dynamodb import make_client
    from cinema_metrics.spark import JOB_SPARK_CONF

    args = resolve_arguments(sys.argv if argv is None else argv)
    glue_context = GlueContext(SparkContext.getOrCreate())
    spark = glue_context.spark_session
    # Before any read: the catalog frames' timestamps reach pandas in the session time zone.
    for key, value in JOB_SPARK_CONF.items():
        spark.conf.set(key, value)
    job = Job(glue_context)
    job.init(args["JOB_NAME"], args)

    dims = read_dimensions(glue_context, args["database"], args["catalog_table_prefix"])
    report = runner.run(build_config(args, make_client(), dims), spark=spark)
    publish_run_metrics(boto3.client("cloudwatch"), args["JOB_NAME"], report)
    job.commit()  # only after every write above succeeded
    return report


if __name__ == "__main__":
    main()
