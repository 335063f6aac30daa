"""What primary and floating IPs share: reverse DNS entries and the check of ``change_dns_ptr``."""

from __future__ import annotations

import ipaddress
from typing import Any

from sandbox.hcloud import actions
from sandbox.hcloud.inputs import Body
from sandbox.hcloud.world import Project, World, default_ptr


def dns_ptr_list(record: dict[str, Any]) -> list[dict[str, str]]:
    """``dns_ptr`` as the API lists it: the IPv4 address always (with its default name), IPv6 entries that were set."""
    if record["type"] == "ipv4":
        return [{"ip": record["ip"], "dns_ptr": record["dns_ptr"].get(record["ip"]) or default_ptr(record["ip"])}]
    return [{"ip": ip, "dns_ptr": ptr} for ip, ptr in sorted(record["dns_ptr"].items())]


def read_dns_ptr_change(body: Body, record: dict[str, Any]) -> tuple[str, str | None]:
    """The ``ip`` and ``dns_ptr`` of a change_dns_ptr call, checked against the address it is for."""
    ip = body.string("ip", required=True)
    ptr = body.string("dns_ptr", nullable=True, max_len=255)
    if ptr == "":
        body.error("dns_ptr", "must not be empty; send null to reset it")
    if ip is not None:
        try:
            address = ipaddress.ip_address(ip)
        except ValueError:
            body.error("ip", "is not an IP address")
        else:
            if record["type"] == "ipv4":
                if str(address) != record["ip"]:
                    body.error("ip", f"must be the address {record['ip']}")
            elif address not in ipaddress.ip_network(record["ip"]):
                body.error("ip", f"must be inside {record['ip']}")
    body.check()  # raises when ip is missing, so it is a string below
    return str(ipaddress.ip_address(str(ip))), ptr


def apply_dns_ptr(record: dict[str, Any], ip: str, ptr: str | None) -> None:
    if ptr is None:
        record["dns_ptr"].pop(ip, None)
    else:
        record["dns_ptr"][ip] = ptr


@actions.on_finish("change_dns_ptr")
def _dns_ptr_changed(world: World, project: Project, action: dict[str, Any], ok: bool) -> None:
    params = action["params"]
    record = project.records(params["kind"]).get(params["id"])
    if ok and record is not None:
        apply_dns_ptr(record, params["ip"], params["dns_ptr"])
