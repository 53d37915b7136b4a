"""The one storage layer: every byte of state and output goes through a `Store`.

A store is a root addressed by URI, a local folder or `s3://bucket/prefix`, with the same
layout under either. Above this package the job speaks of relative names ("lines/pd=.../x"),
never of `Path`, `glob`, `os.replace` or `shutil`. As in pyiceberg's `FileIO`, each storage
scheme has one small implementation behind this interface (`storage/local.py`,
`storage/s3.py`) and `open_store` picks it from the URI; nothing above branches on the scheme.

The operations are the ones S3 has: put one object (atomic: a reader sees the old or the new
bytes), get (whole or as a stream), list a prefix, copy server-side, delete, and the two
conditional writes that let one writer prove it is the only one: `put_new` (S3's
`If-None-Match: *`; a folder's exclusive create) and `put_replacing` (S3's `If-Match: <etag>`;
a folder's compare-and-rename under a lock). The job makes a run visible by writing one small
object last, conditionally (see job/commit.py), under a lease (job/lease.py).

A store is rebuilt from its `spec` (URI + endpoint) inside Spark tasks: executors open S3
themselves (boto3, on Glue and locally) and never see the driver's disk.
"""

from __future__ import annotations

import io
import re
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pyarrow as pa
import pyarrow.parquet as pq

from cinema_metrics.errors import CliError

T = TypeVar("T")
R = TypeVar("R")
IN_FLIGHT = 16  # S3 requests in flight for many small objects (a GET is ~10-50 ms of latency)
CHUNK = 1 << 20  # bytes per read of a streamed object


@dataclass(frozen=True)
class StoreSpec:
    """What a task needs to open the same store: picklable, no client inside."""

    uri: str
    endpoint_url: str | None = None


@dataclass(frozen=True)
class Versioned:
    """An object's bytes with the tag a conditional write compares (S3's ETag; a folder's MD5)."""

    data: bytes
    etag: str


class Store(ABC):
    """A root of objects. Build one with `open_store(uri, endpoint_url)`."""

    uri: str
    endpoint_url: str | None = None

    # ------------------------------------------------------------ naming
    @property
    def spec(self) -> StoreSpec:
        return StoreSpec(self.uri, self.endpoint_url)

    @classmethod
    def open(cls, spec: StoreSpec) -> Store:
        return open_store(spec.uri, spec.endpoint_url)

    def child(self, rel: str) -> Store:
        return open_store(self.url(rel), self.endpoint_url)

    def url(self, rel: str) -> str:
        return f"{self.uri}/{rel}" if rel else self.uri

    @property
    @abstractmethod
    def remote(self) -> bool:
        """True when other hosts (Spark executors elsewhere) can reach it."""

    def local_path(self, rel: str = "") -> Path | None:
        """The file behind `rel` when the store is a folder on this host, else None."""
        return None

    # ------------------------------------------------------------ objects
    @abstractmethod
    def get(self, rel: str) -> bytes | None:
        """The object's bytes, None when it does not exist."""

    @abstractmethod
    def get_versioned(self, rel: str) -> Versioned | None:
        """The object's bytes and tag (for put_replacing), None when it does not exist."""

    @abstractmethod
    def stream(self, rel: str) -> Iterator[bytes] | None:
        """The object's bytes in chunks of at most CHUNK, None when it does not exist: a
        reader that stops early (a file over a limit) never holds the whole object."""

    @abstractmethod
    def put(self, rel: str, data: bytes) -> None:
        """Write one object whole: a reader sees the old bytes or the new, never a part."""

    @abstractmethod
    def put_new(self, rel: str, data: bytes) -> str | None:
        """Create the object only if it does not exist; its tag, or None when it existed."""

    @abstractmethod
    def put_replacing(self, rel: str, data: bytes, etag: str) -> str | None:
        """Replace the object only if its tag is still `etag`; the new tag, or None when it
        changed (or vanished) since it was read."""

    @abstractmethod
    def copy(self, src: str, dst: str, into: Store | None = None) -> None:
        """Copy an object to `dst` in this store or in `into` (server-side where possible)."""

    @abstractmethod
    def list(self, prefix: str = "") -> list[tuple[str, int, str]]:
        """(relative name, size, tag) of every object under prefix, any depth, sorted by name.
        The tag changes whenever the content may have ("" when it cannot be trusted yet)."""

    @abstractmethod
    def delete(self, rels: Iterable[str]) -> int:
        """Delete objects (missing ones are fine); returns how many were asked for."""

    # ------------------------------------------------------------ shared on top
    def get_many(self, rels: Sequence[str]) -> list[bytes | None]:
        return parallel_map(self.get, rels)

    def delete_prefix(self, prefix: str) -> int:
        return self.delete(rel for rel, _size, _tag in self.list(prefix))

    def read_parquet(self, rel: str, schema: pa.Schema | None = None) -> pa.Table | None:
        data = self.get(rel)
        if data is None:
            return None
        return pq.read_table(pa.BufferReader(data), schema=schema)

    def read_parquets(self, rels: Sequence[str], schema: pa.Schema) -> pa.Table:
        """Several objects as one table (missing ones skipped), fetched with requests in flight."""
        tables = [pq.read_table(pa.BufferReader(d), schema=schema) for d in self.get_many(rels) if d]
        return pa.concat_tables(tables) if tables else schema.empty_table()

    def write_parquet(self, rel: str, table: pa.Table) -> None:
        buf = io.BytesIO()
        pq.write_table(table, buf, compression="zstd")
        self.put(rel, buf.getvalue())


