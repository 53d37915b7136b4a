"""Where everything lives under the state and output roots: every name is built and parsed here.

State (docs/STATE.md tells the protocol):
  LEASE.json                          who may write this state now, and until when (job/lease.py)
  HEAD.json                           the commit point, written last and conditionally
  commits/<seq>-<run>.json            a committed run's record: what its apply step does
  pending/<run>.json                  a run in progress (its staging is deleted if it never commits)
  inbox/<run>.json                    POS object events drained from the queue
  tmp/<run>/...                       everything a run stages before its commit
  lines/pd=<date>/<run>-<n>.parquet   accepted lines by attribution date
  members/month=<m>/<run>-<n>.parquet member-admission days (returning members)
  keys/<run>-<n>.parquet              accepted (transaction_id, line_no) on a folder state
  files/<folder hash>.json            processed POS objects of one folder
Output (what Athena and the dashboards read):
  metrics/<table>/partition_month=<m>/data.parquet
  quarantine/run_date=<d>/<run>.jsonl a run's quarantine records (partitioned by the run's date)
  runs/run_date=<d>/<run>.json        every run's report, or a failed run's record (status, error)
  run_report.json                     the last committed run's report
"""

from __future__ import annotations

import hashlib

HEAD = "HEAD.json"
LEASE = "LEASE.json"
COMMITS = "commits/"
PENDING = "pending/"
INBOX = "inbox/"
TMP = "tmp/"
LINES = "lines/"
MEMBERS = "members/"
KEYS = "keys/"
FILES = "files/"
DIMENSION_CACHE = "cache/dimensions"

METRICS = "metrics/"
QUARANTINE = "quarantine/"
RUN_REPORT = "run_report.json"
RUNS = "runs/"
DATA_FILE = "data.parquet"
POS_PREFIX = "pos/"  # a POS object's path in reports and quarantine: "pos/<name under the POS root>"


# ---------------------------------------------------------------- the commit protocol
def commit_record(seq: int, run: str) -> str:
    return f"{COMMITS}{seq:08d}-{run}.json"


def pending(run: str) -> str:
    return f"{PENDING}{run}.json"


def pending_run(rel: str) -> str:
    """The run id of a pending/ object."""
    return rel.rsplit("/", 1)[1].removesuffix(".json")


def inbox(run: str) -> str:
    return f"{INBOX}{run}.json"


def staging(run: str, rel: str = "") -> str:
    """tmp/<run>/<rel>: staged by the run, invisible until its commit is applied."""
    return f"{TMP}{run}/{rel}"


def unstaged(run: str, rel: str) -> str:
    """The name under tmp/<run>/ of a staged object."""
    return rel.removeprefix(staging(run))


# ---------------------------------------------------------------- partitioned state objects
def lines_folder(pd_iso: str) -> str:
    return f"{LINES}pd={pd_iso}/"


def line_date(rel: str) -> str:
    """The attribution date (YYYY-MM-DD) of a lines/ object, staged or final."""
    return rel.split("pd=", 1)[1][:10]


def members_folder(month: str) -> str:
    return f"{MEMBERS}month={month}/"


def member_month(rel: str) -> str:
    """The month (YYYY-MM) of a members/ object, staged or final."""
    return rel.split("month=", 1)[1][:7]


def is_members(rel: str) -> bool:
    return f"/{MEMBERS}" in f"/{rel}"


def folder_of(rel: str) -> str:
    return rel.rsplit("/", 1)[0] + "/"


def object_name(rel: str) -> str:
    return rel.rsplit("/", 1)[1]


def final_name(run: str, staged_rel: str) -> str:
    """Where apply puts a staged lines/members/keys object: its folder, named by run and part."""
    inner = unstaged(run, staged_rel)
    folder, name = inner.rsplit("/", 1)
    return f"{folder}/{run}-{name}"


def keys_object(run: str, staged_rel: str) -> str:
    return f"{KEYS}{run}-{object_name(staged_rel)}"


def files_shard(relpath: str) -> str:
    """The files/ object of a POS file's folder: a run reads only its new files' folders."""
    folder = relpath.rsplit("/", 1)[0] if "/" in relpath else ""
    return f"{FILES}{hashlib.sha1(folder.encode()).hexdigest()[:20]}.json"


# ---------------------------------------------------------------- outputs
def metrics_folder(table: str) -> str:
    return f"{METRICS}{table}/"


def metric_month(table: str, month: str) -> str:
    return f"{METRICS}{table}/partition_month={month}/{DATA_FILE}"


def metric_month_of(rel: str) -> str | None:
    """The month of a metrics/ object, None for any other name."""
    if "partition_month=" not in rel or not rel.endswith(f"/{DATA_FILE}"):
        return None
    return rel.split("partition_month=", 1)[1].split("/", 1)[0]


def run_date(run: str) -> str:
    """The UTC date a run started (its id begins YYYYMMDDTHHMMSS), YYYY-MM-DD."""
    return f"{run[0:4]}-{run[4:6]}-{run[6:8]}"


def quarantine(run: str) -> str:
    return f"{QUARANTINE}run_date={run_date(run)}/{run}.jsonl"


def run_record(run: str) -> str:
    return f"{RUNS}run_date={run_date(run)}/{run}.json"
