"""Renderings of a comparison: text tables, JSON data, Markdown (docs/COST.md) and the PNG chart."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cinema_metrics.cost.model import SERVICES, Breakdown, formula_total


@dataclass
class Comparison:
    env: str
    workload: str
    prices_file: str
    prices_recorded: str
    tfvars_files: list[str]
    defaults_filled: list[str]
    ours: Breakdown
    seed: Breakdown
    seed_aws: Breakdown
    sensitivity: list[dict[str, Any]] = field(default_factory=list)

    @property
    def saving_pct(self) -> float:
        return 100.0 * (1 - self.ours.total / self.seed.total) if self.seed.total else 0.0

    def line(self) -> str:
        return (
            f"seed design: {self.seed.total:.2f} USD/month; this design: {self.ours.total:.2f} USD/month; "
            f"saving {self.saving_pct:.0f} %"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "environment": self.env,
            "workload": self.workload,
            "prices": {"file": self.prices_file, "recorded": self.prices_recorded, "region": "us-east-1"},
            "tfvars_files": self.tfvars_files,
            "defaults_filled": self.defaults_filled,
            "this_design": self.ours.to_dict(),
            "seed_design": {**self.seed.to_dict(), "formula_total_usd": round(formula_total(self.seed), 2)},
            "seed_design_aws_billing": self.seed_aws.to_dict(),
            "comparison": {
                "seed_usd": round(self.seed.total, 2),
                "this_usd": round(self.ours.total, 2),
                "saving_pct": round(self.saving_pct, 1),
                "line": self.line(),
            },
            "sensitivity": self.sensitivity,
        }


def _num(x: float) -> str:
    if x == 0:
        return "0"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) >= 1:
        return f"{x:,.2f}"
    return f"{x:.4g}"


def breakdown_text(b: Breakdown) -> str:
    rows = [("service", "line item", "quantity", "unit", "unit price", "USD", "formula")]
    for li in b.lines:
        rows.append(
            (
                li.service,
                li.item,
                _num(li.quantity),
                li.unit,
                f"{li.unit_price:.6g}",
                f"{li.usd:.2f}",
                li.formula,
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(6)]
    out = [f"== {b.design}: {b.total:.2f} USD/month"]
    for i, r in enumerate(rows):
        cells = [r[j].ljust(widths[j]) if j < 2 or j == 3 else r[j].rjust(widths[j]) for j in range(6)]
        out.append("  " + "  ".join(cells) + "  " + r[6])
        if i == 0:
            out.append("  " + "-" * (sum(widths) + 12))
    out.append("  by service: " + ", ".join(f"{s} {v:.2f}" for s, v in b.by_service().items()))
    out.extend(f"  note: {n}" for n in b.notes)
    return "\n".join(out)


def sensitivity_text(rows: list[dict[str, Any]]) -> str:
    head = (
        "scale",
        "POS lines/2h",
        "seed (its rules)",
        "seed (AWS rules)",
        "this design",
        "saving",
        "drivers (ours)",
    )
    body = [
        (
            f"{r['factor']}x",
            f"{r['pos_lines_per_2h']:,.0f}",
            f"{r['seed_usd']:,.2f}",
            f"{r['seed_aws_usd']:,.2f}",
            f"{r['this_usd']:,.2f}",
            f"{r['saving_pct']:.0f} %",
            "; ".join(r["this_drivers"]),
        )
        for r in rows
    ]
    widths = [max(len(x[i]) for x in [head, *body]) for i in range(len(head))]
    lines = ["== sensitivity (USD/month)"]
    for r in [head, *body]:
        lines.append(
            "  " + "  ".join(c.rjust(widths[i]) if 0 < i < 6 else c.ljust(widths[i]) for i, c in enumerate(r))
        )
    lines.append(
        "  seed drivers: " + " | ".join(f"{r['factor']}x {'; '.join(r['seed_drivers'])}" for r in rows)
    )
    return "\n".join(lines)


def _md_breakdown(b: Breakdown) -> list[str]:
    out = [
        f"### {b.design}: {b.total:.2f} USD/month",
        "",
        "| service | line item | quantity | unit | unit price (USD) | USD/month | formula |",
        "|---|---|--:|---|--:|--:|---|",
    ]
    for li in b.lines:
        formula = li.formula.replace("|", "/")
        out.append(
            f"| {li.service} | {li.item} | {_num(li.quantity)} | {li.unit} | {li.unit_price:.6g} | {li.usd:.2f} | {formula} |"  # noqa: E501
        )
    out.append(f"| **total** | | | | | **{b.total:.2f}** | |")
    out.append("")
    out.extend(f"- {n}" for n in b.notes)
    out.append("")
    return out


def _md_tables(b: Breakdown) -> list[str]:
    if not b.tables:
        return []
    out = [
        "## Metric tables (from their declarations)",
        "",
        "Derived by `cost/tables.py` from `scripts/glue/cinema_metrics/metrics/`: a new metric module is",
        "priced here by the next `make cost`. Item size: DynamoDB's rules over every declared column and",
        "pk/sk at typical widths; rows: the key columns' values per period of the date column.",
        "",
        "| table | columns | grain (per period) | period | DynamoDB item (B, est.) | items kept | items per run | Parquet row (B) |",  # noqa: E501
        "|---|--:|---|---|--:|--:|--:|--:|",
    ]
    for t in b.tables:
        out.append(
            f"| `{t['table']}` | {t['columns']} | {', '.join(t['grain']) or '-'} | {t['period']} | "
            f"{t['item_bytes']} | {_num(t['items_stored'])} | {_num(t['items_per_run'])} | "
            f"{t['parquet_row_bytes']} |"
        )
    return [*out, ""]


def workload_fields(path: Path) -> list[str]:
    """The workload file's lines (values with their comments) for the assumptions section."""
    return [
        ln
        for ln in path.read_text().splitlines()
        if ln and not ln.startswith(("#", "notes:", "  -", "name:"))
    ]


