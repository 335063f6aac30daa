"""A stand-in for onepassword-sdk's native core, over a sandbox vault file.

The SDK's Python layer (``onepassword.core.UniffiCore``) calls four functions
of a native module, ``onepassword.lib.<arch>.op_uniffi_core``: ``init_client``
and ``invoke`` (async), ``invoke_sync`` and ``release_client``. Each takes and
returns JSON strings, and failures are raised as an exception whose ``msg`` is
``{"name": ..., "message": ...}``, which the SDK's ``errors.py`` maps to its
own exceptions. ``SimulatedCore`` is such a module: put it where UniffiCore
keeps its native module and the SDK's ``Client``, ``Secrets``, ``Items``,
``Vaults``, ``Environments``, pydantic types and error mapping run unchanged.

What it implements, as the real core and service accounts behave:
- ``init_client``: the real core's local checks of the configuration (same
  messages), then the token must be one of the vault file's service accounts,
  not expired; only sandbox tokens are accepted, never a real one.
- invocations: ``SecretsResolve``, ``SecretsResolveAll``, ``VaultsList``,
  ``ItemsList``, ``ItemsGet``, ``ItemsGetAll``, ``ItemsCreate``, ``ItemsPut``,
  ``ItemsDelete``, ``EnvironmentsGetVariables``; ``ValidateSecretReference``
  (sync). Others answer an internal error naming the invocation.
- per-service-account vault access (``read_items``/``write_items``): vaults a
  token is not granted are invisible to it;
- the 50-item limit of ``ItemsGetAll``; the version check of ``ItemsPut``;
- rate limits counted from the invocation log: reads and writes per token
  per hour, requests per account per day (``rate_limits`` in the file;
  1Password Teams figures by default); each invocation counts as one request;
- faults from the file's ``faults`` list: ``{"invocation", "count", "error":
  {"name", "message"}}`` answers that error instead; ``{"invocation":
  "ItemsGet", "concurrent_edit": true}`` answers, then bumps the item's
  version as another writer would.

Error names and messages are the real core's where it produces them locally
(checked against the native library in tests); for server-side failures they
are taken from the messages compiled into the native library, so their exact
composition is our best reading, not an observation.
"""

from __future__ import annotations

import base64
import binascii
import calendar
import json
import os
import threading
import time
from collections.abc import Callable
from typing import Any

from sandbox.onepassword import fields, references
from sandbox.onepassword.references import ReferenceError_
from sandbox.onepassword.store import DEFAULT_LIMITS, VaultFile, new_id, now_rfc3339

SANDBOX_MARK = "boltfoundry.infra"
MAX_BATCH = 50
INTERNAL_PREFIX = "an internal error occurred, please contact 1Password at support@1password.com or https://developer.1password.com/joinslack: "
TOKEN_PREFIX = "invalid service account token, please make sure you provide a valid service account token as parameter: "  # noqa: S105 - a message
FORBIDDEN = "you do not have the right permissions to perform this action: you don't have the right permissions to access this resource"
WRITES = frozenset({"ItemsCreate", "ItemsPut", "ItemsDelete"})
RESOLVE_ERRORS = {
    "vaultNotFound": "no vault matched the secret reference query",
    "tooManyVaults": "more than one vault matched the secret reference query",
    "itemNotFound": "no item matched the secret reference query",
    "tooManyItems": "more than one item matched the secret reference query",
    "noMatchingSections": "no section matched the secret reference",
    "fieldNotFound": "the specified field cannot be found within the item",
    "tooManyMatchingFields": "more than one field matched the secret reference",
    "incompatibleTOTPQueryParameterField": "TOTP attribute can only be applied to TOTP-type fields",
    "incompatibleSshKeyQueryParameterField": "SSH key formatting can only be applied to a private key field",
    "unableToParsePrivateKey": "unable to properly parse private key, verify that private key isn't malformed",
}


class Error(Exception):
    """What the native binding raises (its ``Error.Error``): ``msg`` is the JSON the SDK's errors.py reads."""

    def __init__(self, name: str, message: str) -> None:
        self.name = name
        self.message = message
        self.msg = json.dumps({"name": name, "message": message})
        super().__init__(f"msg={self.msg!r}")


