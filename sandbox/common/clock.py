"""Simulated time for simulators whose work takes time (actions, provisioning).

Simulated time runs at ``speed`` times the wall clock from an anchor, so it
needs no background thread: whoever asks computes "now". Because it is tied
to the wall clock (not to a counter of requests), a state file written by one
process and read by the next stays consistent: time went on in between.
``speed`` 0 freezes time; ``advance`` then moves it by hand, which makes
in-between states (a running action, a locked resource) deterministic.
"""

from __future__ import annotations

import functools
import threading
import time
from datetime import UTC, datetime
from typing import Any


def rfc3339(timestamp: float) -> str:
    """A UNIX timestamp as RFC 3339 in UTC with whole seconds, the way most cloud APIs print it."""
    return _rfc3339(int(timestamp))


@functools.lru_cache(maxsize=4096)
def _rfc3339(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, tz=UTC).isoformat()


class SimClock:
    """Simulated seconds since the epoch, running ``speed`` times as fast as the wall clock."""

    def __init__(self, speed: float = 1.0, start: float | None = None) -> None:
        if speed < 0:
            raise ValueError(f"speed must be zero or more, got {speed!r}")
        self._lock = threading.Lock()
        self._wall_anchor = time.time()
        self._sim_anchor = self._wall_anchor if start is None else start
        self._speed = float(speed)

    @property
    def speed(self) -> float:
        return self._speed

    def now(self) -> float:
        with self._lock:
            return self._now_locked()

    def _now_locked(self) -> float:
        return self._sim_anchor + (time.time() - self._wall_anchor) * self._speed

    def set_speed(self, speed: float) -> None:
        """Change the factor from now on; simulated time does not jump."""
        if speed < 0:
            raise ValueError(f"speed must be zero or more, got {speed!r}")
        with self._lock:
            self._sim_anchor = self._now_locked()
            self._wall_anchor = time.time()
            self._speed = float(speed)

    def advance(self, seconds: float) -> None:
        """Jump simulated time forward (never back: finished work cannot un-finish)."""
        if seconds < 0:
            raise ValueError(f"seconds must be zero or more, got {seconds!r}")
        with self._lock:
            self._sim_anchor += seconds

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {"wall_anchor": self._wall_anchor, "sim_anchor": self._sim_anchor, "speed": self._speed}

    def restore(self, data: dict[str, Any]) -> None:
        with self._lock:
            self._wall_anchor = float(data["wall_anchor"])
            self._sim_anchor = float(data["sim_anchor"])
            self._speed = float(data["speed"])
