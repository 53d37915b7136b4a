"""`make demo`: the whole pipeline on this machine with no AWS account.

Steps: local services (MariaDB + moto) -> `terraform apply` of terraform/local against the
emulator -> synthetic data into MariaDB and the bucket's raw/pos/ prefix -> two incremental
job runs (the second brings the rest of the files, a late file and a re-delivered one) ->
the job's state and curated Parquet live in the bucket, as on Glue -> Athena views on DuckDB and the
dashboard -> a summary. Every step runs the same command a user would type; a failing step
stops the demo with its name, the reason and a hint, and stops the services it started.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
SERVICES = ROOT / "scripts" / "services" / "services.sh"
TF_LOCAL = ROOT / "terraform" / "local"


@dataclass
class DemoConfig:
    work: Path
    services_dir: Path
    sites: int = 3
    days: int = 14
    seed: int = 42
    start: str = "2026-03-02"
    mysql_port: int = 13306
    moto_port: int = 15000
    png: bool = True
    project: str = "cinema"

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.moto_port}"

    @property
    def mysql_url(self) -> str:
        password = os.environ.get("CM_MYSQL_PASSWORD", "cinema-local")
        return f"mysql://cinema:{password}@127.0.0.1:{self.mysql_port}"


@dataclass
class DemoState:
    started_services: bool = False
    tf: dict[str, object] = field(default_factory=dict)
    resources: int = 0
    reports: list[dict] = field(default_factory=list)
    dashboard: str = ""


class StepFailed(Exception):
    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.hint = hint


def _env(cfg: DemoConfig) -> dict[str, str]:
    bin_dir = Path(sys.executable).parent
    return dict(
        os.environ,
        CM_SERVICES_DIR=str(cfg.services_dir),
        CM_MYSQL_PORT=str(cfg.mysql_port),
        CM_MOTO_PORT=str(cfg.moto_port),
        VENV=str(bin_dir.parent),
        PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
        SPARK_LOCAL_IP="127.0.0.1",
        TF_IN_AUTOMATION="1",
        # The demo's own .terraform folder: `make apply ENV=local` and the tests keep theirs.
        TF_DATA_DIR=str(cfg.work / "terraform" / ".terraform"),
        CHECKPOINT_DISABLE="1",
        # The project's CLI config (offline mirror when present), written by `make install`.
        TF_CLI_CONFIG_FILE=str(ROOT / "build" / "terraformrc"),
    )


def _show(path: Path) -> str:
    """A path as the user would type it: relative to the repository when inside it."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _sh(cfg: DemoConfig, cmd: list[str], hint: str, *, cwd: Path = ROOT, quiet: bool = False) -> str:
    """Run a command; on failure raise StepFailed with its last lines of output."""
    proc = subprocess.run(
        cmd,
        cwd=cwd,
        env=_env(cfg),
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT if quiet else None,
    )
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout or "").strip().splitlines()[-8:])
        raise StepFailed(f"`{' '.join(cmd[:3])} ...` exited {proc.returncode}\n{tail}", hint)
    return proc.stdout or ""


def _cli(cfg: DemoConfig, *args: str, hint: str, quiet: bool = False) -> str:
    return _sh(cfg, [str(Path(sys.executable).parent / "cinema-metrics"), *args], hint, quiet=quiet)


# ------------------------------------------------------------------------- the steps
def step_services(cfg: DemoConfig, st: DemoState) -> str:
    running = subprocess.run(
        [str(SERVICES), "status"], env=_env(cfg), text=True, capture_output=True, check=False
    ).stdout
    st.started_services = "running" not in running
    if st.started_services:
        # A fresh moto is empty: a terraform state from an earlier emulator is stale.
        shutil.rmtree(cfg.work / "terraform", ignore_errors=True)
    _sh(
        cfg,
        [str(SERVICES), "up"],
        "free the ports or set CM_MYSQL_PORT / CM_MOTO_PORT; see .local/services/*.log",
    )
    return f"MariaDB :{cfg.mysql_port}, moto {cfg.endpoint}"


