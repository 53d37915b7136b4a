"""Rule 11's index of accepted (transaction_id, line_no): which of this run's keys came before.

Two forms of one interface. A deployment keeps the keys in a DynamoDB table (pk
transaction_id, sk line_no): a run asks only for its own candidate keys (BatchGetItem, 100
per request), so its cost follows the new lines, not the history. A local folder keeps one
Parquet object per run under keys/ and scans them (a local disk reads a year's keys in a
second). Keys reach either form only when a run is applied, after its commit, so a killed
run's keys are never seen.
"""

from __future__ import annotations

from typing import Protocol

import pyarrow as pa
import pyarrow.compute as pc

from cinema_metrics.job import layout
from cinema_metrics.job.dynamodb import BatchWriter
from cinema_metrics.job.read import KEYS_SCHEMA
from cinema_metrics.storage import Store, aws_client, parallel_map

Key = tuple[str, int]


class KeyIndex(Protocol):
    def seen(self, keys: pa.Table) -> set[Key]: ...

    def add(self, state: Store, run_id: str, staged: list[str]) -> None: ...

    def remove(self, state: Store, staged: list[str]) -> None: ...


class FolderKeys:
    """keys/<run>-<part>.parquet in the state store, scanned whole."""

    def __init__(self, state: Store):
        self.state = state

    def seen(self, keys: pa.Table) -> set[Key]:
        rels = [r for r, _s, _t in self.state.list(layout.KEYS)]
        if not rels or keys.num_rows == 0:
            return set()
        prior = self.state.read_parquets(rels, KEYS_SCHEMA)
        prior = prior.filter(pc.is_in(prior["transaction_id"], pc.unique(keys["transaction_id"])))
        hits = prior.join(
            keys.select(list(KEYS_SCHEMA.names)), list(KEYS_SCHEMA.names), join_type="left semi"
        )
        return set(zip(hits["transaction_id"].to_pylist(), hits["line_no"].to_pylist(), strict=True))

    def add(self, state: Store, run_id: str, staged: list[str]) -> None:
        for rel in staged:
            state.copy(rel, layout.keys_object(run_id, rel))

    def remove(self, state: Store, staged: list[str]) -> None:
        """Rewrite the keys/ objects that hold any of the staged keys without them (idempotent)."""
        gone = state.read_parquets(staged, KEYS_SCHEMA)
        names = list(KEYS_SCHEMA.names)
        for rel, _s, _t in state.list(layout.KEYS):
            table = state.read_parquet(rel, KEYS_SCHEMA)
            if table is None:
                continue
            kept = table.join(gone, names, join_type="left anti")
            if kept.num_rows == table.num_rows:
                continue
            if kept.num_rows:
                state.write_parquet(rel, kept.select(names))
            else:
                state.delete([rel])


class DynamoKeys:
    """A DynamoDB table: item {transaction_id (S), line_no (N), run (S)} per accepted line."""

    def __init__(self, table: str, endpoint_url: str | None = None):
        self.table = table
        self.client = aws_client("dynamodb", endpoint_url)
        self.requests = 0

    def _get(self, chunk: list[Key]) -> list[Key]:
        found: list[Key] = []
        pending = {
            self.table: {
                "Keys": [{"transaction_id": {"S": t}, "line_no": {"N": str(n)}} for t, n in chunk],
                "ProjectionExpression": "transaction_id, line_no",
                # rule 11 must see every key an applied run wrote, not an eventually consistent view
                "ConsistentRead": True,
            }
        }
        for _attempt in range(10):
            self.requests += 1
            resp = self.client.batch_get_item(RequestItems=pending)
            for item in resp.get("Responses", {}).get(self.table, []):
                found.append((item["transaction_id"]["S"], int(item["line_no"]["N"])))
            pending = resp.get("UnprocessedKeys") or {}
            if not pending:
                return found
        raise RuntimeError(f"DynamoDB table {self.table}: keys still unprocessed after 10 attempts")

    def seen(self, keys: pa.Table) -> set[Key]:
        distinct = keys.select(list(KEYS_SCHEMA.names)).group_by(list(KEYS_SCHEMA.names)).aggregate([])
        pairs = list(
            zip(distinct["transaction_id"].to_pylist(), distinct["line_no"].to_pylist(), strict=True)
        )
        chunks = [pairs[i : i + 100] for i in range(0, len(pairs), 100)]
        return {k for found in parallel_map(self._get, chunks, workers=8) for k in found}

    def add(self, state: Store, run_id: str, staged: list[str]) -> None:
        keys = state.read_parquets(staged, KEYS_SCHEMA)
        pairs = list(zip(keys["transaction_id"].to_pylist(), keys["line_no"].to_pylist(), strict=True))
        writer = BatchWriter(self.client)

        def one(chunk: list[Key]) -> None:
            writer.write(self.table, ({"transaction_id": t, "line_no": n, "run": run_id} for t, n in chunk))

        parallel_map(one, [pairs[i : i + 500] for i in range(0, len(pairs), 500)], workers=8)

    def remove(self, state: Store, staged: list[str]) -> None:
        keys = state.read_parquets(staged, KEYS_SCHEMA)
        pairs = zip(keys["transaction_id"].to_pylist(), keys["line_no"].to_pylist(), strict=True)
        BatchWriter(self.client).delete(
            self.table, ({"transaction_id": {"S": t}, "line_no": {"N": str(n)}} for t, n in pairs)
        )


def key_index(state: Store, table: str | None, endpoint_url: str | None) -> KeyIndex:
    return DynamoKeys(table, endpoint_url) if table else FolderKeys(state)
