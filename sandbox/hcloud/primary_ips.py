"""Primary IPs: the public addresses of servers, created with them or on their own.

A server created with a public network gets one primary IP per enabled
family, named ``primary_ip-<id>`` with ``auto_delete`` (deleted with the
server). Assigning and unassigning need the server to be off, as documented.
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


def new_record(call: Call, family: str, location_name: str, *, name: str | None, auto_delete: bool, labels: dict[str, str] | None) -> dict[str, Any]:
    record_id = call.world.new_id("primary_ips")
    record = {
        "id": record_id,
        "name": name or f"primary_ip-{record_id}",
        "labels": labels or {},
        "created": call.now,
        "blocked": False,
        "location": location_name,
        "ip": call.world.allocate_ip(family, floating=False),
        "dns_ptr": {},
        "protection": {"delete": False},
        "type": family,
        "auto_delete": auto_delete,
        "assignee_id": None,
    }
    call.project.records("primary_ips")[record_id] = record
    return record


def of_server(project: Project, server_id: int, family: str) -> dict[str, Any] | None:
    return next((ip for ip in project.records("primary_ips").values() if ip["assignee_id"] == server_id and ip["type"] == family), None)


def render(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": record["id"],
        "name": record["name"],
        "labels": dict(record["labels"]),
        "created": rfc3339(record["created"]),
        "blocked": record["blocked"],
        "location": dict(LOCATION_BY_NAME[record["location"]]),
        "ip": record["ip"],
        "dns_ptr": dns_ptr_list(record),
        "protection": dict(record["protection"]),
        "type": record["type"],
        "auto_delete": record["auto_delete"],
        "assignee_type": "server",
        "assignee_id": record["assignee_id"],
    }


def _assignable_server(call: Call, server_id: int, family: str, field: str) -> dict[str, Any]:
    server = call.project.records("servers").get(server_id)
    if server is None:
        raise invalid_input({field: [f"server with ID '{server_id}' not found"]})
    call.project.require_unlocked("servers", server_id)
    if server["status"] != "off":
        raise ApiError("server_not_stopped", f"server with ID '{server_id}' is {server['status']}; it must be powered off")
    if of_server(call.project, server_id, family) is not None:
        raise ApiError(f"server_has_{family}", f"server with ID '{server_id}' already has an {family} address")
    return server


# -- endpoints ----------------------------------------------------------------
def list_primary_ips(call: Call) -> Response:
    request = call.request
    name, ip = request.arg("name"), request.arg("ip")
    matches = label_filter(request.arg("label_selector"))
    chosen = [r for r in call.project.records("primary_ips").values() if (name is None or r["name"] == name) and (ip is None or r["ip"] == ip) and matches(r)]
    body, headers = list_answer(request, "primary_ips", chosen, render, sort_choices("id", "created"))
    return answer(200, body, headers)


def get_primary_ip(call: Call) -> Response:
    return answer(200, {"primary_ip": render(call.project.get("primary_ips", call.id()))})


def create_primary_ip(call: Call) -> Response:
    body = call.body()
    name = body.string("name", required=True, min_len=1)
    family = body.string("type", required=True)
    labels = body.labels()
    assignee_type = body.string("assignee_type")
    assignee_id = body.integer("assignee_id", nullable=True, minimum=1)
    location_ref = body.ref("location")
    auto_delete = body.boolean("auto_delete", default=False)
    if family is not None and family not in FAMILIES:
        body.error("type", "must be ipv4 or ipv6")
    if assignee_type is not None and assignee_type != "server":
        body.error("assignee_type", "must be server")
    if assignee_id is not None and location_ref is not None:
        body.error("location", "must be omitted when assignee_id is given")
    if assignee_id is None and location_ref is None and not body.errors:
        body.error("location", "is required when no assignee_id is given")
    location_record = find_location(location_ref) if location_ref is not None else None
    if location_ref is not None and location_record is None:
        body.error("location", f"location {location_ref!r} not found")
    body.check()
    name, family = present(name), present(family)
    call.project.require_unique_name("primary_ips", name)
    call.project.require_capacity("primary_ips")
    server = _assignable_server(call, assignee_id, family, "assignee_id") if assignee_id is not None else None
    location_name = server["location"] if server is not None else present(location_record)["name"]
    record = new_record(call, family, location_name, name=name, auto_delete=bool(auto_delete), labels=labels)
    action = None
    if server is not None:
        action = actions.start(call, "create_primary_ip", [("primary_ip", record["id"]), ("server", server["id"])], params={"server": server["id"]})
    return answer(201, {"primary_ip": render(record), "action": None if action is None else actions.render_call(call, action)})


def update_primary_ip(call: Call) -> Response:
    def auto_delete(body: Body) -> Callable[[dict[str, Any]], None]:
        value = body.boolean("auto_delete")
        return lambda record: record.update(auto_delete=value) if value is not None else None

    return answer(200, {"primary_ip": render(update_record(call, "primary_ips", more=auto_delete))})


def delete_primary_ip(call: Call) -> Response:
    record = call.project.get("primary_ips", call.id())
    call.project.require_unlocked("primary_ips", record["id"])
    require_unprotected("primary_ips", record)
    if record["assignee_id"] is not None:
        raise ApiError("must_be_unassigned", f"primary IP with ID '{record['id']}' is assigned to server '{record['assignee_id']}'; unassign it first")
    del call.project.records("primary_ips")[record["id"]]
    return Response.empty(204)


def assign(call: Call) -> Response:
    record = call.project.get("primary_ips", call.id())
    body = call.body()
    assignee_type = body.string("assignee_type", required=True)
    assignee_id = body.integer("assignee_id", required=True, minimum=1)
    if assignee_type is not None and assignee_type != "server":
        body.error("assignee_type", "must be server")
    body.check()
    assignee_id = present(assignee_id)
    call.project.require_unlocked("primary_ips", record["id"])
    if record["assignee_id"] is not None:
        raise ApiError("primary_ip_already_assigned", f"primary IP with ID '{record['id']}' is already assigned to server '{record['assignee_id']}'")
    server = _assignable_server(call, assignee_id, record["type"], "assignee_id")
    if server["location"] != record["location"]:
        raise invalid_input({"assignee_id": [f"server is in {server['location']}, the primary IP in {record['location']}"]})
    action = actions.start(call, "assign_primary_ip", [("primary_ip", record["id"]), ("server", server["id"])], params={"server": server["id"]})
    return answer(201, {"action": actions.render_call(call, action)})


def unassign(call: Call) -> Response:
    record = call.project.get("primary_ips", call.id())
    call.project.require_unlocked("primary_ips", record["id"])
    resources = [("primary_ip", record["id"])]
    if record["assignee_id"] is not None:
        server = call.project.get("servers", record["assignee_id"])
        call.project.require_unlocked("servers", server["id"])
        if server["status"] != "off":
            raise ApiError("server_not_stopped", f"server with ID '{server['id']}' is {server['status']}; it must be powered off")
        resources.append(("server", server["id"]))
    action = actions.start(call, "unassign_primary_ip", resources)
    return answer(201, {"action": actions.render_call(call, action)})


def change_dns_ptr(call: Call) -> Response:
    record = call.project.get("primary_ips", call.id())
    ip, ptr = read_dns_ptr_change(call.body(), record)
    call.project.require_unlocked("primary_ips", record["id"])
    action = actions.start(call, "change_dns_ptr", [("primary_ip", record["id"])], params={"kind": "primary_ips", "id": record["id"], "ip": ip, "dns_ptr": ptr})
    return answer(201, {"action": actions.render_call(call, action)})


# -- effects of finished actions ------------------------------------------------
@actions.on_finish("create_primary_ip")
@actions.on_finish("assign_primary_ip")
def _assigned(world: World, project: Project, action: dict[str, Any], ok: bool) -> None:
    record = project.records("primary_ips").get(action["resources"][0]["id"])
    if ok and record is not None and action["params"]["server"] in project.records("servers"):
        record["assignee_id"] = action["params"]["server"]


@actions.on_finish("unassign_primary_ip")
def _unassigned(world: World, project: Project, action: dict[str, Any], ok: bool) -> None:
    record = project.records("primary_ips").get(action["resources"][0]["id"])
    if ok and record is not None:
        record["assignee_id"] = None


ROUTES = [
    *actions.resource_action_routes("primary_ips"),
    Route("GET", "/primary_ips", list_primary_ips),
    Route("POST", "/primary_ips", create_primary_ip),
    Route("GET", "/primary_ips/{id}", get_primary_ip),
    Route("PUT", "/primary_ips/{id}", update_primary_ip),
    Route("DELETE", "/primary_ips/{id}", delete_primary_ip),
    Route("POST", "/primary_ips/{id}/actions/assign", assign),
    Route("POST", "/primary_ips/{id}/actions/unassign", unassign),
    Route("POST", "/primary_ips/{id}/actions/change_dns_ptr", change_dns_ptr),
    Route("POST", "/primary_ips/{id}/actions/change_protection", change_protection_handler("primary_ips")),
]
