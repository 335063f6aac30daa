"""Fault injection shared by every simulator.

A rule matches requests by method and a path regex and then either answers
with an error status (the service shapes the body), drops the connection
without an answer, or only adds latency before the normal answer. With
``after`` the request is carried out first and only its answer is replaced:
the client cannot tell whether its write happened (a timeout after commit). A rule
applies to the next ``count`` matches, to a seeded ``fraction`` of matches,
or to every match until it is cleared. The random source is seeded so that a
sequential test sees the same faults on every run.
"""

from __future__ import annotations

import itertools
import random
import re
import threading
from dataclasses import asdict, dataclass, field
from typing import Any

DROP = "drop"


class FaultRuleError(ValueError):
    """A fault rule that cannot be used; the message names the field."""


@dataclass
class FaultRule:
    method: str | None = None
    path: str | None = None
    status: int | None = None
    drop: bool = False
    latency: float = 0.0
    after: bool = False
    count: int | None = None
    fraction: float | None = None
    id: int = 0
    hits: int = 0
    _pattern: re.Pattern[str] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.method is not None:
            self.method = self.method.upper()
        if self.status is not None and not 100 <= int(self.status) <= 599:
            raise FaultRuleError(f"status must be an HTTP status between 100 and 599, got {self.status!r}")
        if self.drop and self.status is not None:
            raise FaultRuleError("a rule either drops the connection or answers with a status, not both")
        if not self.drop and self.status is None and not self.latency:
            raise FaultRuleError("a rule needs one of status, drop or latency")
        if self.after and not self.drop and self.status is None:
            raise FaultRuleError("after needs drop or status: it replaces the answer of a request that was carried out")
        if self.latency < 0:
            raise FaultRuleError(f"latency must be zero or more seconds, got {self.latency!r}")
        if self.count is not None and self.count < 1:
            raise FaultRuleError(f"count must be 1 or more, got {self.count!r}")
        if self.fraction is not None and not 0.0 < self.fraction <= 1.0:
            raise FaultRuleError(f"fraction must be in (0, 1], got {self.fraction!r}")
        try:
            self._pattern = re.compile(self.path) if self.path else None
        except re.error as exc:
            raise FaultRuleError(f"path is not a valid regular expression: {exc}") from exc

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FaultRule:
        known = {"method", "path", "status", "drop", "latency", "after", "count", "fraction"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise FaultRuleError(f"unknown fault rule field(s): {', '.join(unknown)}")
        return cls(**data)

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method != method:
            return False
        return self._pattern is None or self._pattern.search(path) is not None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("_pattern")
        return data


@dataclass
class Fault:
    """What to do to one request."""

    latency: float = 0.0
    status: int | None = None
    drop: bool = False
    after: bool = False
    rule_ids: list[int] = field(default_factory=list)

    @property
    def kind(self) -> str | None:
        suffix = "-after" if self.after else ""
        if self.drop:
            return DROP + suffix
        if self.status is not None:
            return str(self.status) + suffix
        if self.latency:
            return "latency"
        return None


class FaultInjector:
    """The active rules of one simulator, evaluated per request under a lock."""

    def __init__(self, seed: int = 0) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []
        self._ids = itertools.count(1)
        self._random = random.Random(seed)
        self.seed = seed

    def add(self, rule: FaultRule | dict[str, Any]) -> FaultRule:
        if isinstance(rule, dict):
            rule = FaultRule.from_dict(rule)
        with self._lock:
            rule.id = next(self._ids)
            self._rules.append(rule)
        return rule

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def reseed(self, seed: int) -> None:
        with self._lock:
            self.seed = seed
            self._random = random.Random(seed)

    def rules(self) -> list[dict[str, Any]]:
        with self._lock:
            return [rule.to_dict() for rule in self._rules]

    def decide(self, method: str, path: str) -> Fault:
        """Pick the fault for one request; latency adds up, the first answering rule wins."""
        fault = Fault()
        with self._lock:
            for rule in list(self._rules):
                if not rule.matches(method, path):
                    continue
                if rule.fraction is not None and self._random.random() >= rule.fraction:
                    continue
                answers = rule.drop or rule.status is not None
                if answers and (fault.drop or fault.status is not None):
                    continue  # an earlier rule already answers this request
                rule.hits += 1
                fault.rule_ids.append(rule.id)
                fault.latency += rule.latency
                fault.drop = fault.drop or rule.drop
                if rule.status is not None:
                    fault.status = rule.status
                if answers:
                    fault.after = rule.after
                if rule.count is not None:
                    rule.count -= 1
                    if rule.count == 0:
                        self._rules.remove(rule)
        return fault
