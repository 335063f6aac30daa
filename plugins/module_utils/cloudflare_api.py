# Copyright: Bolt Foundry
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every Cloudflare module shares: the options, the client, zone lookups, listings and failures.

The ``cloudflare`` SDK retries 429, 5xx and dropped connections itself
(``max_retries``), honouring ``Retry-After``. What it cannot know is whether a
write it retried had already been carried out; the modules handle that by
reading again (see ``cloudflare_dns_record``).

Listings read the first page's ``result`` and ask for the next page only when
``result_info`` says there is one: iterating an SDK page object always costs
one request more (the empty page past the last).
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, NoReturn, Optional

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

try:
    import cloudflare

    CLOUDFLARE_IMPORT_ERROR: Optional[Exception] = None
except ImportError as exc:  # reported by CloudflareModule with missing_required_lib
    cloudflare = None  # type: ignore[assignment]
    CLOUDFLARE_IMPORT_ERROR = exc

TOKEN_ENV = "CLOUDFLARE_API_TOKEN"  # noqa: S105 - the variable's name, not a token
BASE_URL_ENV = "CLOUDFLARE_BASE_URL"
DEFAULT_MAX_RETRIES = 4
# Records of one name are few; zones are looked up by exact name.
RECORDS_PER_PAGE = 100
ZONES_PER_PAGE = 5

# Cloudflare codes the modules speak about by name.
CODE_UNAUTHORIZED = 10000
CODE_RECORD_NOT_FOUND = 81044
CODE_CNAME_OVER_EXISTING = 81053
CODE_ADDRESS_OVER_CNAME = 81054
CODE_IDENTICAL_RECORD = 81058
_BAD_TOKEN_CODES = frozenset({1000, 6003, 6111, 9106, 9109})


def cloudflare_argument_spec(**options: Any) -> Dict[str, Any]:
    """The shared options (doc fragment ``boltfoundry.infra.cloudflare``) plus the module's own."""
    spec: Dict[str, Any] = {
        "api_token": {"type": "str", "no_log": True, "fallback": (env_fallback, [TOKEN_ENV])},
        "base_url": {"type": "str", "fallback": (env_fallback, [BASE_URL_ENV])},
        "max_retries": {"type": "int", "default": DEFAULT_MAX_RETRIES},
    }
    spec.update(options)
    return spec


def normalize_domain(name: str) -> str:
    return name.strip().lower().rstrip(".")


class CloudflareApiError(Exception):
    """A failed call, already put into one sentence, with the API's own details for the result."""

    def __init__(self, message: str, failure: Optional[Dict[str, Any]] = None, code: Optional[int] = None) -> None:
        super().__init__(message)
        self.failure = failure or {}
        self.code = code


def error_codes(exc: Exception) -> List[int]:
    """Cloudflare's error codes in an SDK error: the first error's code, then its error chain."""
    body = getattr(exc, "body", None)
    if not isinstance(body, dict):
        return []
    codes: List[int] = []
    for error in body.get("errors") or []:
        if isinstance(error, dict) and isinstance(error.get("code"), int):
            codes.append(error["code"])
            codes += [link["code"] for link in error.get("error_chain") or [] if isinstance(link, dict) and isinstance(link.get("code"), int)]
    return codes


def _api_messages(body: Any) -> str:
    """``code: message`` for every error and chained detail of a JSON error body."""
    parts: List[str] = []
    for error in (body.get("errors") if isinstance(body, dict) else None) or []:
        if not isinstance(error, dict):
            continue
        parts.append(f"error {error.get('code')}: {str(error.get('message', '')).rstrip('.')}")
        parts += [f"{link.get('code')}: {str(link.get('message', '')).rstrip('.')}" for link in error.get("error_chain") or [] if isinstance(link, dict)]
    return "; ".join(parts)


def translate(exc: Exception, doing: str, retries: int, permission_hint: str = "") -> CloudflareApiError:
    """One sentence for a failed SDK call. ``doing`` reads like "creating the A record www.example.com"."""
    if cloudflare is not None and isinstance(exc, cloudflare.APIConnectionError):
        kind = "timed out" if isinstance(exc, cloudflare.APITimeoutError) else "could not connect"
        return CloudflareApiError(
            f"The Cloudflare API {kind} while {doing}, also after {retries} retries ({exc.request.url.host}); check base_url and the network."
        )
    status = getattr(exc, "status_code", None)
    body = getattr(exc, "body", None)
    codes = error_codes(exc)
    failure = {"status": status, "codes": codes, "errors": body.get("errors") if isinstance(body, dict) else None}
    first = codes[0] if codes else None
    details = _api_messages(body)
    if status == 403:
        # 403 means a valid token without the permission, whatever the code (9109 says so too).
        hint = permission_hint or "give the token access to this zone"
        message = f"The API token is not allowed to do this while {doing} ({details}): {hint}."
    elif status == 401 or first in _BAD_TOKEN_CODES:
        message = f"Cloudflare refused the API token while {doing} ({details}): check api_token or {TOKEN_ENV}."
    elif status == 429:
        message = f"Cloudflare kept rate-limiting while {doing}, also after {retries} retries ({details or 'HTTP 429'}); wait a few minutes and run again."
    elif isinstance(status, int) and status >= 500:
        # 502/503/504 come from the edge as an HTML page: say the status, never print the page.
        message = f"Cloudflare answered HTTP {status} while {doing}, also after {retries} retries{' (' + details + ')' if details else ''}; run again later."
    else:
        message = f"Cloudflare refused {doing} (HTTP {status}, {details or 'no details'})."
    return CloudflareApiError(message, failure, first)


