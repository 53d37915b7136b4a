"""A small fault-injecting HTTP proxy in front of the moto server (loopback only).

It forwards every request unchanged except DynamoDB BatchWriteItem calls, which follow a
bounded fault plan: the i-th call gets plan[i] (calls beyond the plan pass through):
  "pass"        forwarded as is
  "throttle"    400 ProvisionedThroughputExceededException (not forwarded)
  "throttling"  400 ThrottlingException
  "500" / "503" a server error (not forwarded)
  "unprocessed" only the first half of the items is forwarded; the rest comes back as
                UnprocessedItems (what DynamoDB does under partial throttling)
  "hold"        forwarded only after release() (lets a test SIGKILL a client mid-write)
Counts of what was injected are kept in `injected`; `items_forwarded` counts put requests
that reached moto.
"""

from __future__ import annotations

import http.client
import json
import threading
import zlib
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

# A bounded fault plan for the reference run's DynamoDB writes (tests/reliability/fault_proxy.py).
# Consecutive errors outlast botocore's own retry (2 attempts), so the job's BatchWriter backs
# off too; "unprocessed" sends half of a batch back as UnprocessedItems.
FAULT_PLAN = ["throttle", "throttling", "500", "503", "unprocessed", "pass", "throttle", "500"]
FAULT_PLAN += ["unprocessed", "unprocessed", "503", "throttling", "pass", "unprocessed"]


_ERRORS = {
    "throttle": (400, "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException"),
    "throttling": (400, "com.amazon.coral.availability#ThrottlingException"),
    "500": (500, "com.amazonaws.dynamodb.v20120810#InternalServerError"),
    "503": (503, "com.amazon.coral.availability#ServiceUnavailableException"),
}
_DROP = {"host", "content-length", "connection", "transfer-encoding", "x-amz-crc32"}


class FaultProxy:
    def __init__(self, upstream: str, plan: list[str] | None = None):
        u = urlparse(upstream)
        assert u.hostname in ("127.0.0.1", "localhost"), "loopback only"
        self.upstream = (u.hostname, u.port)
        self.plan = list(plan or [])
        self.injected: Counter[str] = Counter()
        self.batch_calls = 0
        self.items_forwarded = 0
        self.held = threading.Event()  # set when a "hold" call arrives
        self._release = threading.Event()
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._release.set()
        self.server.shutdown()
        self.server.server_close()

    def release(self) -> None:
        self._release.set()

    def _next_action(self) -> str:
        with self._lock:
            i = self.batch_calls
            self.batch_calls += 1
        return self.plan[i] if i < len(self.plan) else "pass"

    def _forward(self, method: str, path: str, headers: dict[str, str], body: bytes):
        conn = http.client.HTTPConnection(*self.upstream, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            return resp.status, resp.getheaders(), resp.read()
        finally:
            conn.close()

    def _handler(self):
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # quiet
                pass

            def _reply(self, status: int, headers, body: bytes) -> None:
                self.send_response(status)
                for k, v in headers:
                    if k.lower() not in _DROP:
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _handle(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k: v for k, v in self.headers.items() if k.lower() not in _DROP}
                target = self.headers.get("X-Amz-Target", "")
                if not target.endswith(".BatchWriteItem"):
                    self._reply(*proxy._forward(self.command, self.path, headers, body))
                    return
                action = proxy._next_action()
                if action in _ERRORS:
                    status, kind = _ERRORS[action]
                    proxy.injected[action] += 1
                    err = json.dumps({"__type": kind, "message": f"injected {action}"}).encode()
                    self._reply(status, [("Content-Type", "application/x-amz-json-1.0")], err)
                    return
                request = json.loads(body)
                held_back: dict[str, list] = {}
                if action == "unprocessed":
                    proxy.injected[action] += 1
                    for table, reqs in request["RequestItems"].items():
                        keep = max(1, len(reqs) // 2)
                        request["RequestItems"][table], held_back[table] = reqs[:keep], reqs[keep:]
                    request["RequestItems"] = {t: r for t, r in request["RequestItems"].items() if r}
                    body = json.dumps(request).encode()
                elif action == "hold":
                    proxy.injected[action] += 1
                    proxy.held.set()
                    proxy._release.wait(120)
                status, rh, rbody = proxy._forward(self.command, self.path, headers, body)
                if status == 200:
                    with proxy._lock:
                        proxy.items_forwarded += sum(len(r) for r in request["RequestItems"].values())
                if status == 200 and any(held_back.values()):
                    resp = json.loads(rbody)
                    unprocessed = resp.setdefault("UnprocessedItems", {})
                    for table, reqs in held_back.items():
                        if reqs:
                            unprocessed.setdefault(table, []).extend(reqs)
                    rbody = json.dumps(resp).encode()
                    rh = [(k, v) for k, v in rh if k.lower() != "x-amz-crc32"]
                    rh.append(("x-amz-crc32", str(zlib.crc32(rbody) & 0xFFFFFFFF)))
                self._reply(status, rh, rbody)

            do_POST = _handle
            do_GET = _handle
            do_PUT = _handle
            do_DELETE = _handle
            do_HEAD = _handle

        return Handler
