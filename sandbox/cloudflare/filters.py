"""List filters, ordering and page-number pagination as the v4 API applies them.

Pagination: ``page`` (from 1) and ``per_page``; ``result_info`` says
``page, per_page, count, total_count, total_pages``. A page past the last one
answers an empty ``result``: the SDK's paginator stops only on an empty page.
Out-of-range ``per_page`` values are clamped into the documented range.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sandbox.cloudflare import envelope
from sandbox.common.server import Request

T = TypeVar("T")


@dataclass(frozen=True)
class PageRule:
    default: int
    minimum: int
    maximum: int


ZONE_PAGES = PageRule(default=20, minimum=5, maximum=50)
RECORD_PAGES = PageRule(default=100, minimum=5, maximum=5_000_000)


def _positive_int(request: Request, name: str, default: int) -> int:
    raw = request.arg(name)
    if raw is None or raw == "":
        return default
    try:
        return int(float(raw))
    except ValueError as exc:
        # Chosen by the simulator: Cloudflare's code for a non-numeric page is not public.
        raise envelope.CloudflareError(400, 1001, f"Invalid value for {name}: {raw!r} is not a number") from exc


def paginate(request: Request, items: Sequence[T], rule: PageRule) -> tuple[list[T], dict[str, Any]]:
    page = max(1, _positive_int(request, "page", 1))
    per_page = min(rule.maximum, max(rule.minimum, _positive_int(request, "per_page", rule.default)))
    total = len(items)
    start = (page - 1) * per_page
    chunk = list(items[start : start + per_page])
    info = {
        "page": page,
        "per_page": per_page,
        "count": len(chunk),
        "total_count": total,
        "total_pages": max(1, -(-total // per_page)),
    }
    return chunk, info


def order(request: Request, items: list[T], keys: dict[str, Callable[[T], Any]]) -> list[T]:
    """Sort by ``order`` (one of ``keys``) and ``direction``; unknown or missing order keeps creation order."""
    field = request.arg("order")
    descending = (request.arg("direction") or "asc").lower() == "desc"
    if field in keys:
        return sorted(items, key=keys[field], reverse=descending)
    return list(reversed(items)) if descending else list(items)


# -- string matching -------------------------------------------------------------
def text_match(operator: str, actual: str | None, wanted: str) -> bool:
    """The record-list operators (``exact, contains, startswith, endswith``), case-insensitive."""
    if actual is None:
        return False
    actual, wanted = actual.lower(), wanted.lower()
    if operator == "exact":
        return actual == wanted
    if operator == "contains":
        return wanted in actual
    if operator == "startswith":
        return actual.startswith(wanted)
    if operator == "endswith":
        return actual.endswith(wanted)
    raise ValueError(operator)


ZONE_NAME_OPERATORS = (
    "equal",
    "not_equal",
    "starts_with",
    "ends_with",
    "contains",
    "starts_with_case_sensitive",
    "ends_with_case_sensitive",
    "contains_case_sensitive",
)


def zone_name_match(expression: str, actual: str) -> bool:
    """The zone-list ``name`` filter: ``[operator:]value``, ``equal`` by default."""
    operator, sep, value = expression.partition(":")
    if not sep or operator not in ZONE_NAME_OPERATORS:
        operator, value = "equal", expression
    sensitive = operator.endswith("_case_sensitive")
    base = operator.removesuffix("_case_sensitive")
    if not sensitive:
        actual, value = actual.lower(), value.lower()
    if base == "equal":
        return actual == value
    if base == "not_equal":
        return actual != value
    if base == "starts_with":
        return actual.startswith(value)
    if base == "ends_with":
        return actual.endswith(value)
    return value in actual
