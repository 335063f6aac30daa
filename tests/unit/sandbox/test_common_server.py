"""The server, fault injection, request log and start-up every simulator shares."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from typing import Any

import pytest
import requests

from sandbox.common.admin import AdminClient
from sandbox.common.faults import FaultInjector, FaultRuleError
from sandbox.common.server import Request, Response, Service, SimServer
from tests.harness.sim import running


class Counter(Service):
    """A tiny stateful service: GET /n reads, POST /n adds the body's "by"."""

    name = "counter"

    def __init__(self) -> None:
        self.value = 0

    def handle(self, request: Request) -> Response:
        if request.path != "/n":
            return Response.json(404, {"error": {"code": "not_found"}})
        if request.method == "POST":
            self.value += int((request.json() or {}).get("by", 1))
            return Response.json(201, {"n": self.value})
        if request.path == "/n" and request.arg("boom"):
            raise RuntimeError("simulator bug on purpose")
        return Response.json(200, {"n": self.value, "tags": request.args("tag")})

    def fault_response(self, request: Request, status: int) -> Response:
        return Response.json(status, {"error": {"code": f"fault_{status}"}})

    def admin(self, request: Request, subpath: str) -> Response | None:
        if subpath == "counter/reset":
            self.value = 0
            return Response.empty(204)
        return None

    def snapshot(self) -> dict[str, Any]:
        return {"value": self.value}

    def restore(self, data: dict[str, Any]) -> None:
        self.value = data["value"]


@pytest.fixture
def server():
    with running(Counter()) as sim:
        yield sim


def test_serves_json_with_keep_alive_and_repeated_query_parameters(server: SimServer) -> None:
    with requests.Session() as session:
        first = session.post(f"{server.url}/n", json={"by": 2})
        second = session.get(f"{server.url}/n", params=[("tag", "a"), ("tag", "b")])
    assert first.status_code == 201
    assert second.json() == {"n": 2, "tags": ["a", "b"]}
    assert server.url.startswith("http://127.0.0.1:")


def test_request_log_counts_by_route_and_status_and_resets(server: SimServer) -> None:
    admin = AdminClient(server.url)
    requests.get(f"{server.url}/n", timeout=5)
    requests.post(f"{server.url}/n", json={"by": 1}, timeout=5)
    requests.get(f"{server.url}/missing", timeout=5)
    summary = admin.call("GET", "requests")
    assert summary["counts"] == {"GET /missing": 1, "GET /n": 1, "POST /n": 1}
    assert summary["statuses"] == {"200": 1, "201": 1, "404": 1}
    assert summary["mutating"] == 1
    assert summary["requests"][1]["body"] == {"by": 1}
    assert admin.count("GET") == 2
    assert admin.count(mutating=True) == 1
    admin.reset_requests()
    assert admin.count() == 0


def test_admin_paths_are_neither_logged_nor_faulted(server: SimServer) -> None:
    admin = AdminClient(server.url)
    admin.add_fault(status=503)
    assert admin.health()["service"] == "counter"
    assert admin.count() == 0


def test_fault_for_the_next_n_requests_is_shaped_by_the_service(server: SimServer) -> None:
    admin = AdminClient(server.url)
    admin.add_fault(method="GET", path="^/n$", status=429, count=2)
    answers = [requests.get(f"{server.url}/n", timeout=5) for _attempt in range(3)]
    assert [a.status_code for a in answers] == [429, 429, 200]
    assert answers[0].json() == {"error": {"code": "fault_429"}}
    assert [e["fault"] for e in admin.requests()] == ["429", "429", None]
    assert admin.call("GET", "faults")["rules"] == []  # used up


def test_fault_fraction_is_deterministic_under_a_seed() -> None:
    def pattern(seed: int) -> list[int]:
        injector = FaultInjector(seed)
        injector.add({"status": 503, "fraction": 0.3})
        return [injector.decide("GET", "/n").status or 200 for _request in range(200)]

    first, again, other = pattern(7), pattern(7), pattern(8)
    assert first == again
    assert first != other
    assert 30 < first.count(503) < 90  # about 30% of 200


