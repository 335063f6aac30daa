"""Check the Cloudflare simulator's answers against the ``cloudflare`` library's own models.

The SDK builds its objects without validation (``construct``), so a wrong shape
would pass silently in a test and break against the real API. Here every
record, zone, list and delete answer is validated strictly with the SDK's
response models and must come through without loss:

- it validates (required fields present, types right);
- no field the model does not know (the models allow extras; we do not);
- every field the model declares is present, except the ones the real API
  only sends in some cases (listed below, with the reason);
- dumping the parsed model gives back the same JSON.

The envelope (``success, errors, messages, result, result_info``) and the
error objects are checked against the v4 API's documented shape, since the
SDK has no model for them.
"""

from __future__ import annotations

import json
import re
import typing
from datetime import datetime
from typing import Any

import pydantic
from cloudflare.types.dns.record_batch_response import RecordBatchResponse
from cloudflare.types.dns.record_delete_response import RecordDeleteResponse
from cloudflare.types.dns.record_response import RecordResponse
from cloudflare.types.user.token_verify_response import TokenVerifyResponse
from cloudflare.types.zones.zone import Zone

from sandbox.cloudflare import API_PREFIX

# Fields a model declares that the real API sends only in some cases, by model class name.
CONDITIONAL_FIELDS: dict[str, set[str]] = {
    # Record: stamps only once a comment/tags are set; private_routing only when asked for;
    # priority-like fields belong to other types.
    "*Record": {"comment_modified_on", "tags_modified_on", "private_routing"},
    # meta carries shadow/glue data only with include_shadow_metadata and NS delegations.
    "*RecordMeta": {"dead_glue", "is_glue", "shadowed_by", "shadowed_records_count"},
    # settings echo only what was set.
    "Settings": {"flatten_cname", "ipv4_only", "ipv6_only"},
    # Zone: partial-setup, tenant and Business/Enterprise fields.
    "Zone": {"cname_suffix", "tenant", "tenant_unit", "vanity_name_servers", "verification_key"},
    "Meta": {"cdn_only", "dns_only", "foundation_dns"},
    # Batch: each list is there; verify: expiry only for tokens that have one.
    "RecordBatchResponse": set(),
    "TokenVerifyResponse": {"expires_on", "not_before"},
}

ENVELOPE_KEYS = {"success", "errors", "messages", "result"}
RESULT_INFO_KEYS = {"page", "per_page", "count", "total_count", "total_pages"}
ERROR_KEYS = {"code", "message", "error_chain", "documentation_url", "source"}
MESSAGE_KEYS = {"code", "message", "type", "documentation_url", "source"}

_RECORD_CLASSES = {typing.get_args(cls.model_fields["type"].annotation)[0]: cls for cls in typing.get_args(RecordResponse)}

_ID = "[0-9a-f]{32}"
_ROUTES: list[tuple[str, re.Pattern[str], str]] = [
    ("GET", re.compile(r"^/zones$"), "zone list"),
    ("GET", re.compile(rf"^/zones/{_ID}$"), "zone"),
    ("GET", re.compile(rf"^/zones/{_ID}/dns_records$"), "record list"),
    ("POST", re.compile(rf"^/zones/{_ID}/dns_records$"), "record"),
    ("POST", re.compile(rf"^/zones/{_ID}/dns_records/batch$"), "batch"),
    ("GET", re.compile(rf"^/zones/{_ID}/dns_records/{_ID}$"), "record"),
    ("PUT", re.compile(rf"^/zones/{_ID}/dns_records/{_ID}$"), "record"),
    ("PATCH", re.compile(rf"^/zones/{_ID}/dns_records/{_ID}$"), "record"),
    ("DELETE", re.compile(rf"^/zones/{_ID}/dns_records/{_ID}$"), "delete"),
    ("GET", re.compile(r"^/user/tokens/verify$"), "verify"),
]


def _conditional(model: type[pydantic.BaseModel]) -> set[str]:
    name = model.__name__
    found: set[str] = set()
    for pattern, fields in CONDITIONAL_FIELDS.items():
        if pattern == name or (pattern.startswith("*") and name.endswith(pattern[1:])):
            found |= fields
    return found


def _same(left: Any, right: Any) -> bool:
    """JSON equality where two timestamps naming the same instant are equal."""
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(_same(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(_same(a, b) for a, b in zip(left, right, strict=True))
    if isinstance(left, str) and isinstance(right, str) and left != right:
        try:
            return datetime.fromisoformat(left) == datetime.fromisoformat(right)
        except ValueError:
            return False
    return left == right


def _walk(model: pydantic.BaseModel, data: Any, where: str, problems: list[str]) -> None:
    """No unknown fields and no missing declared fields, here and in nested models."""
    extra = model.model_extra or {}
    if extra:
        problems.append(f"{where}: fields the SDK model {type(model).__name__} does not know: {sorted(extra)}")
    if not isinstance(data, dict):
        return
    missing = sorted(set(type(model).model_fields) - set(data) - _conditional(type(model)))
    if missing:
        problems.append(f"{where}: {type(model).__name__} fields the real API always sends are missing: {missing}")
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, pydantic.BaseModel):
            _walk(value, data.get(name), f"{where}.{name}", problems)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, pydantic.BaseModel):
                    raw = data.get(name) or []
                    _walk(item, raw[index] if index < len(raw) else None, f"{where}.{name}[{index}]", problems)


