"""Just enough bucket-policy evaluation for anonymous reads of a public bucket.

Hetzner buckets are private; a bucket policy that allows ``s3:GetObject`` to
everyone (``"Principal": "*"``) makes its objects readable without keys. This
evaluates exactly that case: anonymous GetObject/HeadObject. A statement with a
``Condition`` is not evaluated and never grants access.
"""

from __future__ import annotations

import fnmatch
import json
from typing import Any


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _everyone(principal: Any) -> bool:
    if principal == "*":
        return True
    return isinstance(principal, dict) and "*" in _as_list(principal.get("AWS"))


def _matches(patterns: Any, value: str, *, case_sensitive: bool) -> bool:
    for pattern in _as_list(patterns):
        if not isinstance(pattern, str):
            continue
        if case_sensitive and fnmatch.fnmatchcase(value, pattern):
            return True
        if not case_sensitive and fnmatch.fnmatchcase(value.lower(), pattern.lower()):
            return True
    return False


def allows_anonymous(policy: str | bytes | None, action: str, resource: str) -> bool:
    if not policy:
        return False
    try:
        document = json.loads(policy)
    except ValueError:
        return False
    allowed = False
    for statement in _as_list(document.get("Statement", [])):
        if not isinstance(statement, dict) or statement.get("Condition") or not _everyone(statement.get("Principal")):
            continue
        if not _matches(statement.get("Action"), action, case_sensitive=False):
            continue
        if not _matches(statement.get("Resource"), resource, case_sensitive=True):
            continue
        if statement.get("Effect") == "Deny":
            return False
        if statement.get("Effect") == "Allow":
            allowed = True
    return allowed
