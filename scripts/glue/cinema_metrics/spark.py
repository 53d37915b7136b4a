"""The local Spark session, configured like a small Glue 5.0 worker."""

from __future__ import annotations

import os
import shutil
import sys
from concurrent.futures import Future, ThreadPoolExecutor

from cinema_metrics.errors import CliError

# Settings the job's results rely on, set by get_spark locally and by the Glue entry point
# (glue_job.py) on Glue's session: day boundaries and timestamps in UTC, Arrow for the
# pandas/Arrow hand-offs, dynamic overwrite so a write replaces only the partitions it touches.
# Adaptive execution splits every query into a job per shuffle stage: ~0.3 s each, and an
# increment runs ~30 of them; with few shuffle partitions it has nothing to tune.
JOB_SPARK_CONF: dict[str, str] = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.adaptive.enabled": "false",
    "spark.sql.sources.partitionOverwriteMode": "dynamic",
}


# What an executor on another host needs to open the same S3 as the driver (the moto server
# locally; on Glue the role's credentials come from the instance, none of these is set).
_EXECUTOR_ENV = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
    "AWS_ENDPOINT_URL",
    "CM_DRIVER_PARSE_BYTES",
)


def get_spark(app_name: str = "cinema-metrics", cores: int | None = None, master: str | None = None):
    """Return a SparkSession (UTC, few shuffle partitions, no UI): local, or on a cluster when
    `master` is given (spark://host:port), whose executors run on other hosts.

    Fails fast with a fix when Java is missing, rather than with a JVM stack trace.
    """
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise CliError("java not found: Spark needs Java 17 (apt-get install -y openjdk-17-jre-headless)")
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    # Python workers must run this interpreter (the venv with this package), not python3 on PATH.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    n = cores or os.cpu_count() or 2
    builder = SparkSession.builder.master(master or f"local[{n}]")
    if master:
        builder = builder.config("spark.driver.host", os.environ["SPARK_LOCAL_IP"])
        builder = builder.config("spark.executorEnv.PYSPARK_PYTHON", os.environ["PYSPARK_PYTHON"])
        for name in _EXECUTOR_ENV:
            if os.environ.get(name):
                builder = builder.config(f"spark.executorEnv.{name}", os.environ[name])
    return (
        builder.appName(app_name)
        .config(map=JOB_SPARK_CONF)
        .config("spark.sql.shuffle.partitions", str(max(2, n * 2)))
        .config("spark.default.parallelism", str(max(2, n * 2)))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        # 2 GB of heap is plenty (the heavy per-line work is Python and Arrow, off this heap)
        # and keeps the whole job under the 6 GB peak of issue 5; a JVM grows to its -Xmx.
        .config("spark.driver.memory", os.environ.get("CM_SPARK_DRIVER_MEMORY", "2g"))
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate()
    )


def start_spark_async(app_name: str = "cinema-metrics", master: str | None = None) -> Future:
    """Start the local session on a thread: JVM start-up (5-8 s) overlaps the driver's own
    work (dimensions, POS discovery) instead of adding to it. `.result()` gives the session
    or raises what get_spark raised."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="spark-start")
    future = pool.submit(get_spark, app_name, None, master)
    pool.shutdown(wait=False)
    return future
