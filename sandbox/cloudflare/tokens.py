"""API tokens: who may read or edit which zone, and how a request proves it.

A Cloudflare API token is 40 characters of ``[A-Za-z0-9_-]`` sent as
``Authorization: Bearer <token>``, scoped to zones with permissions such as
Zone:Read and DNS:Edit. The sandbox tokens below are fixed and obviously fake
(they spell out "sandbox" and what they may do) so that tests, the demo and
docs can name them.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from sandbox.cloudflare import envelope
from sandbox.common.server import Request

TOKEN_FORMAT = re.compile(r"^[A-Za-z0-9_-]{40}$")
GLOBAL_KEY_FORMAT = re.compile(r"^[0-9a-f]{37}$")

ZONE_READ = "zone:read"
DNS_READ = "dns_records:read"
DNS_EDIT = "dns_records:edit"
PERMISSIONS = (ZONE_READ, DNS_READ, DNS_EDIT)
ALL_ZONES = "*"

# The zone every sandbox run starts with. ".test" is reserved (RFC 2606), so this
# can never be somebody's real domain.
SANDBOX_ZONE = "boltfoundry.test"
# A second zone of the same account, for tokens that must not reach the first.
OTHER_ZONE = "unrelated.test"


def _fake_token(purpose: str) -> str:
    return f"sandbox_cloudflare_{purpose}_".ljust(40, "0")


SANDBOX_TOKENS: dict[str, str] = {
    # Zone:Read + DNS:Edit on the sandbox zone: what the collection needs.
    "dns_edit": _fake_token("dns_edit"),
    # Zone:Read + DNS:Read on the sandbox zone.
    "read_only": _fake_token("read_only"),
    # Zone:Read + DNS:Edit on unrelated.test only: no access to the sandbox zone.
    "other_zone": _fake_token("other_zone"),
}

_SEED_GRANTS: dict[str, dict[str, list[str]]] = {
    "dns_edit": {SANDBOX_ZONE: [ZONE_READ, DNS_READ, DNS_EDIT]},
    "read_only": {SANDBOX_ZONE: [ZONE_READ, DNS_READ]},
    "other_zone": {OTHER_ZONE: [ZONE_READ, DNS_READ, DNS_EDIT]},
}


@dataclass
class Token:
    name: str
    value: str
    # zone name (or "*" for every zone of the account) -> permissions
    grants: dict[str, set[str]] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return hashlib.md5(self.value.encode(), usedforsecurity=False).hexdigest()

    def permissions(self, zone_name: str) -> set[str]:
        granted = set(self.grants.get(ALL_ZONES, set())) | set(self.grants.get(zone_name, set()))
        if DNS_EDIT in granted:
            granted.add(DNS_READ)
        return granted

    def allows(self, zone_name: str, permission: str) -> bool:
        return permission in self.permissions(zone_name)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "value": self.value, "grants": {zone: sorted(perms) for zone, perms in self.grants.items()}}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Token:
        name = data.get("name")
        value = data.get("value") or _fake_token(str(name or "extra"))
        if not isinstance(name, str) or not name:
            raise ValueError("a token needs a non-empty 'name'")
        if not TOKEN_FORMAT.match(value):
            raise ValueError("token 'value' must be 40 characters of letters, digits, '-' or '_'")
        grants = data.get("grants")
        if not isinstance(grants, dict) or not grants:
            raise ValueError("a token needs 'grants': {zone name or '*': [permissions]}")
        parsed: dict[str, set[str]] = {}
        for zone, perms in grants.items():
            unknown = sorted(set(perms) - set(PERMISSIONS))
            if unknown:
                raise ValueError(f"unknown permission(s) {', '.join(unknown)}; known: {', '.join(PERMISSIONS)}")
            parsed[str(zone).lower()] = set(perms)
        return cls(name=name, value=value, grants=parsed)


def seed_tokens() -> dict[str, Token]:
    """The sandbox tokens, keyed by value."""
    tokens = [Token(name, SANDBOX_TOKENS[name], {zone: set(perms) for zone, perms in grants.items()}) for name, grants in _SEED_GRANTS.items()]
    return {token.value: token for token in tokens}


def authenticate(request: Request, tokens: dict[str, Token]) -> Token:
    """The token a request carries, or the error Cloudflare answers for its credentials."""
    authorization = request.header("authorization")
    if authorization is None:
        if request.header("x-auth-key") is not None or request.header("x-auth-email") is not None:
            # Global API keys: the sandbox has none, so a well-formed key is unknown.
            if not GLOBAL_KEY_FORMAT.match(request.header("x-auth-key") or ""):
                raise envelope.malformed_api_key()
            raise envelope.unknown_api_key()
        raise envelope.missing_credentials()
    scheme, _sep, value = authorization.strip().partition(" ")
    value = value.strip()
    if scheme.lower() != "bearer" or not TOKEN_FORMAT.match(value):
        raise envelope.malformed_authorization()
    token = tokens.get(value)
    if token is None:
        raise envelope.invalid_token()
    return token