def make_token(service_account: str, nonce: str) -> str:
    """A sandbox token: ``ops_`` and base64 JSON the real core cannot deserialize, so it never reaches 1Password."""
    payload = json.dumps({"sandbox": SANDBOX_MARK, "serviceAccount": service_account, "nonce": nonce}, separators=(",", ":"))
    return "ops_" + base64.b64encode(payload.encode()).decode().rstrip("=")


def _is_sandbox_token(token: str) -> bool:
    body = token[len("ops_") :]
    try:
        data = json.loads(base64.b64decode(body + "=" * (-len(body) % 4), validate=True))
    except (binascii.Error, ValueError):
        return False
    return isinstance(data, dict) and data.get("sandbox") == SANDBOX_MARK


def _parse_time(value: str) -> float:
    return calendar.timegm(time.strptime(value, "%Y-%m-%dT%H:%M:%SZ"))


class SimulatedCore:
    """The native core's four functions over one vault file (see the module docstring)."""

    def __init__(self, vault_path: str | os.PathLike[str]) -> None:
        self.vault = VaultFile(vault_path)
        self._clients: dict[int, str] = {}
        self._next_id = 0
        self._lock = threading.Lock()

    # -- the native module's functions ------------------------------------
    async def init_client(self, client_config: str) -> str:
        config = json.loads(client_config)
        problems = []
        token = config.get("serviceAccountToken", "")
        if not token:
            problems.append("service account token was not specified")
        elif not token.startswith("ops_"):
            problems.append("service account token had invalid format")
        if not config.get("integrationName"):
            problems.append("integration name was not specified")
        if not config.get("integrationVersion"):
            problems.append("integration version was not specified")
        if problems:
            raise Error("InvalidConfiguration", "invalid user input: encountered the following errors: " + "; ".join(problems))
        if not _is_sandbox_token(token):
            raise Error("ServiceAccountTokenParsing", TOKEN_PREFIX + "the simulated 1Password core only accepts the sandbox tokens of its vault file")
        with self.vault.transaction() as state:
            account = self._account_for_token(state, token)
            self.vault.append_log(
                {
                    "call": "init_client",
                    "serviceAccount": account["name"] if account else None,
                    "integration": f"{config.get('integrationName')}/{config.get('integrationVersion')}",
                    "outcome": "ok" if account else "Auth",
                }
            )
        if account is None:
            raise Error("Auth", "authentication error: bad service account token, please rotate it: you are not authenticated")
        with self._lock:
            client_id = self._next_id
            self._next_id += 1
            self._clients[client_id] = token
        return str(client_id)

    async def invoke(self, invocation: str) -> str:
        return self._invoke(json.loads(invocation))

    def invoke_sync(self, invocation: str) -> str:
        parameters = json.loads(invocation)["invocation"]["parameters"]
        if parameters["name"] == "ValidateSecretReference":
            try:
                references.parse(parameters["parameters"]["secret_reference"])
            except ReferenceError_ as exc:
                raise Error("ParsingSecretReference", references.PARSE_PREFIX + str(exc.message)) from None
            return ""
        raise Error("Internal", INTERNAL_PREFIX + f"the simulated 1Password core does not implement {parameters['name']}")

    def release_client(self, client_id: str) -> None:
        with self._lock:
            self._clients.pop(int(json.loads(client_id)), None)

    # -- invocations -------------------------------------------------------
    def _account_for_token(self, state: dict[str, Any], token: str) -> dict[str, Any] | None:
        for account in state.get("service_accounts", []):
            if account.get("token") == token:
                expires = account.get("expiresAt")
                if expires and _parse_time(expires) <= time.time():
                    return None
                return account
        return None

    def _invoke(self, envelope: dict[str, Any]) -> str:
        invocation = envelope["invocation"]
        name = invocation["parameters"]["name"]
        params = invocation["parameters"]["parameters"]
        with self._lock:
            token = self._clients.get(invocation.get("clientId"))  # type: ignore[arg-type]
        if token is None:
            raise Error("Internal", INTERNAL_PREFIX + "invalid client id")
        handler = HANDLERS.get(name)
        with self.vault.transaction() as state:
            account = self._account_for_token(state, token)
            entry: dict[str, Any] = {"call": "invoke", "invocation": name, "kind": "write" if name in WRITES else "read"}
            entry.update(_summary(params))
            entry["serviceAccount"] = account["name"] if account else None
            try:
                if account is None:
                    raise Error("Auth", "authentication error: bad service account token, please rotate it: you are not authenticated")
                if handler is None:
                    raise Error("Internal", INTERNAL_PREFIX + f"the simulated 1Password core does not implement {name}")
                self._check_rate_limits(state, account, entry["kind"])
                fault = _take_fault(state, name)
                if fault and "error" in fault:
                    raise Error(fault["error"]["name"], fault["error"]["message"])
                answer = handler(World(state, account), params)
                if fault and fault.get("concurrent_edit"):
                    _edit_behind_our_back(state, params)
            except Error as exc:
                # Leave the block normally so a consumed fault is saved; handlers raise before they change anything.
                self.vault.append_log({**entry, "outcome": exc.name})
                failure = exc
            else:
                self.vault.append_log({**entry, "outcome": "ok"})
                failure = None
        if failure is not None:
            raise failure
        return json.dumps(answer)

    def _check_rate_limits(self, state: dict[str, Any], account: dict[str, Any], kind: str) -> None:
        limits = {**DEFAULT_LIMITS, **state.get("rate_limits", {})}
        now = time.time()
        counted = [e for e in self.vault.read_log() if e.get("call") == "invoke" and e.get("outcome") != "RateLimitExceeded"]
        hourly = sum(1 for e in counted if e["time"] > now - 3600 and e.get("serviceAccount") == account["name"] and e.get("kind") == kind)
        daily = sum(1 for e in counted if e["time"] > now - 86400)
        if hourly >= limits[f"{kind}s_per_hour"] or daily >= limits["requests_per_day"]:
            raise Error("RateLimitExceeded", "rate limit exceeded")


