"""Zones: the zone object as ``GET /zones`` returns it, and the zone-list filters."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from sandbox.cloudflare import filters
from sandbox.cloudflare.clock import now
from sandbox.cloudflare.dns_records import Record
from sandbox.cloudflare.tokens import DNS_EDIT, DNS_READ, ZONE_READ, Token
from sandbox.common.server import Request

ACCOUNT = {"id": hashlib.md5(b"boltfoundry sandbox account", usedforsecurity=False).hexdigest(), "name": "Bolt Foundry sandbox account"}

# Per plan: the plan object Cloudflare shows, and the DNS record attribute limits
# (record tags are not available on Free; comments are capped by plan).
PLANS: dict[str, dict[str, Any]] = {
    "free": {
        "object": {"id": "0feeeeeeeeeeeeeeeeeeeeeeeeeeeeee", "name": "Free Website", "price": 0, "currency": "USD", "frequency": "", "legacy_id": "free"},
        "tags_quota": 0,
        "comment_limit": 100,
    },
    "pro": {
        "object": {
            "id": hashlib.md5(b"plan:pro", usedforsecurity=False).hexdigest(),
            "name": "Pro Website",
            "price": 20,
            "currency": "USD",
            "frequency": "monthly",
            "legacy_id": "pro",
        },
        "tags_quota": 20,
        "comment_limit": 500,
    },
}

# The permission names Cloudflare lists on a zone for what the token may do.
_PERMISSION_NAMES = {ZONE_READ: "#zone:read", DNS_READ: "#dns_records:read", DNS_EDIT: "#dns_records:edit"}


def zone_id(name: str) -> str:
    """Deterministic 32-hex id, so a zone keeps its id across sandbox restarts and docs can show it."""
    return hashlib.md5(f"zone:{name}".encode(), usedforsecurity=False).hexdigest()


@dataclass
class Zone:
    name: str
    plan: str = "free"
    created_on: str = field(default_factory=now)
    records: dict[str, Record] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return zone_id(self.name)

    @property
    def tags_quota(self) -> int:
        return int(PLANS[self.plan]["tags_quota"])

    @property
    def comment_limit(self) -> int:
        return int(PLANS[self.plan]["comment_limit"])

    def to_json(self, token: Token) -> dict[str, Any]:
        plan = dict(PLANS[self.plan]["object"])
        plan.update({"is_subscribed": self.plan != "free", "can_subscribe": False, "legacy_discount": False, "externally_managed": False})
        return {
            "id": self.id,
            "name": self.name,
            "status": "active",
            "paused": False,
            "type": "full",
            "development_mode": 0,
            "name_servers": ["ada.ns.sandbox.test", "bob.ns.sandbox.test"],
            "original_name_servers": None,
            "original_registrar": None,
            "original_dnshost": None,
            "modified_on": self.created_on,
            "created_on": self.created_on,
            "activated_on": self.created_on,
            "meta": {"step": 2, "custom_certificate_quota": 0, "page_rule_quota": 3, "phishing_detected": False},
            "owner": {"id": None, "type": "user", "name": None},
            "account": dict(ACCOUNT),
            "permissions": sorted(_PERMISSION_NAMES[p] for p in token.permissions(self.name)),
            "plan": plan,
        }

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "plan": self.plan, "created_on": self.created_on, "records": [record.to_dict() for record in self.records.values()]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Zone:
        zone = cls(name=data["name"], plan=data.get("plan", "free"), created_on=data.get("created_on") or now())
        for item in data.get("records", []):
            record = Record.from_dict(item)
            zone.records[record.id] = record
        return zone


def select(request: Request, zones: list[Zone]) -> list[Zone]:
    """The ``GET /zones`` filters: name (with operators), status, account.id/name, match."""
    checks = []
    name = request.arg("name")
    if name:
        checks.append(lambda zone: filters.zone_name_match(name, zone.name))
    status = request.arg("status")
    if status:
        checks.append(lambda zone: status == "active")
    account_id = request.arg("account.id")
    if account_id:
        checks.append(lambda zone: account_id == ACCOUNT["id"])
    account_name = request.arg("account.name")
    if account_name:
        checks.append(lambda zone: filters.zone_name_match(account_name, ACCOUNT["name"]))
    combine = any if (request.arg("match") or "all") == "any" else all
    chosen = [zone for zone in zones if combine(check(zone) for check in checks)] if checks else list(zones)
    # Every zone here is active and in the one sandbox account, so only "name" changes the order.
    return filters.order(request, chosen, {"name": lambda z: z.name})
