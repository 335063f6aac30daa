"""The Hetzner Cloud API simulator as a ``Service``: authentication, rate limit, routing, errors."""

from __future__ import annotations

import itertools
from typing import Any

from sandbox.common.clock import SimClock
from sandbox.common.server import Request, Response, Service
from sandbox.hcloud import actions, admin, catalog, firewalls, floating_ips, primary_ips, server_actions, servers, ssh_keys, volumes
from sandbox.hcloud.calls import Call, Route
from sandbox.hcloud.devices import DeviceLinks
from sandbox.hcloud.errors import ApiError, error_response, fault_error
from sandbox.hcloud.ratelimit import RateBudget
from sandbox.hcloud.world import KINDS, Project, World

API_PREFIX = "/v1"
# Fixed, obviously fake tokens of the two projects the design names. Sandbox only:
# no real Hetzner token looks like this, and none is ever needed here.
SANDBOX_TOKENS = {
    "production": "sandboxHcloudProductionTokenNotARealSecret000000000000000000000",
    "ci": "sandboxHcloudCiTokenNotARealSecret00000000000000000000000000000000",
}
# Real API areas the sandbox does not simulate: answered 501 so nobody mistakes them for "not found".
NOT_SIMULATED = frozenset(
    {
        "certificates",
        "datacenters",
        "isos",
        "load_balancer_types",
        "load_balancers",
        "networks",
        "placement_groups",
        "pricing",
        "zones",
        "storage_boxes",
        "storage_box_types",
    }
)
ROUTES: list[Route] = [
    *actions.ROUTES,
    *catalog.ROUTES,
    *servers.ROUTES,
    *server_actions.ROUTES,
    *volumes.ROUTES,
    *floating_ips.ROUTES,
    *primary_ips.ROUTES,
    *ssh_keys.ROUTES,
    *firewalls.ROUTES,
]


def _index(routes: list[Route]) -> dict[str, list[Route]]:
    """Routes by the first path segment, so a request tries only the handful that can match."""
    index: dict[str, list[Route]] = {}
    for route in routes:
        index.setdefault(route.pattern.split("/")[1], []).append(route)
    return index


class HcloudService(Service):
    """Hetzner Cloud API v1 under ``/v1``; admin calls under ``/__sandbox__/hcloud/``."""

    name = "hcloud"

    def __init__(
        self,
        tokens: dict[str, str] | None = None,
        *,
        speed: float | None = None,
        durations: dict[str, float] | None = None,
        device_links: str | None = None,
    ) -> None:
        """``tokens`` maps project name to token (default ``SANDBOX_TOKENS``); ``speed`` scales simulated time.

        ``device_links`` names a folder where attached volumes appear as links for stand-in hosts (``devices.py``).
        """
        self.tokens = dict(SANDBOX_TOKENS if tokens is None else tokens)
        self.speed_override = speed
        self.durations = {**actions.DEFAULT_DURATIONS, **(durations or {})}
        self.world = World(self.tokens, SimClock(1.0 if speed is None else speed), self.durations)
        self.anonymous = RateBudget()
        self._routes = _index(ROUTES)
        self._correlation = itertools.count(1)
        self.devices = DeviceLinks(device_links) if device_links else None

    # -- the API -------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        project = self._project(request)
        budget = project.budget if project is not None else self.anonymous
        if not budget.take():
            response = error_response(429, "rate_limit_exceeded", f"limit of {budget.limit} requests per hour reached")
        elif project is None:
            response = error_response(401, "unauthorized", "unable to authenticate")
        else:
            try:
                response = self._route(request, project)
            except ApiError as exc:
                response = exc.response()
            if self.devices is not None:
                self.devices.sync(self.world)
        return self._decorate(response, budget)

    def _project(self, request: Request) -> Project | None:
        scheme, _space, token = (request.header("authorization") or "").partition(" ")
        if scheme.lower() != "bearer":
            return None
        return self.world.by_token.get(token.strip())

    def _route(self, request: Request, project: Project) -> Response:
        if request.path != API_PREFIX and not request.path.startswith(API_PREFIX + "/"):
            raise ApiError("not_found", f"no API at {request.path}; the API lives under {API_PREFIX}")
        path = request.path[len(API_PREFIX) :].rstrip("/") or "/"
        first = path.split("/")[1]
        allowed = []
        for route in self._routes.get(first, []):
            match = route.regex.match(path)
            if match is None:
                continue
            if route.method == request.method:
                actions.advance(self.world, project)
                return route.handler(Call(self.world, project, request, match.groupdict()))
            allowed.append(route.method)
        unsimulated = ApiError("not_implemented", f"the hcloud sandbox does not simulate {request.method} {API_PREFIX}{path}")
        # Snapshots/backups (images other than GET) and the server actions left out (enable_rescue, ...).
        if (first == "images" and request.method != "GET") or (first in KINDS and request.method == "POST" and "/actions/" in path):
            raise unsimulated
        if allowed:
            raise ApiError("method_not_allowed", f"{request.method} is not allowed here; use {', '.join(sorted(set(allowed)))}")
        if first in NOT_SIMULATED or first in KINDS:  # e.g. /networks, /servers/{id}/metrics, other actions
            raise unsimulated
        raise ApiError("not_found", f"{API_PREFIX}{path} not found")

    def _decorate(self, response: Response, budget: RateBudget) -> Response:
        response.headers.update(budget.headers())
        response.headers["X-Correlation-Id"] = f"{next(self._correlation):016x}"
        return response

    def fault_response(self, request: Request, status: int) -> Response:
        code, message = fault_error(status)
        project = self._project(request)
        budget = project.budget if project is not None else self.anonymous
        response = self._decorate(error_response(status, code, message), budget)
        if status == 429:
            response.headers["RateLimit-Remaining"] = "0"
        return response

    # -- sandbox ---------------------------------------------------------------
    def admin(self, request: Request, subpath: str) -> Response | None:
        if subpath == "hcloud" or subpath.startswith("hcloud/"):
            return admin.handle(self, request, subpath[len("hcloud") :].strip("/"))
        return None

    def reset(self) -> None:
        """A fresh world with the configured projects; the clock keeps running at its speed."""
        self.world = World(self.tokens, self.world.clock, self.durations)

    def advance_all(self) -> None:
        for project in self.world.projects.values():
            actions.advance(self.world, project)

    def snapshot(self) -> dict[str, Any]:
        self.advance_all()
        return self.world.snapshot()

    def restore(self, data: dict[str, Any]) -> None:
        self.world.restore(data)
        if self.speed_override is not None:
            self.world.clock.set_speed(self.speed_override)
        for name, token in self.tokens.items():
            if name not in self.world.projects:
                self.world.add_project(name, token)
