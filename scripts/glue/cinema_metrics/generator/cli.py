"""`cinema-metrics generate`: write a synthetic snapshot folder (docs/contract/sources.md)."""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from cinema_metrics.contract import DIMENSIONS
from cinema_metrics.errors import CliError
from cinema_metrics.generator.config import DEFAULTS, Config
from cinema_metrics.generator.demand import simulate_site
from cinema_metrics.generator.dimensions import build_dimensions
from cinema_metrics.generator.pos_writer import write_site
from cinema_metrics.generator.schedule import build_shows

LIMITS = {"sites": (1, 200), "days": (1, 1100)}
MAX_BAD_RATE = 0.5
SNAPSHOT_PARTS = ("ecr", "crm", "pos")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    # Flags are parsed as text and checked in run(), so a bad value gives one clear line.
    parser.add_argument("--out", required=True, help="snapshot folder to write (replaced if it is one)")
    parser.add_argument(
        "--sites", default=str(DEFAULTS["sites"]), help="number of cinemas, 1-200 (default 3)"
    )
    parser.add_argument("--days", default=str(DEFAULTS["days"]), help="business days, 1-1100 (default 28)")
    parser.add_argument("--start", default=DEFAULTS["start"], help="first business date (default 2026-03-02)")
    parser.add_argument("--seed", default=str(DEFAULTS["seed"]), help="random seed (default 42)")
    parser.add_argument(
        "--bad-rate",
        default=str(DEFAULTS["bad_rate"]),
        help="share of POS lines to corrupt, 0-0.5 (default 0.002)",
    )


def _int(flag: str, text: str, lo: int, hi: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise CliError(f"--{flag} must be an integer from {lo} to {hi}, got {text!r}") from None
    if not lo <= value <= hi:
        raise CliError(f"--{flag} must be from {lo} to {hi}, got {value}")
    return value


def parse_config(args: argparse.Namespace) -> Config:
    sites = _int("sites", args.sites, *LIMITS["sites"])
    days = _int("days", args.days, *LIMITS["days"])
    seed = _int("seed", args.seed, 0, 2**63 - 1)
    try:
        start = date.fromisoformat(args.start)
        if len(args.start) != 10:
            raise ValueError
    except ValueError:
        raise CliError(f"--start must be a date YYYY-MM-DD, e.g. 2026-03-02, got {args.start!r}") from None
    if not date(2000, 1, 1) <= start <= date(2090, 12, 31):
        raise CliError(f"--start must be between 2000-01-01 and 2090-12-31, got {start}")
    try:
        bad_rate = float(args.bad_rate)
    except ValueError:
        raise CliError(
            f"--bad-rate must be a number from 0 to {MAX_BAD_RATE}, got {args.bad_rate!r}"
        ) from None
    if not 0 <= bad_rate <= MAX_BAD_RATE:
        raise CliError(f"--bad-rate must be from 0 to {MAX_BAD_RATE}, got {args.bad_rate}")
    return Config(sites=sites, days=days, start=start, seed=seed, bad_rate=bad_rate)


def _prepare(out: Path) -> None:
    """Use an empty or new folder, or replace a previous snapshot; never touch anything else."""
    if out.exists() and not out.is_dir():
        raise CliError(f"--out {out} is a file: give a folder")
    if out.exists():
        # dot files are callers' markers (e.g. the demo's .complete): left alone, not refused
        others = sorted(p.name for p in out.iterdir() if p.name not in SNAPSHOT_PARTS and p.name[0] != ".")
        if others:
            raise CliError(
                f"--out {out} holds other files ({', '.join(others[:3])}): "
                "give an empty folder or a snapshot folder"
            )
        for part in SNAPSHOT_PARTS:
            shutil.rmtree(out / part, ignore_errors=True)
    try:
        for part in ("ecr", "crm", "pos"):
            (out / part).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CliError(f"--out {out}: cannot create the folder ({exc.strerror})") from None


def _write_csv(path: Path, db_table: tuple[str, str], rows: list[tuple]) -> int:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)  # RFC 4180: CRLF, minimal quoting
        writer.writerow(list(DIMENSIONS[db_table]))
        writer.writerows(["" if v is None else v for v in row] for row in rows)
    return path.stat().st_size


def _human(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.1f} {unit}" if unit != "B" else f"{int(n)} B"
        n /= 1024
    return str(n)