def test_dropped_connection_is_a_connection_error_to_the_client(server: SimServer) -> None:
    admin = AdminClient(server.url)
    admin.add_fault(method="POST", drop=True, count=1)
    with pytest.raises(requests.ConnectionError):
        requests.post(f"{server.url}/n", json={"by": 5}, timeout=5)
    assert requests.get(f"{server.url}/n", timeout=5).json()["n"] == 0  # the dropped write did not happen
    assert admin.requests()[0]["fault"] == "drop"
    assert admin.requests()[0]["status"] is None


def test_latency_rule_delays_then_answers_normally(server: SimServer) -> None:
    admin = AdminClient(server.url)
    admin.add_fault(latency=0.2, count=1)
    started = time.monotonic()
    answer = requests.get(f"{server.url}/n", timeout=5)
    assert answer.status_code == 200
    assert time.monotonic() - started >= 0.2
    assert admin.requests()[0]["fault"] == "latency"


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        ({"status": 42}, "status"),
        ({"status": 503, "drop": True}, "drop"),
        ({"path": "(", "status": 503}, "path"),
        ({"status": 503, "fraction": 1.5}, "fraction"),
        ({"status": 503, "count": 0}, "count"),
        ({"status": 503, "colour": "red"}, "colour"),
        ({}, "status, drop or latency"),
        ({"latency": 1, "after": True}, "after needs drop or status"),
    ],
)
def test_bad_fault_rules_are_refused_naming_the_field(server: SimServer, rule: dict, field: str) -> None:
    answer = requests.post(f"{server.url}/__sandbox__/faults", json={"rules": [rule]}, timeout=5)
    assert answer.status_code == 400
    assert field in answer.json()["error"]
    with pytest.raises(FaultRuleError):
        FaultInjector().add(rule)


def test_service_admin_paths_and_unknown_admin_path(server: SimServer) -> None:
    requests.post(f"{server.url}/n", json={"by": 3}, timeout=5)
    assert requests.post(f"{server.url}/__sandbox__/counter/reset", timeout=5).status_code == 204
    assert requests.get(f"{server.url}/n", timeout=5).json()["n"] == 0
    assert requests.get(f"{server.url}/__sandbox__/nothing", timeout=5).status_code == 404


def test_a_simulator_bug_is_recorded_and_fails_the_running_block() -> None:
    with pytest.raises(AssertionError, match="simulator bug on purpose"), running(Counter()) as sim:
        answer = requests.get(f"{sim.url}/n", params={"boom": "1"}, timeout=5)
        assert answer.status_code == 500
        assert AdminClient(sim.url).errors()


def test_state_file_keeps_the_world_between_servers(tmp_path) -> None:
    state = tmp_path / "counter.json"
    with running(Counter(), state_file=str(state)) as first:
        requests.post(f"{first.url}/n", json={"by": 4}, timeout=5)
    assert json.loads(state.read_text()) == {"value": 4}
    with running(Counter(), state_file=str(state)) as second:
        assert requests.get(f"{second.url}/n", timeout=5).json()["n"] == 4


def test_stop_closes_the_port_and_idle_keep_alive_connections(server: SimServer) -> None:
    session = requests.Session()
    session.get(f"{server.url}/n", timeout=5)
    server.stop()
    with pytest.raises(requests.ConnectionError):
        session.get(f"{server.url}/n", timeout=2)


CLI = """
import sys
from sandbox.common.cli import serve
from tests.unit.sandbox.test_common_server import Counter
sys.exit(serve("counter", lambda args: Counter(), sys.argv[1:]))
"""


def test_cli_prints_its_url_and_stops_when_idle(repo_root) -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", CLI, "--port", "0", "--idle-exit", "1", "--faults", '[{"status": 503, "count": 1}]'],
        cwd=repo_root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        assert requests.get(f"{url}/n", timeout=5).status_code == 503
        assert requests.get(f"{url}/n", timeout=5).status_code == 200
        assert process.wait(timeout=10) == 0
        assert "idle" in process.stderr.read()
    finally:
        process.kill()
        process.wait()