def _summary(params: dict[str, Any]) -> dict[str, Any]:
    """What the log keeps of an invocation's parameters: ids and counts, never a value."""
    summary: dict[str, Any] = {}
    for key in ("vault_id", "item_id", "environment_id"):
        if key in params:
            summary[key] = params[key]
    if "item_ids" in params:
        summary["item_count"] = len(params["item_ids"])
    if "secret_references" in params:
        summary["references"] = list(params["secret_references"])
    if "secret_reference" in params:
        summary["references"] = [params["secret_reference"]]
    for key in ("params", "item"):
        if isinstance(params.get(key), dict) and "title" in params[key]:
            summary["title"] = params[key]["title"]
            summary["vault_id"] = params[key].get("vaultId")
            if params[key].get("id"):
                summary["item_id"] = params[key]["id"]
    return summary


def _take_fault(state: dict[str, Any], name: str) -> dict[str, Any] | None:
    for rule in state.get("faults", []):
        if rule.get("invocation") == name:
            rule["count"] = rule.get("count", 1) - 1
            if rule["count"] <= 0:
                state["faults"].remove(rule)
            return rule
    return None


def _edit_behind_our_back(state: dict[str, Any], params: dict[str, Any]) -> None:
    for vault in state["vaults"]:
        for item in vault["items"]:
            if item["id"] == params.get("item_id"):
                item["version"] += 1
                item["updatedAt"] = now_rfc3339()
                vault["contentVersion"] += 1


class World:
    """The vault file as one service account sees it."""

    def __init__(self, state: dict[str, Any], account: dict[str, Any]) -> None:
        self.state = state
        self.account = account

    def _grants(self, vault: dict[str, Any]) -> set[str]:
        grants = self.account.get("vaults", {})
        return set(grants.get(vault["id"], grants.get(vault["title"], [])))

    def vaults(self) -> list[dict[str, Any]]:
        return [v for v in self.state["vaults"] if "read_items" in self._grants(v)]

    def vault(self, vault_id: str, write: bool = False) -> dict[str, Any]:
        for vault in self.state["vaults"]:
            if vault["id"] == vault_id:
                grants = self._grants(vault)
                if "read_items" not in grants:
                    raise Error("ItemApi", "vault couldn't be found")
                if write and "write_items" not in grants:
                    raise Error("ItemApi", FORBIDDEN)
                return vault
        raise Error("ItemApi", "vault couldn't be found")

    @staticmethod
    def active(vault: dict[str, Any]) -> list[dict[str, Any]]:
        return [i for i in vault["items"] if i.get("state", "active") == "active"]

    def item(self, vault_id: str, item_id: str, write: bool = False) -> dict[str, Any]:
        for item in self.active(self.vault(vault_id, write)):
            if item["id"] == item_id:
                return item
        raise Error("ItemApi", "item couldn't be found")


