"""The per-project request budget behind the ``RateLimit-*`` headers and ``rate_limit_exceeded``.

As documented: 3600 requests per hour by default, bursts allowed, one
request back every ``3600 / limit`` seconds. The budget runs on the wall
clock, not on simulated time: it is about how fast a client talks to us,
which the speed factor of simulated actions does not change.
"""

from __future__ import annotations

import math
import time
from typing import Any

DEFAULT_LIMIT = 3600
HOUR = 3600.0


class RateBudget:
    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        self.limit = limit
        self._remaining = float(limit)
        self._updated = time.time()

    def _refill(self) -> None:
        now = time.time()
        self._remaining = min(float(self.limit), self._remaining + (now - self._updated) * self.limit / HOUR)
        self._updated = now

    def take(self) -> bool:
        """Spend one request; False (and nothing spent) when the budget is used up."""
        self._refill()
        if self._remaining < 1:
            return False
        self._remaining -= 1
        return True

    def set(self, limit: int | None = None, remaining: float | None = None) -> None:
        self._refill()
        if limit is not None:
            if limit < 1:
                raise ValueError(f"limit must be 1 or more, got {limit!r}")
            self.limit = limit
            self._remaining = min(self._remaining, float(limit))
        if remaining is not None:
            if not 0 <= remaining <= self.limit:
                raise ValueError(f"remaining must be between 0 and the limit {self.limit}, got {remaining!r}")
            self._remaining = float(remaining)

    def headers(self) -> dict[str, str]:
        self._refill()
        missing = self.limit - self._remaining
        reset = math.ceil(self._updated + missing * HOUR / self.limit)
        return {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(math.floor(self._remaining)),
            "RateLimit-Reset": str(reset),
        }

    def state(self) -> dict[str, Any]:
        self._refill()
        return {"limit": self.limit, "remaining": math.floor(self._remaining)}
