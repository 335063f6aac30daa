"""Hetzner Cloud API errors: ``{"error": {"code", "message", "details"}}`` with the status the spec gives each code."""

from __future__ import annotations

from typing import Any

from sandbox.common.server import Response

# The status of every error code the simulator answers with, from the API
# reference's error table and the operation-specific error tables.
STATUS = {
    "json_error": 400,
    "unauthorized": 401,
    "forbidden": 403,
    "resource_limit_exceeded": 403,
    "not_found": 404,
    "firewall_resource_not_found": 404,
    "method_not_allowed": 405,
    "uniqueness_error": 409,
    "conflict": 409,
    "deprecated_api_endpoint": 410,
    "resource_unavailable": 412,
    "primary_ip_version_mismatch": 412,
    "invalid_input": 422,
    "service_error": 422,
    "unsupported_error": 422,
    "invalid_server_type": 422,
    "server_not_stopped": 422,
    "floating_ip_assigned": 422,
    "must_be_unassigned": 422,
    "volume_already_attached": 422,
    "primary_ip_assigned": 422,
    "primary_ip_already_assigned": 422,
    "primary_ip_datacenter_mismatch": 422,
    "server_has_ipv4": 422,
    "server_has_ipv6": 422,
    "server_already_added": 422,
    "firewall_already_applied": 422,
    "firewall_managed_by_label_selector": 422,
    "private_net_only_server": 422,
    "resource_in_use": 422,
    "locked": 423,
    "protected": 423,
    "rate_limit_exceeded": 429,
    "server_error": 500,
    "not_implemented": 501,
    "bad_gateway": 502,
    "unavailable": 503,
    "timeout": 504,
}

# The code (and message) the real API gives with a bare HTTP status, for injected faults.
FAULT_CODES = {
    400: ("json_error", "invalid JSON in request"),
    401: ("unauthorized", "unable to authenticate"),
    403: ("forbidden", "insufficient permissions for this request"),
    404: ("not_found", "not found"),
    405: ("method_not_allowed", "method not allowed"),
    409: ("conflict", "the resource has changed during the request, please retry"),
    410: ("deprecated_api_endpoint", "API functionality was removed"),
    412: ("resource_unavailable", "the requested resource is currently unavailable"),
    422: ("service_error", "error within a service"),
    423: ("locked", "the resource is locked: another action is running"),
    429: ("rate_limit_exceeded", "limit of requests per hour reached"),
    500: ("server_error", "error within the API backend"),
    502: ("bad_gateway", "the request could not be answered by the API backend, please retry"),
    503: ("unavailable", "the service is currently not available"),
    504: ("timeout", "the request could not be answered in time, please retry"),
}


class ApiError(Exception):
    """An error answer; raised anywhere in a handler and turned into the response by the service."""

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details
        self.status = status if status is not None else STATUS[code]

    def response(self) -> Response:
        return error_response(self.status, self.code, self.message, self.details)


def error_response(status: int, code: str, message: str, details: dict[str, Any] | None = None) -> Response:
    return Response.json(status, {"error": {"code": code, "message": message, "details": details}})


def fault_error(status: int) -> tuple[str, str]:
    """Code and message for an injected fault with ``status``."""
    if status in FAULT_CODES:
        return FAULT_CODES[status]
    return ("server_error", "error within the API backend") if status >= 500 else ("invalid_input", "invalid input")


def invalid_input(fields: dict[str, list[str]]) -> ApiError:
    """invalid_input naming every bad field, with its messages, as the real API does."""
    names = list(fields)
    quoted = ", ".join(f"'{name}'" for name in names)
    message = f"invalid input in field {quoted}" if len(names) == 1 else f"invalid input in fields {quoted}"
    first = fields[names[0]]
    if len(names) == 1 and first:
        message += f": {first[0]}"
    return ApiError("invalid_input", message, {"fields": [{"name": name, "messages": list(messages)} for name, messages in fields.items()]})


def not_found(kind: str, resource_id: int | str) -> ApiError:
    return ApiError("not_found", f"{kind} with ID '{resource_id}' not found")


def uniqueness(field: str, message: str) -> ApiError:
    return ApiError("uniqueness_error", message, {"fields": [{"name": field}]})


def locked(kind: str, resource_id: int, command: str) -> ApiError:
    return ApiError("locked", f"{kind} with ID '{resource_id}' is locked: action '{command}' is running")


def protected(kind: str, what: str) -> ApiError:
    return ApiError("protected", f"{kind} {what} is protected")


def resource_limit(resource: str, limit: int) -> ApiError:
    return ApiError("resource_limit_exceeded", f"project limit exceeded: at most {limit} {resource}", {"limits": [{"name": "project_limit"}]})