# -- wire shapes -------------------------------------------------------------
def vault_overview(vault: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": vault["id"],
        "title": vault["title"],
        "description": vault.get("description", ""),
        "vaultType": vault.get("vaultType", "userCreated"),
        "activeItemCount": len(World.active(vault)),
        "contentVersion": vault["contentVersion"],
        "attributeVersion": vault.get("attributeVersion", 1),
        "createdAt": vault["createdAt"],
        "updatedAt": vault["updatedAt"],
    }


def item_overview(item: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "title", "category", "vaultId", "websites", "tags", "createdAt", "updatedAt")
    return {**{key: item[key] for key in keys}, "state": item.get("state", "active")}


def item_wire(item: dict[str, Any]) -> dict[str, Any]:
    wire = {key: value for key, value in item.items() if key != "state"}
    wire["fields"] = [{**field, "details": fields.details(field)} for field in item["fields"]]
    return wire


def _stored_item(data: dict[str, Any], *, item_id: str, version: int, created: str) -> dict[str, Any]:
    section_ids = {section["id"] for section in data.get("sections") or []}
    stored_fields = []
    for field in data.get("fields") or []:
        if field.get("sectionId") and field["sectionId"] not in section_ids:
            raise Error("ItemApi", "bad input passed by the user: no section found with given section ID")
        stored_fields.append({key: field.get(key) for key in ("id", "title", "sectionId", "fieldType", "value")})
    if not data.get("title"):
        raise Error("ItemApi", "bad input passed by the user: the item's title is empty")
    return {
        "id": item_id,
        "title": data["title"],
        "category": data["category"],
        "vaultId": data["vaultId"],
        "fields": stored_fields,
        "sections": [{"id": s["id"], "title": s["title"]} for s in data.get("sections") or []],
        "notes": data.get("notes") or "",
        "tags": list(data.get("tags") or []),
        "websites": list(data.get("websites") or []),
        "version": version,
        "files": [],
        "document": None,
        "createdAt": created,
        "updatedAt": now_rfc3339(),
        "state": "active",
    }


# -- handlers: (world, parameters) -> JSON-able answer -----------------------
def _resolve_one(world: World, reference: str) -> dict[str, Any]:
    parsed = references.parse(reference)
    vault = references.find_vault(world.vaults(), parsed.vault)
    item = references.find_item(World.active(vault), parsed.item)
    field = references.find_field(item, parsed.section, parsed.field)
    secret = item.get("notes", "") if field is None else field.get("value", "")
    if parsed.query == ("ssh-format", "openssh"):
        if field is None or field.get("fieldType") != fields.SSH_KEY:
            raise ReferenceError_("incompatibleSshKeyQueryParameterField")
        try:
            secret = fields.openssh_private_key(secret)
        except fields.FieldValueError:
            raise ReferenceError_("unableToParsePrivateKey") from None
    elif parsed.query is not None:
        if field is None or field.get("fieldType") != fields.TOTP:
            raise ReferenceError_("incompatibleTOTPQueryParameterField")
        try:
            secret = fields.totp_code(secret)
        except fields.FieldValueError as exc:
            raise ReferenceError_("unableToGenerateTotpCode", str(exc)) from None
    return {"secret": secret, "itemId": item["id"], "vaultId": vault["id"]}


def secrets_resolve(world: World, params: dict[str, Any]) -> Any:
    try:
        return _resolve_one(world, params["secret_reference"])["secret"]
    except ReferenceError_ as exc:
        if exc.kind == "parsing":
            raise Error("ResolvingSecretReference", "error resolving secret reference: " + references.PARSE_PREFIX + str(exc.message)) from None
        raise Error("ResolvingSecretReference", "error resolving secret reference: " + RESOLVE_ERRORS.get(exc.kind, exc.kind)) from None


