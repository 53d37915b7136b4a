"""`cinema-metrics cost`: an environment's monthly AWS bill vs the seed design's, same workload."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from cinema_metrics.cost import model
from cinema_metrics.cost.inputs import (
    load_prices,
    load_workload,
    read_tfvars_dir,
    repo_root,
    resolve,
    with_defaults,
)
from cinema_metrics.cost.report import (
    Comparison,
    breakdown_text,
    chart,
    markdown,
    sensitivity_text,
    workload_fields,
)
from cinema_metrics.cost.schedule import ScheduleError
from cinema_metrics.errors import CliError

SCALES = (1, 10, 100, 1000)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--env", default="prod", help="environment root under terraform/ (default prod)")
    parser.add_argument("--tfvars-dir", help="read *.tfvars from this directory instead of terraform/<env>")
    parser.add_argument(
        "--workload", default="costs/workloads/seed.yaml", help="workload file (default: the seed's)"
    )
    parser.add_argument(
        "--prices", default="costs/prices.yaml", help="dated price list (default costs/prices.yaml)"
    )
    parser.add_argument(
        "--pos-lines-per-2h", type=float, help="override the workload's POS lines per 2 hours"
    )
    parser.add_argument(
        "--sensitivity", action="store_true", help="also price 1x, 10x, 100x, 1000x the POS lines"
    )
    parser.add_argument(
        "--no-free-tier", action="store_true", help="price this design without always-free tiers"
    )
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON instead of tables")
    parser.add_argument("--chart", metavar="PATH", help="write the seed-vs-ours bar chart PNG here")
    parser.add_argument("--markdown", metavar="PATH", help="write the tables as Markdown here (docs/COST.md)")


def compare(args: argparse.Namespace) -> Comparison:
    root = Path(args.tfvars_dir) if args.tfvars_dir else resolve(Path("terraform") / args.env)
    raw, files = read_tfvars_dir(root)
    tf, filled = with_defaults(raw)
    workload = load_workload(resolve(args.workload))
    if args.pos_lines_per_2h is not None:
        if args.pos_lines_per_2h < 0:
            raise CliError("--pos-lines-per-2h must be >= 0")
        workload = workload.scaled(args.pos_lines_per_2h)
    prices = load_prices(resolve(args.prices))
    free = not args.no_free_tier
    try:
        ours = model.this_design(args.env, tf, workload, prices, free_tier=free)
        rows = []
        if args.sensitivity:
            for k in SCALES:
                w = workload.scaled(workload.pos_lines_per_2h * k)
                o, s, sa = (
                    model.this_design(args.env, tf, w, prices, free_tier=free),
                    model.seed_design(w, prices),
                    model.seed_design(w, prices, "aws"),
                )
                rows.append(
                    {
                        "factor": k,
                        "pos_lines_per_2h": w.pos_lines_per_2h,
                        "seed_usd": round(s.total, 2),
                        "seed_aws_usd": round(sa.total, 2),
                        "this_usd": round(o.total, 2),
                        "saving_pct": round(100 * (1 - o.total / s.total), 1),
                        "this_drivers": o.drivers(),
                        "seed_drivers": s.drivers(),
                        "warnings": [n for n in o.notes if n.startswith("WARNING")],
                    }
                )
    except ScheduleError as exc:
        raise CliError(f"{root}: {exc}; use cron(min hour dom month dow year) or rate(N unit)") from exc
    return Comparison(
        env=args.env,
        workload=workload.name,
        prices_file=_rel(Path(prices.file)),
        prices_recorded=prices.recorded,
        tfvars_files=[_rel(f) for f in files],
        defaults_filled=filled,
        ours=ours,
        seed=model.seed_design(workload, prices),
        seed_aws=model.seed_design(workload, prices, "aws"),
        sensitivity=rows,
    )


def _rel(p: Path) -> str:
    try:
        return str(p.resolve().relative_to(repo_root()))
    except ValueError:
        return str(p)


def run(args: argparse.Namespace) -> int:
    c = compare(args)
    if args.chart:
        chart(c, Path(args.chart))
    if args.markdown:
        cmd = " ".join(
            ["cinema-metrics cost", f"--env {args.env}"]
            + ([f"--tfvars-dir {args.tfvars_dir}"] if args.tfvars_dir else [])
            + [f"--workload {args.workload}", "--sensitivity", f"--markdown {args.markdown}"]
            + ([f"--chart {args.chart}"] if args.chart else [])
        )
        Path(args.markdown).parent.mkdir(parents=True, exist_ok=True)
        Path(args.markdown).write_text(markdown(c, cmd, workload_fields(resolve(args.workload))))
    if args.json:
        print(json.dumps(c.to_dict(), indent=2))
        return 0
    print(f"workload: {c.workload}; prices: {c.prices_file} (recorded {c.prices_recorded}); "
          f"tfvars: {', '.join(c.tfvars_files)}")  # fmt: skip
    if c.defaults_filled:
        print("module defaults used: " + ", ".join(c.defaults_filled))
    print()
    print(breakdown_text(c.ours))
    print()
    print(breakdown_text(c.seed))
    ft = model.formula_total(c.seed)
    print(f"  seed formulas without the screenshot carry-overs: {ft:.2f} USD/month "
          f"({100 * (ft / model.SEED.stated_total - 1):+.2f} % vs the seed's stated 125.87)")  # fmt: skip
    print(f"  the same seed design at AWS billing rules: {c.seed_aws.total:.2f} USD/month "
          f"(by service: {', '.join(f'{k} {v:.2f}' for k, v in c.seed_aws.by_service().items())})")  # fmt: skip  # noqa: E501
    if c.sensitivity:
        print()
        print(sensitivity_text(c.sensitivity))
    print()
    print(c.line())
    return 0
