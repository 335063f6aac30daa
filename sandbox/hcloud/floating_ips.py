"""Floating IPs: created with a ``server`` or a ``home_location``, assigned and moved between servers.

Assigning a floating IP to the server it is already on answers
``floating_ip_assigned``; assigning it to another server moves it (what
Hetzner's own Ansible modules rely on with ``force``). Deleting an assigned
floating IP answers ``must_be_unassigned`` (in force since 1 May 2026).
Assignment changes take effect when their action ends.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sandbox.common.clock import rfc3339
from sandbox.common.server import Response
from sandbox.hcloud import actions
from sandbox.hcloud.addresses import dns_ptr_list, read_dns_ptr_change
from sandbox.hcloud.calls import Call, Route, answer, update_record
from sandbox.hcloud.catalog import LOCATION_BY_NAME
from sandbox.hcloud.catalog import location as find_location
from sandbox.hcloud.errors import ApiError, invalid_input
from sandbox.hcloud.inputs import Body, present
from sandbox.hcloud.pagination import list_answer, sort_choices
from sandbox.hcloud.protection import change_protection_handler, require_unprotected
from sandbox.hcloud.world import Project, World, label_filter

FAMILIES = frozenset({"ipv4", "ipv6"})


def render(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": record["id"],
        "name": record["name"],
        "description": record["description"],
        "ip": record["ip"],
        "type": record["type"],
        "server": record["server"],
        "dns_ptr": dns_ptr_list(record),
        "home_location": dict(LOCATION_BY_NAME[record["home_location"]]),
        "blocked": record["blocked"],
        "protection": dict(record["protection"]),
        "labels": dict(record["labels"]),
        "created": rfc3339(record["created"]),
    }


def _server(call: Call, server_id: int) -> dict[str, Any]:
    server = call.project.records("servers").get(server_id)
    if server is None:
        raise invalid_input({"server": [f"server with ID '{server_id}' not found"]})
    call.project.require_unlocked("servers", server_id)
    return server


# -- endpoints ----------------------------------------------------------------
def list_floating_ips(call: Call) -> Response:
    request = call.request
    name = request.arg("name")
    matches = label_filter(request.arg("label_selector"))
    chosen = [record for record in call.project.records("floating_ips").values() if (name is None or record["name"] == name) and matches(record)]
    body, headers = list_answer(request, "floating_ips", chosen, render, sort_choices("id", "created"))
    return answer(200, body, headers)


def get_floating_ip(call: Call) -> Response:
    return answer(200, {"floating_ip": render(call.project.get("floating_ips", call.id()))})


def create_floating_ip(call: Call) -> Response:
    body = call.body()
    family = body.string("type", required=True)
    server_id = body.integer("server", nullable=True, minimum=1)
    home_ref = body.ref("home_location")
    description = body.string("description", nullable=True)
    name = body.string("name", min_len=1)
    labels = body.labels()
    if family is not None and family not in FAMILIES:
        body.error("type", "must be ipv4 or ipv6")
    if server_id is None and home_ref is None:
        body.error("home_location", "is required when no server is given")
    if server_id is not None and home_ref is not None:
        body.error("home_location", "must be omitted when server is given: the home location is the server's")
    home = find_location(home_ref) if home_ref is not None else None
    if home_ref is not None and home is None:
        body.error("home_location", f"location {home_ref!r} not found")
    body.check()
    family = present(family)
    project = call.project
    server = _server(call, server_id) if server_id is not None else None
    if name is not None:
        project.require_unique_name("floating_ips", name)
    project.require_capacity("floating_ips")
    record_id = call.world.new_id("floating_ips")
    record = {
        "id": record_id,
        "name": name or f"floating_ip-{record_id}",
        "description": description,
        "ip": call.world.allocate_ip(family, floating=True),
        "type": family,
        "server": None,
        "dns_ptr": {},
        "home_location": server["location"] if server is not None else present(home)["name"],
        "blocked": False,
        "protection": {"delete": False},
        "labels": labels or {},
        "created": call.now,
    }
    project.records("floating_ips")[record_id] = record
    action = None
    if server is not None:
        action = actions.start(call, "create_floating_ip", [("floating_ip", record_id), ("server", server["id"])], params={"server": server["id"]})
    return answer(201, {"floating_ip": render(record), "action": None if action is None else actions.render_call(call, action)})


def update_floating_ip(call: Call) -> Response:
    def description(body: Body) -> Callable[[dict[str, Any]], None]:
        value = body.string("description", nullable=True)
        given = body.has("description")
        return lambda record: record.update(description=value) if given else None

    return answer(200, {"floating_ip": render(update_record(call, "floating_ips", more=description))})


def delete_floating_ip(call: Call) -> Response:
    record = call.project.get("floating_ips", call.id())
    call.project.require_unlocked("floating_ips", record["id"])
    require_unprotected("floating_ips", record)
    if record["server"] is not None:
        raise ApiError("must_be_unassigned", f"floating IP with ID '{record['id']}' is assigned to server '{record['server']}'; unassign it first")
    del call.project.records("floating_ips")[record["id"]]
    return Response.empty(204)


def assign(call: Call) -> Response:
    record = call.project.get("floating_ips", call.id())
    body = call.body()
    server_id = body.integer("server", required=True, minimum=1)
    body.check()
    call.project.require_unlocked("floating_ips", record["id"])
    server = _server(call, present(server_id))
    if record["server"] == server["id"]:
        raise ApiError("floating_ip_assigned", f"floating IP with ID '{record['id']}' is already assigned to server '{server['id']}'")
    action = actions.start(call, "assign_floating_ip", [("floating_ip", record["id"]), ("server", server["id"])], params={"server": server["id"]})
    return answer(201, {"action": actions.render_call(call, action)})


def unassign(call: Call) -> Response:
    record = call.project.get("floating_ips", call.id())
    call.project.require_unlocked("floating_ips", record["id"])
    resources = [("floating_ip", record["id"])]
    if record["server"] is not None:
        resources.append(("server", record["server"]))
    action = actions.start(call, "unassign_floating_ip", resources, locks=[("floating_ip", record["id"])])
    return answer(201, {"action": actions.render_call(call, action)})


def change_dns_ptr(call: Call) -> Response:
    record = call.project.get("floating_ips", call.id())
    ip, ptr = read_dns_ptr_change(call.body(), record)
    call.project.require_unlocked("floating_ips", record["id"])
    action = actions.start(
        call, "change_dns_ptr", [("floating_ip", record["id"])], params={"kind": "floating_ips", "id": record["id"], "ip": ip, "dns_ptr": ptr}
    )
    return answer(201, {"action": actions.render_call(call, action)})


# -- effects of finished actions ------------------------------------------------
@actions.on_finish("create_floating_ip")
@actions.on_finish("assign_floating_ip")
def _assigned(world: World, project: Project, action: dict[str, Any], ok: bool) -> None:
    record = project.records("floating_ips").get(action["resources"][0]["id"])
    if ok and record is not None and action["params"]["server"] in project.records("servers"):
        record["server"] = action["params"]["server"]


@actions.on_finish("unassign_floating_ip")
def _unassigned(world: World, project: Project, action: dict[str, Any], ok: bool) -> None:
    record = project.records("floating_ips").get(action["resources"][0]["id"])
    if ok and record is not None:
        record["server"] = None


ROUTES = [
    *actions.resource_action_routes("floating_ips"),
    Route("GET", "/floating_ips", list_floating_ips),
    Route("POST", "/floating_ips", create_floating_ip),
    Route("GET", "/floating_ips/{id}", get_floating_ip),
    Route("PUT", "/floating_ips/{id}", update_floating_ip),
    Route("DELETE", "/floating_ips/{id}", delete_floating_ip),
    Route("POST", "/floating_ips/{id}/actions/assign", assign),
    Route("POST", "/floating_ips/{id}/actions/unassign", unassign),
    Route("POST", "/floating_ips/{id}/actions/change_dns_ptr", change_dns_ptr),
    Route("POST", "/floating_ips/{id}/actions/change_protection", change_protection_handler("floating_ips")),
]
