"""The fidelity check itself: it must catch what the SDK models would not carry."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from cloudflare.types.dns.record_response import RecordResponse

from sandbox.cloudflare import API_PREFIX
from tests.harness.cloudflare_fidelity import check_exchange, check_model

RECORD: dict[str, Any] = {
    "id": "0123456789abcdef0123456789abcdef",
    "name": "www.boltfoundry.test",
    "type": "A",
    "content": "203.0.113.10",
    "proxiable": True,
    "proxied": False,
    "ttl": 1,
    "settings": {},
    "meta": {},
    "comment": None,
    "tags": [],
    "created_on": "2026-01-02T03:04:05.123456Z",
    "modified_on": "2026-01-02T03:04:05.123456Z",
}
RECORD_PATH = f"{API_PREFIX}/zones/{'a' * 32}/dns_records/{'b' * 32}"


def envelope(result: Any) -> bytes:
    return json.dumps({"success": True, "errors": [], "messages": [], "result": result}).encode()


def test_a_faithful_record_passes() -> None:
    assert check_model(RecordResponse, RECORD, "record") == []
    assert check_exchange("GET", RECORD_PATH, 200, "application/json", envelope(RECORD)) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda r: r.update(zone_id="a" * 32), "does not know: ['zone_id']"),
        (lambda r: r.pop("proxiable"), "rejects it"),
        (lambda r: r.pop("settings"), "always sends are missing: ['settings']"),
        (lambda r: r["meta"].update(auto_added=False), "does not know: ['auto_added']"),
        (lambda r: r.update(ttl="auto"), "rejects it"),
        (lambda r: r.update(type="SPF"), "not one the SDK knows"),
    ],
)
def test_losses_are_reported(change: Any, expected: str) -> None:
    record = copy.deepcopy(RECORD)
    change(record)
    problems = check_exchange("GET", RECORD_PATH, 200, "application/json", envelope(record))
    assert any(expected in problem for problem in problems), problems


def test_envelope_and_error_shapes_are_checked() -> None:
    listing = json.dumps({"success": True, "errors": [], "messages": [], "result": [], "result_info": {"page": 1}}).encode()
    assert any("result_info keys" in p for p in check_exchange("GET", f"{API_PREFIX}/zones", 200, "application/json", listing))
    bad_error = json.dumps({"success": False, "errors": [{"code": "81044"}], "messages": [], "result": None}).encode()
    assert any("malformed error" in p for p in check_exchange("GET", RECORD_PATH, 404, "application/json", bad_error))
    assert any("not JSON" in p for p in check_exchange("GET", RECORD_PATH, 200, "text/html", b"<html/>"))
    assert check_exchange("GET", RECORD_PATH, 503, "text/html", b"<html/>") == []
