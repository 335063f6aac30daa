"""Firewalls: rules, and their application to servers directly or through a label selector.

``applied_to`` lists an application as soon as it is requested; the server
shows the firewall ``pending`` until the ``apply_firewall`` action ends
(``applied`` after; a failed one removes the application). Removal and new
rules (``set_rules``) take effect when their action ends. Removing a firewall
from a server it is not applied to succeeds without effect: the API dropped
``firewall_already_removed`` in 2025.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from sandbox.common.clock import rfc3339
from sandbox.common.server import Response
from sandbox.hcloud import actions
from sandbox.hcloud.calls import Call, Route, answer, update_record
from sandbox.hcloud.errors import ApiError, invalid_input
from sandbox.hcloud.inputs import Body, present
from sandbox.hcloud.labels import SelectorError, parse_selector
from sandbox.hcloud.pagination import list_answer, sort_choices
from sandbox.hcloud.world import Project, World, label_filter

DIRECTIONS = frozenset({"in", "out"})
PROTOCOLS = frozenset({"tcp", "udp", "icmp", "esp", "gre"})
PORTED = frozenset({"tcp", "udp"})
MAX_RULES = 50
MAX_CIDRS = 100
_PORT = re.compile(r"^(\d{1,5})(-(\d{1,5}))?$")


def _port_error(port: str) -> str | None:
    if port == "any":
        return None
    match = _PORT.match(port)
    if not match:
        return f"port {port!r} must be a port, a range 'from-to' or 'any'"
    low = int(match[1])
    high = int(match[3]) if match[3] else low
    if not 1 <= low <= high <= 65535:
        return f"port {port!r} must be between 1 and 65535, the range ascending"
    return None


def _cidrs(body: Body, field: str, values: Any) -> list[str]:
    if values is None:
        return []
    if not isinstance(values, list) or not all(isinstance(value, str) for value in values):
        body.error(field, "must be a list of CIDR strings")
        return []
    if len(values) > MAX_CIDRS:
        body.error(field, f"must have at most {MAX_CIDRS} entries")
    for value in values:
        try:
            if "/" not in value:
                raise ValueError(value)
            ipaddress.ip_network(value, strict=False)
        except ValueError:
            body.error(field, f"{value!r} is not a network in CIDR notation")
    return list(values)


def read_rules(body: Body, field: str, raw: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Checked, normalized rules; problems are recorded on ``body`` under ``field``."""
    rules = []
    for item in raw:
        direction, protocol, port = item.get("direction"), item.get("protocol"), item.get("port")
        description = item.get("description")
        if direction not in DIRECTIONS:
            body.error(field, f"direction must be in or out, got {direction!r}")
        if protocol not in PROTOCOLS:
            body.error(field, f"protocol must be one of {', '.join(sorted(PROTOCOLS))}, got {protocol!r}")
        if protocol in PORTED:
            if not isinstance(port, str):
                body.error(field, f"a {protocol} rule needs a port")
            elif _port_error(port):
                body.error(field, str(_port_error(port)))
        elif port is not None:
            body.error(field, f"a {protocol} rule takes no port")
        if description is not None and (not isinstance(description, str) or len(description) > 255):
            body.error(field, "description must be a string of 255 characters at most")
        sources = _cidrs(body, field, item.get("source_ips"))
        destinations = _cidrs(body, field, item.get("destination_ips"))
        if direction == "in" and (not sources or destinations):
            body.error(field, "an 'in' rule needs source_ips and takes no destination_ips")
        if direction == "out" and (not destinations or sources):
            body.error(field, "an 'out' rule needs destination_ips and takes no source_ips")
        rules.append(
            {
                "description": description,
                "direction": direction,
                "source_ips": sources,
                "destination_ips": destinations,
                "protocol": protocol,
                "port": port if protocol in PORTED else None,
            }
        )
    return rules


def _targets(body: Body, field: str, raw: list[dict[str, Any]]) -> list[tuple[str, Any]]:
    """(``server``, id) and (``label_selector``, selector) entries of apply_to / remove_from."""
    targets: list[tuple[str, Any]] = []
    for item in raw:
        kind = item.get("type")
        if kind == "server":
            server = item.get("server")
            server_id = server.get("id") if isinstance(server, dict) else None
            if not isinstance(server_id, int) or isinstance(server_id, bool):
                body.error(field, "a server entry needs server.id")
                continue
            targets.append(("server", server_id))
        elif kind == "label_selector":
            selector = item.get("label_selector")
            text = selector.get("selector") if isinstance(selector, dict) else None
            if not isinstance(text, str) or not text:
                body.error(field, "a label_selector entry needs label_selector.selector")
                continue
            try:
                parse_selector(text)
            except SelectorError as exc:
                body.error(field, f"label selector {text!r}: {exc}")
                continue
            targets.append(("label_selector", text))
        else:
            body.error(field, f"type must be server or label_selector, got {kind!r}")
    return targets


def _matching_servers(project: Project, selector: str) -> list[int]:
    matches = parse_selector(selector)
    return sorted(server["id"] for server in project.records("servers").values() if matches(server["labels"]))