def step_terraform(cfg: DemoConfig, st: DemoState) -> str:
    hint = "see the terraform output above; `make demo-clean` then `make demo` starts from scratch"
    _sh(
        cfg,
        [sys.executable, "-m", "cinema_metrics.packaging", "--out", str(ROOT / "build" / "glue")],
        hint,
        quiet=True,
    )
    state_dir = cfg.work / "terraform"
    state_dir.mkdir(parents=True, exist_ok=True)
    state = str(state_dir / "terraform.tfstate")
    # The local backend keeps the demo's state beside its data, not in the repo.
    init = ["terraform", "init", "-input=false", "-reconfigure", f"-backend-config=path={state}"]
    _sh(cfg, init, hint, cwd=TF_LOCAL, quiet=True)
    var = f"-var=aws_endpoint={cfg.endpoint}"
    project = f"-var=project={cfg.project}"
    _sh(
        cfg,
        # moto answers at once; the default 10 concurrent operations only queue
        ["terraform", "apply", "-input=false", "-auto-approve", "-parallelism=30", var, project],
        hint,
        cwd=TF_LOCAL,
        quiet=True,
    )
    out = _sh(cfg, ["terraform", "output", "-json"], hint, cwd=TF_LOCAL, quiet=True)
    st.tf = {k: v["value"] for k, v in json.loads(out).items()}
    listed = _sh(cfg, ["terraform", "state", "list"], hint, cwd=TF_LOCAL, quiet=True)
    st.resources = sum(
        1 for line in listed.splitlines() if line and ".data." not in line and not line.startswith("data.")
    )
    return f"{st.resources} resources in the emulator (bucket {st.tf['bucket_name']})"


def _sources(cfg: DemoConfig) -> Path:
    from cinema_metrics.generator import VERSION

    return cfg.work / f"sources-s{cfg.sites}-d{cfg.days}-seed{cfg.seed}-g{VERSION}"


def step_data(cfg: DemoConfig, st: DemoState) -> str:
    src = _sources(cfg)
    hint = "rerun with smaller --sites/--days, or `make demo-clean`"
    if not (src / ".complete").exists():
        _cli(
            cfg,
            "generate", "--out", str(src), "--sites", str(cfg.sites), "--days", str(cfg.days),
            "--seed", str(cfg.seed), "--start", cfg.start,
            hint=hint,
        )  # fmt: skip
        (src / ".complete").write_text("ok\n")
    _cli(
        cfg,
        "load-mysql",
        "--sources",
        str(src),
        "--port",
        str(cfg.mysql_port),
        hint="is MariaDB up? `make services-up`",
    )
    return f"snapshot {_show(src)} loaded into MariaDB (ecr, crm)"


def _pos_files(src: Path) -> list[Path]:
    return sorted(
        p for p in (src / "pos").rglob("*") if p.is_file() and p.name.endswith((".jsonl", ".jsonl.gz"))
    )


