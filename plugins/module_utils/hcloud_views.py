# Copyright: Bolt Foundry
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Resources as the modules return them: plain dicts, the same in every module and in ``hcloud_info``.

Only attributes present in the API's answer are read: the library's models
of referenced resources (a volume's server, a server's firewalls) hold only
an ID and would fetch the rest on access, one request each.
"""

from __future__ import annotations

import ipaddress
from typing import Any, Dict, List, Optional


def _name(model: Any) -> Optional[str]:
    return None if model is None else getattr(model.data_model, "name", None)


def _id(model: Any) -> Optional[int]:
    return None if model is None else model.data_model.id


def _protection(model: Any, flag: str = "delete") -> bool:
    return bool((model.protection or {}).get(flag))


def ipv6_address(network: Optional[str]) -> Optional[str]:
    """The address a Hetzner server uses in its /64 (``<network>::1``), from the network in CIDR notation."""
    if not network:
        return None
    return str(ipaddress.ip_network(network, strict=False).network_address + 1)


def server(model: Any) -> Dict[str, Any]:
    public_net = model.public_net
    ipv4 = getattr(public_net, "ipv4", None)
    ipv6 = getattr(public_net, "ipv6", None)
    return {
        "id": model.id,
        "name": model.name,
        "status": model.status,
        "server_type": _name(model.server_type),
        "image": _name(model.image),
        "location": _name(model.location),
        "ipv4_address": None if ipv4 is None else ipv4.ip,
        "ipv6": None if ipv6 is None else ipv6.ip,
        "ipv6_address": None if ipv6 is None else ipv6_address(ipv6.ip),
        "firewalls": sorted(_id(entry.firewall) for entry in (getattr(public_net, "firewalls", None) or [])),
        "floating_ips": sorted(_id(entry) for entry in (getattr(public_net, "floating_ips", None) or [])),
        "volumes": sorted(_id(entry) for entry in (model.volumes or [])),
        "labels": dict(model.labels or {}),
        "delete_protection": _protection(model),
        "rebuild_protection": _protection(model, "rebuild"),
        "created": None if model.created is None else model.created.isoformat(),
    }


def volume(model: Any) -> Dict[str, Any]:
    return {
        "id": model.id,
        "name": model.name,
        "status": model.status,
        "size": model.size,
        "location": _name(model.location),
        "server": _id(model.server),
        "linux_device": model.linux_device,
        "format": model.format,
        "labels": dict(model.labels or {}),
        "delete_protection": _protection(model),
        "created": None if model.created is None else model.created.isoformat(),
    }


def floating_ip(model: Any) -> Dict[str, Any]:
    return {
        "id": model.id,
        "name": model.name,
        "type": model.type,
        "ip": model.ip,
        "home_location": _name(model.home_location),
        "server": _id(model.server),
        "description": model.description or None,
        "dns_ptr": {entry["ip"]: entry["dns_ptr"] for entry in (model.dns_ptr or [])},
        "blocked": bool(model.blocked),
        "labels": dict(model.labels or {}),
        "delete_protection": _protection(model),
        "created": None if model.created is None else model.created.isoformat(),
    }


def ssh_key(model: Any) -> Dict[str, Any]:
    return {
        "id": model.id,
        "name": model.name,
        "fingerprint": model.fingerprint,
        "public_key": model.public_key,
        "labels": dict(model.labels or {}),
        "created": None if model.created is None else model.created.isoformat(),
    }


def firewall_rule(rule: Any) -> Dict[str, Any]:
    return {
        "direction": rule.direction,
        "protocol": rule.protocol,
        "port": rule.port,
        "source_ips": list(rule.source_ips or []),
        "destination_ips": list(rule.destination_ips or []),
        "description": rule.description,
    }


def firewall(model: Any) -> Dict[str, Any]:
    servers: List[int] = []
    selectors: List[str] = []
    for entry in model.applied_to or []:
        if entry.type == "server" and entry.server is not None:
            servers.append(_id(entry.server))
        elif entry.type == "label_selector" and entry.label_selector is not None:
            selectors.append(entry.label_selector.selector)
    return {
        "id": model.id,
        "name": model.name,
        "rules": [firewall_rule(rule) for rule in model.rules or []],
        "servers": sorted(servers),
        "label_selectors": sorted(selectors),
        "labels": dict(model.labels or {}),
        "created": None if model.created is None else model.created.isoformat(),
    }