def secrets_resolve_all(world: World, params: dict[str, Any]) -> Any:
    answers: dict[str, Any] = {}
    for reference in params["secret_references"]:
        try:
            answers[reference] = {"content": _resolve_one(world, reference), "error": None}
        except ReferenceError_ as exc:
            answers[reference] = {"content": None, "error": exc.wire()}
    return {"individualResponses": answers}


def vaults_list(world: World, params: dict[str, Any]) -> Any:
    return [vault_overview(v) for v in world.vaults()]


def items_list(world: World, params: dict[str, Any]) -> Any:
    vault = world.vault(params["vault_id"])
    states = {"active"}
    for rule in params.get("filters") or []:
        if rule.get("type") == "ByState":
            states = {state for state in ("active", "archived") if rule["content"].get(state)}
    return [item_overview(i) for i in vault["items"] if i.get("state", "active") in states]


def items_get(world: World, params: dict[str, Any]) -> Any:
    return item_wire(world.item(params["vault_id"], params["item_id"]))


def items_get_all(world: World, params: dict[str, Any]) -> Any:
    if len(params["item_ids"]) > MAX_BATCH:
        raise Error("ItemApi", f"you can only retrieve up to {MAX_BATCH} items at once")
    vault = world.vault(params["vault_id"])
    by_id = {item["id"]: item for item in World.active(vault)}
    answers = []
    for item_id in params["item_ids"]:
        item = by_id.get(item_id)
        answers.append({"content": item_wire(item), "error": None} if item else {"content": None, "error": {"type": "itemNotFound"}})
    return {"individualResponses": answers}


def items_create(world: World, params: dict[str, Any]) -> Any:
    data = params["params"]
    vault = world.vault(data["vaultId"], write=True)
    item = _stored_item(data, item_id=new_id(), version=1, created=now_rfc3339())
    vault["items"].append(item)
    vault["contentVersion"] += 1
    vault["updatedAt"] = item["updatedAt"]
    return item_wire(item)


def items_put(world: World, params: dict[str, Any]) -> Any:
    data = params["item"]
    vault = world.vault(data["vaultId"], write=True)
    try:
        stored = world.item(data["vaultId"], data["id"], write=True)
    except Error:
        raise Error("ItemApi", "item update failed: item couldn't be found") from None
    if data.get("version") != stored["version"]:
        raise Error("ItemApi", "The submitted item is not up to date. Refetch the item and retry the request.")
    updated = _stored_item(data, item_id=stored["id"], version=stored["version"] + 1, created=stored["createdAt"])
    vault["items"][vault["items"].index(stored)] = updated
    vault["contentVersion"] += 1
    vault["updatedAt"] = updated["updatedAt"]
    return item_wire(updated)


def items_delete(world: World, params: dict[str, Any]) -> Any:
    vault = world.vault(params["vault_id"], write=True)
    item = world.item(params["vault_id"], params["item_id"], write=True)
    vault["items"].remove(item)
    vault["contentVersion"] += 1
    vault["updatedAt"] = now_rfc3339()
    return None


def environments_get_variables(world: World, params: dict[str, Any]) -> Any:
    granted = set(world.account.get("environments", []))
    for environment in world.state.get("environments", []):
        if environment["id"] == params["environment_id"] and (environment["id"] in granted or environment["name"] in granted):
            return {"variables": [{"name": v["name"], "value": v["value"], "masked": v.get("masked", True)} for v in environment["variables"]]}
    raise Error("ItemApi", "environment couldn't be found")


HANDLERS: dict[str, Callable[[World, dict[str, Any]], Any]] = {
    "SecretsResolve": secrets_resolve,
    "SecretsResolveAll": secrets_resolve_all,
    "VaultsList": vaults_list,
    "ItemsList": items_list,
    "ItemsGet": items_get,
    "ItemsGetAll": items_get_all,
    "ItemsCreate": items_create,
    "ItemsPut": items_put,
    "ItemsDelete": items_delete,
    "EnvironmentsGetVariables": environments_get_variables,
}
