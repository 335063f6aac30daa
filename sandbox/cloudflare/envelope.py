"""The v4 envelope and the errors the real API answers with.

Every answer is ``{"success", "errors", "messages", "result"}`` (lists add
``result_info``). Errors carry Cloudflare's own numeric codes and, where
Cloudflare gives one, an ``error_chain`` with the detail. The codes and
messages below are the ones Cloudflare answers with as seen in public bug
reports; the few the simulator had to choose itself are marked and listed in
docs/sandbox.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from sandbox.common.server import Response

SAME_NAME_HELP = "For more details, refer to <https://developers.cloudflare.com/dns/manage-dns-records/troubleshooting/records-with-same-name/>."


@dataclass
class CloudflareError(Exception):
    """An API error: HTTP status, Cloudflare code and message, optional error chain."""

    status: int
    code: int
    message: str
    chain: list[tuple[int, str]] = field(default_factory=list)
    # Some gateway errors (no credentials at all) come without messages/result.
    bare: bool = False
    headers: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.status} {self.code} {self.message}"

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.chain:
            error["error_chain"] = [{"code": code, "message": message} for code, message in self.chain]
        if self.bare:
            return {"success": False, "errors": [error]}
        return {"success": False, "errors": [error], "messages": [], "result": None}

    def response(self, extra_headers: dict[str, str] | None = None) -> Response:
        headers = dict(extra_headers or {})
        headers.update(self.headers)
        return Response.json(self.status, self.body(), headers)


def ok(result: Any, status: int = 200, result_info: dict[str, Any] | None = None, messages: list[Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"success": True, "errors": [], "messages": messages or [], "result": result}
    if result_info is not None:
        body["result_info"] = result_info
    return body


# -- authentication --------------------------------------------------------
def missing_credentials() -> CloudflareError:
    return CloudflareError(400, 9106, "Missing X-Auth-Key, X-Auth-Email or Authorization headers", bare=True)


def malformed_authorization() -> CloudflareError:
    return CloudflareError(400, 6003, "Invalid request headers", [(6111, "Invalid format for Authorization header")])


def malformed_api_key() -> CloudflareError:
    return CloudflareError(400, 6003, "Invalid request headers", [(6103, "Invalid format for X-Auth-Key header")])


def unknown_api_key() -> CloudflareError:
    return CloudflareError(403, 9103, "Unknown X-Auth-Key or X-Auth-Email")


def invalid_token() -> CloudflareError:
    return CloudflareError(401, 1000, "Invalid API Token")


def not_authorized() -> CloudflareError:
    return CloudflareError(403, 10000, "Authentication error")


# -- routing and request shape ---------------------------------------------------
def no_route() -> CloudflareError:
    return CloudflareError(400, 7000, "No route for that URI")


def invalid_identifier(path: str) -> CloudflareError:
    return CloudflareError(400, 7003, f"Could not route to {path}, perhaps your object identifier is invalid?")


def method_not_allowed(method: str) -> CloudflareError:
    # Chosen by the simulator: Cloudflare's answer for a wrong method is not documented.
    return CloudflareError(405, 10405, f"Method {method} not allowed for this endpoint")


def invalid_body(detail: str) -> CloudflareError:
    return CloudflareError(400, 9207, f"Request body is invalid. {detail}".strip())


# -- DNS records ---------------------------------------------------------------------
def record_not_found() -> CloudflareError:
    return CloudflareError(404, 81044, "Record does not exist.")


def identical_record() -> CloudflareError:
    return CloudflareError(400, 81058, "An identical record already exists.")


def cname_over_existing() -> CloudflareError:
    return CloudflareError(400, 81053, f"An A, AAAA, or CNAME record with that host already exists. {SAME_NAME_HELP}")


def address_over_cname() -> CloudflareError:
    return CloudflareError(400, 81054, f"A CNAME record with that host already exists. {SAME_NAME_HELP}")


def invalid_ipv4() -> CloudflareError:
    return CloudflareError(400, 9005, "Content for A record must be a valid IPv4 address.")


def invalid_ipv6() -> CloudflareError:
    return CloudflareError(400, 9006, "Content for AAAA record must be a valid IPv6 address.")


def validation(code: int, message: str) -> CloudflareError:
    """Cloudflare's "DNS Validation Error" (1004) with the detail in the error chain."""
    return CloudflareError(400, 1004, "DNS Validation Error", [(code, message)])


def not_proxiable() -> CloudflareError:
    return validation(9004, "This record type cannot be proxied.")


def invalid_ttl() -> CloudflareError:
    return validation(9021, "TTL must be between 60 and 86400 seconds, or 1 for Automatic.")


def cname_to_itself() -> CloudflareError:
    return validation(9039, "CNAME content cannot reference itself.")


def invalid_name() -> CloudflareError:
    return validation(9000, "DNS name is invalid.")


def invalid_type(record_type: str) -> CloudflareError:
    return validation(9020, f"Invalid DNS record type {record_type!r}.")


def unsimulated_type(record_type: str) -> CloudflareError:
    # Cloudflare accepts these types; the sandbox does not model them and says so.
    return validation(9020, f"The boltfoundry sandbox does not simulate {record_type} records.")


def invalid_content(record_type: str) -> CloudflareError:
    return validation(9007, f"Content for {record_type} record is invalid.")


def required_field(name: str) -> CloudflareError:
    return validation(9101, f"{name} is a required data field.")


def invalid_field(name: str, expected: str) -> CloudflareError:
    # Chosen by the simulator: a field of the wrong JSON type.
    return validation(9100, f"{name} must be {expected}.")


def too_many_tags(count: int, quota: int) -> CloudflareError:
    return validation(9300, f"DNS record has {count} tags, exceeding the quota of {quota}.")


def comment_too_long(limit: int) -> CloudflareError:
    # Chosen by the simulator: Cloudflare's code for an over-long comment is not public.
    return validation(9301, f"DNS record comment exceeds the {limit} character limit of the zone's plan.")


# -- injected faults ---------------------------------------------------------------------
RATE_LIMIT_RETRY_AFTER = "1"

_GATEWAY_PAGE = (
    "<html>\r\n<head><title>{status} {phrase}</title></head>\r\n<body>\r\n<center><h1>{status} {phrase}</h1></center>\r\n"
    "<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n"
)


def fault(status: int) -> Response:
    """What an injected fault looks like coming from api.cloudflare.com."""
    if status == 429:
        return CloudflareError(429, 971, "Please wait and consider throttling your request speed", headers={"Retry-After": RATE_LIMIT_RETRY_AFTER}).response()
    if status in (502, 503, 504):
        # The edge in front of the API answers these with its own HTML page, not the JSON envelope.
        phrase = HTTPStatus(status).phrase
        page = _GATEWAY_PAGE.format(status=status, phrase=phrase).encode()
        return Response(status, page, {"Content-Type": "text/html"})
    known = {
        400: invalid_body(""),
        401: invalid_token(),
        403: not_authorized(),
        404: record_not_found(),
    }
    if status in known:
        return known[status].response()
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    return CloudflareError(status, 10000 if status >= 500 else status, phrase).response()
