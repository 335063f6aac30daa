"""Input rules of the hcloud simulator: names, SSH keys, typed body fields, rate budget, fault codes."""

from __future__ import annotations

import base64
import hashlib
import struct
import time

import pytest

from sandbox.hcloud.errors import FAULT_CODES, STATUS, ApiError, fault_error
from sandbox.hcloud.inputs import Body, hostname_error, volume_name_error
from sandbox.hcloud.ratelimit import RateBudget
from sandbox.hcloud.ssh_keys import fingerprint


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("web-1", True),
        ("web.example.com", True),
        ("a", True),
        ("web_1", False),
        ("-web", False),
        ("web-", False),
        ("a..b", False),
        ("x" * 64, False),
        ("", False),
    ],
)
def test_server_names_are_hostnames(name: str, ok: bool) -> None:
    assert (hostname_error(name) is None) is ok


@pytest.mark.parametrize(
    ("name", "ok"), [("data", True), ("db_data.v2", True), ("x" * 64, True), ("x" * 65, False), ("_data", False), ("data-", False), ("da ta", False)]
)
def test_volume_names(name: str, ok: bool) -> None:
    assert (volume_name_error(name) is None) is ok


def test_fingerprint_is_the_md5_of_the_key_blob() -> None:
    blob = struct.pack(">I", 11) + b"ssh-ed25519" + struct.pack(">I", 32) + bytes(range(32))
    digest = hashlib.md5(blob, usedforsecurity=False).hexdigest()
    expected = ":".join(digest[i : i + 2] for i in range(0, 32, 2))
    assert fingerprint(f"ssh-ed25519 {base64.b64encode(blob).decode()} someone@host") == expected
    with pytest.raises(ValueError, match="not 'ssh-rsa'"):
        fingerprint(f"ssh-rsa {base64.b64encode(blob).decode()}")


def test_body_collects_every_bad_field() -> None:
    body = Body({"size": "10", "name": "", "flag": 1, "labels": {"-x": "y"}, "ids": [1, "2"], "ref": 3.5})
    assert body.integer("size") is None
    assert body.string("name", min_len=1) is None
    assert body.boolean("flag") is None
    assert body.labels() is None
    assert body.ids("ids") == []
    assert body.ref("ref") is None
    assert body.string("missing", required=True) is None
    with pytest.raises(ApiError) as caught:
        body.check()
    assert caught.value.code == "invalid_input" and caught.value.status == 422
    assert [field["name"] for field in caught.value.details["fields"]] == ["size", "name", "flag", "labels", "ids", "ref", "missing"]


def test_body_reads_good_values() -> None:
    body = Body({"size": 10.0, "ref": "42", "name": "web", "on": False, "refs": ["a", 7]})
    assert (body.integer("size"), body.ref("ref"), body.string("name"), body.boolean("on"), body.refs("refs")) == (10, 42, "web", False, ["a", 7])
    body.check()


def test_rate_budget_spends_refills_and_reports() -> None:
    budget = RateBudget(limit=3600)
    budget.set(remaining=1)
    assert budget.take() is True
    assert budget.take() is False
    assert budget.headers()["RateLimit-Remaining"] == "0"
    time.sleep(1.01)
    assert budget.take() is True  # one request back per second at 3600/h
    with pytest.raises(ValueError, match="between 0 and the limit"):
        budget.set(remaining=5000)


def test_every_fault_status_has_a_known_code_with_the_same_status() -> None:
    for status, (code, message) in FAULT_CODES.items():
        assert STATUS[code] == status, (status, code)
        assert message
    assert fault_error(599) == ("server_error", "error within the API backend")
    assert fault_error(418)[0] == "invalid_input"
