"""The Cloudflare API v4 simulator: routes, authorization, state and admin calls.

Served under ``/client/v4`` like ``https://api.cloudflare.com/client/v4``, so
``cloudflare.Cloudflare(api_token=..., base_url=<url>/client/v4)`` works
unchanged. Admin calls under ``/__sandbox__/cloudflare/``:

| call | what |
|---|---|
| ``POST zones`` ``{"name", "plan"?}`` | add a zone (plan ``free`` or ``pro``) |
| ``POST tokens`` ``{"name", "value"?, "grants": {zone or "*": [permissions]}}`` | add an API token |
| ``POST reset`` | back to the seeded world (two zones, the sandbox tokens, no records) |
| ``GET state`` | the whole world as JSON |
"""

from __future__ import annotations

import re
import time
from typing import Any

from sandbox.cloudflare import dns_records, envelope, filters, zones
from sandbox.cloudflare.envelope import CloudflareError, ok
from sandbox.cloudflare.tokens import DNS_EDIT, DNS_READ, OTHER_ZONE, SANDBOX_ZONE, ZONE_READ, Token, authenticate, seed_tokens
from sandbox.cloudflare.zones import PLANS, Zone
from sandbox.common.server import BadRequestBody, Request, Response, Service

API_PREFIX = "/client/v4"
_ID = re.compile(r"^[0-9a-f]{32}$")
RATE_LIMIT = 1200  # requests per token per five minutes, as Cloudflare documents
RATE_WINDOW = 300


