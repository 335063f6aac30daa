"""The check of every answer against the published spec: that it runs, and that it catches what it must."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hcloud import Client

from sandbox.common.server import Request, Response
from sandbox.hcloud import SANDBOX_TOKENS, HcloudService
from tests.fixtures import hcloud as fixtures
from tests.fixtures.hcloud import ConformanceRecorder, HcloudSim
from tests.harness import hcloud_spec
from tests.harness.openapi import Exchange, SpecValidator
from tests.harness.required import unavailable
from tests.harness.sim import running
from tests.integration.hcloud.conftest import public_key


@pytest.fixture(scope="module")
def validator(specs_dir: Path) -> SpecValidator:
    loaded = fixtures.SPEC.get()
    if loaded is None:
        unavailable(f"{specs_dir / hcloud_spec.SPEC_FILE} is missing: {fixtures.SPEC.reason}")
    return loaded


def exchange(method: str, path: str, status: int, payload: object, body: object = None) -> Exchange:
    return Exchange(
        method=method,
        path=path,
        query="",
        headers={"Authorization": "Bearer sandbox", "Content-Type": "application/json"},
        body=b"" if body is None else json.dumps(body).encode(),
        status=status,
        response_headers={"Content-Type": "application/json"},
        response_body=b"" if payload is None else json.dumps(payload).encode(),
    )


def test_errata_only_widen_id_or_name_fields(specs_dir: Path) -> None:
    spec = json.loads((specs_dir / hcloud_spec.SPEC_FILE).read_text())
    fixed, widened = hcloud_spec.apply_errata(spec)
    assert {"POST /servers.server_type", "POST /servers.image", "POST /servers.location", "POST /servers.ssh_keys", "POST /volumes.location"} <= set(widened)
    assert len(widened) < 20
    schema = fixed["paths"]["/servers"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert schema["properties"]["ssh_keys"]["items"]["type"] == ["string", "integer"]
    assert schema["properties"]["name"]["type"] == "string"  # untouched
    assert spec["paths"]["/servers"]["post"]["requestBody"]["content"]["application/json"]["schema"]["properties"]["image"]["type"] == "string"


def test_a_response_missing_a_required_field_is_caught_with_operation_status_and_error(validator: SpecValidator) -> None:
    problem = validator.problem(exchange("GET", "/v1/servers/42", 200, {"server": {"id": 42}}))
    assert problem is not None
    assert "GET /v1/servers/42 -> 200 [get_server]" in problem
    assert "is a required property" in problem


def test_a_wrong_type_deep_inside_is_caught_with_its_path(validator: SpecValidator) -> None:
    volume = {
        "id": 1,
        "created": "2026-01-01T00:00:00+00:00",
        "name": "v",
        "server": None,
        "location": {
            "id": 1,
            "name": "fsn1",
            "description": "d",
            "country": "DE",
            "city": "c",
            "latitude": 1.0,
            "longitude": 1.0,
            "network_zone": "eu-central",
        },
        "size": 10,
        "linux_device": "/dev/x",
        "protection": {"delete": "no"},
        "labels": {},
        "status": "available",
        "format": None,
    }
    problem = validator.problem(exchange("GET", "/v1/volumes/1", 200, {"volume": volume}))
    assert problem is not None and "$.volume.protection.delete" in problem and "'no' is not of type 'boolean'" in problem


def test_an_accepted_request_the_spec_refuses_is_caught(validator: SpecValidator) -> None:
    problem = validator.problem(exchange("POST", "/v1/ssh_keys", 201, {"ssh_key": {}}, body={"name": "k"}))
    assert problem is not None
    # The response is checked first; make it valid to reach the request.
    key = {"id": 1, "name": "k", "fingerprint": "f", "public_key": "p", "labels": {}, "created": "2026-01-01T00:00:00+00:00"}
    problem = validator.problem(exchange("POST", "/v1/ssh_keys", 201, {"ssh_key": key}, body={"name": "k"}))
    assert problem is not None and "accepted a request the spec refuses" in problem and "'public_key' is a required property" in problem
    assert (
        validator.problem(exchange("POST", "/v1/ssh_keys", 422, {"error": {"code": "invalid_input", "message": "m", "details": None}}, body={"name": "k"}))
        is None
    )


def test_paths_the_api_does_not_have_may_only_answer_errors(validator: SpecValidator) -> None:
    error = {"error": {"code": "not_found", "message": "m", "details": None}}
    assert validator.problem(exchange("GET", "/v1/nothing", 404, error)) is None
    assert "no such operation" in str(validator.problem(exchange("GET", "/v1/nothing", 200, {"things": []})))
    assert validator.problem(exchange("PATCH", "/v1/servers", 405, {"error": {"code": "method_not_allowed", "message": "m", "details": None}})) is None


class BrokenService(HcloudService):
    """Answers SSH keys without their fingerprint: the check must notice."""

    def handle(self, request: Request) -> Response:
        response = super().handle(request)
        if request.path.startswith("/v1/ssh_keys") and response.status == 200:
            data = json.loads(response.body)
            for key in data.get("ssh_keys", []):
                key.pop("fingerprint")
            response.body = json.dumps(data).encode()
        return response


def test_a_broken_simulator_fails_the_test_that_talked_to_it(validator: SpecValidator) -> None:
    recorder = ConformanceRecorder(validator)
    with running(BrokenService()) as server:
        server.observe(recorder)
        client = Client(SANDBOX_TOKENS["ci"], api_endpoint=server.url + "/v1")
        client.ssh_keys.create(name="k", public_key=public_key(1))
        client.ssh_keys.get_all()
    fixtures._ACTIVE.append(recorder)
    try:
        hook = fixtures.pytest_runtest_call(item=None)  # what runs after every test body
        next(hook)
        with pytest.raises(AssertionError, match=r"GET /v1/ssh_keys\?page=1&per_page=50 -> 200 \[list_ssh_keys\].*'fingerprint' is a required property"):
            hook.send(None)
    finally:
        fixtures._ACTIVE.remove(recorder)


def test_every_exchange_of_a_test_is_recorded(hcloud_sim: HcloudSim, validator: SpecValidator) -> None:
    assert hcloud_sim.recorder in fixtures._ACTIVE
    before = hcloud_sim.recorder.checked
    hcloud_sim.client().locations.get_all()
    hcloud_sim.client().servers.get_all()
    hcloud_sim.check_conformance()
    assert hcloud_sim.recorder.checked == before + 2
