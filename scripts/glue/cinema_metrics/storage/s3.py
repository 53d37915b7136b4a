"""An S3 prefix as a store (storage/__init__.py), through boto3 with standard retries.

Conditional writes are S3's own (2024): `PutObject` with `If-None-Match: *` fails with 412
when the key exists, with `If-Match: <etag>` when the object changed since it was read. A
409 (ConditionalRequestConflict: another conditional write to the key in flight) is retried.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from urllib.parse import urlparse

from cinema_metrics.storage import CHUNK, Store, Versioned, aws_client

CONFLICT_RETRIES = 5


def _etag(response: dict) -> str:
    return str(response.get("ETag", "")).strip('"')


class S3Store(Store):
    def __init__(self, uri: str, endpoint_url: str | None = None):
        self.uri = uri.rstrip("/")
        self.endpoint_url = endpoint_url
        parsed = urlparse(self.uri)
        self.bucket, self.prefix = parsed.netloc, parsed.path.strip("/")

    @property
    def remote(self) -> bool:
        return True

    def _key(self, rel: str) -> str:
        return f"{self.prefix}/{rel}" if self.prefix else rel

    @property
    def _client(self):
        return aws_client("s3", self.endpoint_url)

    def _code(self, exc: Exception) -> str:
        return str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))

    # ------------------------------------------------------------ objects
    def _get_object(self, rel: str) -> dict | None:
        try:
            return self._client.get_object(Bucket=self.bucket, Key=self._key(rel))
        except self._client.exceptions.NoSuchKey:
            return None

    def get(self, rel: str) -> bytes | None:
        response = self._get_object(rel)
        return None if response is None else response["Body"].read()

    def get_versioned(self, rel: str) -> Versioned | None:
        response = self._get_object(rel)
        return None if response is None else Versioned(response["Body"].read(), _etag(response))

    def stream(self, rel: str) -> Iterator[bytes] | None:
        response = self._get_object(rel)
        if response is None:
            return None
        body = response["Body"]

        def chunks() -> Iterator[bytes]:
            try:
                yield from body.iter_chunks(CHUNK)
            finally:
                body.close()  # a reader that stopped early does not drain the rest

        return chunks()

    def put(self, rel: str, data: bytes) -> None:
        self._client.put_object(Bucket=self.bucket, Key=self._key(rel), Body=data)

    def _put_conditional(self, rel: str, data: bytes, **condition: str) -> str | None:
        from botocore.exceptions import ClientError

        for attempt in range(CONFLICT_RETRIES):
            try:
                response = self._client.put_object(
                    Bucket=self.bucket, Key=self._key(rel), Body=data, **condition
                )
                return _etag(response)
            except ClientError as exc:
                code = self._code(exc)
                if code in ("PreconditionFailed", "412", "NoSuchKey", "404"):
                    return None
                if code not in ("ConditionalRequestConflict", "409") or attempt == CONFLICT_RETRIES - 1:
                    raise
                time.sleep(0.2 * (attempt + 1))
        return None  # pragma: no cover - the loop returns or raises

    def put_new(self, rel: str, data: bytes) -> str | None:
        return self._put_conditional(rel, data, IfNoneMatch="*")

    def put_replacing(self, rel: str, data: bytes, etag: str) -> str | None:
        return self._put_conditional(rel, data, IfMatch=f'"{etag}"')

    def copy(self, src: str, dst: str, into: Store | None = None) -> None:
        """Server-side when both are in one S3 endpoint: no bytes pass through the job."""
        target = into or self
        if isinstance(target, S3Store) and target.endpoint_url == self.endpoint_url:
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
        """The tag is the ETag and size (an ETag is the content's)."""
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

    def delete(self, rels: Iterable[str]) -> int:
        """1,000 keys per request."""
        rels = list(rels)
        for i in range(0, len(rels), 1000):
            chunk = [{"Key": self._key(r)} for r in rels[i : i + 1000]]
            if chunk:
                self._client.delete_objects(Bucket=self.bucket, Delete={"Objects": chunk, "Quiet": True})
        return len(rels)
