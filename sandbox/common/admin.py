"""A small client for the admin paths every simulator serves under ``/__sandbox__``.

Tests use it to read the request log (API-call budgets), inject faults and
call a service's own admin endpoints. Standard library only.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from typing import Any

from sandbox.common.requestlog import MUTATING_METHODS
from sandbox.common.server import ADMIN_PREFIX


class AdminClient:
    def __init__(self, url: str, timeout: float = 10.0) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout

    def call(self, method: str, subpath: str, payload: Any = None) -> Any:
        data = None if payload is None else json.dumps(payload).encode()
        request = urllib.request.Request(  # noqa: S310 - loopback test server
            f"{self.url}{ADMIN_PREFIX}/{subpath.lstrip('/')}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310 - loopback test server
                body = answer.read()
        except urllib.error.HTTPError as exc:
            raise RuntimeError(f"admin {method} {subpath} answered {exc.code}: {exc.read().decode()}") from exc
        return json.loads(body) if body else None

    def health(self) -> dict[str, Any]:
        return self.call("GET", "health")

    def requests(self) -> list[dict[str, Any]]:
        return self.call("GET", "requests")["requests"]

    def reset_requests(self) -> None:
        self.call("DELETE", "requests")

    def count(self, method: str | None = None, path: str | None = None, *, mutating: bool | None = None) -> int:
        """How many logged requests match a method, a path regex and/or being mutating."""
        pattern = re.compile(path) if path else None
        total = 0
        for entry in self.requests():
            if method and entry["method"] != method.upper():
                continue
            if pattern and not pattern.search(entry["path"]):
                continue
            if mutating is not None and (entry["method"] in MUTATING_METHODS) != mutating:
                continue
            total += 1
        return total

    def add_fault(self, **rule: Any) -> dict[str, Any]:
        return self.call("POST", "faults", {"rules": [rule]})["added"][0]

    def set_faults(self, rules: list[dict[str, Any]], seed: int | None = None) -> None:
        self.clear_faults()
        payload: dict[str, Any] = {"rules": rules}
        if seed is not None:
            payload["seed"] = seed
        self.call("POST", "faults", payload)

    def clear_faults(self) -> None:
        self.call("DELETE", "faults")

    def errors(self) -> list[str]:
        return self.call("GET", "errors")["errors"]
