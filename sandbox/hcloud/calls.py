"""What a request handler gets (``Call``) and how handlers are routed."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sandbox.common.server import Request, Response
from sandbox.hcloud.inputs import Body, json_body, path_id
from sandbox.hcloud.world import Project, World


@dataclass
class Call:
    world: World
    project: Project
    request: Request
    params: dict[str, str]
    _body: Body | None = field(default=None, repr=False)

    @property
    def now(self) -> float:
        return self.world.now()

    def body(self) -> Body:
        if self._body is None:
            self._body = Body(json_body(self.request))
        return self._body

    def id(self, name: str = "id") -> int:
        return path_id(self.params[name], name)


Handler = Callable[[Call], Response]


@dataclass
class Route:
    method: str
    pattern: str
    handler: Handler
    regex: re.Pattern[str] = field(init=False)

    def __post_init__(self) -> None:
        self.regex = re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", self.pattern) + "$")


def answer(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    return Response.json(status, body, headers)


def update_record(
    call: Call,
    kind: str,
    *,
    name_error: Callable[[str], object] | None = None,
    max_len: int | None = None,
    more: Callable[[Body], Callable[[dict[str, Any]], None]] | None = None,
) -> dict[str, Any]:
    """The ``PUT /<kind>/{id}`` every resource has: a name unique in the project, labels, and ``more`` fields.

    ``more`` reads its fields from the body (so their errors are reported with
    the others) and returns what applies them once the whole body is valid.
    """
    record = call.project.get(kind, call.id())
    body = call.body()
    name = body.string("name", min_len=1, max_len=max_len)
    labels = body.labels()
    apply_more = more(body) if more is not None else None
    problem = name_error(name) if name is not None and name_error is not None else None
    if problem:
        body.error("name", str(problem))
    body.check()
    if name is not None:
        call.project.require_unique_name(kind, name, record["id"])
        record["name"] = name
    if labels is not None:
        record["labels"] = labels
    if apply_more is not None:
        apply_more(record)
    return record