def markdown(c: Comparison, command: str, assumptions: list[str] | None = None) -> str:
    services = [s for s in SERVICES if s in c.ours.by_service() or s in c.seed.by_service()]
    ours, seed, seed_aws = c.ours.by_service(), c.seed.by_service(), c.seed_aws.by_service()
    lines = [
        "# Monthly AWS cost: this design vs the seed design",
        "",
        f"Generated by `{command}` (do not edit by hand). Prices: `{c.prices_file}` "
        f"(us-east-1 list prices recorded {c.prices_recorded}); workload: `{c.workload}`; environment: "
        f"`{c.env}` ({', '.join(c.tfvars_files) or 'defaults'}).",
        "",
        f"**{c.line()}**",
        "",
        "![seed vs this design by service](cost.png)",
        "",
        "## By service (USD/month)",
        "",
        f"| service | seed design (its rules) | seed design (AWS billing rules) | this design ({c.env}) |",
        "|---|--:|--:|--:|",
    ]
    for s in services + [s for s in seed_aws if s not in services]:
        lines.append(f"| {s} | {seed.get(s, 0):.2f} | {seed_aws.get(s, 0):.2f} | {ours.get(s, 0):.2f} |")
    lines.append(
        f"| **total** | **{c.seed.total:.2f}** | **{c.seed_aws.total:.2f}** | **{c.ours.total:.2f}** |"
    )
    lines += ["", "## Line items", ""]
    lines += _md_breakdown(c.ours) + _md_breakdown(c.seed) + _md_breakdown(c.seed_aws)
    lines += _md_tables(c.ours)
    if c.sensitivity:
        lines += [
            "## Sensitivity to the POS volume",
            "",
            "| scale | POS lines / 2 h | seed (its rules) | seed (AWS rules) | this design | saving | main drivers (ours) | main drivers (seed) |",  # noqa: E501
            "|---|--:|--:|--:|--:|--:|---|---|",
        ]
        for r in c.sensitivity:
            lines.append(
                f"| {r['factor']}x | {r['pos_lines_per_2h']:,.0f} | {r['seed_usd']:,.2f} | {r['seed_aws_usd']:,.2f} | "  # noqa: E501
                f"{r['this_usd']:,.2f} | {r['saving_pct']:.0f} % | {'; '.join(r['this_drivers'])} | "
                f"{'; '.join(r['seed_drivers'])} |"
            )
        lines.append("")
    lines += [
        "## How it is computed",
        "",
        "- A month is 30 days: a 2-hourly schedule is 360 runs, a daily one 30 (schedules parsed from the",
        "  tfvars' Glue cron expressions).",
        "- Glue jobs: DPU-hours billed per second with a 1-minute minimum per run; Flex at its own rate.",
        "  Crawlers: per DPU-hour with a 10-minute minimum per run (2 DPUs assumed, as in AWS's example).",
        "- DynamoDB writes are the metric rows a run changes (keys touched by its new lines), not all rows.",
        "  The metric tables, their item sizes and rows come from the metric declarations (table above,",
        "  `cost/tables.py`); the dashboard's data sets from `dashboards/spec.yaml`.",
        "- Dashboards query curated Parquet with partition projection (current month only, so each query",
        "  bills the 10 MB minimum); the seed's dashboards scan DynamoDB through the federated connector.",
        "- Always-free tiers (Data Catalog, DynamoDB 25 GB, Lambda, KMS requests, CloudWatch, SNS) apply",
        "  to this design (one account per environment); `--no-free-tier` prices without them.",
        "- The seed design is priced with the seed's own rules (no free tiers, no crawler minimum,",
        "  Data Catalog objects = 2 x data rows, QuickSight $30 for 4 users); the column 'AWS billing rules'",
        "  re-prices the same design the way AWS bills it.",
        "",
    ]
    if assumptions:
        lines += ["Workload (`" + c.workload + "`):", "", "```yaml", *assumptions, "```", ""]
    if c.defaults_filled:
        lines += ["## Module defaults used (not set in the tfvars)", ""]
        lines += [f"- `{d}`" for d in c.defaults_filled] + [""]
    return "\n".join(lines)


