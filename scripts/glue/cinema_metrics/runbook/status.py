"""`cinema-metrics status`: how the pipeline is doing, read from the state and the outputs.

The last runs (status, lines read / accepted / quarantined, files read and rejected, duration),
the lag since the last successful run, the quarantine rate of the last day, the POS queue's and
its dead-letter queue's depth, HEAD and who holds the state's lease. It only reads: it takes no
lease and never waits for one.

    cinema-metrics status --output s3://<bucket>/curated [--pos-queue URL] [--aws-endpoint URL] [--json]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from cinema_metrics.job import layout
from cinema_metrics.job.config import join_uri
from cinema_metrics.storage import Store, aws_client, check_location, open_store

LOOK_BACK_DAYS = 14  # run_date partitions a status looks through for the last runs


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--output", required=True, help="the job's output folder or s3://bucket/prefix")
    p.add_argument("--state", help="its state (default: <output>/_state)")
    p.add_argument(
        "--pos-queue", metavar="URL", help="the POS event queue (its dead-letter queue is found from it)"
    )
    p.add_argument("--aws-endpoint", metavar="URL", help="endpoint URL for S3 and SQS (the moto server)")
    p.add_argument(
        "--runs", type=int, default=5, metavar="N", help="how many of the last runs to show (default 5)"
    )
    p.add_argument("--json", action="store_true", help="print the status as one JSON document")


@dataclass
class Status:
    now: str
    head: dict[str, Any] | None
    lease: str
    runs: list[dict[str, Any]] = field(default_factory=list)  # newest first
    last_success: str | None = None
    lag_minutes: float | None = None
    quarantine_rate_24h: float | None = None
    lines_24h: int = 0
    queue_depth: int | None = None
    dead_letter_depth: int | None = None

    def lines(self) -> list[str]:
        out = []
        head = self.head
        if head is None:
            out.append("HEAD: none (no run committed yet)")
        else:
            applied = "applied" if head["applied"] else "NOT applied (the next run finishes it)"
            out.append(f"HEAD: seq {head['seq']}, run {head['run']}, {applied}")
        out.append(f"lease: {self.lease}")
        out.append(f"last {len(self.runs)} runs, newest first:")
        for r in self.runs:
            if r.get("status") == "failed":
                out.append(f"  {r.get('finished_at', '?')}  FAILED     {r.get('error', '')}")
                continue
            read = r.get("lines_read", 0)
            rate = f"{r.get('lines_quarantined', 0) / read:.2%}" if read else "-"
            rejected = len(r.get("files_rejected") or {})
            mode = f" [{r['mode']}]" if r.get("mode") else ""
            accepted, quarantined = r.get("lines_accepted", 0), r.get("lines_quarantined", 0)
            files = r.get("files_read", 0)
            out.append(
                f"  {r.get('finished_at', '?')}  succeeded{mode}  {read:,} lines read, "
                f"{accepted:,} accepted, {quarantined:,} quarantined ({rate}), {files} files, "
                f"{rejected} rejected, {r.get('seconds', 0):.1f} s"
            )
        if self.last_success is None:
            out.append("lag: no successful run yet")
        else:
            out.append(
                f"lag: the last successful run finished {self.lag_minutes:.0f} min ago ({self.last_success})"
            )
        rate = "-" if self.quarantine_rate_24h is None else f"{self.quarantine_rate_24h:.2%}"
        out.append(f"quarantine rate, last 24 h: {rate} of {self.lines_24h:,} lines")
        if self.queue_depth is not None:
            out.append(f"POS queue: {self.queue_depth} events waiting for the next run")
        if self.dead_letter_depth is not None:
            out.append(f"dead-letter queue: {self.dead_letter_depth} events (README, Day two: the redrive)")
        return out


def _parse(ts: str) -> dt.datetime:
    return dt.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)


def recent_runs(output: Store, now: dt.datetime, wanted: int) -> list[dict[str, Any]]:
    """The newest run records (runs/run_date=<d>/), looking back day by day."""
    found: list[dict[str, Any]] = []
    for back in range(LOOK_BACK_DAYS):
        day = (now - dt.timedelta(days=back)).date().isoformat()
        rels = [r for r, _s, _t in output.list(f"{layout.RUNS}run_date={day}/")]
        records = [json.loads(data) for data in output.get_many(rels) if data]
        found += sorted(records, key=lambda r: r.get("finished_at", ""), reverse=True)
        if len(found) >= wanted and back >= 1:  # 24 h always cover today and yesterday
            break
    return found


def _depth(sqs, url: str) -> int:
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])[
        "Attributes"
    ]
    return int(attrs.get("ApproximateNumberOfMessages", 0))


def _queue(url: str, endpoint: str | None) -> tuple[int, int | None]:
    """(events waiting, dead-letter depth; None when the queue has no dead-letter queue)."""
    sqs = aws_client("sqs", endpoint)
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["RedrivePolicy"])["Attributes"]
    dead = None
    if "RedrivePolicy" in attrs:
        name = json.loads(attrs["RedrivePolicy"])["deadLetterTargetArn"].rsplit(":", 1)[1]
        dead = _depth(sqs, sqs.get_queue_url(QueueName=name)["QueueUrl"])
    return _depth(sqs, url), dead


def status(
    output: Store, state: Store, now: dt.datetime, runs: int, queue: str | None, endpoint: str | None
) -> Status:
    from cinema_metrics.job.lease import read_holder

    head_data = state.get(layout.HEAD)
    head = json.loads(head_data) if head_data else None
    holder, _tag = read_holder(state)
    if holder is None or holder.released or holder.expires_at <= now.timestamp():
        lease = "free" if holder is None or holder.released else f"expired ({holder.describe()})"
    else:
        lease = f"held by {holder.describe()}"
    records = recent_runs(output, now, runs)
    result = Status(now=now.strftime("%Y-%m-%dT%H:%M:%SZ"), head=head, lease=lease, runs=records[:runs])
    ok = [r for r in records if r.get("status") == "succeeded" and r.get("finished_at")]
    if ok:
        result.last_success = ok[0]["finished_at"]
        result.lag_minutes = round((now - _parse(result.last_success)).total_seconds() / 60, 1)
    day = [r for r in ok if (now - _parse(r["finished_at"])) <= dt.timedelta(hours=24)]
    result.lines_24h = sum(r.get("lines_read", 0) for r in day)
    if result.lines_24h:
        result.quarantine_rate_24h = sum(r.get("lines_quarantined", 0) for r in day) / result.lines_24h
    if queue:
        result.queue_depth, result.dead_letter_depth = _queue(queue, endpoint)
    return result


def run(args: argparse.Namespace) -> int:
    from cinema_metrics.job.cli import aws_errors

    output = open_store(check_location(args.output, "--output"), args.aws_endpoint)
    state_uri = args.state or join_uri(args.output, "_state")
    state = open_store(check_location(state_uri, "--state"), args.aws_endpoint)
    with aws_errors(args.aws_endpoint):
        found = status(output, state, dt.datetime.now(dt.UTC), args.runs, args.pos_queue, args.aws_endpoint)
    print(json.dumps(asdict(found), indent=2) if args.json else "\n".join(found.lines()))
    return 0