def test_cli_refuses_a_non_loopback_host(repo_root) -> None:
    completed = subprocess.run([sys.executable, "-c", CLI, "--host", "0.0.0.0"], cwd=repo_root, capture_output=True, text=True, timeout=30, check=False)
    assert completed.returncode == 2
    assert "--host must be a loopback address" in completed.stderr


def test_after_carries_out_the_request_then_drops_its_answer(server: SimServer) -> None:
    admin = AdminClient(server.url)
    admin.add_fault(method="POST", drop=True, after=True, count=1)
    with pytest.raises(requests.ConnectionError):
        requests.post(f"{server.url}/n", json={"by": 5}, timeout=5)
    assert requests.get(f"{server.url}/n", timeout=5).json()["n"] == 5  # the write happened
    assert admin.requests()[0]["fault"] == "drop-after"


def test_after_can_replace_the_answer_with_a_status(server: SimServer) -> None:
    admin = AdminClient(server.url)
    admin.add_fault(method="POST", status=504, after=True, count=1)
    assert requests.post(f"{server.url}/n", json={"by": 2}, timeout=5).status_code == 504
    assert requests.get(f"{server.url}/n", timeout=5).json()["n"] == 2


class Sized(Service):
    """Answers HEAD with the length a GET would carry, like S3's HeadObject."""

    name = "sized"

    def handle(self, request: Request) -> Response:
        if request.method == "HEAD":
            return Response(200, b"", {"Content-Length": "1234"})
        if request.method == "OPTIONS":
            return Response(204, b"", {"Allow": "GET, HEAD, OPTIONS"})
        return Response(200, b"x" * 1234)


def test_head_keeps_the_declared_length_and_options_is_served() -> None:
    with running(Sized()) as sim:
        head = requests.head(f"{sim.url}/object", timeout=5)
        options = requests.options(f"{sim.url}/object", timeout=5)
        get = requests.get(f"{sim.url}/object", timeout=5)
    assert head.headers["Content-Length"] == "1234" and head.content == b""
    assert options.status_code == 204 and options.headers["Allow"] == "GET, HEAD, OPTIONS"
    assert len(get.content) == 1234


GROUP_CLI = """
import sys
from sandbox.common.cli import serve_group
from tests.unit.sandbox.test_common_server import Counter
sys.exit(serve_group("counters", lambda args: {"left": Counter(), "right": Counter()}, sys.argv[1:]))
"""


def test_serve_group_prints_one_named_url_per_endpoint_and_stops_when_all_are_idle(repo_root) -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", GROUP_CLI, "--port", "0", "--idle-exit", "1"], cwd=repo_root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        names_urls = [process.stdout.readline().split() for _endpoint in range(2)]
        assert [name for name, _url in names_urls] == ["left", "right"]
        left, right = (url for _name, url in names_urls)
        requests.post(f"{left}/n", json={"by": 3}, timeout=5)
        assert requests.get(f"{right}/n", timeout=5).json()["n"] == 0  # separate services
        assert process.wait(timeout=10) == 0
    finally:
        process.kill()
        process.wait()


def test_observers_see_each_answer_with_its_fault_but_not_admin_paths(server: SimServer) -> None:
    seen = []
    server.observe(lambda request, response, fault: seen.append((request.method, request.path, None if response is None else response.status, fault.kind)))
    admin = AdminClient(server.url)
    admin.add_fault(method="POST", drop=True, count=1)
    requests.get(f"{server.url}/n", timeout=5)
    with pytest.raises(requests.ConnectionError):
        requests.post(f"{server.url}/n", json={"by": 1}, timeout=5)
    admin.health()
    assert seen == [("GET", "/n", 200, None), ("POST", "/n", None, "drop")]


def test_a_failing_observer_is_reported_like_a_simulator_bug() -> None:
    def broken(*_args: object) -> None:
        raise RuntimeError("observer bug on purpose")

    with pytest.raises(AssertionError, match="observer bug on purpose"), running(Counter()) as sim:
        sim.observe(broken)
        assert requests.get(f"{sim.url}/n", timeout=5).status_code == 200