class CloudflareService(Service):
    name = "cloudflare"

    def __init__(self) -> None:
        self.zones: dict[str, Zone] = {}
        self.tokens: dict[str, Token] = {}
        self._windows: dict[str, tuple[float, int]] = {}
        self.reset()

    def reset(self) -> None:
        self.zones = {}
        for name in (SANDBOX_ZONE, OTHER_ZONE):
            self.add_zone(name)
        self.tokens = seed_tokens()
        self._windows = {}

    def add_zone(self, name: str, plan: str = "free") -> Zone:
        name = name.strip().lower().rstrip(".")
        if not name or "." not in name:
            raise ValueError(f"zone name must be a domain such as example.test, got {name!r}")
        if plan not in PLANS:
            raise ValueError(f"plan must be one of {', '.join(PLANS)}, got {plan!r}")
        zone = Zone(name=name, plan=plan)
        if zone.id in self.zones:
            raise ValueError(f"zone {name} exists already")
        self.zones[zone.id] = zone
        return zone

    # -- requests ------------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        try:
            if not request.path.startswith(API_PREFIX + "/"):
                raise envelope.no_route()
            token = authenticate(request, self.tokens)
            headers = self._rate_headers(token)
            status, body = self._route(request, token)
            return Response.json(status, body, headers)
        except CloudflareError as error:
            return error.response()
        except BadRequestBody as exc:
            return envelope.invalid_body(str(exc)).response()

    def fault_response(self, request: Request, status: int) -> Response:
        return envelope.fault(status)

    def _rate_headers(self, token: Token) -> dict[str, str]:
        """Cloudflare's rate-limit headers; the limit itself is only reached through injected 429s."""
        started, used = self._windows.get(token.value, (time.monotonic(), 0))
        if time.monotonic() - started >= RATE_WINDOW:
            started, used = time.monotonic(), 0
        used += 1
        self._windows[token.value] = (started, used)
        reset = max(0, int(RATE_WINDOW - (time.monotonic() - started)))
        return {"Ratelimit": f'"default";r={max(0, RATE_LIMIT - used)};t={reset}', "Ratelimit-Policy": f'"default";q={RATE_LIMIT};w={RATE_WINDOW}'}

    def _route(self, request: Request, token: Token) -> tuple[int, dict[str, Any]]:
        parts = request.path[len(API_PREFIX) :].strip("/").split("/")
        method = request.method
        if parts == ["user", "tokens", "verify"]:
            self._allow(method, "GET")
            messages = [{"code": 10000, "message": "This API Token is valid and active", "type": None}]
            return 200, ok({"id": token.id, "status": "active"}, messages=messages)
        if parts == ["zones"]:
            self._allow(method, "GET")
            return self._list_zones(request, token)
        if len(parts) < 2 or parts[0] != "zones":
            raise envelope.no_route()
        zone = self._zone(request, parts[1], token)
        rest = parts[2:]
        if not rest:
            self._allow(method, "GET")
            self._require(token, zone, ZONE_READ)
            return 200, ok(zone.to_json(token))
        if rest[0] != "dns_records" or len(rest) > 2:
            raise envelope.no_route()
        if len(rest) == 1:
            self._allow(method, "GET", "POST")
            if method == "GET":
                self._require(token, zone, DNS_READ)
                return self._list_records(request, zone)
            self._require(token, zone, DNS_EDIT)
            record = dns_records.build(zone, request.json())
            dns_records.check_conflicts(zone, record)
            zone.records[record.id] = record
            return 200, ok(record.to_json())
        if rest[1] == "batch":
            self._allow(method, "POST")
            self._require(token, zone, DNS_EDIT)
            return 200, ok(self._batch(zone, request.json()))
        return self._one_record(request, token, zone, rest[1])

    @staticmethod
    def _allow(method: str, *allowed: str) -> None:
        if method not in allowed:
            raise envelope.method_not_allowed(method)

    def _zone(self, request: Request, zone_id: str, token: Token) -> Zone:
        if not _ID.match(zone_id):
            raise envelope.invalid_identifier(request.path)
        zone = self.zones.get(zone_id)
        # An unknown zone and a zone the token may not touch look the same to a token.
        if zone is None or not token.permissions(zone.name):
            raise envelope.not_authorized()
        return zone

    @staticmethod
    def _require(token: Token, zone: Zone, permission: str) -> None:
        if not token.allows(zone.name, permission):
            raise envelope.not_authorized()

    def _list_zones(self, request: Request, token: Token) -> tuple[int, dict[str, Any]]:
        visible = [zone for zone in self.zones.values() if token.allows(zone.name, ZONE_READ)]
        page, info = filters.paginate(request, zones.select(request, visible), filters.ZONE_PAGES)
        return 200, ok([zone.to_json(token) for zone in page], result_info=info)

    def _list_records(self, request: Request, zone: Zone) -> tuple[int, dict[str, Any]]:
        chosen = dns_records.select(request, list(zone.records.values()))
        page, info = filters.paginate(request, chosen, filters.RECORD_PAGES)
        return 200, ok([record.to_json() for record in page], result_info=info)

    def _one_record(self, request: Request, token: Token, zone: Zone, record_id: str) -> tuple[int, dict[str, Any]]:
        self._allow(request.method, "GET", "PUT", "PATCH", "DELETE")
        if not _ID.match(record_id):
            raise envelope.invalid_identifier(request.path)
        self._require(token, zone, DNS_READ if request.method == "GET" else DNS_EDIT)
        current = zone.records.get(record_id)
        if current is None:
            raise envelope.record_not_found()
        if request.method == "GET":
            return 200, ok(current.to_json())
        if request.method == "DELETE":
            del zone.records[record_id]
            return 200, ok({"id": record_id})
        record = dns_records.build(zone, request.json(), current, partial=request.method == "PATCH")
        dns_records.check_conflicts(zone, record)
        zone.records[record_id] = record
        return 200, ok(record.to_json())

    def _batch(self, zone: Zone, body: Any) -> dict[str, list[dict[str, Any]]]:
        """Deletes, then patches, then puts, then posts, in one transaction: all or nothing."""
        if not isinstance(body, dict):
            raise envelope.invalid_body("The body must be a JSON object.")
        records = dict(zone.records)
        done: dict[str, list[dict[str, Any]]] = {"deletes": [], "patches": [], "puts": [], "posts": []}
        for operation in ("deletes", "patches", "puts", "posts"):
            items = body.get(operation) or []
            if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
                raise envelope.invalid_body(f"{operation} must be a list of objects.")
            for item in items:
                if operation == "posts":
                    record = dns_records.build(zone, item)
                else:
                    record_id = item.get("id")
                    if not isinstance(record_id, str) or record_id not in records:
                        raise envelope.record_not_found()
                    if operation == "deletes":
                        done[operation].append(records.pop(record_id).to_json())
                        continue
                    record = dns_records.build(zone, item, records[record_id], partial=operation == "patches")
                dns_records.check_conflicts(zone, record, records)
                records[record.id] = record
                done[operation].append(record.to_json())
        zone.records = records
        return done

    # -- admin, state ------------------------------------------------------------------------
    def admin(self, request: Request, subpath: str) -> Response | None:
        if subpath == "cloudflare/reset" and request.method == "POST":
            self.reset()
            return Response.empty(204)
        if subpath == "cloudflare/state" and request.method == "GET":
            return Response.json(200, self.snapshot())
        if subpath == "cloudflare/zones" and request.method == "POST":
            payload = request.json() or {}
            zone = self.add_zone(str(payload.get("name", "")), str(payload.get("plan", "free")))
            return Response.json(201, {"id": zone.id, "name": zone.name, "plan": zone.plan})
        if subpath == "cloudflare/tokens" and request.method == "POST":
            token = Token.from_dict(request.json() or {})
            if token.value in self.tokens:
                raise ValueError("a token with this value exists already")
            self.tokens[token.value] = token
            return Response.json(201, token.to_dict() | {"id": token.id})
        return None

    def snapshot(self) -> dict[str, Any]:
        return {"zones": [zone.to_dict() for zone in self.zones.values()], "tokens": [token.to_dict() for token in self.tokens.values()]}

    def restore(self, data: dict[str, Any]) -> None:
        restored = [Zone.from_dict(item) for item in data.get("zones", [])]
        self.zones = {zone.id: zone for zone in restored}
        tokens = [Token.from_dict(item) for item in data.get("tokens", [])]
        self.tokens = {token.value: token for token in tokens} or seed_tokens()
