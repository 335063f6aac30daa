"""Server actions: power, type change, rebuild, protection and reverse DNS.

Power actions pass through ``starting``/``stopping``; change_type
(``migrating``) needs a stopped server and starts it again; rebuild passes
through ``rebuilding``. A failed action leaves the server as it was before it.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from sandbox.common.server import Response
from sandbox.hcloud import actions, catalog, primary_ips
from sandbox.hcloud.calls import Call, Handler, Route, answer
from sandbox.hcloud.errors import ApiError, invalid_input
from sandbox.hcloud.inputs import present
from sandbox.hcloud.protection import change_protection_handler, require_unprotected
from sandbox.hcloud.servers import MAX_USER_DATA, server_of_action
from sandbox.hcloud.world import Project, World, root_password


def _power(command: str, during: str | None) -> Handler:
    def handler(call: Call) -> Response:
        record = call.project.get("servers", call.id())
        call.project.require_unlocked("servers", record["id"])
        previous = record["status"]
        if during is not None:
            record["status"] = during
        action = actions.start(call, command, [("server", record["id"])], params={"previous": previous})
        return answer(201, {"action": actions.render_call(call, action)})

    return handler


def change_type(call: Call) -> Response:
    record = call.project.get("servers", call.id())
    body = call.body()
    upgrade_disk = body.boolean("upgrade_disk", required=True)
    ref = body.ref("server_type", required=True)
    body.check()
    target = catalog.server_type(present(ref))
    if target is None:
        raise invalid_input({"server_type": [f"server type {ref!r} not found"]})
    call.project.require_unlocked("servers", record["id"])
    if record["status"] != "off":
        raise ApiError("server_not_stopped", f"server with ID '{record['id']}' is {record['status']}; change_type needs it powered off")
    current = catalog.SERVER_TYPE_BY_ID[record["server_type"]]
    problem = None
    if target["id"] == current["id"]:
        problem = f"the server is already of type {target['name']}"
    elif target["architecture"] != current["architecture"]:
        problem = f"server type {target['name']} is {target['architecture']}, the server {current['architecture']}"
    elif target["storage_type"] != current["storage_type"]:
        problem = f"server type {target['name']} has {target['storage_type']} storage, the server {current['storage_type']}"
    elif target["disk"] < record["primary_disk_size"]:
        problem = f"server type {target['name']} has a {target['disk']} GB disk, smaller than the server's {record['primary_disk_size']} GB"
    elif not catalog.available_in(target, record["location"]):
        problem = f"server type {target['name']} is not available in {record['location']}"
    if problem:
        raise ApiError("invalid_server_type", problem)
    record["status"] = "migrating"
    action = actions.start(call, "change_server_type", [("server", record["id"])], params={"server_type": target["id"], "upgrade_disk": upgrade_disk})
    return answer(201, {"action": actions.render_call(call, action)})


def rebuild(call: Call) -> Response:
    record = call.project.get("servers", call.id())
    body = call.body()
    ref = body.ref("image", required=True)
    user_data = body.string("user_data")
    if user_data is not None and len(user_data.encode()) > MAX_USER_DATA:
        body.error("user_data", "must be 32 KiB at most")
    body.check()
    architecture = catalog.SERVER_TYPE_BY_ID[record["server_type"]]["architecture"]
    image = catalog.image(present(ref), architecture)
    if image is None or image["architecture"] != architecture:
        raise invalid_input({"image": [f"image {ref!r} not found for architecture {architecture}"]})
    require_unprotected("servers", record, "rebuild")
    call.project.require_unlocked("servers", record["id"])
    previous, record["status"] = record["status"], "rebuilding"
    action = actions.start(call, "rebuild_server", [("server", record["id"])], params={"image": image["id"], "previous": previous})
    return answer(201, {"action": actions.render_call(call, action), "root_password": None if record["ssh_keys"] else root_password()})


def change_dns_ptr(call: Call) -> Response:
    record = call.project.get("servers", call.id())
    body = call.body()
    ip = body.string("ip", required=True)
    ptr = body.string("dns_ptr", nullable=True, max_len=255)
    body.check()
    target = None
    try:
        address = ipaddress.ip_address(present(ip))
    except ValueError:
        raise invalid_input({"ip": ["is not an IP address"]}) from None
    for family in ("ipv4", "ipv6"):
        candidate = primary_ips.of_server(call.project, record["id"], family)
        if candidate is not None and address in ipaddress.ip_network(candidate["ip"]):
            target = candidate
    if target is None:
        raise invalid_input({"ip": [f"{ip} is not an address of this server"]})
    call.project.require_unlocked("servers", record["id"])
    action = actions.start(
        call, "change_dns_ptr", [("server", record["id"])], params={"kind": "primary_ips", "id": target["id"], "ip": str(address), "dns_ptr": ptr}
    )
    return answer(201, {"action": actions.render_call(call, action)})


# -- effects of finished actions ------------------------------------------------
def _settle(final: str) -> actions.Finisher:
    """A finisher that sets ``final`` on success and restores the status from before on error."""

    def finish(world: World, project: Project, action: dict[str, Any], ok: bool) -> None:
        record = server_of_action(project, action)
        if record is not None:
            record["status"] = final if ok else action["params"]["previous"]

    return finish


actions.on_finish("start_server")(_settle("running"))
actions.on_finish("stop_server")(_settle("off"))
actions.on_finish("shutdown_server")(_settle("off"))
actions.on_finish("reboot_server")(_settle("running"))
actions.on_finish("reset_server")(_settle("running"))


@actions.on_finish("change_server_type")
def _type_changed(world: World, project: Project, action: dict[str, Any], ok: bool) -> None:
    record = server_of_action(project, action)
    if record is None:
        return
    if ok:
        target = catalog.SERVER_TYPE_BY_ID[action["params"]["server_type"]]
        record["server_type"] = target["id"]
        if action["params"]["upgrade_disk"]:
            record["primary_disk_size"] = target["disk"]
        record["status"] = "running"
    else:
        record["status"] = "off"


@actions.on_finish("rebuild_server")
def _rebuilt(world: World, project: Project, action: dict[str, Any], ok: bool) -> None:
    record = server_of_action(project, action)
    if record is None:
        return
    if ok:
        record["image"], record["status"] = action["params"]["image"], "running"
    else:
        record["status"] = action["params"]["previous"]


ROUTES = [
    Route("POST", "/servers/{id}/actions/poweron", _power("start_server", "starting")),
    Route("POST", "/servers/{id}/actions/poweroff", _power("stop_server", "stopping")),
    Route("POST", "/servers/{id}/actions/shutdown", _power("shutdown_server", "stopping")),
    Route("POST", "/servers/{id}/actions/reboot", _power("reboot_server", None)),
    Route("POST", "/servers/{id}/actions/reset", _power("reset_server", None)),
    Route("POST", "/servers/{id}/actions/change_type", change_type),
    Route("POST", "/servers/{id}/actions/rebuild", rebuild),
    Route("POST", "/servers/{id}/actions/change_protection", change_protection_handler("servers", ("delete", "rebuild"))),
    Route("POST", "/servers/{id}/actions/change_dns_ptr", change_dns_ptr),
]
