"""The one storage layer: every byte of state and output goes through a `Store`.

A store is a root addressed by URI, a local folder or `s3://bucket/prefix`, with the same
layout under either. Above this module the job speaks of relative names ("lines/pd=.../x"),
never of `Path`, `glob`, `os.replace` or `shutil`. S3 has no rename and no atomic swap of
several objects, so the operations are the ones S3 has: put one object (atomic: a reader sees
the old or the new bytes), get, list a prefix, copy server-side, delete. The job makes a
run visible by writing one small object last (see job/state.py).

A store is rebuilt from its `spec` (URI + endpoint) inside Spark tasks: executors open S3
themselves (boto3, on Glue and locally) and never see the driver's disk.
"""

from __future__ import annotations

import io
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlparse

import pyarrow as pa
import pyarrow.parquet as pq

from cinema_metrics.errors import CliError

RACY_NS = 2_000_000_000  # a file changed this recently may change again within the same tick
T = TypeVar("T")
R = TypeVar("R")
IN_FLIGHT = 16  # S3 requests in flight for many small objects (a GET is ~10-50 ms of latency)


@dataclass(frozen=True)
class StoreSpec:
    """What a task needs to open the same store: picklable, no client inside."""

    uri: str
    endpoint_url: str | None = None


def is_s3(uri: str | Path) -> bool:
    return str(uri).startswith("s3://")


def _stat_tag(st: os.stat_result, racy: int) -> str:
    m, c = st.st_mtime_ns, st.st_ctime_ns
    return f"{st.st_size}:{m}:{c}:{st.st_ino}" if m <= racy and c <= racy else ""


def stat_tag(path: str | Path) -> str:
    """A local file's tag (see Store.list): "" when it changed too recently to trust."""
    return _stat_tag(os.stat(path), time.time_ns() - RACY_NS)


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


class Store:
    """A root of objects: `Store("s3://bucket/prefix")` or `Store("/some/folder")`."""

    def __init__(self, uri: str | Path, endpoint_url: str | None = None):
        self.uri = str(uri).rstrip("/") if is_s3(uri) else str(Path(uri))
        self.endpoint_url = endpoint_url if is_s3(uri) else None
        if is_s3(self.uri):
            u = urlparse(self.uri)
            if not u.netloc:
                raise CliError(f"{uri!r}: expected s3://bucket/prefix")
            self.bucket, self.prefix = u.netloc, u.path.strip("/")
        else:
            self.bucket, self.prefix = "", self.uri

    # ------------------------------------------------------------ naming
    @property
    def spec(self) -> StoreSpec:
        return StoreSpec(self.uri, self.endpoint_url)

    @classmethod
    def open(cls, spec: StoreSpec) -> Store:
        return cls(spec.uri, spec.endpoint_url)

    @property
    def s3(self) -> bool:
        return bool(self.bucket)

    def child(self, rel: str) -> Store:
        return Store(self.url(rel), self.endpoint_url)

    def url(self, rel: str) -> str:
        return f"{self.uri}/{rel}" if rel else self.uri

    def _key(self, rel: str) -> str:
        return f"{self.prefix}/{rel}" if self.prefix else rel

    def _path(self, rel: str) -> Path:
        return Path(self.prefix) / rel

    @property
    def _client(self):
        return aws_client("s3", self.endpoint_url)

    # ------------------------------------------------------------ objects
    def get(self, rel: str) -> bytes | None:
        """The object's bytes, None when it does not exist."""
        if not self.s3:
            try:
                return self._path(rel).read_bytes()
            except FileNotFoundError:
                return None
        try:
            return self._client.get_object(Bucket=self.bucket, Key=self._key(rel))["Body"].read()
        except self._client.exceptions.NoSuchKey:
            return None

    def get_many(self, rels: Sequence[str]) -> list[bytes | None]:
        return parallel_map(self.get, rels)

    def put(self, rel: str, data: bytes) -> None:
        """Write one object whole: a reader sees the old bytes or the new, never a part."""
        if self.s3:
            self._client.put_object(Bucket=self.bucket, Key=self._key(rel), Body=data)
            return
        path = self._path(rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)

    def copy(self, src: str, dst: str, into: Store | None = None) -> None:
        """Copy an object to `dst` in this store or in `into` (server-side when both are in one
        S3 endpoint: no bytes pass through the job)."""
        target = into or self
        if self.s3 and target.s3 and target.endpoint_url == self.endpoint_url:
            self._client.copy_object(
                Bucket=target.bucket,
                Key=target._key(dst),
                CopySource={"Bucket": self.bucket, "Key": self._key(src)},
            )
            return
        data = self.get(src)
        if data is None:
            raise FileNotFoundError(self.url(src))
        target.put(dst, data)

    def list(self, prefix: str = "") -> list[tuple[str, int, str]]:
        """(relative name, size, tag) of every object under prefix, any depth, sorted by name.

        The tag changes whenever the content may have: the ETag on S3; on a folder the stat
        signature size:mtime:ctime:inode ("" for a file changed too recently to trust, as git's
        index does). Hidden temp files (a local writer's, mid-write) are left out."""
        if self.s3:
            out = []
            base = self._key(prefix) if prefix else (f"{self.prefix}/" if self.prefix else "")
            cut = len(self.prefix) + 1 if self.prefix else 0
            pages = self._client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=base)
            for page in pages:
                out.extend(
                    (o["Key"][cut:], o["Size"], f"{o.get('ETag', '').strip(chr(34))}:{o['Size']}")
                    for o in page.get("Contents", ())
                )
            return sorted(out)
        racy = time.time_ns() - RACY_NS
        root = self._path(prefix) if prefix else Path(self.prefix)
        top = str(Path(self.prefix))
        out = []
        if root.is_dir():
            for dirpath, _dirs, files in os.walk(root):
                rel_dir = os.path.relpath(dirpath, top).replace(os.sep, "/")
                for name in files:
                    if name.startswith("."):
                        continue
                    st = os.stat(f"{dirpath}/{name}")
                    tag = _stat_tag(st, racy)
                    out.append((name if rel_dir == "." else f"{rel_dir}/{name}", st.st_size, tag))
        elif root.is_file():  # a prefix that names one object, as on S3
            st = os.stat(root)
            out.append((prefix, st.st_size, _stat_tag(st, racy)))
        return sorted(out)

    def delete(self, rels: Iterable[str]) -> int:
        """Delete objects (missing ones are fine); on S3 1,000 per request."""
        rels = list(rels)
        if self.s3:
            for i in range(0, len(rels), 1000):
                chunk = [{"Key": self._key(r)} for r in rels[i : i + 1000]]
                if chunk:
                    self._client.delete_objects(Bucket=self.bucket, Delete={"Objects": chunk, "Quiet": True})
            return len(rels)
        root = Path(self.prefix)
        for r in rels:
            path = self._path(r)
            path.unlink(missing_ok=True)
            # a folder has no empty "prefix": drop emptied folders, as S3 shows none
            for parent in path.parents:
                if parent == root or root not in parent.parents:
                    break
                try:
                    parent.rmdir()
                except OSError:
                    break
        return len(rels)

    def delete_prefix(self, prefix: str) -> int:
        return self.delete(rel for rel, _size, _tag in self.list(prefix))

    # ------------------------------------------------------------ Parquet
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


def iter_batches(store: Store, rels: Iterable[str], schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    """Record batches of Parquet objects, one object at a time (a task's bounded memory)."""
    for rel in rels:
        table = store.read_parquet(rel, schema)
        if table is not None:
            yield from table.to_batches()
