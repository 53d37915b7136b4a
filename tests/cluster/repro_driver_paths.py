"""Reproduce issue 12 on the two-host cluster: the job as scripts/glue/glue_job.py runs it
(state and staging in a driver mkdtemp, ship_content=True) fails once Spark tasks touch it.

Not a test (it shows a failure of a given package version, not a property to keep):

    .venv/bin/python -m tests.cluster.repro_driver_paths [--pkg DIR]

--pkg: a folder holding the cinema_metrics package to run (e.g. an old commit's, from
`git archive <rev> scripts/glue | tar -x -C .local/oldpkg`, then
--pkg .local/oldpkg/scripts/glue). It must be inside the repo folder: the executors cannot
see /tmp. Prints the exception the run ended with; exits 0 when the run failed.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import traceback
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    pkg = Path(args.pkg).resolve() if args.pkg else None
    if pkg is not None:
        sys.path.insert(0, str(pkg))  # before anything imports cinema_metrics
    from tests.cluster.cluster import ROOT, cluster_session, start_cluster
    from tests.unit.job.snap import concession, ticket, write_snapshot

    import cinema_metrics
    from cinema_metrics.job import read
    from cinema_metrics.job.runner import run_job

    print(f"cinema_metrics from {Path(cinema_metrics.__file__).parent}")
    logs = ROOT / ".local" / "cluster-repro"
    cluster = start_cluster(logs)
    try:
        env = {"PYTHONPATH": str(pkg)} if pkg is not None else {}
        spark = cluster_session(cluster.master_url, "repro-driver-paths", extra_env=env)
        if args.tasks:
            read._IN_DRIVER = 0  # force the Spark-task parse (the > 32 MB backfill path)
        work = Path(tempfile.mkdtemp(prefix="cinema-metrics-"))  # as glue_job.py does
        sources = write_snapshot(
            work / "sources",
            {
                "2026/03/06/a.jsonl": [
                    ticket("T1", 1, 1000, "2026-03-06T19:05:00-06:00"),
                    concession("T1", 2, "2026-03-06T19:06:00-06:00"),
                ]
            },
        )
        try:
            report = run_job(sources, work / "output", work / "state", spark=spark, ship_content=True)
        except Exception as exc:
            lines = "".join(traceback.format_exception_only(type(exc), exc)).strip().splitlines()
            causes = [line for line in lines if line.startswith("Caused by:")]  # a JVM error's root
            print("RUN FAILED:", lines[0], *causes[-1:], sep="\n  ")
            return 0
        finally:
            spark.stop()
        print("run finished (no failure):", {k: report.get(k) for k in ("lines_read", "lines_accepted")})
        return 1
    finally:
        cluster.stop()


def _parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pkg", help="folder holding the cinema_metrics package to run (inside the repo)")
    p.add_argument(
        "--tasks", action="store_true", help="parse in Spark tasks (else the driver parses, as an increment)"
    )
    return p.parse_args(argv)


if __name__ == "__main__":
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    sys.exit(main())