class CloudflareModule:
    """An AnsibleModule with a Cloudflare client, zone lookups and one way to fail."""

    def __init__(self, module: AnsibleModule) -> None:
        self.module = module
        self.result: Dict[str, Any] = {"changed": False}
        self._client: Any = None
        if CLOUDFLARE_IMPORT_ERROR is not None:
            module.fail_json(msg=missing_required_lib("cloudflare"), exception=str(CLOUDFLARE_IMPORT_ERROR))
        if not module.params["api_token"]:
            module.fail_json(msg=f"No Cloudflare API token: set api_token or the {TOKEN_ENV} environment variable.")
        if module.params["max_retries"] < 0:
            module.fail_json(msg=f"max_retries must be 0 or more, got {module.params['max_retries']}.")

    @property
    def retries(self) -> int:
        return int(self.module.params["max_retries"])

    @property
    def client(self) -> Any:
        if self._client is None:
            options: Dict[str, Any] = {"api_token": self.module.params["api_token"], "max_retries": self.retries}
            if self.module.params["base_url"]:
                options["base_url"] = self.module.params["base_url"]
            self._client = cloudflare.Cloudflare(**options)
        return self._client

    def call(self, doing: str, function: Callable[..., Any], *args: Any, permission_hint: str = "", **kwargs: Any) -> Any:
        """Run one SDK call; an API error becomes a ``CloudflareApiError`` with one sentence."""
        try:
            return function(*args, **kwargs)
        except cloudflare.APIError as exc:
            raise translate(exc, doing, self.retries, permission_hint) from exc

    def list_all(self, doing: str, function: Callable[..., Any], per_page: int, permission_hint: str = "", **params: Any) -> List[Any]:
        """Every item of a listing, one request per page that exists (never the empty page past the end)."""
        items: List[Any] = []
        page_number = 1
        while True:
            page = self.call(doing, function, page=page_number, per_page=per_page, permission_hint=permission_hint, **params)
            items += list(page.result or [])
            info = getattr(page, "result_info", None)
            total_pages = getattr(info, "total_pages", None) if info is not None else None
            if not total_pages or page_number >= int(total_pages):
                return items
            page_number += 1

    # -- zones ---------------------------------------------------------------------------
    def zone_by_name(self, name: str) -> Dict[str, Any]:
        name = normalize_domain(name)
        hint = f"give the token Zone:Read on {name}"
        zones = self.list_all(f"looking up the zone {name}", self.client.zones.list, ZONES_PER_PAGE, hint, name=name)
        found = [zone for zone in zones if zone.name == name]
        if not found:
            raise CloudflareApiError(f"No zone named {name} is visible to this API token: check the zone name and that the token has Zone:Read on it.")
        return zone_view(found[0])

    def zone_by_id(self, zone_id: str) -> Dict[str, Any]:
        hint = "check zone_id and give the token Zone:Read on that zone"
        return zone_view(self.call(f"looking up the zone with id {zone_id}", self.client.zones.get, zone_id=zone_id, permission_hint=hint))

    def resolve_zone(self, name: Optional[str], zone_id: Optional[str]) -> Dict[str, Any]:
        """The zone's id and name: from the options when both are given (no request), else one lookup."""
        if name and zone_id:
            return {"id": zone_id, "name": normalize_domain(name)}
        if zone_id:
            return self.zone_by_id(zone_id)
        return self.zone_by_name(name or "")

    # -- ending ------------------------------------------------------------------------------
    def fail(self, error: CloudflareApiError) -> NoReturn:
        result = {key: value for key, value in self.result.items() if key != "changed"}
        if error.failure:
            result["failure"] = error.failure
        self.module.fail_json(msg=str(error), **result)

    def exit(self) -> NoReturn:
        self.module.exit_json(**self.result)


def zone_view(zone: Any) -> Dict[str, Any]:
    """The zone fields the modules return."""
    account = getattr(zone, "account", None)
    plan = getattr(zone, "plan", None)
    return {
        "id": zone.id,
        "name": zone.name,
        "status": getattr(zone, "status", None),
        "paused": getattr(zone, "paused", None),
        "type": getattr(zone, "type", None),
        "name_servers": list(getattr(zone, "name_servers", None) or []),
        "account_id": getattr(account, "id", None),
        "plan": getattr(plan, "name", None),
    }
