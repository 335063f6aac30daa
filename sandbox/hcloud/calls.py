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
