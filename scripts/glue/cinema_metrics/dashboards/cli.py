"""`cinema-metrics dashboard --output RUN_OUTPUT [--html PATH] [--png PATH] [--now TIME]`.

Runs the Athena views on DuckDB over RUN_OUTPUT/metrics (and the run records beside it), writes
one self-contained HTML file and a PNG of it (headless Chromium), and prints both paths.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path

from cinema_metrics.dashboards.chromium import screenshot
from cinema_metrics.dashboards.html import write_html
from cinema_metrics.dashboards.spec import SPEC_PATH, load_spec
from cinema_metrics.errors import CliError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--output", required=True, type=Path, help="a run's output folder (holds metrics/)")
    parser.add_argument("--html", type=Path, help="HTML path (default RUN_OUTPUT/dashboard/index.html)")
    parser.add_argument("--png", type=Path, help="PNG path (default RUN_OUTPUT/dashboard/index.png)")
    parser.add_argument(
        "--spec", type=Path, default=SPEC_PATH, help="dashboard spec (default dashboards/spec.yaml)"
    )
    parser.add_argument("--no-png", action="store_true", help="write the HTML only")
    parser.add_argument(
        "--window-size", default="1440,2300", help="PNG size WIDTH,HEIGHT (default 1440,2300)"
    )
    parser.add_argument(
        "--now",
        type=_timestamp,
        help="the time freshness is measured against, ISO 8601 (default: the render time; "
        "without a zone it is UTC), e.g. 2026-03-30T12:00:00Z",
    )


def _timestamp(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text!r}") from None


def run(args: argparse.Namespace) -> int:
    metrics = args.output / "metrics"
    if not metrics.is_dir():
        raise CliError(
            f"--output {args.output}: no metrics/ folder; pass the output folder of `cinema-metrics run`"
        )
    try:
        width, height = (int(x) for x in str(args.window_size).split(","))
    except ValueError:
        raise CliError(f"--window-size must be WIDTH,HEIGHT, got {args.window_size!r}") from None
    spec = load_spec(args.spec)
    html_path = args.html or args.output / "dashboard" / "index.html"
    write_html(spec, metrics, html_path, args.now)
    print(f"html: {html_path}")
    if not args.no_png:
        png_path = args.png or html_path.with_suffix(".png")
        screenshot(html_path, png_path, width, height)
        print(f"png:  {png_path}")
    return 0
