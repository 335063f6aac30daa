"""The simulated state: projects (one per token), their resources and actions, and what they share.

Each token belongs to one project and each project is a world of its own
(the ``ci`` and ``production`` projects never see each other's resources),
but IDs and IP addresses are unique across projects, as at Hetzner. Every
resource is a plain JSON-able record, so the whole state snapshots to JSON.
IDs of different kinds start at different bases so that a volume ID passed
where a server ID belongs finds nothing instead of the wrong resource.
"""

from __future__ import annotations

import ipaddress
import secrets
from collections.abc import Callable, Iterable
from typing import Any

from sandbox.common.clock import SimClock
from sandbox.hcloud.errors import ApiError, invalid_input, locked, not_found, resource_limit, uniqueness
from sandbox.hcloud.labels import SelectorError, parse_selector
from sandbox.hcloud.ratelimit import DEFAULT_LIMIT, RateBudget

# Collection name -> the singular the API uses in action resources and messages.
KINDS = {
    "servers": "server",
    "volumes": "volume",
    "floating_ips": "floating_ip",
    "primary_ips": "primary_ip",
    "ssh_keys": "ssh_key",
    "firewalls": "firewall",
}
TITLES = {
    "servers": "Server",
    "volumes": "Volume",
    "floating_ips": "Floating IP",
    "primary_ips": "Primary IP",
    "ssh_keys": "SSH key",
    "firewalls": "Firewall",
}
ID_BASES = {
    "servers": 10_000_000,
    "volumes": 20_000_000,
    "floating_ips": 30_000_000,
    "primary_ips": 40_000_000,
    "ssh_keys": 50_000_000,
    "firewalls": 60_000_000,
    "actions": 100_000_000,
}
# How many of each resource a project may hold; raise them with the admin call ``limits``.
DEFAULT_LIMITS = {"servers": 25, "volumes": 100, "floating_ips": 25, "primary_ips": 60, "ssh_keys": 200, "firewalls": 100}

# Documentation address ranges (RFC 5737, RFC 3849): never routable, obviously not real.
PRIMARY_IPV4 = [*ipaddress.ip_network("203.0.113.0/24").hosts(), *ipaddress.ip_network("192.0.2.0/24").hosts()]
FLOATING_IPV4 = list(ipaddress.ip_network("198.51.100.0/24").hosts())
PRIMARY_IPV6_BASE = 0x1000
FLOATING_IPV6_BASE = 0xF000
IPV6_POOL_SIZE = 0x0FFF


def default_ptr(ip: str) -> str:
    """The reverse DNS name Hetzner gives an IPv4 address until its owner sets one."""
    return "static." + ".".join(reversed(ip.split("."))) + ".clients.your-server.de"


class Project:
    """One Hetzner Cloud project: its resources, its actions, its limits and its request budget."""

    def __init__(self, name: str, token: str) -> None:
        self.name = name
        self.token = token
        self.resources: dict[str, dict[int, dict[str, Any]]] = {kind: {} for kind in KINDS}
        self.actions: dict[int, dict[str, Any]] = {}
        self.running: set[int] = set()
        self.limits = dict(DEFAULT_LIMITS)
        self.budget = RateBudget(DEFAULT_LIMIT)

    def records(self, kind: str) -> dict[int, dict[str, Any]]:
        return self.resources[kind]

    def get(self, kind: str, resource_id: int) -> dict[str, Any]:
        record = self.resources[kind].get(resource_id)
        if record is None:
            raise not_found(KINDS[kind], resource_id)
        return record

    def find(self, kind: str, ref: int | str) -> dict[str, Any] | None:
        """A resource by ID or by name."""
        if isinstance(ref, int):
            return self.resources[kind].get(ref)
        return next((record for record in self.resources[kind].values() if record["name"] == ref), None)

    def require_unique_name(self, kind: str, name: str, own_id: int | None = None) -> None:
        for record in self.resources[kind].values():
            if record["name"] == name and record["id"] != own_id:
                raise uniqueness("name", f"{TITLES[kind]} name '{name}' is already used in this project")

    def require_capacity(self, kind: str, more: int = 1) -> None:
        limit = self.limits[kind]
        if len(self.resources[kind]) + more > limit:
            raise resource_limit(kind.replace("_", " "), limit)

    def lock_holder(self, kind: str, resource_id: int) -> dict[str, Any] | None:
        """The running action that keeps this resource locked, if any."""
        singular = KINDS[kind]
        for action_id in sorted(self.running):
            action = self.actions[action_id]
            if any(lock["type"] == singular and lock["id"] == resource_id for lock in action["locks"]):
                return action
        return None

    def require_unlocked(self, kind: str, resource_id: int) -> None:
        holder = self.lock_holder(kind, resource_id)
        if holder is not None:
            raise locked(KINDS[kind], resource_id, holder["command"])

    def snapshot(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "token": self.token,
            "resources": {kind: list(records.values()) for kind, records in self.resources.items()},
            "actions": list(self.actions.values()),
            "limits": dict(self.limits),
            "rate_limit": self.budget.limit,
        }

    @classmethod
    def restore(cls, data: dict[str, Any]) -> Project:
        project = cls(data["name"], data["token"])
        for kind, records in data["resources"].items():
            project.resources[kind] = {record["id"]: record for record in records}
        project.actions = {action["id"]: action for action in data["actions"]}
        project.running = {action["id"] for action in project.actions.values() if action["status"] == "running"}
        project.limits.update(data.get("limits", {}))
        project.budget = RateBudget(data.get("rate_limit", DEFAULT_LIMIT))
        return project


