"""Every request a simulator answered, so tests can hold API-call budgets."""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any

# Request bodies are kept for tests that assert what was sent; cap their size
# so a long benchmark cannot grow the log without bound.
MAX_BODY_CHARS = 4096
MUTATING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class RequestLog:
    """Thread-safe, append-only list of answered requests with a reset."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[dict[str, Any]] = []
        self._seq = 0

    def record(
        self,
        *,
        method: str,
        path: str,
        query: str,
        status: int | None,
        fault: str | None,
        duration: float,
        body: Any = None,
    ) -> None:
        with self._lock:
            self._seq += 1
            if isinstance(body, str) and len(body) > MAX_BODY_CHARS:
                body = body[:MAX_BODY_CHARS] + "..."
            self._entries.append(
                {
                    "seq": self._seq,
                    "time": time.time(),
                    "method": method,
                    "path": path,
                    "query": query,
                    "status": status,
                    "fault": fault,
                    "duration_ms": round(duration * 1000, 3),
                    "body": body,
                }
            )

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(entry) for entry in self._entries]

    def reset(self) -> None:
        with self._lock:
            self._entries.clear()

    def summary(self) -> dict[str, Any]:
        """The log plus counts by "METHOD path" and by status, as the admin path serves it."""
        entries = self.entries()
        by_route = Counter(f"{e['method']} {e['path']}" for e in entries)
        by_status = Counter(str(e["status"]) for e in entries)
        return {
            "total": len(entries),
            "mutating": sum(1 for e in entries if e["method"] in MUTATING_METHODS),
            "counts": dict(sorted(by_route.items())),
            "statuses": dict(sorted(by_status.items())),
            "requests": entries,
        }
