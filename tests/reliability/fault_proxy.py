"""A small fault-injecting HTTP proxy in front of the moto server (loopback only).

DynamoDB: every request is forwarded unchanged except BatchWriteItem calls, which follow a
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

S3 (a request signed for the `s3` service): every request is counted by kind in `s3_counts`
  LIST   GET with list-type=2 (ListObjectsV2)      GET     any other GET
  PUT    PUT without x-amz-copy-source              COPY    PUT with x-amz-copy-source
  DELETE POST ?delete (DeleteObjects) or DELETE     HEAD    HEAD
with `bytes_in` (request bodies from the client: what it uploads) and `bytes_out` (response
bodies to it: what it downloads); `s3_writes` logs (kind, key) of every PUT/COPY/DELETE in
arrival order. A bounded fault plan per kind, `s3_plan={"PUT": ["slowdown", "pass", "500"]}`,
gives the i-th request of that kind (retries are new requests) one of
  "pass"        forwarded as is
  "slowdown"    503 with an S3 <Code>SlowDown</Code> XML body (not forwarded)
  "500"         500 <Code>InternalError</Code> (not forwarded)
  "reset"       the connection is closed (RST) without a response (not forwarded)
  "reset_after" forwarded (the write lands), then the connection is reset: the client
                never hears that it succeeded
  "conflict"    409 <Code>ConditionalRequestConflict</Code> (another conditional write to
                the key was in flight; not forwarded)
  "hold"        forwarded only after release()
(counted in `s3_injected[(kind, action)]`). `hold_when(kind, key)`: the first S3 request it
is true for is held like "hold" (`held` is set). `kill_at_write=k`: from the k-th S3 write
(0-based) on, every request of any service is answered with a reset and `killed` is set, as
if the client had died there (a test process raises in a boto3 hook once it sees `killed`).
"""

from __future__ import annotations

import http.client
import json
import socket
import struct
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlparse

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
_DROP = {"host", "content-length", "connection", "transfer-encoding", "x-amz-crc32", "expect"}
S3_WRITES = ("PUT", "COPY", "DELETE")
_S3_ERRORS = {
    "slowdown": (503, "SlowDown", "Please reduce your request rate."),
    "500": (500, "InternalError", "We encountered an internal error. Please try again."),
    "conflict": (409, "ConditionalRequestConflict", "A conflicting operation occurred. Please retry."),
}


def s3_kind(method: str, path: str, headers) -> str:
    """LIST, GET, PUT, COPY, DELETE or HEAD (else the method) of one S3 request."""
    query = parse_qs(urlparse(path).query, keep_blank_values=True)
    if method == "GET":
        return "LIST" if query.get("list-type") == ["2"] or "prefix" in query else "GET"
    if method == "PUT":
        return "COPY" if headers.get("x-amz-copy-source") else "PUT"
    if method == "DELETE" or (method == "POST" and "delete" in query):
        return "DELETE"
    return method


def _service(headers) -> str:
    """The service a SigV4 request was signed for (Credential=AKID/date/region/SERVICE/...)."""
    auth = headers.get("Authorization", "")
    cred = auth.split("Credential=", 1)[1].split(",", 1)[0] if "Credential=" in auth else ""
    parts = cred.split("/")
    return parts[3] if len(parts) > 3 else ""


class FaultProxy:
    def __init__(
        self,
        upstream: str,
        plan: list[str] | None = None,
        s3_plan: dict[str, list[str]] | None = None,
        hold_when: Callable[[str, str], bool] | None = None,
        kill_at_write: int | None = None,
        latency: dict[str, float] | None = None,
    ):
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
        # S3
        self.s3_plan = {k: list(v) for k, v in (s3_plan or {}).items()}
        self.s3_injected: Counter[tuple[str, str]] = Counter()
        self.s3_counts: Counter[str] = Counter()
        self.bytes_in = 0  # S3 request bodies (uploaded by the client)
        self.bytes_out = 0  # S3 response bodies (downloaded by the client)
        self.s3_writes: list[tuple[str, str]] = []
        self.hold_when = hold_when
        self.held_request: tuple[str, str] | None = None
        self.kill_at_write = kill_at_write
        self.killed = threading.Event()
        self.latency = dict(latency or {})
        self.service_counts: Counter[str] = Counter()  # requests by signed service name
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

    def reset_counts(self) -> None:
        with self._lock:
            self.s3_counts.clear()
            self.bytes_in = self.bytes_out = 0
            self.s3_writes.clear()

    def _s3_action(self, kind: str, key: str) -> str:
        """What the proxy does with this S3 request (and the counts it keeps)."""
        with self._lock:
            i = self.s3_counts[kind]
            self.s3_counts[kind] += 1
            if kind in S3_WRITES:
                if self.kill_at_write is not None and len(self.s3_writes) >= self.kill_at_write:
                    self.killed.set()
                self.s3_writes.append((kind, key))
            if self.killed.is_set():
                return "reset"
            plan = self.s3_plan.get(kind, [])
            action = plan[i] if i < len(plan) else "pass"
            if self.hold_when is not None and self.held_request is None and self.hold_when(kind, key):
                self.held_request = (kind, key)
                action = "hold"
            if action != "pass":
                self.s3_injected[(kind, action)] += 1
            return action

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
                length = str(len(body))
                for k, v in headers:
                    if self.command == "HEAD" and k.lower() == "content-length":
                        length = v  # a HEAD answer has no body but tells the object's size
                    elif k.lower() not in _DROP:
                        self.send_header(k, v)
                self.send_header("Content-Length", length)
                self.end_headers()
                if self.command != "HEAD":
                    try:
                        self.wfile.write(body)
                    except (BrokenPipeError, ConnectionResetError):
                        self.close_connection = True  # the client died (a SIGKILLed run)

            def _reset(self) -> None:
                """Close the connection with a RST and no response (a dropped connection)."""
                self.close_connection = True
                try:
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.connection.close()
                except OSError:
                    pass

            def _s3(self, body: bytes, headers: dict[str, str]) -> None:
                kind = s3_kind(self.command, self.path, self.headers)
                key = unquote(urlparse(self.path).path).lstrip("/")
                action = proxy._s3_action(kind, key)
                if action == "reset":
                    self._reset()
                    return
                if action in _S3_ERRORS:
                    status, code, message = _S3_ERRORS[action]
                    err = (
                        '<?xml version="1.0" encoding="UTF-8"?>\n'
                        f"<Error><Code>{code}</Code><Message>{message}</Message>"
                        "<RequestId>fault-proxy</RequestId></Error>"
                    ).encode()
                    self._reply(status, [("Content-Type", "application/xml")], err)
                    return
                if action == "hold":
                    proxy.held.set()
                    proxy._release.wait(300)
                with proxy._lock:
                    proxy.bytes_in += len(body)
                status, rh, rbody = proxy._forward(self.command, self.path, headers, body)
                if action == "reset_after" or proxy.killed.is_set():
                    self._reset()  # (killed: the client "died" while this request was in flight)
                    return
                with proxy._lock:
                    proxy.bytes_out += len(rbody)
                self._reply(status, rh, rbody)

            def _handle(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k: v for k, v in self.headers.items() if k.lower() not in _DROP}
                service = _service(self.headers)
                with proxy._lock:
                    proxy.service_counts[service] += 1
                if proxy.latency.get(service):
                    time.sleep(proxy.latency[service])
                if service == "s3":
                    self._s3(body, headers)
                    return
                if proxy.killed.is_set():
                    self._reset()
                    return
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
