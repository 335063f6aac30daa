"""Volumes: 10 to 10240 GB, only growing, attached only to a server in their own location.

A volume is ``creating`` until its create_volume action ends; created with a
server, it is attached by the ``attach_volume`` action queued behind it.
Attachment, detachment and resizing take effect when their action ends.
A failed create_volume rolls the creation back: the volume disappears.
"""

from __future__ import annotations

from typing import Any

from sandbox.common.clock import rfc3339
from sandbox.common.server import Response
from sandbox.hcloud import actions
from sandbox.hcloud.calls import Call, Route, answer, update_record
from sandbox.hcloud.catalog import LOCATION_BY_NAME
from sandbox.hcloud.catalog import location as find_location
from sandbox.hcloud.errors import ApiError, invalid_input
from sandbox.hcloud.inputs import present, query_choices, volume_name_error
from sandbox.hcloud.pagination import list_answer, sort_choices
from sandbox.hcloud.protection import change_protection_handler, require_unprotected
from sandbox.hcloud.world import Project, World, label_filter

MIN_SIZE, MAX_SIZE = 10, 10240
FORMATS = frozenset({"ext4", "xfs"})


def render(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": record["id"],
        "created": rfc3339(record["created"]),
        "name": record["name"],
        "server": record["server"],
        "location": dict(LOCATION_BY_NAME[record["location"]]),
        "size": record["size"],
        "linux_device": f"/dev/disk/by-id/scsi-0HC_Volume_{record['id']}",
        "protection": dict(record["protection"]),
        "labels": dict(record["labels"]),
        "status": record["status"],
        "format": record["format"],
    }


def attach_action(call: Call, volume: dict[str, Any], server_id: int, automount: bool, after: dict[str, Any] | None = None) -> dict[str, Any]:
    return actions.start(
        call, "attach_volume", [("volume", volume["id"]), ("server", server_id)], params={"server": server_id, "automount": automount}, after=after
    )


def _server_for(call: Call, server_id: int, volume_location: str | None, field: str = "server") -> dict[str, Any]:
    server = call.project.records("servers").get(server_id)
    if server is None:
        raise invalid_input({field: [f"server with ID '{server_id}' not found"]})
    if volume_location is not None and server["location"] != volume_location:
        raise invalid_input({field: [f"server is in {server['location']}; a volume can only be attached to a server in its own location ({volume_location})"]})
    call.project.require_unlocked("servers", server_id)
    return server


# -- endpoints ----------------------------------------------------------------
def list_volumes(call: Call) -> Response:
    request = call.request
    name = request.arg("name")
    statuses = set(query_choices(request, "status", frozenset({"available", "creating"})))
    matches = label_filter(request.arg("label_selector"))
    chosen = [
        record
        for record in call.project.records("volumes").values()
        if (name is None or record["name"] == name) and (not statuses or record["status"] in statuses) and matches(record)
    ]
    body, headers = list_answer(request, "volumes", chosen, render, sort_choices("id", "name", "created"))
    return answer(200, body, headers)


def get_volume(call: Call) -> Response:
    return answer(200, {"volume": render(call.project.get("volumes", call.id()))})


def create_volume(call: Call) -> Response:
    body = call.body()
    size = body.integer("size", required=True)
    name = body.string("name", required=True, min_len=1)
    labels = body.labels()
    automount = body.boolean("automount")
    volume_format = body.string("format")
    location_ref = body.ref("location")
    server_id = body.integer("server", minimum=1)
    if size is not None and not MIN_SIZE <= size <= MAX_SIZE:
        body.error("size", f"must be between {MIN_SIZE} and {MAX_SIZE} GB")
    if name is not None and volume_name_error(name):
        body.error("name", str(volume_name_error(name)))
    if volume_format is not None and volume_format not in FORMATS:
        body.error("format", f"must be one of {', '.join(sorted(FORMATS))}")
    if automount and server_id is None:
        body.error("automount", "is only possible when the volume is created with a server")
    location_record = find_location(location_ref) if location_ref is not None else None
    if location_ref is not None and location_record is None:
        body.error("location", f"location {location_ref!r} not found")
    if location_ref is None and server_id is None and not body.has("server"):
        body.error("location", "is required when no server is given")
    body.check()
    size, name = present(size), present(name)
    project = call.project
    server = _server_for(call, server_id, location_record["name"] if location_record else None) if server_id is not None else None
    project.require_unique_name("volumes", name)
    project.require_capacity("volumes")
    record = {
        "id": call.world.new_id("volumes"),
        "created": call.now,
        "name": name,
        "server": None,
        "location": server["location"] if server is not None else present(location_record)["name"],
        "size": size,
        "protection": {"delete": False},
        "labels": labels or {},
        "status": "creating",
        "format": volume_format,
        "automount": False,
    }
    project.records("volumes")[record["id"]] = record
    action = actions.start(call, "create_volume", [("volume", record["id"])])
    next_actions = []
    if server is not None:
        next_actions.append(attach_action(call, record, server["id"], bool(automount), after=action))
    return answer(
        201,
        {"volume": render(record), "action": actions.render_call(call, action), "next_actions": [actions.render_call(call, a) for a in next_actions]},
    )