class World:
    """Everything the simulator knows: the clock, the projects, ID counters and action settings."""

    def __init__(self, tokens: dict[str, str], clock: SimClock, durations: dict[str, float]) -> None:
        self.clock = clock
        self.durations = dict(durations)
        self.projects: dict[str, Project] = {}
        self.by_token: dict[str, Project] = {}
        self.next_ids = dict(ID_BASES)
        # Rules that make upcoming actions end in error: {"command", "project", "count", "code", "message"}.
        self.fail_rules: list[dict[str, Any]] = []
        for name, token in tokens.items():
            self.add_project(name, token)

    def add_project(self, name: str, token: str) -> Project:
        if name in self.projects:
            raise ValueError(f"project {name!r} exists already")
        if token in self.by_token:
            raise ValueError(f"the token of project {name!r} belongs to project {self.by_token[token].name!r} already")
        project = Project(name, token)
        self.projects[name] = project
        self.by_token[token] = project
        return project

    def now(self) -> float:
        return self.clock.now()

    def new_id(self, kind: str) -> int:
        self.next_ids[kind] += 1
        return self.next_ids[kind]

    def all_records(self, kind: str) -> Iterable[dict[str, Any]]:
        for project in self.projects.values():
            yield from project.resources[kind].values()

    # -- addresses ---------------------------------------------------------
    def _used_ips(self) -> set[str]:
        used = {record["ip"] for record in self.all_records("primary_ips")}
        used.update(record["ip"] for record in self.all_records("floating_ips"))
        return used

    def allocate_ip(self, family: str, floating: bool) -> str:
        used = self._used_ips()
        if family == "ipv4":
            for address in FLOATING_IPV4 if floating else PRIMARY_IPV4:
                if str(address) not in used:
                    return str(address)
        else:
            base = FLOATING_IPV6_BASE if floating else PRIMARY_IPV6_BASE
            for offset in range(IPV6_POOL_SIZE):
                network = f"2001:db8:{base + offset:x}::/64"
                if network not in used:
                    return network
        raise ApiError("resource_unavailable", f"the sandbox has no free {family} address left for a {'floating' if floating else 'primary'} IP")

    # -- action failures -----------------------------------------------------
    def take_failure(self, project: Project, command: str) -> dict[str, str] | None:
        """The error an action about to start must end with, if a fail rule asks for one."""
        for rule in list(self.fail_rules):
            if rule["command"] not in (None, command) or rule.get("project") not in (None, project.name):
                continue
            if rule.get("count") is not None:
                rule["count"] -= 1
                if rule["count"] <= 0:
                    self.fail_rules.remove(rule)
            return {"code": rule.get("code") or "action_failed", "message": rule.get("message") or "Action failed"}
        return None

    # -- state -------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        return {
            "clock": self.clock.snapshot(),
            "durations": dict(self.durations),
            "next_ids": dict(self.next_ids),
            "fail_rules": [dict(rule) for rule in self.fail_rules],
            "projects": [project.snapshot() for project in self.projects.values()],
        }

    def restore(self, data: dict[str, Any]) -> None:
        self.clock.restore(data["clock"])
        self.durations.update(data.get("durations", {}))
        self.next_ids.update(data["next_ids"])
        self.fail_rules = [dict(rule) for rule in data.get("fail_rules", [])]
        self.projects, self.by_token = {}, {}
        for item in data["projects"]:
            project = Project.restore(item)
            self.projects[project.name] = project
            self.by_token[project.token] = project


def label_filter(selector: str | None) -> Callable[[dict[str, Any]], bool]:
    """A record predicate for the ``label_selector`` query parameter."""
    if not selector:
        return lambda record: True
    try:
        matcher = parse_selector(selector)
    except SelectorError as exc:
        raise invalid_input({"label_selector": [str(exc)]}) from exc
    return lambda record: matcher(record["labels"])


def root_password() -> str:
    return secrets.token_urlsafe(18)
