"""Check a simulator's answers (and the requests it accepted) against a published OpenAPI spec.

A simulator is only as good as its fidelity. Every exchange a test had with
a simulator is checked here: the response against the operation's response
schema for its status, and, when the simulator answered with success, the
request against the operation's parameters and request body, because a
simulator that accepts what the real API refuses hides bugs. The first
problem of an exchange is reported with the method, path, operation id and
status, so a failing test says exactly which answer was wrong.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.exceptions import OpenAPIError
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound
from werkzeug.datastructures import Headers, ImmutableMultiDict


@dataclass
class Exchange:
    """One request a simulator answered, as the observer saw it."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    status: int
    response_headers: dict[str, str]
    response_body: bytes
    fault: str | None = None

    def describe(self) -> str:
        query = f"?{self.query}" if self.query else ""
        return f"{self.method} {self.path}{query} -> {self.status}" + (f" (injected fault {self.fault})" if self.fault else "")


@dataclass
class _Request:
    method: str
    host_url: str
    path: str
    body: bytes | None
    content_type: str
    parameters: RequestParameters = field(default_factory=RequestParameters)


@dataclass
class _Response:
    status_code: int
    data: bytes | None
    content_type: str
    headers: Headers


def _first_schema_error(exc: BaseException) -> str:
    """The first schema error under an openapi-core exception, with the JSON path it is at."""
    seen: BaseException | None = exc
    while seen is not None:
        errors = getattr(seen, "schema_errors", None)
        if errors:
            error = errors[0]
            where = "$" + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in error.absolute_path)
            return f"at {where}: {error.message}"
        seen = seen.__cause__
    return str(exc)


def _is_error_body(body: bytes) -> bool:
    try:
        data = json.loads(body)
    except ValueError:
        return False
    error = data.get("error") if isinstance(data, dict) else None
    return isinstance(error, dict) and isinstance(error.get("code"), str) and isinstance(error.get("message"), str)


class SpecValidator:
    """The spec loaded once; ``problem(exchange)`` is None for a conforming exchange."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.openapi = OpenAPI.from_dict(spec)
        server = urlsplit(spec["servers"][0]["url"])
        self.host_url = f"{server.scheme}://{server.netloc}"
        self.base_path = server.path.rstrip("/")
        self._operations = [
            (re.compile("^" + re.sub(r"\{[^/}]+\}", "[^/]+", self.base_path + path) + "$"), method.upper(), operation.get("operationId", "?"))
            for path, item in spec["paths"].items()
            for method, operation in item.items()
            if isinstance(operation, dict)
        ]
        self.checked = 0

    def operation_id(self, method: str, path: str) -> str | None:
        return next((op for pattern, verb, op in self._operations if verb == method and pattern.match(path)), None)

    def problem(self, exchange: Exchange) -> str | None:
        self.checked += 1
        headers = Headers(exchange.headers)
        request = _Request(
            method=exchange.method.lower(),
            host_url=self.host_url,
            path=exchange.path,
            body=exchange.body or None,
            content_type=headers.get("Content-Type", "application/json"),
            parameters=RequestParameters(query=ImmutableMultiDict(parse_qsl(exchange.query, keep_blank_values=True)), header=headers),
        )
        response = _Response(
            status_code=exchange.status,
            data=exchange.response_body or None,
            content_type=exchange.response_headers.get("Content-Type", "application/json"),
            headers=Headers(exchange.response_headers),
        )
        operation = self.operation_id(exchange.method, exchange.path)
        where = f"{exchange.describe()} [{operation or 'no operation in the spec'}]"
        try:
            self.openapi.validate_response(request, response)
        except (PathNotFound, OperationNotFound) as exc:
            # Paths and methods the API does not have: only a not-found/not-allowed error body is right.
            if exchange.status in (404, 405, 501) and _is_error_body(exchange.response_body):
                return None
            return f"{where}: the spec has no such operation ({exc}), yet the simulator answered {exchange.status}"
        except OpenAPIError as exc:
            return f"{where}: response does not match the spec: {type(exc).__name__}: {_first_schema_error(exc)}"
        if 200 <= exchange.status < 300:
            try:
                self.openapi.validate_request(request)
            except OpenAPIError as exc:
                return f"{where}: the simulator accepted a request the spec refuses: {type(exc).__name__}: {_first_schema_error(exc)}"
        return None