def update_volume(call: Call) -> Response:
    return answer(200, {"volume": render(update_record(call, "volumes", name_error=volume_name_error))})


def delete_volume(call: Call) -> Response:
    record = call.project.get("volumes", call.id())
    call.project.require_unlocked("volumes", record["id"])
    require_unprotected("volumes", record)
    if record["server"] is not None:
        raise ApiError("service_error", f"volume with ID '{record['id']}' is still attached to a server")
    del call.project.records("volumes")[record["id"]]
    return Response.empty(204)


def attach(call: Call) -> Response:
    record = call.project.get("volumes", call.id())
    body = call.body()
    server_id = body.integer("server", required=True, minimum=1)
    automount = body.boolean("automount", default=False)
    body.check()
    call.project.require_unlocked("volumes", record["id"])
    if record["server"] is not None:
        raise ApiError("volume_already_attached", f"volume with ID '{record['id']}' is already attached to server '{record['server']}'; detach it first")
    server = _server_for(call, present(server_id), record["location"])
    action = attach_action(call, record, server["id"], bool(automount))
    return answer(201, {"action": actions.render_call(call, action)})


def detach(call: Call) -> Response:
    record = call.project.get("volumes", call.id())
    call.project.require_unlocked("volumes", record["id"])
    resources = [("volume", record["id"])]
    if record["server"] is not None:
        call.project.require_unlocked("servers", record["server"])
        resources.append(("server", record["server"]))
    action = actions.start(call, "detach_volume", resources)
    return answer(201, {"action": actions.render_call(call, action)})


def resize(call: Call) -> Response:
    record = call.project.get("volumes", call.id())
    body = call.body()
    size = body.integer("size", required=True)
    if size is not None and size <= record["size"]:
        body.error("size", f"must be larger than the current size of {record['size']} GB: volumes can only grow")
    elif size is not None and size > MAX_SIZE:
        body.error("size", f"must be at most {MAX_SIZE} GB")
    body.check()
    call.project.require_unlocked("volumes", record["id"])
    action = actions.start(call, "resize_volume", [("volume", record["id"])], params={"size": size})
    return answer(201, {"action": actions.render_call(call, action)})


# -- effects of finished actions ------------------------------------------------
@actions.on_finish("create_volume")
def _created(world: World, project: Project, action: dict[str, Any], ok: bool) -> None:
    record = project.records("volumes").get(action["resources"][0]["id"])
    if record is None:
        return
    if ok:
        record["status"] = "available"
    else:
        del project.records("volumes")[record["id"]]


@actions.on_finish("attach_volume")
def _attached(world: World, project: Project, action: dict[str, Any], ok: bool) -> None:
    record = project.records("volumes").get(action["resources"][0]["id"])
    if ok and record is not None and action["params"]["server"] in project.records("servers"):
        record["server"] = action["params"]["server"]
        record["automount"] = action["params"]["automount"]


@actions.on_finish("detach_volume")
def _detached(world: World, project: Project, action: dict[str, Any], ok: bool) -> None:
    record = project.records("volumes").get(action["resources"][0]["id"])
    if ok and record is not None:
        record["server"] = None
        record["automount"] = False


@actions.on_finish("resize_volume")
def _resized(world: World, project: Project, action: dict[str, Any], ok: bool) -> None:
    record = project.records("volumes").get(action["resources"][0]["id"])
    if ok and record is not None:
        record["size"] = action["params"]["size"]


ROUTES = [
    *actions.resource_action_routes("volumes"),
    Route("GET", "/volumes", list_volumes),
    Route("POST", "/volumes", create_volume),
    Route("GET", "/volumes/{id}", get_volume),
    Route("PUT", "/volumes/{id}", update_volume),
    Route("DELETE", "/volumes/{id}", delete_volume),
    Route("POST", "/volumes/{id}/actions/attach", attach),
    Route("POST", "/volumes/{id}/actions/detach", detach),
    Route("POST", "/volumes/{id}/actions/resize", resize),
    Route("POST", "/volumes/{id}/actions/change_protection", change_protection_handler("volumes")),
]
