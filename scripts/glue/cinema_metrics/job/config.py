"""One run's configuration: built by the CLI (`cinema-metrics run`) and by the Glue entry point.

Every location is a URI: a local folder, or `s3://bucket/prefix` (the layout under it is the
same). On Glue the state and outputs are S3 prefixes of the data bucket; locally they may be
folders or the moto server's S3 (`aws_endpoint`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cinema_metrics.job.lease import DEFAULT_SECONDS
from cinema_metrics.job.posfile import PosLimits


@dataclass
class DynamoTarget:
    """Where the changed metric rows go: a boto3 DynamoDB client and the table-name prefix."""

    client: Any
    prefix: str = ""


@dataclass
class RunConfig:
    output: str  # folder or s3:// URI: metrics/, quarantine/, run_report.json
    state: str | None = None  # folder or s3:// URI; default <output>/_state
    sources: Path | None = None  # snapshot folder: ecr/, crm/ (and pos/ unless `pos` is given)
    mysql_url: str | None = None  # read ECR/CRM from MySQL instead of the snapshot CSVs
    pos: str | None = None  # POS root: folder or s3://bucket/prefix/; default <sources>/pos
    pos_queue_url: str | None = None  # SQS queue of S3 event notifications for the POS prefix
    keys_table: str | None = None  # DynamoDB table of accepted (transaction_id, line_no), rule 11
    aws_endpoint: str | None = None  # one endpoint for S3, SQS and DynamoDB (the moto server)
    dynamodb: DynamoTarget | None = None  # also write the changed metric rows to DynamoDB
    spark_master: str | None = None  # e.g. spark://host:7077; default local[*]
    dimensions: Any = None  # already-loaded Dimensions (the Glue entry reads the catalog)
    reconcile: bool = False  # list the whole POS prefix even when a queue is given
    recompute_all: bool = False
    recompute: tuple[str, ...] = ()  # metrics to compute over the whole accepted history this run
    replay: tuple[str, str] | None = None  # re-enrich the accepted lines of these business dates
    retract: tuple[str, ...] = ()  # withdraw the accepted lines of these POS files (pos/<path>)
    progress: bool = True
    limits: PosLimits = field(default_factory=PosLimits)  # per-file limits (job/posfile.py)
    lease_seconds: float = DEFAULT_SECONDS  # the state lease's expiry, renewed between phases
    lease_wait_seconds: float = 0.0  # wait this long for another run's live lease, then stop
    lease_group: str | None = None  # runs of one group take over each other's lease (Glue attempts)
    phase_hook: Callable[[str], None] | None = None  # called after each phase (tests, progress)

    @property
    def maintenance(self) -> bool:
        """A replay or retract run: it reworks lines already accepted, reads no new POS file."""
        return self.replay is not None or bool(self.retract)

    @property
    def state_uri(self) -> str:
        return self.state if self.state is not None else join_uri(self.output, "_state")

    @property
    def pos_uri(self) -> str | None:
        if self.pos is not None:
            return self.pos
        return str(Path(self.sources) / "pos") if self.sources is not None else None


def join_uri(base: str | Path, rel: str) -> str:
    base = str(base)
    return f"{base.rstrip('/')}/{rel}"
