"""Sorting and pagination of list answers: ``sort``, ``page``, ``per_page`` and ``meta.pagination``.

``per_page`` defaults to 25 and is capped at 50, the documented maximum;
a page past the last answers an empty list. Every list answer carries
``meta.pagination`` and a ``Link`` header with the prev/next/last pages.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlencode

from sandbox.common.server import Request
from sandbox.hcloud.errors import invalid_input
from sandbox.hcloud.inputs import query_int

DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 50


def sort_choices(*fields: str) -> frozenset[str]:
    return frozenset(f"{field}{suffix}" for field in fields for suffix in ("", ":asc", ":desc"))


def sort_records(request: Request, records: list[dict[str, Any]], allowed: frozenset[str]) -> list[dict[str, Any]]:
    """Order by the ``sort`` parameters (first one most significant); by id when none is given."""
    keys = request.args("sort")
    bad = [key for key in keys if key not in allowed]
    if bad:
        raise invalid_input({"sort": [f"cannot sort by {bad[0]!r}; one of {', '.join(sorted(allowed))}"]})
    ordered = sorted(records, key=lambda record: record["id"])
    for key in reversed(keys):
        field, _colon, direction = key.partition(":")
        # None (e.g. an unfinished action's "finished") sorts first, like SQL's NULLS FIRST.
        ordered.sort(key=lambda record, name=field: (record.get(name) is not None, record.get(name) or 0), reverse=direction == "desc")
    return ordered


def page_of(request: Request, records: list[Any]) -> tuple[list[Any], dict[str, Any], str]:
    """The requested page, ``meta.pagination`` and the value of the ``Link`` header."""
    page = query_int(request, "page", 1)
    per_page = min(query_int(request, "per_page", DEFAULT_PER_PAGE), MAX_PER_PAGE)
    total = len(records)
    last_page = max(1, math.ceil(total / per_page))
    start = (page - 1) * per_page
    pagination = {
        "page": page,
        "per_page": per_page,
        "previous_page": page - 1 if page > 1 else None,
        "next_page": page + 1 if page < last_page else None,
        "last_page": last_page,
        "total_entries": total,
    }
    return records[start : start + per_page], pagination, _link_header(request, pagination)


def _link_header(request: Request, pagination: dict[str, Any]) -> str:
    host = request.header("host", "localhost")
    query = [(name, value) for name, values in request.query.items() if name not in ("page", "per_page") for value in values]
    links = []
    for rel, page in (("prev", pagination["previous_page"]), ("next", pagination["next_page"]), ("last", pagination["last_page"])):
        if page is not None:
            params = urlencode([*query, ("page", page), ("per_page", pagination["per_page"])])
            links.append(f'<http://{host}{request.path}?{params}>; rel="{rel}"')
    return ", ".join(links)


def list_answer(
    request: Request,
    root: str,
    records: Iterable[dict[str, Any]],
    render: Callable[[dict[str, Any]], dict[str, Any]],
    allowed_sort: frozenset[str],
) -> tuple[dict[str, Any], dict[str, str]]:
    """Body and headers of a list call: sorted, paged, rendered."""
    ordered = sort_records(request, list(records), allowed_sort)
    page, pagination, link = page_of(request, ordered)
    return {root: [render(record) for record in page], "meta": {"pagination": pagination}}, {"Link": link}