def generate(cfg: Config, out: Path, progress: bool = True) -> dict[str, object]:
    t0 = time.perf_counter()
    _prepare(out)
    dims = build_dimensions(cfg)
    sizes = {
        "ecr/sites.csv": _write_csv(out / "ecr" / "sites.csv", ("ecr", "sites"), dims.site_rows),
        "ecr/screens.csv": _write_csv(out / "ecr" / "screens.csv", ("ecr", "screens"), dims.screen_rows),
        "ecr/films.csv": _write_csv(out / "ecr" / "films.csv", ("ecr", "films"), dims.film_rows),
        "crm/customers.csv": _write_csv(
            out / "crm" / "customers.csv", ("crm", "customers"), dims.customers.rows
        ),
        "crm/loyalty_memberships.csv": _write_csv(
            out / "crm" / "loyalty_memberships.csv", ("crm", "loyalty_memberships"), dims.memberships
        ),
    }
    totals = {"files": 0, "lines": 0, "bad_lines": 0, "bytes": 0, "transactions": 0, "showtimes": 0}
    first_dates: list[str] = []
    last_dates: list[str] = []
    next_showtime = 1_000_001
    show_path = out / "ecr" / "showtimes.csv"
    with show_path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(list(DIMENSIONS[("ecr", "showtimes")]))
        for site in dims.sites:
            shows = build_shows(cfg, site, dims.films, next_showtime)
            next_showtime += len(shows)
            writer.writerows(shows.rows)
            batch = simulate_site(site, shows, dims.customers, cfg.first_day, cfg.rng(20, site.site_id))
            result = write_site(out, site, batch, 1, cfg.bad_rate, cfg.rng(30, site.site_id))
            for k in ("files", "lines", "bad_lines", "bytes", "transactions"):
                totals[k] += getattr(result, k)
            totals["showtimes"] += len(shows)
            if result.first_date:
                first_dates.append(result.first_date)
                last_dates.append(result.last_date)
            if progress:
                print(
                    f"[generate] site {site.site_id}/{cfg.sites} ({site.timezone}): "
                    f"{len(shows):,} showtimes, "
                    f"{result.lines:,} POS lines; {totals['lines']:,} lines so far, "
                    f"{time.perf_counter() - t0:.1f} s",
                    file=sys.stderr,
                    flush=True,
                )
    sizes["ecr/showtimes.csv"] = show_path.stat().st_size
    last_day = cfg.start + timedelta(days=cfg.days - 1)
    return {
        "out": str(out),
        "sites": cfg.sites,
        "business_days": f"{cfg.start} .. {last_day}",
        "pos_dates": f"{min(first_dates)} .. {max(last_dates)}" if first_dates else "none",
        "csv_bytes": sum(sizes.values()),
        "csv_rows": {
            "sites": len(dims.site_rows),
            "screens": len(dims.screen_rows),
            "films": len(dims.film_rows),
            "showtimes": totals["showtimes"],
            "customers": len(dims.customers.rows),
            "loyalty_memberships": len(dims.memberships),
        },
        "pos_files": totals["files"],
        "pos_lines": totals["lines"],
        "pos_bad_lines": totals["bad_lines"],
        "pos_transactions": totals["transactions"],
        "pos_bytes": totals["bytes"],
        "seconds": round(time.perf_counter() - t0, 1),
    }


def run(args: argparse.Namespace) -> int:
    cfg = parse_config(args)
    summary = generate(cfg, Path(args.out))
    rows = ", ".join(f"{k} {v:,}" for k, v in summary["csv_rows"].items())  # type: ignore[union-attr]
    print(f"generated {summary['out']} in {summary['seconds']} s (seed {cfg.seed})")
    print(f"  business days : {summary['business_days']} ({cfg.sites} sites)")
    print(f"  ECR/CRM CSVs  : 6 files, {_human(summary['csv_bytes'])}: {rows}")  # type: ignore[arg-type]
    print(
        f"  POS JSONL     : {summary['pos_files']:,} files, {summary['pos_lines']:,} lines "
        f"({summary['pos_transactions']:,} transactions, {summary['pos_bad_lines']:,} bad lines injected), "
        f"{_human(summary['pos_bytes'])}, sale dates {summary['pos_dates']}"  # type: ignore[arg-type]
    )
    return 0
