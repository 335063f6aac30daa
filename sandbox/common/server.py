"""The HTTP server every simulator runs in.

One small server on the standard library, not a web framework, because the
simulators need things a framework hides: dropping a connection without an
answer, HTTP/1.1 keep-alive like the real APIs, and one lock around the
service so that its state machine never sees two requests at once.

A simulator is a ``Service``: it turns a ``Request`` into a ``Response`` and
shapes the body of an injected fault the way its real API would. The server
adds what all of them share: the admin paths under ``/__sandbox__`` (request
log, faults, health, and the service's own admin calls), fault injection, the
request log, and an optional JSON state file.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sandbox.common.faults import Fault, FaultInjector, FaultRuleError
from sandbox.common.requestlog import MUTATING_METHODS, RequestLog

ADMIN_PREFIX = "/__sandbox__"

# Called after every answered API request (not admin paths) with the request,
# the response (None when the connection was dropped) and the fault applied.
Observer = Callable[["Request", "Response | None", Fault], None]


class BadRequestBody(ValueError):
    """The request body is not the JSON the endpoint expects."""


@dataclass
class Request:
    method: str
    path: str
    query_string: str
    headers: dict[str, str]
    body: bytes = b""
    query: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.query and self.query_string:
            self.query = parse_qs(self.query_string, keep_blank_values=True)
        # Header names are case-insensitive; store them lower-cased.
        self.headers = {k.lower(): v for k, v in self.headers.items()}

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name.lower(), default)

    def arg(self, name: str, default: str | None = None) -> str | None:
        """The first value of a query parameter."""
        values = self.query.get(name)
        return values[0] if values else default

    def args(self, name: str) -> list[str]:
        """Every value of a repeated query parameter (``?id=1&id=2``)."""
        return list(self.query.get(name, []))

    def json(self) -> Any:
        if not self.body:
            return None
        try:
            return json.loads(self.body)
        except ValueError as exc:
            raise BadRequestBody(f"request body is not valid JSON: {exc}") from exc

    def loggable_body(self) -> Any:
        if not self.body:
            return None
        try:
            return json.loads(self.body)
        except ValueError:
            return self.body.decode("utf-8", "replace")


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, status: int, payload: Any, headers: dict[str, str] | None = None) -> Response:
        body = json.dumps(payload, separators=(",", ":")).encode()
        merged = {"Content-Type": "application/json"}
        merged.update(headers or {})
        return cls(status, body, merged)

    @classmethod
    def empty(cls, status: int = 204, headers: dict[str, str] | None = None) -> Response:
        return cls(status, b"", dict(headers or {}))


class Service:
    """Base class of a simulated API; subclasses override ``handle`` at least."""

    name = "service"

    def handle(self, request: Request) -> Response:
        raise NotImplementedError

    def fault_response(self, request: Request, status: int) -> Response:
        """The answer to an injected fault with ``status``, shaped like the real API's errors."""
        return Response.json(status, {"error": {"code": "injected_fault", "message": f"injected fault {status}"}})

    def admin(self, request: Request, subpath: str) -> Response | None:
        """Service-specific admin calls under ``/__sandbox__/<subpath>``; None when unknown."""
        return None

    def snapshot(self) -> dict[str, Any] | None:
        """The whole state as JSON-able data, for the optional state file; None if not supported."""
        return None

    def restore(self, data: dict[str, Any]) -> None:
        raise NotImplementedError(f"{self.name} cannot restore state")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "boltfoundry-sandbox"
    # Headers and body leave in one write, without Nagle's delay: otherwise a keep-alive
    # client waits out its delayed ACK (about 40 ms) on every small answer.
    disable_nagle_algorithm = True
    wbufsize = -1
    # Idle keep-alive connections close after this long so a stopped server leaves no thread behind.
    timeout = 30
    server: _HTTPServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _dispatch(self) -> None:
        parts = urlsplit(self.path)
        request = Request(
            method=self.command,
            path=parts.path or "/",
            query_string=parts.query,
            headers=dict(self.headers.items()),
            body=self._read_body(),
        )
        response = self.server.sim.answer(request)
        if response is None:  # an injected dropped connection
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self.send_response(response.status)
        headers = dict(response.headers)
        # A HEAD answer describes the body a GET would carry (S3's HeadObject
        # says how long the object is): keep the service's own length there.
        declared = next((name for name in headers if name.lower() == "content-length"), None)
        if not (self.command == "HEAD" and declared):
            if declared:
                del headers[declared]
            headers["Content-Length"] = str(len(response.body))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD" and response.body:
            self.wfile.write(response.body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _dispatch


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    sim: SimServer

    def process_request(self, request: Any, client_address: Any) -> None:
        self.sim._track(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        self.sim._untrack(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that goes away mid-answer is normal under fault tests; say nothing.
        exc = sys.exc_info()[1]
        if not isinstance(exc, (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


class SimServer:
    """Serves one ``Service`` on a loopback port, in a background thread or the foreground."""

    def __init__(
        self,
        service: Service,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        seed: int = 0,
        state_file: str | None = None,
    ) -> None:
        self.service = service
        self.log = RequestLog()
        self.faults = FaultInjector(seed)
        self.state_file = state_file
        self.internal_errors: list[str] = []
        self._observers: list[Observer] = []
        self._lock = threading.RLock()
        self._connections: set[Any] = set()
        self._connections_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.last_activity = time.monotonic()
        if state_file and os.path.exists(state_file):
            with open(state_file, encoding="utf-8") as handle:
                service.restore(json.load(handle))
        self._httpd = _HTTPServer((host, port), _Handler)
        self._httpd.sim = self
        self.host, self.port = self._httpd.server_address[:2]

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # -- lifecycle -------------------------------------------------------
    def start(self) -> SimServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._httpd.serve_forever(poll_interval=0.1)

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        with self._connections_lock:
            open_connections = list(self._connections)
        for connection in open_connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> SimServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def observe(self, observer: Observer) -> None:
        """Call ``observer`` after every answered API request, e.g. to check answers against a published spec."""
        self._observers.append(observer)

    def _track(self, connection: Any) -> None:
        with self._connections_lock:
            self._connections.add(connection)

    def _untrack(self, connection: Any) -> None:
        with self._connections_lock:
            self._connections.discard(connection)

    # -- answering -------------------------------------------------------
    def answer(self, request: Request) -> Response | None:
        """The whole life of one request; None means drop the connection."""
        self.last_activity = time.monotonic()
        if request.path == ADMIN_PREFIX or request.path.startswith(ADMIN_PREFIX + "/"):
            return self._admin(request)
        started = time.monotonic()
        fault = self.faults.decide(request.method, request.path)
        if fault.latency:
            time.sleep(fault.latency)
        response: Response | None = None
        if fault.after or not (fault.drop or fault.status is not None):
            response = self._handle(request)
        if fault.drop:
            response = None
        elif fault.status is not None:
            with self._lock:
                response = self.service.fault_response(request, fault.status)
        self.log.record(
            method=request.method,
            path=request.path,
            query=request.query_string,
            status=None if response is None else response.status,
            fault=fault.kind,
            duration=time.monotonic() - started,
            body=request.loggable_body(),
        )
        for observer in self._observers:
            try:
                observer(request, response, fault)
            except Exception:  # noqa: BLE001 - an observer bug must surface like a simulator bug
                self.internal_errors.append(traceback.format_exc())
        return response

    def _handle(self, request: Request) -> Response:
        with self._lock:
            try:
                response = self.service.handle(request)
            except Exception:  # noqa: BLE001 - a simulator bug must surface, not kill the server
                detail = traceback.format_exc()
                self.internal_errors.append(detail)
                sys.stderr.write(f"[{self.service.name} simulator] internal error:\n{detail}")
                return Response.json(500, {"error": {"code": "simulator_bug", "message": "internal simulator error"}})
            if self.state_file and request.method in MUTATING_METHODS:
                self.save_state()
        return response

    def save_state(self) -> None:
        if not self.state_file:
            return
        with self._lock:
            data = self.service.snapshot()
            if data is None:
                return
            directory = os.path.dirname(os.path.abspath(self.state_file))
            fd, tmp = tempfile.mkstemp(dir=directory, prefix=".state-")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle)
            os.replace(tmp, self.state_file)

    # -- admin -------------------------------------------------------------
    def _admin(self, request: Request) -> Response:
        subpath = request.path[len(ADMIN_PREFIX) :].strip("/")
        try:
            if subpath == "health":
                return Response.json(200, {"service": self.service.name, "ok": True, "url": self.url})
            if subpath == "requests":
                if request.method == "DELETE":
                    self.log.reset()
                    return Response.empty(204)
                return Response.json(200, self.log.summary())
            if subpath == "errors":
                return Response.json(200, {"errors": list(self.internal_errors)})
            if subpath == "faults":
                return self._admin_faults(request)
            with self._lock:
                answer = self.service.admin(request, subpath)
        except (BadRequestBody, FaultRuleError, TypeError, ValueError) as exc:
            return Response.json(400, {"error": str(exc)})
        if answer is None:
            return Response.json(404, {"error": f"no admin path {request.path}"})
        return answer

    def _admin_faults(self, request: Request) -> Response:
        if request.method == "DELETE":
            self.faults.clear()
            return Response.empty(204)
        if request.method == "POST":
            payload = request.json() or {}
            if not isinstance(payload, dict):
                raise ValueError("fault payload must be an object with 'rules' and optionally 'seed'")
            if "seed" in payload:
                self.faults.reseed(int(payload["seed"]))
            added = [self.faults.add(rule).to_dict() for rule in payload.get("rules", [])]
            return Response.json(201, {"added": added, "rules": self.faults.rules()})
        return Response.json(200, {"seed": self.faults.seed, "rules": self.faults.rules()})
