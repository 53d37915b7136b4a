"""Run scripts/glue/glue_job.py as Glue would, on the two-host cluster (a subprocess of the test).

    python -m tests.cluster.glue_driver --master spark://... --sources DIR -- <glue job argv>

The awsglue package is the real one (PyPI awsgluedataplanepython): getResolvedOptions, Job,
DynamicFrameReader.from_catalog run as on Glue. Faked, exactly as tests/unit/test_glue_entry.py
does (its FakeGlueContext is reused), is only what needs Glue's JVM classes: the GlueContext,
whose catalog reads serve the snapshot's ECR/CRM CSVs as Spark frames under the crawler's table
names (<catalog_table_prefix><db>_<table>). The SparkContext is on the cluster; S3, SQS,
DynamoDB and CloudWatch are the moto server through AWS_ENDPOINT_URL (the entry passes no
endpoint, as on Glue), which the executors get in their environment too.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

EXECUTOR_ENV = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_DEFAULT_REGION",
    "AWS_ENDPOINT_URL",
    "CM_DRIVER_PARSE_BYTES",
)


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--master", required=True)
    p.add_argument("--sources", required=True, type=Path)
    args, glue_argv = p.parse_known_args(argv)
    glue_argv = [a for a in glue_argv if a != "--"]

    import awsglue.context
    from tests.cluster.cluster import ROOT, cluster_session
    from tests.unit.test_glue_entry import FakeGlueContext, crawled_tables

    env = {k: os.environ[k] for k in EXECUTOR_ENV if os.environ.get(k)}
    spark = cluster_session(args.master, "glue-entry-two-host", extra_env=env)
    opts = dict(zip(glue_argv[::2], glue_argv[1::2], strict=False))
    database, prefix = opts["--database"], opts["--catalog_table_prefix"]
    catalog = {
        (database, f"{prefix}{db}_{table}"): spark.createDataFrame(frame)
        for (db, table), frame in crawled_tables(args.sources).items()
    }
    FakeGlueContext.catalog = catalog
    FakeGlueContext.calls = []
    awsglue.context.GlueContext = FakeGlueContext  # glue_job imports it inside main()
    sys.path.insert(0, str(ROOT / "scripts" / "glue"))
    import glue_job

    report = glue_job.main(["glue_job.py", *glue_argv])
    calls = [c[0] for c in FakeGlueContext.calls]
    assert calls.count("job.commit") == 1 and calls[-1] == "job.commit", calls
    summary = {k: report[k] for k in ("lines_read", "lines_accepted", "lines_quarantined", "files_read")}
    print(json.dumps(summary), file=sys.stderr, flush=True)
    spark.stop()
    return 0


if __name__ == "__main__":
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    sys.exit(main(sys.argv[1:]))