def _running(project: Project, action_id: int | None) -> bool:
    return action_id is not None and action_id in project.running


def of_server(project: Project, server: dict[str, Any]) -> list[dict[str, Any]]:
    """``public_net.firewalls`` of a server: every firewall applied to it, directly or by label selector."""
    found = []
    for record in project.records("firewalls").values():
        for entry in record["applied_to"]:
            direct = entry["type"] == "server" and entry["server"] == server["id"]
            selected = entry["type"] == "label_selector" and parse_selector(entry["selector"])(server["labels"])
            if direct or selected:
                found.append({"id": record["id"], "status": "pending" if _running(project, entry["action"]) else "applied"})
                break
    return found


def render_with(project: Project, record: dict[str, Any]) -> dict[str, Any]:
    applied_to = []
    for entry in record["applied_to"]:
        if entry["type"] == "server":
            applied_to.append({"type": "server", "server": {"id": entry["server"]}})
        else:
            applied_to.append(
                {
                    "type": "label_selector",
                    "label_selector": {"selector": entry["selector"]},
                    "applied_to_resources": [{"type": "server", "server": {"id": server_id}} for server_id in _matching_servers(project, entry["selector"])],
                }
            )
    return {
        "id": record["id"],
        "name": record["name"],
        "labels": dict(record["labels"]),
        "created": rfc3339(record["created"]),
        "rules": [dict(rule) for rule in record["rules"]],
        "applied_to": applied_to,
    }


def _has_public_net(project: Project, server_id: int) -> bool:
    return any(ip["assignee_id"] == server_id for ip in project.records("primary_ips").values())