def chart(c: Comparison, path: Path) -> None:
    """Grouped bars by service: seed (its rules), seed (AWS rules), this design."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    series = [
        (f"seed design ({c.seed.total:.2f})", c.seed.by_service(), "#c0504d"),
        (f"seed at AWS billing rules ({c.seed_aws.total:.2f})", c.seed_aws.by_service(), "#e6a19e"),
        (f"this design, {c.env} ({c.ours.total:.2f})", c.ours.by_service(), "#4f81bd"),
    ]
    services = [s for s in SERVICES if any(s in d for _, d, _ in series)]
    fig, ax = plt.subplots(figsize=(11, 5.5), dpi=110)
    width = 0.27
    for i, (label, data, color) in enumerate(series):
        xs = [k + (i - 1) * width for k in range(len(services))]
        vals = [data.get(s, 0.0) for s in services]
        bars = ax.bar(xs, vals, width, label=label, color=color)
        for bar, v in zip(bars, vals, strict=True):
            if v >= 0.5:
                ax.annotate(
                    f"{v:.0f}", (bar.get_x() + bar.get_width() / 2, v), ha="center", va="bottom", fontsize=7
                )
    ax.set_xticks(range(len(services)))
    ax.set_xticklabels(services, rotation=30, ha="right")
    ax.set_ylabel("USD / month")
    ax.set_title(
        f"Monthly AWS cost by service, workload '{c.workload}' (us-east-1 list prices {c.prices_recorded})"
    )
    ax.legend()
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