def _split(files: list[Path], src: Path) -> tuple[list[tuple[Path, str]], list[tuple[Path, str]]]:
    """Run 1: everything but the last day and one early 'late' file. Run 2: the rest, the
    late file, and a re-delivery of a run-1 file under a new name (its lines are duplicates).
    Run 2 finds its files through the event queue, which moto drains in time quadratic in
    the messages queued (docs/EMULATOR_GAPS.md, gap 9): one day, not two, keeps it short."""
    rel = [(p, p.relative_to(src / "pos").as_posix()) for p in files]
    dates = sorted({r.split("date=")[1].split("/")[0] for _, r in rel if "date=" in r})
    cutoff = dates[-1]
    first = [x for x in rel if not ("date=" in x[1] and x[1].split("date=")[1][:10] >= cutoff)]
    taken = set(first)
    rest = [x for x in rel if x not in taken]
    late = first.pop(len(first) // 3)
    again = first[len(first) // 2]
    name = again[1].replace(".jsonl", ".redelivered.jsonl")
    return first, [*rest, late, (again[0], name)]


# Objects put (or deleted) between two drains of the event queue: moto's cost of a drain grows
# with the square of the messages queued (docs/EMULATOR_GAPS.md, gap 9).
_UPLOAD_CHUNK = 25


def _pos_uri(st: DemoState) -> str:
    prefix = str(st.tf.get("prefixes", {}).get("pos", "raw/pos/"))  # type: ignore[union-attr]
    return f"s3://{st.tf['bucket_name']}/{prefix}"


def _drain_events(cfg: DemoConfig, st: DemoState, pos: Any) -> None:
    """Take the queued POS events off the queue (they are not needed: see _upload)."""
    from cinema_metrics.job.discover import delete_messages, drain_queue

    queue = st.tf.get("pos_queue_url")
    if queue:
        _events, receipts = drain_queue(str(queue), cfg.endpoint, pos)
        delete_messages(str(queue), cfg.endpoint, receipts)


def _upload(cfg: DemoConfig, st: DemoState, batch: list[tuple[Path, str]], *, backfill: bool) -> None:
    """Put POS files into the bucket's POS prefix, 16 requests in flight.

    backfill: the upload before the first run, which finds its files by listing the prefix (a
    first run reconciles, job/discover.py), so the uploader takes the S3 events of these
    objects off the queue every _UPLOAD_CHUNK objects. moto's SQS calls walk every message queued
    (docs/EMULATOR_GAPS.md, gap 9): left to pile up, the first upload's 4,807 events made it
    quadratic (~8 minutes). Later uploads keep their events: the next run reads the queue."""
    from concurrent.futures import ThreadPoolExecutor

    from cinema_metrics.storage import open_store

    pos = open_store(_pos_uri(st), cfg.endpoint)
    with ThreadPoolExecutor(max_workers=16) as pool:
        for i in range(0, len(batch), _UPLOAD_CHUNK):
            list(pool.map(lambda pk: pos.put(pk[1], pk[0].read_bytes()), batch[i : i + _UPLOAD_CHUNK]))
            if backfill:
                _drain_events(cfg, st, pos)


def _curated(st: DemoState) -> str:
    prefix = st.tf.get("prefixes", {}).get("curated", "curated/")  # type: ignore[union-attr]
    return f"s3://{st.tf['bucket_name']}/{prefix}"


def _run_job(cfg: DemoConfig, st: DemoState, n: int) -> dict:
    """One run as the deployed job runs: POS, state and outputs in the bucket (the emulator's),
    rule 11's keys in the table Terraform made."""
    import boto3

    bucket = st.tf["bucket_name"]
    table_prefix = f"{st.tf.get('name_prefix', 'cinema-local')}-"
    curated = _curated(st)
    # The keys table and the POS event queue Terraform made: the first run lists the prefix
    # (and drains what the queue holds), the second finds its files through the queue alone.
    extra = ["--keys-table", str(st.tf["keys_table_name"])] if st.tf.get("keys_table_name") else []
    if st.tf.get("pos_queue_url"):
        extra += ["--pos-queue", str(st.tf["pos_queue_url"])]
    _cli(
        cfg,
        "run", "--mysql", cfg.mysql_url, "--pos-s3", _pos_uri(st),
        "--aws-endpoint", cfg.endpoint, "--dynamodb-endpoint", cfg.endpoint,
        "--table-prefix", table_prefix, "--output", curated, "--state", f"{curated}_state", *extra,
        hint="the job's message above names the problem (file, row); fix the data or `make demo-clean`",
    )  # fmt: skip
    s3 = boto3.client("s3", endpoint_url=cfg.endpoint, region_name="us-east-1")
    key = curated.split("/", 3)[3] + "run_report.json"
    report = json.loads(s3.get_object(Bucket=str(bucket), Key=key)["Body"].read())
    out = cfg.work / "output"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"run_report.{n}.json").write_text(json.dumps(report, indent=2))
    st.reports.append(report)
    return report


def _reset(cfg: DemoConfig, st: DemoState) -> None:
    """Each demo replays both runs from scratch: the job's curated prefix (state included), the
    POS objects, their queued events and rule 11's accepted keys go first, so a second demo
    computes what a fresh one does (a kept keys table would quarantine every line as a
    duplicate)."""
    import boto3

    from cinema_metrics.job.dynamodb import BatchWriter
    from cinema_metrics.storage import open_store

    open_store(_curated(st), cfg.endpoint).delete_prefix("")
    pos = open_store(_pos_uri(st), cfg.endpoint)
    names = [n for n, _s, _t in pos.list("")]
    for i in range(0, len(names), _UPLOAD_CHUNK):  # each delete queues an event: drain as we go
        pos.delete(names[i : i + _UPLOAD_CHUNK])
        _drain_events(cfg, st, pos)
    table = st.tf.get("keys_table_name")
    if table:
        ddb = boto3.client("dynamodb", endpoint_url=cfg.endpoint, region_name="us-east-1")
        pages = ddb.get_paginator("scan").paginate(
            TableName=str(table), ProjectionExpression="transaction_id, line_no"
        )
        BatchWriter(ddb).delete(str(table), (item for page in pages for item in page.get("Items", [])))


def step_runs(cfg: DemoConfig, st: DemoState) -> str:
    shutil.rmtree(cfg.work / "output", ignore_errors=True)  # each demo replays both runs
    _reset(cfg, st)
    src = _sources(cfg)
    first, second = _split(_pos_files(src), src)
    _upload(cfg, st, first, backfill=True)
    r1 = _run_job(cfg, st, 1)
    _upload(cfg, st, second, backfill=False)
    r2 = _run_job(cfg, st, 2)
    return (
        f"run 1: {r1['files_read']} files, {r1['lines_read']} lines; "
        f"run 2: {r2['files_read']} files (incl. a late and a re-delivered one), {r2['lines_read']} lines"
    )


def step_fetch(cfg: DemoConfig, st: DemoState) -> str:
    """The job wrote the curated Parquet, quarantine and run records to the bucket; fetch them
    for the local stand-in of Athena (DuckDB), which reads a folder (the Data quality sheet
    reads the quarantine and run records)."""
    from cinema_metrics.job import layout
    from cinema_metrics.storage import open_store, parallel_map

    curated = open_store(_curated(st), cfg.endpoint)
    out = open_store(cfg.work / "output")
    wanted = (layout.METRICS, layout.QUARANTINE, layout.RUNS, "run_report")
    rels = [r for r, _s, _t in curated.list("") if r.startswith(wanted)]
    parallel_map(lambda r: curated.copy(r, r, into=out), rels)
    return f"{len(rels)} curated objects from {curated.uri}/ in {_show(cfg.work / 'output')}"


def step_dashboard(cfg: DemoConfig, st: DemoState) -> str:
    args = ["dashboard", "--output", str(cfg.work / "output")]
    if not cfg.png:
        args.append("--no-png")
    _cli(cfg, *args, hint="is chromium installed? `make install` installs it", quiet=True)
    st.dashboard = _show(cfg.work / "output" / "dashboard" / "index.html")
    return st.dashboard


STEPS: list[tuple[str, Callable[[DemoConfig, DemoState], str]]] = [
    ("start MariaDB and the moto AWS emulator", step_services),
    ("terraform apply terraform/local against the emulator", step_terraform),
    ("generate the synthetic cinema data, load ECR/CRM into MariaDB", step_data),
    ("two incremental job runs: MariaDB + S3 in, DynamoDB + Parquet out", step_runs),
    ("fetch the curated Parquet and quarantine from the bucket", step_fetch),
    ("Athena views on DuckDB, dashboard HTML and PNG", step_dashboard),
]


# ------------------------------------------------------------------------- summary
def summary(cfg: DemoConfig, st: DemoState) -> str:
    import pyarrow.dataset as ds

    out = cfg.work / "output"
    lines = [f"resources applied to the emulator: {st.resources}"]
    for i, r in enumerate(st.reports, 1):
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(r["quarantined_by_reason"].items()) if v) or "none"
        lines.append(
            f"run {i}: read {r['lines_read']}, accepted {r['lines_accepted']}, "
            f"quarantined {r['lines_quarantined']} ({reasons})"
        )
    tables = st.reports[-1]["tables"] if st.reports else {}
    lines.append("rows per metric table: " + ", ".join(f"{k} {v}" for k, v in tables.items()))
    sd = (
        ds.dataset(out / "metrics" / "site_daily", format="parquet", partitioning="hive")
        .to_table()
        .to_pandas()
    )
    last = sd["business_date"].max()
    day = sd[sd["business_date"] == last]
    adm, cap = int(day["admissions"].sum()), int(day["capacity"].sum())
    box, paid = float(day["box_office"].sum()), int(day["paid_admissions"].sum())
    atp = box / paid if paid else float("nan")
    occ = adm / cap if cap else float("nan")
    lines.append(
        f"last business day {last}: admissions {adm:,}, box office ${box:,.2f}, "
        f"ATP ${atp:.2f}, occupancy {occ:.1%}"
    )
    lines.append(f"dashboard: {st.dashboard} (and index.png beside it)")
    lines.append("stop the services: make services-down   |   remove everything: make demo-clean")
    return "\n".join(lines)