def _apply(
    call: Call, record: dict[str, Any], targets: list[tuple[str, Any]], missing_status: int, after: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Check and start the application of ``record`` to ``targets``; one apply_firewall action each."""
    project = call.project
    seen: set[int] = set()
    for kind, value in targets:
        if kind == "server":
            if value in seen:
                raise ApiError("server_already_added", f"server with ID '{value}' is named more than once")
            seen.add(value)
            if value not in project.records("servers"):
                raise ApiError("firewall_resource_not_found", f"server with ID '{value}' not found", status=missing_status)
            if not _has_public_net(project, value):
                raise ApiError("private_net_only_server", f"server with ID '{value}' has no public network interface")
        already = any(entry["type"] == kind and entry["server" if kind == "server" else "selector"] == value for entry in record["applied_to"])
        if already:
            raise ApiError("firewall_already_applied", f"firewall with ID '{record['id']}' is already applied to {kind} {value!r}")
    started = []
    for kind, value in targets:
        servers = [value] if kind == "server" else _matching_servers(project, value)
        action = actions.start(
            call,
            "apply_firewall",
            [("firewall", record["id"]), *[("server", server_id) for server_id in servers]],
            params={"entry": kind, "value": value},
            after=after,
            locks=[("firewall", record["id"])],
        )
        entry: dict[str, Any] = {"type": kind, "action": action["id"]}
        entry["server" if kind == "server" else "selector"] = value
        record["applied_to"].append(entry)
        started.append(action)
    return started


def apply_on_server_create(call: Call, firewall_ids: list[int], server_id: int, after: dict[str, Any]) -> list[dict[str, Any]]:
    """Firewalls named in a server create: applied once the server exists."""
    started = []
    for firewall_id in firewall_ids:
        record = call.project.records("firewalls").get(firewall_id)
        if record is None:
            raise invalid_input({"firewalls": [f"firewall with ID '{firewall_id}' not found"]})
        started.extend(_apply(call, record, [("server", server_id)], 422, after=after))
    return started


# -- endpoints ----------------------------------------------------------------
def list_firewalls(call: Call) -> Response:
    request = call.request
    name = request.arg("name")
    matches = label_filter(request.arg("label_selector"))
    chosen = [record for record in call.project.records("firewalls").values() if (name is None or record["name"] == name) and matches(record)]
    body, headers = list_answer(request, "firewalls", chosen, lambda record: render_with(call.project, record), sort_choices("id", "name", "created"))
    return answer(200, body, headers)


def get_firewall(call: Call) -> Response:
    return answer(200, {"firewall": render_with(call.project, call.project.get("firewalls", call.id()))})


def create_firewall(call: Call) -> Response:
    body = call.body()
    name = body.string("name", required=True, min_len=1, max_len=128)
    labels = body.labels()
    rules = read_rules(body, "rules", body.objects("rules", max_items=MAX_RULES))
    targets = _targets(body, "apply_to", body.objects("apply_to"))
    body.check()
    name = present(name)
    project = call.project
    project.require_unique_name("firewalls", name)
    project.require_capacity("firewalls")
    record = {"id": call.world.new_id("firewalls"), "name": name, "labels": labels or {}, "created": call.now, "rules": rules, "applied_to": []}
    project.records("firewalls")[record["id"]] = record
    try:
        applied = _apply(call, record, targets, 422)
    except ApiError:
        del project.records("firewalls")[record["id"]]
        raise
    started = [actions.start(call, "set_firewall_rules", [("firewall", record["id"])], params={"rules": rules})] if rules else []
    started.extend(applied)
    return answer(201, {"firewall": render_with(project, record), "actions": [actions.render_call(call, action) for action in started]})


def update_firewall(call: Call) -> Response:
    record = update_record(call, "firewalls", max_len=128)
    return answer(200, {"firewall": render_with(call.project, record)})


def delete_firewall(call: Call) -> Response:
    record = call.project.get("firewalls", call.id())
    call.project.require_unlocked("firewalls", record["id"])
    if record["applied_to"]:
        raise ApiError("resource_in_use", f"firewall with ID '{record['id']}' is still applied to a resource")
    del call.project.records("firewalls")[record["id"]]
    return Response.empty(204)


def set_rules(call: Call) -> Response:
    record = call.project.get("firewalls", call.id())
    body = call.body()
    rules = read_rules(body, "rules", body.objects("rules", required=True, max_items=MAX_RULES))
    body.check()
    call.project.require_unlocked("firewalls", record["id"])
    action = actions.start(call, "set_firewall_rules", [("firewall", record["id"])], params={"rules": rules})
    return answer(201, {"actions": [actions.render_call(call, action)]})


def apply_to_resources(call: Call) -> Response:
    record = call.project.get("firewalls", call.id())
    body = call.body()
    targets = _targets(body, "apply_to", body.objects("apply_to", required=True))
    body.check()
    call.project.require_unlocked("firewalls", record["id"])
    started = _apply(call, record, targets, 404)
    return answer(201, {"actions": [actions.render_call(call, action) for action in started]})


def remove_from_resources(call: Call) -> Response:
    record = call.project.get("firewalls", call.id())
    body = call.body()
    targets = _targets(body, "remove_from", body.objects("remove_from", required=True))
    body.check()
    project = call.project
    project.require_unlocked("firewalls", record["id"])
    for kind, value in targets:
        if kind != "server":
            continue
        if value not in project.records("servers"):
            raise ApiError("firewall_resource_not_found", f"server with ID '{value}' not found")
        direct = any(entry["type"] == "server" and entry["server"] == value for entry in record["applied_to"])
        server = project.records("servers")[value]
        by_selector = any(entry["type"] == "label_selector" and parse_selector(entry["selector"])(server["labels"]) for entry in record["applied_to"])
        if by_selector and not direct:
            raise ApiError("firewall_managed_by_label_selector", f"firewall with ID '{record['id']}' is applied to server '{value}' by a label selector")
    started = []
    for kind, value in targets:
        servers = [value] if kind == "server" else _matching_servers(project, value)
        started.append(
            actions.start(
                call,
                "remove_firewall",
                [("firewall", record["id"]), *[("server", server_id) for server_id in servers]],
                params={"entry": kind, "value": value},
                locks=[("firewall", record["id"])],
            )
        )
    return answer(201, {"actions": [actions.render_call(call, action) for action in started]})


# -- effects of finished actions ------------------------------------------------
def _drop_entry(record: dict[str, Any], kind: str, value: Any) -> None:
    key = "server" if kind == "server" else "selector"
    record["applied_to"] = [entry for entry in record["applied_to"] if not (entry["type"] == kind and entry[key] == value)]


@actions.on_finish("apply_firewall")
def _applied(world: World, project: Project, action: dict[str, Any], ok: bool) -> None:
    record = project.records("firewalls").get(action["resources"][0]["id"])
    if record is not None and not ok:
        _drop_entry(record, action["params"]["entry"], action["params"]["value"])


@actions.on_finish("remove_firewall")
def _removed(world: World, project: Project, action: dict[str, Any], ok: bool) -> None:
    record = project.records("firewalls").get(action["resources"][0]["id"])
    if record is not None and ok:
        _drop_entry(record, action["params"]["entry"], action["params"]["value"])


@actions.on_finish("set_firewall_rules")
def _rules_set(world: World, project: Project, action: dict[str, Any], ok: bool) -> None:
    record = project.records("firewalls").get(action["resources"][0]["id"])
    if record is not None and ok:
        record["rules"] = action["params"]["rules"]


def forget_server(project: Project, server_id: int) -> None:
    """A deleted server leaves every firewall it was directly applied to."""
    for record in project.records("firewalls").values():
        _drop_entry(record, "server", server_id)


ROUTES = [
    *actions.resource_action_routes("firewalls"),
    Route("GET", "/firewalls", list_firewalls),
    Route("POST", "/firewalls", create_firewall),
    Route("GET", "/firewalls/{id}", get_firewall),
    Route("PUT", "/firewalls/{id}", update_firewall),
    Route("DELETE", "/firewalls/{id}", delete_firewall),
    Route("POST", "/firewalls/{id}/actions/set_rules", set_rules),
    Route("POST", "/firewalls/{id}/actions/apply_to_resources", apply_to_resources),
    Route("POST", "/firewalls/{id}/actions/remove_from_resources", remove_from_resources),
]
