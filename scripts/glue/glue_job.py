"""AWS Glue 5.0 entry point: the only module that imports awsglue.

Reads the crawled ECR/CRM tables from the Data Catalog (from_catalog, whole: see
read_dimensions), mirrors the POS prefix and the job state from S3, runs the same
transforms as `cinema-metrics run` (cinema_metrics.job.runner.run_job), writes DynamoDB
through the same batch writer, uploads the curated Parquet, quarantine, report and state,
publishes the run's quarantine ratio to CloudWatch (the module's alarm watches it), and
commits the job only after every write succeeded.

Known limitation: the state, staging and lines live on the driver's local disk (mirrored
from and to S3), but Spark tasks write the lines there; on a multi-node job they run on the
executors. Moving state and staging to s3:// paths is the open fix (see README).

Job arguments (--NAME VALUE): JOB_NAME, database, catalog_table_prefix, bucket,
pos_prefix (raw/pos/), curated_prefix (curated/), state_prefix (curated/_state/),
dynamodb_table_prefix (e.g. cinema-prod-).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ARGUMENTS = (
    "JOB_NAME",
    "database",
    "catalog_table_prefix",
    "bucket",
    "pos_prefix",
    "curated_prefix",
    "state_prefix",
    "dynamodb_table_prefix",
)


def read_dimensions(glue_context, database: str, table_prefix: str):
    """ECR/CRM tables from the catalog; the crawler names JDBC tables <prefix><db>_<table>.

    No transformation_ctx here on purpose: with job bookmarks on, a JDBC source that has one
    is read incrementally by primary key, and CONTRACT.md 1.1 reads these tables whole on
    every run (a showtime updated in place must be seen). POS files are tracked by the job's
    own manifest (path + content hash), which also catches a changed file, which bookmarks
    keyed on modification time would not tell apart from a re-delivery.
    """
    from cinema_metrics import contract
    from cinema_metrics.sources import dimensions_from_frames

    frames = {}
    for db, table in contract.DIMENSIONS:
        dyf = glue_context.create_dynamic_frame.from_catalog(
            database=database,
            table_name=f"{table_prefix}{db}_{table}",
        )
        frames[(db, table)] = dyf.toDF().toPandas()
    return dimensions_from_frames(frames, origin="catalog")


def download_prefix(s3, bucket: str, prefix: str, target: Path) -> None:
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for obj in page.get("Contents", []):
            dest = target / obj["Key"][len(prefix) :]
            dest.parent.mkdir(parents=True, exist_ok=True)
            s3.download_file(bucket, obj["Key"], str(dest))


def upload_changed(s3, root: Path, bucket: str, prefix: str, since: float, last: str | None = None) -> int:
    """Upload files written since `since` (the state manifest last: it is the commit point)."""
    files = [
        p
        for p in root.rglob("*")
        if p.is_file() and p.stat().st_mtime >= since and not p.name.startswith(".")
    ]
    files.sort(key=lambda p: p.name == last)
    for p in files:
        s3.upload_file(str(p), bucket, prefix + p.relative_to(root).as_posix())
    return len(files)


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
    from awsglue.utils import getResolvedOptions
    from pyspark.context import SparkContext

    from cinema_metrics.job.dynamodb import make_client
    from cinema_metrics.job.runner import DynamoTarget, run_job
    from cinema_metrics.sources import sync_s3_pos

    args = getResolvedOptions(sys.argv if argv is None else argv, list(ARGUMENTS))
    sc = SparkContext.getOrCreate()
    glue_context = GlueContext(sc)
    spark = glue_context.spark_session
    job = Job(glue_context)
    job.init(args["JOB_NAME"], args)

    s3 = boto3.client("s3")
    bucket = args["bucket"]
    work = Path(tempfile.mkdtemp(prefix="cinema-metrics-"))
    output, state = work / "output", work / "state"
    dims = read_dimensions(glue_context, args["database"], args["catalog_table_prefix"])
    pos_root = sync_s3_pos(f"s3://{bucket}/{args['pos_prefix']}", work / "pos-cache")
    download_prefix(s3, bucket, args["state_prefix"], state)
    download_prefix(s3, bucket, args["curated_prefix"] + "metrics/", output / "metrics")
    started = time.time() - 1
    report = run_job(
        None,
        output,
        state,
        spark=spark,
        dynamodb=DynamoTarget(make_client(), args["dynamodb_table_prefix"]),
        dimensions=dims,
        pos_root=pos_root,
        ship_content=True,  # executors do not see the driver's disk
    )
    upload_changed(s3, output, bucket, args["curated_prefix"], started)
    upload_changed(s3, state, bucket, args["state_prefix"], started, last="manifest.json")
    publish_run_metrics(boto3.client("cloudwatch"), args["JOB_NAME"], report)
    job.commit()  # only after every write above succeeded
    return report


if __name__ == "__main__":
    main()
