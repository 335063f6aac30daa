"""The hcloud simulator's own admin calls, under ``/__sandbox__/hcloud/`` (see docs/sandbox.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sandbox.common.server import Request, Response
from sandbox.hcloud import actions

if TYPE_CHECKING:
    from sandbox.hcloud.service import HcloudService

FAIL_FIELDS = {"command", "project", "count", "code", "message"}


def _payload(request: Request) -> dict[str, Any]:
    data = request.json() or {}
    if not isinstance(data, dict):
        raise ValueError("the admin payload must be a JSON object")
    return data


def _project(service: HcloudService, data: dict[str, Any]) -> Any:
    name = data.get("project", "production")
    if name not in service.world.projects:
        raise ValueError(f"no project {name!r}; projects: {', '.join(sorted(service.world.projects))}")
    return service.world.projects[name]


def _number(data: dict[str, Any], name: str) -> float:
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{name} must be a number, got {value!r}")
    return float(value)


def handle(service: HcloudService, request: Request, subpath: str) -> Response | None:
    """Answer one admin call; None for an unknown path (the server answers 404)."""
    world, method = service.world, request.method
    if subpath == "state":
        if method == "PUT":
            service.restore(_payload(request))
            return Response.empty(204)
        return Response.json(200, service.snapshot())
    if subpath == "reset" and method == "POST":
        service.reset()
        return Response.empty(204)
    if subpath == "projects":
        if method == "POST":
            data = _payload(request)
            name, token = data.get("name"), data.get("token")
            if not isinstance(name, str) or not name or not isinstance(token, str) or not token:
                raise ValueError("a project needs a non-empty name and token")
            world.add_project(name, token)
            service.tokens[name] = token
            return Response.empty(204)
        return Response.json(200, {"projects": [{"name": p.name, "token": p.token} for p in world.projects.values()]})
    if subpath == "speed":
        if method == "PUT":
            service.advance_all()
            world.clock.set_speed(_number(_payload(request), "speed"))
        return Response.json(200, {"speed": world.clock.speed, "now": world.now()})
    if subpath == "advance" and method == "POST":
        service.advance_all()
        world.clock.advance(_number(_payload(request), "seconds"))
        service.advance_all()
        return Response.json(200, {"now": world.now()})
    if subpath == "durations":
        if method == "PUT":
            data = _payload(request)
            unknown = sorted(set(data) - set(actions.DEFAULT_DURATIONS))
            if unknown:
                raise ValueError(f"unknown command(s): {', '.join(unknown)}")
            world.durations.update({command: _number(data, command) for command in data})
        return Response.json(200, {"durations": dict(world.durations)})
    if subpath == "fail_next":
        return _fail_next(service, request)
    if subpath == "fail_action" and method == "POST":
        return _fail_action(service, _payload(request))
    if subpath == "rate_limit":
        if method == "PUT":
            data = _payload(request)
            _project(service, data).budget.set(data.get("limit"), data.get("remaining"))
        return Response.json(200, {"projects": {name: p.budget.state() for name, p in world.projects.items()}})
    if subpath == "limits":
        if method == "PUT":
            data = _payload(request)
            project = _project(service, data)
            changes = {key: value for key, value in data.items() if key != "project"}
            unknown = sorted(set(changes) - set(project.limits))
            if unknown:
                raise ValueError(f"unknown limit(s): {', '.join(unknown)}")
            project.limits.update({key: int(value) for key, value in changes.items()})
        return Response.json(200, {"projects": {name: dict(p.limits) for name, p in world.projects.items()}})
    return None


def _fail_next(service: HcloudService, request: Request) -> Response:
    """Make the next ``count`` actions of a command (in a project, or any) end in error."""
    world = service.world
    if request.method == "DELETE":
        world.fail_rules.clear()
        return Response.empty(204)
    if request.method == "POST":
        data = _payload(request)
        unknown = sorted(set(data) - FAIL_FIELDS)
        if unknown:
            raise ValueError(f"unknown field(s): {', '.join(unknown)}")
        command = data.get("command")
        if command is not None and command not in actions.DEFAULT_DURATIONS:
            raise ValueError(f"unknown command {command!r}")
        if data.get("project") is not None:
            _project(service, data)
        count = data.get("count", 1)
        if count is not None and (not isinstance(count, int) or count < 1):
            raise ValueError(f"count must be 1 or more, or null for every action, got {count!r}")
        world.fail_rules.append({"command": command, "project": data.get("project"), "count": count, "code": data.get("code"), "message": data.get("message")})
        return Response.json(201, {"rules": world.fail_rules})
    return Response.json(200, {"rules": world.fail_rules})


def _fail_action(service: HcloudService, data: dict[str, Any]) -> Response:
    """Make one running action end in error when its time is up."""
    service.advance_all()
    action_id = data.get("id")
    for project in service.world.projects.values():
        action = project.actions.get(action_id)  # type: ignore[arg-type]
        if action is None:
            continue
        if action["status"] != "running":
            raise ValueError(f"action {action_id} has already ended ({action['status']})")
        action["fail"] = {"code": data.get("code") or "action_failed", "message": data.get("message") or "Action failed"}
        return Response.json(200, {"action": actions.render(service.world, project, action)})
    raise ValueError(f"no action {action_id!r}")
