"""The `cinema-metrics` command line.

Each sub-command lives in its own module, which exposes `register(subparsers)`; the
module is imported only when its command runs, so `cinema-metrics generate` does not
pay for importing Spark.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from cinema_metrics.errors import CliError

# command name -> (module, one-line help). The module provides `add_arguments(parser)`
# and `run(args) -> int`.
COMMANDS: dict[str, tuple[str, str]] = {
    "generate": ("cinema_metrics.generator.cli", "write a synthetic snapshot folder (ECR, CRM, POS)"),
    "load-mysql": ("cinema_metrics.loaders", "load a snapshot's ECR/CRM CSVs into MariaDB (and POS into S3)"),
    "run": ("cinema_metrics.job.cli", "run the metrics job once on local Spark"),
    "status": (
        "cinema_metrics.runbook.status",
        "the last runs, lag, quarantine rate, queues and lease holder",
    ),
    "replay": (
        "cinema_metrics.runbook.replay",
        "recompute business dates from the accepted lines (after an ECR/CRM fix)",
    ),
    "retract": (
        "cinema_metrics.runbook.retract",
        "withdraw a POS file's accepted lines so its corrected version counts",
    ),
    "unlock": ("cinema_metrics.runbook.unlock", "release the state lease of a run known to be dead"),
    "oracle": ("cinema_metrics.oracle", "compute the metric tables with the independent DuckDB oracle"),
    "bench": ("cinema_metrics.bench", "benchmark a backfill and one increment against the DuckDB oracle"),
    "cost": ("cinema_metrics.cost.cli", "monthly AWS cost of an environment vs the seed design"),
    "dashboard": ("cinema_metrics.dashboards.cli", "render the dashboard HTML/PNG from a run's output"),
    "quicksight": ("cinema_metrics.dashboards.quicksight", "write the QuickSight definition from the spec"),
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cinema-metrics", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (module_name, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        if only == name:
            module = importlib.import_module(module_name)
            module.add_arguments(p)
            p.set_defaults(_module=module)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = next((a for a in argv if not a.startswith("-")), None)
    parser = build_parser(only=command if command in COMMANDS else None)
    args = parser.parse_args(argv)
    try:
        return int(args._module.run(args) or 0)
    except CliError as exc:
        print(f"cinema-metrics {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"cinema-metrics {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
