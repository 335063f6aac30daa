"""Actions: asynchronous work that runs in simulated time, and the endpoints that read them.

An action runs for the duration its command takes (``DEFAULT_DURATIONS``,
simulated seconds) from its start; one queued behind another (the
``next_actions`` of a create call) starts when its predecessor ends, and ends
in error if the predecessor did. Nothing runs in the background: before each
request the service calls ``advance``, which completes every action whose end
has passed, in order of their ends, and applies its effect through the
finisher its resource module registered. While an action runs, the resources
in its ``locks`` are locked: another action on them answers ``locked``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sandbox.common.clock import rfc3339
from sandbox.common.server import Response
from sandbox.hcloud.calls import Call, Route, answer
from sandbox.hcloud.errors import invalid_input, not_found
from sandbox.hcloud.inputs import query_choices
from sandbox.hcloud.pagination import list_answer, sort_choices
from sandbox.hcloud.world import KINDS, Project, World

# Simulated seconds each command takes; realistic figures, divided by the speed factor in tests.
DEFAULT_DURATIONS: dict[str, float] = {
    "create_server": 30,
    "start_server": 10,
    "stop_server": 5,
    "shutdown_server": 15,
    "reboot_server": 15,
    "reset_server": 5,
    "change_server_type": 60,
    "rebuild_server": 45,
    "delete_server": 10,
    "change_protection": 0,
    "change_dns_ptr": 2,
    "create_volume": 10,
    "attach_volume": 5,
    "detach_volume": 5,
    "resize_volume": 5,
    "create_floating_ip": 3,
    "assign_floating_ip": 3,
    "unassign_floating_ip": 3,
    "create_primary_ip": 2,
    "assign_primary_ip": 3,
    "unassign_primary_ip": 3,
    "set_firewall_rules": 3,
    "apply_firewall": 3,
    "remove_firewall": 3,
}

Finisher = Callable[[World, Project, dict[str, Any], bool], None]
FINISHERS: dict[str, Finisher] = {}
ACTION_STATUSES = frozenset({"running", "success", "error"})
ACTION_SORT = sort_choices("id", "command", "status", "started", "finished")


def on_finish(command: str) -> Callable[[Finisher], Finisher]:
    """Register what happens to the world when an action of ``command`` ends (ok: success, else error)."""

    def register(function: Finisher) -> Finisher:
        FINISHERS[command] = function
        return function

    return register


def start(
    call: Call,
    command: str,
    resources: list[tuple[str, int]],
    *,
    params: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    locks: list[tuple[str, int]] | None = None,
) -> dict[str, Any]:
    """Create a running action (queued behind ``after`` if given); zero-length ones finish at once."""
    world, project = call.world, call.project
    action = {
        "id": world.new_id("actions"),
        "command": command,
        "status": "running",
        "progress": 0,
        "started": call.now,
        "finished": None,
        "resources": [{"id": resource_id, "type": kind} for kind, resource_id in resources],
        "locks": [{"id": resource_id, "type": kind} for kind, resource_id in (resources if locks is None else locks)],
        "error": None,
        "duration": float(world.durations.get(command, 0)),
        "after": None if after is None else after["id"],
        "params": params or {},
        "fail": world.take_failure(project, command),
    }
    project.actions[action["id"]] = action
    project.running.add(action["id"])
    if action["duration"] == 0 and after is None:
        _complete(world, project, action, action["started"])
    return action


def _start_time(project: Project, action: dict[str, Any]) -> float | None:
    if action["after"] is None:
        return action["started"]
    before = project.actions[action["after"]]
    return None if before["status"] == "running" else max(before["finished"], action["started"])


def _complete(world: World, project: Project, action: dict[str, Any], at: float) -> None:
    before = project.actions.get(action["after"]) if action["after"] else None
    if action["fail"] is not None:
        action["status"], action["error"] = "error", dict(action["fail"])
    elif before is not None and before["status"] == "error":
        action["status"] = "error"
        action["error"] = {"code": "action_failed", "message": f"Action {before['id']} ({before['command']}) it depends on failed"}
    else:
        action["status"] = "success"
    action["finished"] = at
    action["progress"] = 100
    project.running.discard(action["id"])
    finisher = FINISHERS.get(action["command"])
    if finisher is not None:
        finisher(world, project, action, action["status"] == "success")


def advance(world: World, project: Project) -> None:
    """Complete, in order, every action of the project whose end has passed."""
    now = world.now()
    while project.running:
        due: tuple[float, int] | None = None
        for action_id in project.running:
            action = project.actions[action_id]
            begin = _start_time(project, action)
            if begin is None:
                continue
            end = begin + action["duration"]
            if end <= now and (due is None or (end, action_id) < due):
                due = (end, action_id)
        if due is None:
            return
        _complete(world, project, project.actions[due[1]], due[0])


def progress(world: World, project: Project, action: dict[str, Any]) -> int:
    if action["status"] != "running":
        return action["progress"]
    begin = _start_time(project, action)
    if begin is None or action["duration"] <= 0:
        return 0
    return max(0, min(99, int(100 * (world.now() - begin) / action["duration"])))


def render(world: World, project: Project, action: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": action["id"],
        "command": action["command"],
        "status": action["status"],
        "progress": progress(world, project, action),
        "started": rfc3339(action["started"]),
        "finished": None if action["finished"] is None else rfc3339(action["finished"]),
        "resources": [dict(resource) for resource in action["resources"]],
        "error": None if action["error"] is None else dict(action["error"]),
    }


def render_call(call: Call, action: dict[str, Any]) -> dict[str, Any]:
    return render(call.world, call.project, action)


def _touches(action: dict[str, Any], singular: str, resource_id: int | None = None) -> bool:
    return any(r["type"] == singular and (resource_id is None or r["id"] == resource_id) for r in action["resources"])


def _list(call: Call, actions: list[dict[str, Any]]) -> Response:
    statuses = set(query_choices(call.request, "status", ACTION_STATUSES))
    ids = {_action_id(value) for value in call.request.args("id")}
    chosen = [a for a in actions if (not statuses or a["status"] in statuses) and (not ids or a["id"] in ids)]
    body, headers = list_answer(call.request, "actions", chosen, lambda action: render_call(call, action), ACTION_SORT)
    return answer(200, body, headers)


def _action_id(raw: str) -> int:
    if not raw.isdigit():
        raise invalid_input({"id": [f"must be an action ID, got {raw!r}"]})
    return int(raw)


def _one(call: Call, action_id: int, singular: str | None = None, resource_id: int | None = None) -> Response:
    action = call.project.actions.get(action_id)
    if action is None or (singular is not None and not _touches(action, singular, resource_id)):
        raise not_found("action", action_id)
    return answer(200, {"action": render_call(call, action)})


def get_actions(call: Call) -> Response:
    """``GET /actions?id=..``: the listed actions of the project (listing all was removed from the API)."""
    raw = call.request.args("id")
    if not raw:
        raise invalid_input({"id": ["is required: list actions through the resource they belong to"]})
    ids = [_action_id(value) for value in raw]
    found = [call.project.actions[action_id] for action_id in dict.fromkeys(ids) if action_id in call.project.actions]
    return answer(200, {"actions": [render_call(call, action) for action in found]})


def get_action(call: Call) -> Response:
    return _one(call, call.id())


def resource_action_routes(collection: str) -> list[Route]:
    """The four read-only action endpoints every resource with actions has."""
    singular = KINDS[collection]

    def list_all(call: Call) -> Response:
        return _list(call, [a for a in call.project.actions.values() if _touches(a, singular)])

    def get_any(call: Call) -> Response:
        return _one(call, call.id(), singular)

    def list_for(call: Call) -> Response:
        resource_id = call.id()
        call.project.get(collection, resource_id)
        return _list(call, [a for a in call.project.actions.values() if _touches(a, singular, resource_id)])

    def get_for(call: Call) -> Response:
        resource_id = call.id()
        call.project.get(collection, resource_id)
        return _one(call, call.id("action_id"), singular, resource_id)

    return [
        Route("GET", f"/{collection}/actions", list_all),
        Route("GET", f"/{collection}/actions/{{id}}", get_any),
        Route("GET", f"/{collection}/{{id}}/actions", list_for),
        Route("GET", f"/{collection}/{{id}}/actions/{{action_id}}", get_for),
    ]


ROUTES = [Route("GET", "/actions", get_actions), Route("GET", "/actions/{id}", get_action)]