# ---------------------------------------------------------------- opening a store by URI
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


def is_s3(uri: str | Path) -> bool:
    return str(uri).startswith("s3://")


def check_location(uri: str | Path, flag: str = "location") -> str:
    """The URI as given when it is a folder path or a well-formed s3://bucket[/prefix];
    a CliError naming the flag and the fix otherwise (`s3:/b/x` must not become a folder)."""
    text = str(uri)
    scheme = _SCHEME.match(text)
    if scheme is None:
        return text
    if not is_s3(text):
        raise CliError(
            f"{flag} {text!r}: not a folder path or an s3://bucket/prefix URI "
            f"(scheme {scheme.group(1)!r}; write s3://bucket/prefix, or ./{text} for a folder)"
        )
    bucket = text[len("s3://") :].split("/", 1)[0]
    if not re.fullmatch(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", bucket):
        raise CliError(f"{flag} {text!r}: {bucket!r} is not an S3 bucket name; write s3://bucket/prefix")
    return text


def open_store(uri: str | Path, endpoint_url: str | None = None) -> Store:
    """The store of a folder path or an s3://bucket/prefix URI."""
    text = check_location(uri)
    if is_s3(text):
        from cinema_metrics.storage.s3 import S3Store

        return S3Store(text, endpoint_url)
    from cinema_metrics.storage.local import LocalStore

    return LocalStore(text)


# ---------------------------------------------------------------- helpers
def parallel_map(fn: Callable[[T], R], items: Sequence[T], workers: int = IN_FLIGHT) -> list[R]:
    """fn over items with several requests in flight, results in order."""
    if len(items) <= 1:
        return [fn(i) for i in items]
    with ThreadPoolExecutor(max_workers=min(workers, len(items))) as pool:
        return list(pool.map(fn, items))


_CLIENTS: dict[tuple[str, str | None], Any] = {}
_CLIENTS_LOCK = threading.Lock()


def aws_client(service: str, endpoint_url: str | None = None):
    """One boto3 client per (service, endpoint) and process, with standard retries: SlowDown,
    5xx and connection resets are retried with back-off (10 attempts) before a run fails."""
    key = (service, endpoint_url)
    with _CLIENTS_LOCK:
        client = _CLIENTS.get(key)
        if client is None:
            import boto3
            from botocore.config import Config

            cfg = Config(
                retries={"mode": "standard", "max_attempts": 10},
                max_pool_connections=IN_FLIGHT * 2,
                connect_timeout=10,
                read_timeout=60,
            )
            client = boto3.session.Session().client(service, endpoint_url=endpoint_url, config=cfg)
            _CLIENTS[key] = client
    return client


def iter_batches(store: Store, rels: Iterable[str], schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    """Record batches of Parquet objects, one object at a time (a task's bounded memory)."""
    for rel in rels:
        table = store.read_parquet(rel, schema)
        if table is not None:
            yield from table.to_batches()


def stat_tag(path: str | Path) -> str:
    """A local file's tag (see LocalStore.list): "" when it changed too recently to trust."""
    from cinema_metrics.storage.local import stat_tag as _stat_tag

    return _stat_tag(path)