def check_model(model_class: Any, data: Any, where: str) -> list[str]:
    """Problems parsing ``data`` with ``model_class`` strictly and without loss (empty: fine)."""
    if model_class is RecordResponse:
        record_type = data.get("type") if isinstance(data, dict) else None
        model_class = _RECORD_CLASSES.get(record_type)
        if model_class is None:
            return [f"{where}: record type {record_type!r} is not one the SDK knows"]
    try:
        model = model_class.model_validate(data)
    except pydantic.ValidationError as exc:
        return [f"{where}: the SDK model {model_class.__name__} rejects it: {exc}"]
    problems: list[str] = []
    _walk(model, data, where, problems)
    dumped = json.loads(model.model_dump_json(exclude_unset=True))
    if not _same(dumped, data):
        problems.append(f"{where}: {model_class.__name__} does not give back the same JSON: sent {data!r}, parsed {dumped!r}")
    return problems


def _check_envelope(body: dict[str, Any], listing: bool) -> list[str]:
    problems = []
    keys = set(body)
    expected = ENVELOPE_KEYS | ({"result_info"} if listing else set())
    if keys != expected:
        problems.append(f"envelope keys {sorted(keys)}, expected {sorted(expected)}")
    if listing and set(body.get("result_info") or {}) != RESULT_INFO_KEYS:
        problems.append(f"result_info keys {sorted(body.get('result_info') or {})}, expected {sorted(RESULT_INFO_KEYS)}")
    for message in body.get("messages") or []:
        if not set(message) <= MESSAGE_KEYS:
            problems.append(f"message with unknown keys: {message}")
    return problems


def _check_error(body: Any) -> list[str]:
    if not isinstance(body, dict) or body.get("success") is not False:
        return [f"an error answer must be the envelope with success false, got {body!r}"]
    keys = set(body)
    if keys not in (ENVELOPE_KEYS, {"success", "errors"}):
        return [f"error envelope keys {sorted(keys)}"]
    problems = []
    for error in body.get("errors") or []:
        if not set(error) <= ERROR_KEYS or not isinstance(error.get("code"), int) or not isinstance(error.get("message"), str):
            problems.append(f"malformed error object {error}")
        for link in error.get("error_chain", []):
            if set(link) != {"code", "message"}:
                problems.append(f"malformed error_chain entry {link}")
    if not body.get("errors"):
        problems.append("an error answer without errors")
    return problems


def check_exchange(method: str, path: str, status: int, content_type: str, raw: bytes) -> list[str]:
    """Problems with one simulator answer to ``method path`` (paths start with /client/v4)."""
    if not path.startswith(API_PREFIX):
        return []
    route = path[len(API_PREFIX) :]
    where = f"{method} {path} -> {status}"
    if not content_type.startswith("application/json"):
        # Only the edge's own gateway pages (502/503/504) are not JSON.
        return [] if status in (502, 503, 504) else [f"{where}: answered {content_type!r}, not JSON"]
    body = json.loads(raw)
    if status >= 400:
        return [f"{where}: {problem}" for problem in _check_error(body)]
    kind = next((kind for verb, pattern, kind in _ROUTES if verb == method and pattern.match(route)), None)
    if kind is None:
        return [f"{where}: a successful answer on a route the fidelity check does not know"]
    problems = [f"{where}: {problem}" for problem in _check_envelope(body, kind.endswith("list"))]
    result = body.get("result")
    if kind == "zone list":
        for index, item in enumerate(result):
            problems += check_model(Zone, item, f"{where} result[{index}]")
    elif kind == "record list":
        for index, item in enumerate(result):
            problems += check_model(RecordResponse, item, f"{where} result[{index}]")
    else:
        model = {"zone": Zone, "record": RecordResponse, "batch": RecordBatchResponse, "delete": RecordDeleteResponse, "verify": TokenVerifyResponse}[kind]
        problems += check_model(model, result, f"{where} result")
        if kind == "batch":
            if set(result) != {"deletes", "patches", "puts", "posts"}:
                problems.append(f"{where}: batch result keys {sorted(result)}")
            for operation, items in result.items():
                for index, item in enumerate(items):
                    problems += check_model(RecordResponse, item, f"{where} result.{operation}[{index}]")
    return problems
