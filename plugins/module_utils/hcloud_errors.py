# Copyright: Bolt Foundry
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a failed Hetzner Cloud call means: a message a person can act on, and the API's own details.

``describe`` turns any failure (an API error, a failed or unfinished action,
an unreachable endpoint) into ``(msg, failure)``: ``msg`` says what was being
done, what the API answered and what to do about it; ``failure`` carries the
API's ``code``, ``message``, ``details`` and ``correlation_id`` (which
Hetzner's support asks for) so that nothing the API said is lost.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

from ansible_collections.boltfoundry.infra.plugins.module_utils.hcloud_actions import ActionFailed, WaitTimeout
from ansible_collections.boltfoundry.infra.plugins.module_utils.hcloud_api import HAS_HCLOUD, HAS_REQUESTS

if HAS_HCLOUD:
    from hcloud import APIException
else:  # the module reports the missing library before anything here runs
    APIException = None  # pylint: disable=invalid-name

if HAS_REQUESTS:
    import requests

# Answers after which the world is re-read and the work planned again (the call may or may not have happened).
TRANSIENT_CODES = frozenset({"conflict", "rate_limit_exceeded", "locked", "server_error", "unavailable", "timeout", "bad_gateway"})
TRANSIENT_STATUSES = frozenset({409, 423, 429, 500, 502, 503, 504})
RETRY_LATER = "This is usually temporary: run again; the module finds what an earlier attempt created instead of creating it twice."
HINTS = {
    "unauthorized": "Check api_token (or HCLOUD_TOKEN): it must be a current API token of the Hetzner Cloud project (Console, Security, API tokens).",
    "forbidden": "The token may only read: create a Read & Write API token for the project.",
    "rate_limit_exceeded": (
        "The project's request budget is used up (3600 requests an hour unless Hetzner set another, given back one at a time): "
        "wait a few minutes and run again, or raise timeout so that the module waits for them."
    ),
    "locked": (
        "Another action is changing this resource (another task, a run still going on, or the Console): wait for it to end and run again, or raise timeout."
    ),
    "uniqueness_error": "Names (and SSH public keys) are unique per project: use another name, or manage the existing resource by its name.",
    "resource_limit_exceeded": "The project's limit for this kind of resource is reached: delete unused ones or ask Hetzner to raise the limit.",
    "not_found": "It may have been deleted meanwhile; check the name or ID and run again.",
    "invalid_input": "Correct the fields the API names in failure.details.fields.",
    "server_not_stopped": "The server must be powered off for this; allow_restart=true lets the module do that.",
    "volume_already_attached": "Detach the volume first, or name its current server.",
    "floating_ip_assigned": "The floating IP is already on that server.",
    "must_be_unassigned": "Unassign the floating IP first (unassign=true), then delete it.",
    "resource_in_use": "Remove the firewall from its servers first (force=true does that), then delete it.",
    "protected": "Lift the protection first (delete_protection=false), then delete.",
    "service_error": "Hetzner could not do this in the resource's current state; see failure.message.",
    "conflict": RETRY_LATER,
    "server_error": RETRY_LATER,
    "unavailable": RETRY_LATER,
    "timeout": RETRY_LATER,
    "bad_gateway": RETRY_LATER,
}


def is_api_error(exc: BaseException) -> bool:
    return APIException is not None and isinstance(exc, APIException)


def is_transient(exc: BaseException, creating: bool = False) -> bool:
    """Whether the world should be read again and the work planned again after ``exc``.

    ``creating``: a create that meets ``uniqueness_error`` may have met itself
    (an earlier try that was carried out although its answer was lost).
    """
    if HAS_REQUESTS and isinstance(exc, (requests.exceptions.ConnectionError, requests.exceptions.Timeout)):
        return True
    if not is_api_error(exc):
        return False
    code = getattr(exc, "code", None)
    if isinstance(code, int):
        return code in TRANSIENT_STATUSES
    return code in TRANSIENT_CODES or (creating and code == "uniqueness_error")


def _fields(details: Any) -> str:
    fields = details.get("fields") if isinstance(details, dict) else None
    if not isinstance(fields, list):
        return ""
    parts = []
    for field in fields:
        if isinstance(field, dict):
            messages = "; ".join(str(message) for message in field.get("messages") or [])
            parts.append(f"{field.get('name')}: {messages}" if messages else str(field.get("name")))
    return " (" + ", ".join(parts) + ")" if parts else ""


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def describe(exc: BaseException, doing: str, endpoint: str = "") -> Tuple[str, Dict[str, Any]]:
    """``(msg, failure)`` for a failure while ``doing`` (for example "creating server 'web'")."""
    failure: Dict[str, Any] = {}
    if is_api_error(exc):
        code = getattr(exc, "code", None)
        details = getattr(exc, "details", None)
        if isinstance(details, dict) and isinstance(details.get("content"), bytes):
            details = dict(details, content=details["content"].decode("utf-8", "replace")[:500])
        failure = {"code": code, "message": exc.message, "details": details, "correlation_id": exc.correlation_id}
        said = f"{exc.message}{_fields(details)}"
        reference = f"{code}" + (f", correlation id {exc.correlation_id}" if exc.correlation_id else "")
        hint = HINTS.get(str(code), RETRY_LATER if isinstance(code, int) and code >= 500 else "")
        msg = f"{doing[:1].upper()}{doing[1:]} failed: the API answered {said} ({reference})."
    elif isinstance(exc, ActionFailed):
        error = exc.action.get("error") or {}
        failure = {"code": error.get("code"), "message": error.get("message"), "details": None, "correlation_id": None, "action": exc.action}
        hint = "Hetzner could not complete the action; the resource's actions in the Console show the same error."
        msg = f"{doing[:1].upper()}{doing[1:]} failed: {exc}."
    elif isinstance(exc, WaitTimeout):
        failure = {"code": "timeout", "message": str(exc), "details": None, "correlation_id": None, "actions": exc.pending}
        hint = "The actions go on at Hetzner: run again later (the module waits for them), or raise timeout."
        msg = f"{doing[:1].upper()}{doing[1:]} did not finish: {exc}."
    elif HAS_REQUESTS and isinstance(exc, requests.exceptions.RequestException):
        failure = {"code": type(exc).__name__, "message": str(exc), "details": None, "correlation_id": None}
        hint = f"Check api_endpoint ({endpoint}) and the network between this machine and the API. {RETRY_LATER}"
        msg = f"{doing[:1].upper()}{doing[1:]} failed: no answer from the API ({type(exc).__name__})."
    else:
        failure = {"code": type(exc).__name__, "message": str(exc), "details": None, "correlation_id": None}
        hint = ""
        msg = f"{doing[:1].upper()}{doing[1:]} failed: {exc}."
    failure["hint"] = hint
    return (f"{msg} {_sentence(hint)}" if hint else msg), failure


def code_of(exc: BaseException) -> Optional[Any]:
    return getattr(exc, "code", None) if is_api_error(exc) else None
