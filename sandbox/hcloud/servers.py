"""Servers: create (with SSH keys, volumes, firewalls, primary IPs), read, update, delete.

A server is ``initializing`` until create_server ends, then ``starting``
until the queued start_server ends (``off`` without ``start_after_create``),
then ``running``. Delete passes through ``deleting``, after which the server
is gone, its volumes and floating IPs are free, its auto-delete primary IPs
deleted and the others unassigned. A failed create_server rolls the creation
back. The other server actions are in ``server_actions``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sandbox.common.clock import rfc3339
from sandbox.common.server import Response
from sandbox.hcloud import actions, catalog, firewalls, primary_ips, ssh_keys, volumes
from sandbox.hcloud.addresses import dns_ptr_list
from sandbox.hcloud.calls import Call, Route, answer, update_record
from sandbox.hcloud.errors import ApiError, invalid_input
from sandbox.hcloud.inputs import Body, hostname_error, present, query_choices
from sandbox.hcloud.pagination import list_answer, sort_choices
from sandbox.hcloud.protection import require_unprotected
from sandbox.hcloud.world import Project, World, default_ptr, label_filter, root_password

STATUSES = frozenset({"running", "initializing", "starting", "stopping", "off", "deleting", "migrating", "rebuilding", "unknown"})
MAX_USER_DATA = 32 * 1024


@dataclass
class Links:
    """What hangs on each server, gathered in one pass so a page of servers renders in linear time."""

    ipv4: dict[int, dict[str, Any]] = field(default_factory=dict)
    ipv6: dict[int, dict[str, Any]] = field(default_factory=dict)
    floating_ips: dict[int, list[int]] = field(default_factory=dict)
    volumes: dict[int, list[int]] = field(default_factory=dict)

    @classmethod
    def of(cls, project: Project) -> Links:
        links = cls()
        for address in project.records("primary_ips").values():
            if address["assignee_id"] is not None:
                getattr(links, address["type"])[address["assignee_id"]] = address
        for floating_ip in project.records("floating_ips").values():
            if floating_ip["server"] is not None:
                links.floating_ips.setdefault(floating_ip["server"], []).append(floating_ip["id"])
        for volume in project.records("volumes").values():
            if volume["server"] is not None:
                links.volumes.setdefault(volume["server"], []).append(volume["id"])
        return links


def render(project: Project, record: dict[str, Any], links: Links | None = None) -> dict[str, Any]:
    links = links or Links.of(project)
    server_id = record["id"]
    ipv4, ipv6 = links.ipv4.get(server_id), links.ipv6.get(server_id)
    image = catalog.IMAGE_BY_ID.get(record["image"]) if record["image"] is not None else None
    return {
        "id": server_id,
        "name": record["name"],
        "status": record["status"],
        "created": rfc3339(record["created"]),
        "public_net": {
            "ipv4": None
            if ipv4 is None
            else {"id": ipv4["id"], "ip": ipv4["ip"], "blocked": ipv4["blocked"], "dns_ptr": ipv4["dns_ptr"].get(ipv4["ip"]) or default_ptr(ipv4["ip"])},
            "ipv6": None if ipv6 is None else {"id": ipv6["id"], "ip": ipv6["ip"], "blocked": ipv6["blocked"], "dns_ptr": dns_ptr_list(ipv6)},
            "floating_ips": sorted(links.floating_ips.get(server_id, [])),
            "firewalls": firewalls.of_server(project, record),
        },
        "private_net": [],
        "server_type": catalog.SERVER_TYPE_BY_ID[record["server_type"]],
        "location": dict(catalog.LOCATION_BY_NAME[record["location"]]),
        "image": image,
        "iso": None,
        "rescue_enabled": False,
        "locked": False,
        "backup_window": None,
        "outgoing_traffic": 0,
        "ingoing_traffic": 0,
        "included_traffic": catalog.included_traffic(record["location"]),
        "protection": dict(record["protection"]),
        "labels": dict(record["labels"]),
        "volumes": sorted(links.volumes.get(server_id, [])),
        "load_balancers": [],
        "primary_disk_size": record["primary_disk_size"],
        "placement_group": None,
    }


# -- create ---------------------------------------------------------------------
def _read_create(body: Body) -> dict[str, Any]:
    wanted = {
        "name": body.string("name", required=True, min_len=1),
        "server_type": body.ref("server_type", required=True),
        "image": body.ref("image", required=True),
        "location": body.ref("location"),
        "start": body.boolean("start_after_create", default=True),
        "ssh_keys": body.refs("ssh_keys"),
        "volumes": body.ids("volumes"),
        "networks": body.ids("networks"),
        "firewalls": [],
        "user_data": body.string("user_data"),
        "labels": body.labels(),
        "automount": body.boolean("automount", default=False),
        "placement_group": body.integer("placement_group", nullable=True),
        "public_net": body.obj("public_net") or {},
    }
    if wanted["name"] is not None and hostname_error(wanted["name"]):
        body.error("name", str(hostname_error(wanted["name"])))
    for entry in body.objects("firewalls"):
        firewall_id = entry.get("firewall")
        if not isinstance(firewall_id, int) or isinstance(firewall_id, bool):
            body.error("firewalls", "every entry needs an integer 'firewall'")
        else:
            wanted["firewalls"].append(firewall_id)
    if wanted["user_data"] is not None and len(wanted["user_data"].encode()) > MAX_USER_DATA:
        body.error("user_data", "must be 32 KiB at most")
    public_net = wanted["public_net"]
    for flag in ("enable_ipv4", "enable_ipv6"):
        if flag in public_net and not isinstance(public_net[flag], bool):
            body.error("public_net", f"{flag} must be a boolean")
    for family in ("ipv4", "ipv6"):
        value = public_net.get(family)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            body.error("public_net", f"{family} must be the ID of a primary IP")
    body.check()
    return wanted


def _resolve_catalog(wanted: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    server_type = catalog.server_type(wanted["server_type"])
    if server_type is None:
        raise invalid_input({"server_type": [f"server type {wanted['server_type']!r} not found"]})
    if wanted["location"] is None:
        location = catalog.LOCATION_BY_NAME[server_type["locations"][0]["name"]]
    else:
        found = catalog.location(wanted["location"])
        if found is None:
            raise invalid_input({"location": [f"location {wanted['location']!r} not found"]})
        location = found
    if not catalog.available_in(server_type, location["name"]):
        raise invalid_input({"location": [f"server type {server_type['name']} is not available in {location['name']}"]})
    image = catalog.image(wanted["image"], server_type["architecture"])
    if image is None:
        raise invalid_input({"image": [f"image {wanted['image']!r} not found for architecture {server_type['architecture']}"]})
    if image["architecture"] != server_type["architecture"]:
        raise invalid_input(
            {"image": [f"image {image['id']} is for {image['architecture']}, server type {server_type['name']} is {server_type['architecture']}"]}
        )
    return server_type, location, image


def _reused_primary_ips(call: Call, public_net: dict[str, Any], location: str) -> dict[str, dict[str, Any]]:
    reused = {}
    for family in ("ipv4", "ipv6"):
        ip_id = public_net.get(family)
        if ip_id is None:
            continue
        record = call.project.records("primary_ips").get(ip_id)
        if record is None:
            raise invalid_input({"public_net": [f"primary IP with ID '{ip_id}' not found"]})
        if record["type"] != family:
            raise ApiError("primary_ip_version_mismatch", f"primary IP with ID '{ip_id}' is an {record['type']} address, not {family}")
        if record["assignee_id"] is not None:
            raise ApiError("primary_ip_assigned", f"primary IP with ID '{ip_id}' is already assigned to server '{record['assignee_id']}'")
        if record["location"] != location:
            raise ApiError("primary_ip_datacenter_mismatch", f"primary IP with ID '{ip_id}' is in {record['location']}, the server in {location}")
        call.project.require_unlocked("primary_ips", ip_id)
        reused[family] = record
    return reused


def _attachable_volumes(call: Call, volume_ids: list[int], location: str) -> list[dict[str, Any]]:
    found = []
    for volume_id in volume_ids:
        volume = call.project.records("volumes").get(volume_id)
        if volume is None:
            raise invalid_input({"volumes": [f"volume with ID '{volume_id}' not found"]})
        if volume["location"] != location:
            raise invalid_input({"volumes": [f"volume with ID '{volume_id}' is in {volume['location']}, the server in {location}"]})
        if volume["server"] is not None:
            raise ApiError("volume_already_attached", f"volume with ID '{volume_id}' is already attached to server '{volume['server']}'")
        call.project.require_unlocked("volumes", volume_id)
        found.append(volume)
    return found


def create_server(call: Call) -> Response:
    wanted = _read_create(call.body())
    project = call.project
    server_type, location, image = _resolve_catalog(wanted)
    if wanted["placement_group"] is not None:
        raise invalid_input({"placement_group": [f"placement group with ID '{wanted['placement_group']}' not found"]})
    if wanted["networks"]:
        raise invalid_input({"networks": [f"network with ID '{wanted['networks'][0]}' not found"]})
    public_net = wanted["public_net"]
    enabled = {family: public_net.get(f"enable_{family}", True) for family in ("ipv4", "ipv6")}
    if not any(enabled.values()):
        raise invalid_input({"public_net": ["a server needs a public IPv4 or IPv6 address or a private network"]})
    keys = ssh_keys.find_keys(call, wanted["ssh_keys"])
    attach = _attachable_volumes(call, wanted["volumes"], location["name"])
    for firewall_id in wanted["firewalls"]:
        if firewall_id not in project.records("firewalls"):
            raise invalid_input({"firewalls": [f"firewall with ID '{firewall_id}' not found"]})
    reused = _reused_primary_ips(call, public_net, location["name"])
    name = present(wanted["name"])
    project.require_unique_name("servers", name)
    project.require_capacity("servers")
    project.require_capacity("primary_ips", sum(1 for family, on in enabled.items() if on and family not in reused))

    record = {
        "id": call.world.new_id("servers"),
        "name": name,
        "status": "initializing",
        "created": call.now,
        "server_type": server_type["id"],
        "location": location["name"],
        "image": image["id"],
        "labels": wanted["labels"] or {},
        "protection": {"delete": False, "rebuild": False},
        "ssh_keys": [key["id"] for key in keys],
        "primary_disk_size": server_type["disk"],
    }
    project.records("servers")[record["id"]] = record
    for family, on in enabled.items():
        if family in reused:
            reused[family]["assignee_id"] = record["id"]
        elif on:
            primary_ips.new_record(call, family, location["name"], name=None, auto_delete=True, labels=None)["assignee_id"] = record["id"]

    action = actions.start(call, "create_server", [("server", record["id"])], params={"start": wanted["start"]})
    next_actions = []
    if wanted["start"]:
        next_actions.append(actions.start(call, "start_server", [("server", record["id"])], params={"previous": "off"}, after=action))
    for volume in attach:
        next_actions.append(volumes.attach_action(call, volume, record["id"], bool(wanted["automount"]), after=action))
    next_actions.extend(firewalls.apply_on_server_create(call, wanted["firewalls"], record["id"], after=action))
    return answer(
        201,
        {
            "server": render(project, record),
            "action": actions.render_call(call, action),
            "next_actions": [actions.render_call(call, a) for a in next_actions],
            "root_password": None if keys else root_password(),
        },
    )


# -- read, update, delete -------------------------------------------------------
def list_servers(call: Call) -> Response:
    request = call.request
    name = request.arg("name")
    statuses = set(query_choices(request, "status", STATUSES))
    matches = label_filter(request.arg("label_selector"))
    chosen = [
        record
        for record in call.project.records("servers").values()
        if (name is None or record["name"] == name) and (not statuses or record["status"] in statuses) and matches(record)
    ]
    links = Links.of(call.project)
    body, headers = list_answer(request, "servers", chosen, lambda record: render(call.project, record, links), sort_choices("id", "name", "created"))
    return answer(200, body, headers)


def get_server(call: Call) -> Response:
    return answer(200, {"server": render(call.project, call.project.get("servers", call.id()))})


def update_server(call: Call) -> Response:
    record = update_record(call, "servers", name_error=hostname_error)
    return answer(200, {"server": render(call.project, record)})


def delete_server(call: Call) -> Response:
    record = call.project.get("servers", call.id())
    require_unprotected("servers", record)
    call.project.require_unlocked("servers", record["id"])
    previous, record["status"] = record["status"], "deleting"
    action = actions.start(call, "delete_server", [("server", record["id"])], params={"previous": previous})
    return answer(200, {"action": actions.render_call(call, action)})


# -- effects of finished actions ------------------------------------------------
def _remove(project: Project, server_id: int) -> None:
    """Delete a server and free what hung on it."""
    for volume in project.records("volumes").values():
        if volume["server"] == server_id:
            volume["server"], volume["automount"] = None, False
    for floating_ip in project.records("floating_ips").values():
        if floating_ip["server"] == server_id:
            floating_ip["server"] = None
    addresses = project.records("primary_ips")
    for ip_id, address in list(addresses.items()):
        if address["assignee_id"] == server_id:
            if address["auto_delete"]:
                del addresses[ip_id]
            else:
                address["assignee_id"] = None
    firewalls.forget_server(project, server_id)
    del project.records("servers")[server_id]


def server_of_action(project: Project, action: dict[str, Any]) -> dict[str, Any] | None:
    return project.records("servers").get(action["resources"][0]["id"])


@actions.on_finish("create_server")
def _created(world: World, project: Project, action: dict[str, Any], ok: bool) -> None:
    record = server_of_action(project, action)
    if record is None:
        return
    if ok:
        record["status"] = "starting" if action["params"]["start"] else "off"
    else:
        _remove(project, record["id"])


@actions.on_finish("delete_server")
def _deleted(world: World, project: Project, action: dict[str, Any], ok: bool) -> None:
    record = server_of_action(project, action)
    if record is None:
        return
    if ok:
        _remove(project, record["id"])
    else:
        record["status"] = action["params"]["previous"]


ROUTES = [
    *actions.resource_action_routes("servers"),
    Route("GET", "/servers", list_servers),
    Route("POST", "/servers", create_server),
    Route("GET", "/servers/{id}", get_server),
    Route("PUT", "/servers/{id}", update_server),
    Route("DELETE", "/servers/{id}", delete_server),
]
