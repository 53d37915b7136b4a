"""DynamoDB sink: the changed metric rows as items (docs/contract/runs.md, storage form).

BatchWriteItem with at most 25 items per call; throttling, 5xx errors and
UnprocessedItems are retried with exponential backoff and full jitter. Numbers are
Decimal (money to cents, ratios to their contract decimals), dates `YYYY-MM-DD`, NULL
attributes omitted. Writing a key again overwrites it, so reruns are idempotent.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pandas as pd

from cinema_metrics import contract
from cinema_metrics.errors import CliError
from cinema_metrics.metrics import METRIC_TABLES

BATCH = 25
RETRYABLE = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "InternalServerError",
    "ServiceUnavailable",
}
_EPOCH = dt.date(1970, 1, 1)


def items(table: str, frame: pd.DataFrame) -> Iterator[dict[str, Any]]:
    """Internal-form rows -> DynamoDB items (Python values for boto3's resource layer)."""
    metric = METRIC_TABLES[table]
    kinds = metric.kinds
    cols = list(kinds)
    for rec in frame[cols].itertuples(index=False, name=None):
        item: dict[str, Any] = {}
        for c, v in zip(cols, rec, strict=True):
            if v is None or v is pd.NA or (isinstance(v, float) and v != v):
                continue
            kind = kinds[c]
            if kind == "date":
                item[c] = (_EPOCH + dt.timedelta(days=int(v))).isoformat()
            elif kind == "money":
                item[c] = Decimal(int(v)).scaleb(-2)
            elif kind in contract.DECIMALS:
                item[c] = Decimal(int(v)).scaleb(-contract.DECIMALS[kind])
            elif kind == "str":
                item[c] = str(v)
            else:
                item[c] = int(v)
        item["pk"], item["sk"] = metric.keys.of(item)
        yield item


def _serialize(item: dict[str, Any]) -> dict[str, Any]:
    from boto3.dynamodb.types import TypeSerializer

    ser = TypeSerializer()
    return {k: ser.serialize(v) for k, v in item.items()}


class BatchWriter:
    """Writes items with BatchWriteItem (<= 25 per call), retrying throttling and unprocessed items."""

    def __init__(
        self,
        client,
        max_attempts: int = 10,
        base_delay: float = 0.05,
        max_delay: float = 5.0,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.client = client
        self.max_attempts = max_attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.sleep = sleep
        self.calls = 0
        self.retries = 0

    def _backoff(self, attempt: int) -> None:
        self.retries += 1
        self.sleep(random.uniform(0, min(self.max_delay, self.base_delay * 2**attempt)))

    def write(self, table_name: str, rows: Iterator[dict[str, Any]]) -> int:
        return self._requests(table_name, ({"PutRequest": {"Item": _serialize(item)}} for item in rows))

    def delete(self, table_name: str, keys: Iterator[dict[str, Any]]) -> int:
        """Delete the items of these keys, given in DynamoDB's wire form ({"pk": {"S": ...}})."""
        return self._requests(table_name, ({"DeleteRequest": {"Key": key}} for key in keys))

    def _requests(self, table_name: str, requests: Iterator[dict[str, Any]]) -> int:
        n = 0
        batch: list[dict[str, Any]] = []
        for request in requests:
            batch.append(request)
            if len(batch) == BATCH:
                self._send(table_name, batch)
                n += len(batch)
                batch = []
        if batch:
            self._send(table_name, batch)
            n += len(batch)
        return n

    def _send(self, table_name: str, requests: list[dict[str, Any]]) -> None:
        from botocore.exceptions import ClientError

        pending = {table_name: requests}
        for attempt in range(self.max_attempts):
            try:
                self.calls += 1
                resp = self.client.batch_write_item(RequestItems=pending)
            except ClientError as exc:
                err = exc.response.get("Error", {}).get("Code", "")
                status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
                if err in RETRYABLE or status >= 500:
                    self._backoff(attempt)
                    continue
                raise CliError(f"DynamoDB table {table_name}: {err or exc}") from None
            pending = resp.get("UnprocessedItems") or {}
            if not pending:
                return
            self._backoff(attempt)
        raise CliError(
            f"DynamoDB table {table_name}: items still unprocessed after {self.max_attempts} attempts"
        )


def make_client(endpoint_url: str | None = None, region: str | None = None):
    import boto3
    from botocore.config import Config

    cfg = Config(retries={"max_attempts": 2, "mode": "standard"})
    return boto3.client("dynamodb", endpoint_url=endpoint_url, region_name=region, config=cfg)


def write_tables(
    client, prefix: str, changed: dict[str, pd.DataFrame], writer: BatchWriter | None = None
) -> dict[str, int]:
    """Write each table's changed rows to `<prefix><table>`; return items written per table."""
    writer = writer or BatchWriter(client)
    return {t: writer.write(f"{prefix}{t}", items(t, frame)) for t, frame in changed.items()}


def delete_rows(
    client, prefix: str, removed: dict[str, pd.DataFrame], writer: BatchWriter | None = None
) -> dict[str, int]:
    """Delete the items of rows that left each table (internal form: their keys are computed as
    for a write); return items deleted per table."""
    writer = writer or BatchWriter(client)

    def keys(table: str, frame: pd.DataFrame) -> Iterator[dict[str, Any]]:
        for item in items(table, frame):
            yield {"pk": {"S": item["pk"]}, "sk": {"S": item["sk"]}}

    return {t: writer.delete(f"{prefix}{t}", keys(t, frame)) for t, frame in removed.items()}