def clean(cfg: DemoConfig) -> int:
    subprocess.run([str(SERVICES), "down"], env=_env(cfg), check=False)
    shutil.rmtree(cfg.work, ignore_errors=True)
    shutil.rmtree(cfg.services_dir, ignore_errors=True)
    print(f"demo-clean: removed {_show(cfg.work)} and {_show(cfg.services_dir)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="make demo", description=__doc__.splitlines()[0])
    p.add_argument("--sites", type=int, default=3)
    p.add_argument("--days", type=int, default=14)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--work", type=Path, default=ROOT / ".local" / "demo")
    p.add_argument("--services-dir", type=Path, default=ROOT / ".local" / "services")
    p.add_argument("--mysql-port", type=int, default=int(os.environ.get("CM_MYSQL_PORT", "13306")))
    p.add_argument("--moto-port", type=int, default=int(os.environ.get("CM_MOTO_PORT", "15000")))
    p.add_argument("--project", default="cinema", help="project name: resources are <project>-local-*")
    p.add_argument("--no-png", action="store_true", help="skip the PNG screenshot")
    p.add_argument("--clean", action="store_true", help="remove everything the demo made")
    a = p.parse_args(argv)
    cfg = DemoConfig(
        work=a.work.resolve(), services_dir=a.services_dir.resolve(), sites=a.sites, days=a.days, seed=a.seed,
        mysql_port=a.mysql_port, moto_port=a.moto_port, png=not a.no_png, project=a.project,
    )  # fmt: skip
    if a.clean:
        return clean(cfg)
    cfg.work.mkdir(parents=True, exist_ok=True)
    # The emulator's throwaway credentials, for the boto3 calls made in this process.
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION"):
        os.environ[key] = _env(cfg)[key]
    st = DemoState()
    t0 = time.monotonic()
    for i, (title, fn) in enumerate(STEPS, 1):
        print(f"==> [{i}/{len(STEPS)}] {title}", flush=True)
        t = time.monotonic()
        try:
            what = fn(cfg, st)
        except Exception as exc:  # every failure ends the demo the same way
            hint = (
                exc.hint if isinstance(exc, StepFailed) else "rerun with `make demo`; see the message above"
            )
            print(f"\ndemo failed at step {i} ({title}):\n  {exc}\nhint: {hint}", file=sys.stderr)
            if st.started_services:
                print("stopping the services this demo started", file=sys.stderr)
                subprocess.run([str(SERVICES), "down"], env=_env(cfg), check=False)
            return 1
        print(f"    {what}  ({time.monotonic() - t:.0f} s)", flush=True)
    print(f"\n==> demo finished in {time.monotonic() - t0:.0f} s\n{summary(cfg, st)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
