"""A folder as a store (storage/__init__.py): the same layout and guarantees as an S3 prefix.

Atomic writes are a temp file renamed into place. The conditional writes hold on one host:
`put_new` links a complete temp file to the name (`link` fails when the name exists, so a
reader never sees a part and two writers never both win), `put_replacing` compares the
current bytes' MD5 and renames under an exclusive `flock` of a hidden lock file beside the
object. A shared network file system without working `flock` gives no such guarantee: keep
a folder state on a local disk (a deployment keeps it on S3).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from cinema_metrics.storage import CHUNK, Store, Versioned

RACY_NS = 2_000_000_000  # a file changed this recently may change again within the same tick


def _stat_tag(st: os.stat_result, racy: int) -> str:
    m, c = st.st_mtime_ns, st.st_ctime_ns
    return f"{st.st_size}:{m}:{c}:{st.st_ino}" if m <= racy and c <= racy else ""


def stat_tag(path: str | Path) -> str:
    """A file's tag: "" when it changed too recently to trust (as git's index does)."""
    return _stat_tag(os.stat(path), time.time_ns() - RACY_NS)


def _md5(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


class LocalStore(Store):
    def __init__(self, uri: str | Path):
        self.uri = str(Path(uri))
        self.endpoint_url = None
        self.root = Path(self.uri)

    @property
    def remote(self) -> bool:
        return False

    def local_path(self, rel: str = "") -> Path:
        return self.root / rel if rel else self.root

    def _temp(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        return path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")

    @contextmanager
    def _locked(self, path: Path) -> Iterator[None]:
        lock = path.with_name(f".{path.name}.lock")
        lock.parent.mkdir(parents=True, exist_ok=True)
        with lock.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # ------------------------------------------------------------ objects
    def get(self, rel: str) -> bytes | None:
        try:
            return self.local_path(rel).read_bytes()
        except FileNotFoundError:
            return None

    def get_versioned(self, rel: str) -> Versioned | None:
        data = self.get(rel)
        return None if data is None else Versioned(data, _md5(data))

    def stream(self, rel: str) -> Iterator[bytes] | None:
        try:
            handle = self.local_path(rel).open("rb")
        except FileNotFoundError:
            return None

        def chunks() -> Iterator[bytes]:
            with handle:
                while chunk := handle.read(CHUNK):
                    yield chunk

        return chunks()

    def put(self, rel: str, data: bytes) -> None:
        path = self.local_path(rel)
        tmp = self._temp(path)
        tmp.write_bytes(data)
        os.replace(tmp, path)

    def put_new(self, rel: str, data: bytes) -> str | None:
        path = self.local_path(rel)
        tmp = self._temp(path)
        tmp.write_bytes(data)
        try:
            os.link(tmp, path)  # fails when the name exists: exclusive, and never a partial file
        except FileExistsError:
            return None
        finally:
            tmp.unlink(missing_ok=True)
        return _md5(data)

    def put_replacing(self, rel: str, data: bytes, etag: str) -> str | None:
        path = self.local_path(rel)
        with self._locked(path):
            current = self.get(rel)
            if current is None or _md5(current) != etag:
                return None
            self.put(rel, data)
        return _md5(data)

    def copy(self, src: str, dst: str, into: Store | None = None) -> None:
        data = self.get(src)
        if data is None:
            raise FileNotFoundError(self.url(src))
        (into or self).put(dst, data)

    def list(self, prefix: str = "") -> list[tuple[str, int, str]]:
        """The tag is the stat signature size:mtime:ctime:inode ("" for a file changed too
        recently to trust). Hidden files (a writer's temp file, a lock file) are left out."""
        racy = time.time_ns() - RACY_NS
        start = self.local_path(prefix) if prefix else self.root
        top = str(self.root)
        out = []
        if start.is_dir():
            for dirpath, _dirs, files in os.walk(start):
                rel_dir = os.path.relpath(dirpath, top).replace(os.sep, "/")
                for name in files:
                    if name.startswith("."):
                        continue
                    st = os.stat(f"{dirpath}/{name}")
                    rel = name if rel_dir == "." else f"{rel_dir}/{name}"
                    out.append((rel, st.st_size, _stat_tag(st, racy)))
        elif start.is_file():  # a prefix that names one object, as on S3
            st = os.stat(start)
            out.append((prefix, st.st_size, _stat_tag(st, racy)))
        return sorted(out)

    def delete(self, rels: Iterable[str]) -> int:
        rels = list(rels)
        for rel in rels:
            path = self.local_path(rel)
            path.unlink(missing_ok=True)
            # a folder has no empty "prefix": drop emptied folders, as S3 shows none
            for parent in path.parents:
                if parent == self.root or self.root not in parent.parents:
                    break
                try:
                    parent.rmdir()
                except OSError:
                    break
        return len(rels)
