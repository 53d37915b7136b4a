"""A request meter in front of the local AWS emulator (loopback only), for `make bench`.

Every process of a run (the driver, Spark's Python workers) talks to one endpoint URL; this
forwarder counts what passes: S3 requests by kind (LIST, GET, HEAD, PUT, COPY, DELETE) with
the bytes read and written, and DynamoDB and SQS calls by operation. Counting on the wire
rather than in a client sees the tasks' requests too.
"""

from __future__ import annotations

import http.client
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

_DROP = {"host", "content-length", "connection", "transfer-encoding"}


def classify(method: str, path: str, headers: dict[str, str]) -> str:
    """'s3:LIST' / 's3:GET' / ... or '<service>:<operation>' for JSON-protocol calls."""
    target = headers.get("x-amz-target", "")
    if target:  # DynamoDB_20120810.BatchGetItem, AmazonSQS.ReceiveMessage
        service, _, op = target.partition(".")
        return f"{'dynamodb' if service.startswith('DynamoDB') else service.lower()}:{op}"
    q = parse_qs(urlparse(path).query, keep_blank_values=True)
    if method == "POST" and "Action" in q:
        return f"query:{q['Action'][0]}"
    if method == "GET":
        return "s3:LIST" if "list-type" in q or urlparse(path).path.count("/") <= 1 else "s3:GET"
    if method == "PUT":
        return "s3:COPY" if "x-amz-copy-source" in headers else "s3:PUT"
    if method == "POST" and "delete" in q:
        return "s3:DELETE"
    return f"s3:{method}"


class Meter:
    def __init__(self, upstream: str):
        u = urlparse(upstream)
        assert u.hostname in ("127.0.0.1", "localhost"), "loopback only"
        self.upstream = (u.hostname, u.port)
        self.counts: Counter[str] = Counter()
        self.table_gets: Counter[str] = Counter()  # GETs of each metric table's stored months
        self.bytes_read = 0  # S3 response bodies: what the job downloaded
        self.bytes_written = 0  # S3 request bodies: what it uploaded
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Meter:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def reset(self) -> None:
        with self._lock:
            self.counts.clear()
            self.table_gets.clear()
            self.bytes_read = self.bytes_written = 0

    def s3(self) -> dict[str, int]:
        return {k[3:]: v for k, v in sorted(self.counts.items()) if k.startswith("s3:")}

    def _handler(self):
        meter = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # quiet
                pass

            def _handle(self) -> None:
                n = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(n) if n else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                kind = classify(self.command, self.path, headers)
                conn = http.client.HTTPConnection(*meter.upstream, timeout=300)
                fwd = {k: v for k, v in self.headers.items() if k.lower() not in _DROP}
                fwd["Host"] = f"{meter.upstream[0]}:{meter.upstream[1]}"
                conn.request(self.command, self.path, body=body, headers=fwd)
                resp = conn.getresponse()
                data = resp.read()
                conn.close()
                with meter._lock:
                    meter.counts[kind] += 1
                    if kind == "s3:GET" and "/metrics/" in self.path:
                        meter.table_gets[self.path.split("/metrics/", 1)[1].split("/", 1)[0]] += 1
                    if kind.startswith("s3:"):
                        meter.bytes_written += len(body)
                        meter.bytes_read += len(data)
                self.send_response(resp.status)
                for k, v in resp.getheaders():
                    if k.lower() not in _DROP:
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _handle

        return Handler
