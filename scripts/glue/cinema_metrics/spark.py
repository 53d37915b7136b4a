"""The local Spark session, configured like a small Glue 5.0 worker."""

from __future__ import annotations

import os
import shutil
import sys

from cinema_metrics.errors import CliError


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
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", str(max(2, n * 2)))
        .config("spark.default.parallelism", str(max(2, n * 2)))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", os.environ.get("CM_SPARK_DRIVER_MEMORY", "4g"))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.sources.partitionOverwriteMode", "dynamic")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate()
    )
