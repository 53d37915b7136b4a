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


def get_spark(app_name: str = "cinema-metrics", cores: int | None = None):
    """Return a local SparkSession (UTC, few shuffle partitions, no UI).

    Fails fast with a fix when Java is missing, rather than with a JVM stack trace.
    """
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise CliError("java not found: Spark needs Java 17 (apt-get install -y openjdk-17-jre-headless)")
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    # Python workers must run this interpreter (the venv with this package), not python3 on PATH.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    n = cores or os.cpu_count() or 2
    return (
        SparkSession.builder.master(f"local[{n}]")
        .appName(app_name)
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


def start_spark_async(app_name: str = "cinema-metrics") -> Future:
    """Start the local session on a thread: JVM start-up (5-8 s) overlaps the driver's own
    work (dimensions, POS discovery) instead of adding to it. `.result()` gives the session
    or raises what get_spark raised."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="spark-start")
    future = pool.submit(get_spark, app_name)
    pool.shutdown(wait=False)
    return future
