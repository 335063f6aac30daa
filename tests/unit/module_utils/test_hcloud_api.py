"""The shared hcloud layer: pacing, the retrying transport, waiting for actions, failure messages (real hcloud client, simulator)."""

from __future__ import annotations

import time

import hcloud
import pytest
from hcloud.images import Image
from hcloud.locations import Location
from hcloud.server_types import ServerType

from ansible_collections.boltfoundry.infra.plugins.module_utils import hcloud_actions, hcloud_api, hcloud_errors
from tests.fixtures.hcloud import HcloudSim
from tests.integration.hcloud.conftest import public_key

POLL = 0.01


def paced_client(sim: HcloudSim, seconds: float = 30.0) -> hcloud.Client:
    return hcloud_api.build_client(sim.token(), sim.api_endpoint, hcloud_api.Pacing(POLL, hcloud_api.Deadline(seconds)))


def api_log(sim: HcloudSim) -> list[tuple[str, str, int]]:
    return [(entry["method"], entry["path"], entry["status"]) for entry in sim.admin.requests() if entry["path"].startswith("/v1/")]


# -- pacing and the rate-limit arithmetic ----------------------------------------------------------
def test_backoff_doubles_up_to_five_times_the_first_step() -> None:
    pacing = hcloud_api.Pacing(1.0, hcloud_api.Deadline(60))
    assert [pacing.delay(attempt) for attempt in range(6)] == [1.0, 2.0, 4.0, 5.0, 5.0, 5.0]


def test_a_deadline_allows_only_waits_that_end_before_it() -> None:
    now = [100.0]
    deadline = hcloud_api.Deadline(10, clock=lambda: now[0])
    assert deadline.allows(10) and not deadline.allows(10.5)
    now[0] = 108.0
    assert deadline.remaining() == 2.0 and not deadline.allows(3)


@pytest.mark.parametrize(
    ("headers", "delay"),
    [
        ({"RateLimit-Limit": "3600", "RateLimit-Remaining": "0", "RateLimit-Reset": "4600"}, 1.0),  # one back each second
        ({"RateLimit-Limit": "36", "RateLimit-Remaining": "0", "RateLimit-Reset": "4600"}, 100.0),  # one back each 100 s
        ({"RateLimit-Limit": "3600", "RateLimit-Remaining": "3590", "RateLimit-Reset": "1010"}, 0.0),  # budget left: at once
        ({"RateLimit-Limit": "3600", "RateLimit-Remaining": "0", "RateLimit-Reset": "900"}, 0.0),  # reset already past
        ({}, None),
        ({"RateLimit-Limit": "x", "RateLimit-Remaining": "0", "RateLimit-Reset": "4600"}, None),
    ],
)
def test_one_request_comes_back_after_the_reset_spread_over_the_missing_requests(headers: dict[str, str], delay: float | None) -> None:
    assert hcloud_api.rate_limit_delay(headers, now=1000.0) == delay


# -- the transport, through the real library against the simulator --------------------------------
def test_the_library_is_steered_by_our_session(hcloud_sim: HcloudSim) -> None:
    # Pins the two private attributes of hcloud-python that build_client sets: an upgrade that renames them fails here.
    client = paced_client(hcloud_sim)
    assert hcloud_api.retry_control(client)
    assert client._client._retry_max_retries == 0


def test_locked_and_conflict_are_sent_again_for_reads_and_writes(hcloud_sim: HcloudSim) -> None:
    client = paced_client(hcloud_sim)
    hcloud_sim.admin.add_fault(method="POST", path="^/v1/ssh_keys$", status=423, count=2)
    hcloud_sim.admin.add_fault(method="GET", path="^/v1/ssh_keys$", status=409, count=1)
    client.ssh_keys.create(name="deploy", public_key=public_key(1))
    assert client.ssh_keys.get_by_name("deploy") is not None
    assert [retry["reason"] for retry in hcloud_api.retries(client)] == ["locked", "locked", "conflict"]
    assert [retry["delay"] for retry in hcloud_api.retries(client)] == [POLL, 2 * POLL, POLL]
    assert [status for _method, _path, status in api_log(hcloud_sim)] == [423, 423, 201, 409, 200]


def test_a_lost_answer_to_a_write_is_never_repeated(hcloud_sim: HcloudSim) -> None:
    client = paced_client(hcloud_sim)
    for status in (503, 504, 502):
        hcloud_sim.admin.add_fault(method="POST", path="^/v1/ssh_keys$", status=status, after=True, count=1)
        with pytest.raises(hcloud.APIException) as caught:
            client.ssh_keys.create(name=f"key-{status}", public_key=public_key(status))
        assert hcloud_errors.is_transient(caught.value)
    # hcloud-python by itself repeats the POSTs after 502/504 (and then meets its own key: uniqueness_error).
    assert [path for method, path, _status in api_log(hcloud_sim) if method == "POST"] == ["/v1/ssh_keys"] * 3
    assert len(client.ssh_keys.get_all()) == 3
    assert hcloud_api.retries(client) == []


def test_a_failed_read_is_asked_again(hcloud_sim: HcloudSim) -> None:
    client = paced_client(hcloud_sim)
    hcloud_sim.admin.add_fault(method="GET", path="^/v1/servers$", status=503, count=1)
    hcloud_sim.admin.add_fault(method="GET", path="^/v1/servers$", drop=True, count=1)
    assert client.servers.get_all() == []
    assert [retry["reason"] for retry in hcloud_api.retries(client)] == ["503", "ConnectionError"]


def test_a_dropped_write_reaches_the_caller(hcloud_sim: HcloudSim) -> None:
    client = paced_client(hcloud_sim)
    hcloud_sim.admin.add_fault(method="POST", path="^/v1/ssh_keys$", drop=True, count=1)
    with pytest.raises(hcloud_api.requests.exceptions.ConnectionError) as caught:
        client.ssh_keys.create(name="deploy", public_key=public_key(1))
    assert hcloud_errors.is_transient(caught.value)


def test_retries_stop_at_the_deadline_and_at_eight_tries(hcloud_sim: HcloudSim) -> None:
    hcloud_sim.admin.add_fault(method="GET", path="^/v1/servers$", status=423)
    started = time.monotonic()
    with pytest.raises(hcloud.APIException) as caught:
        paced_client(hcloud_sim, seconds=0.1).servers.get_all()
    assert caught.value.code == "locked"
    assert time.monotonic() - started < 1.0
    hcloud_sim.admin.reset_requests()
    with pytest.raises(hcloud.APIException):
        paced_client(hcloud_sim, seconds=30).servers.get_all()
    assert len(api_log(hcloud_sim)) == hcloud_api.MAX_ATTEMPTS


def test_an_injected_429_is_retried_as_soon_as_its_headers_allow(hcloud_sim: HcloudSim) -> None:
    client = paced_client(hcloud_sim)
    hcloud_sim.admin.add_fault(method="GET", path="^/v1/servers$", status=429, count=1)
    client.servers.get_all()
    [retry] = hcloud_api.retries(client)
    assert retry["reason"] == "rate_limit_exceeded" and retry["delay"] < 0.1  # the budget was nearly full


# -- waiting for actions ------------------------------------------------------------------------------
def create_server(client: hcloud.Client, name: str) -> list:
    created = client.servers.create(name=name, server_type=ServerType(name="cpx22"), image=Image(name="ubuntu-22.04"), location=Location(name="ash"))
    return [created.action, *created.next_actions]


def test_several_actions_are_polled_in_one_request(hcloud_sim: HcloudSim) -> None:
    client = paced_client(hcloud_sim)
    actions = create_server(client, "a") + create_server(client, "b")
    hcloud_sim.admin.reset_requests()
    finished = hcloud_actions.wait_for(client, actions, hcloud_api.Pacing(POLL, hcloud_api.Deadline(30)))
    assert {action["status"] for action in finished} == {"success"}
    polls = api_log(hcloud_sim)
    assert polls and all(path == "/v1/actions" for _method, path, _status in polls)
    assert all(entry["query"].count("id=") in (2, 4) for entry in hcloud_sim.admin.requests())


def test_waiting_ends_at_the_deadline_naming_what_still_runs(hcloud_sim: HcloudSim) -> None:
    client = paced_client(hcloud_sim)
    with hcloud_sim.frozen():
        actions = create_server(client, "a")
        with pytest.raises(hcloud_actions.WaitTimeout) as caught:
            hcloud_actions.wait_for(client, actions, hcloud_api.Pacing(POLL, hcloud_api.Deadline(0.2)))
    assert [action["command"] for action in caught.value.pending] == ["create_server", "start_server"]
    msg, failure = hcloud_errors.describe(caught.value, "creating server 'a'")
    assert msg.startswith("Creating server 'a' did not finish: still running after the timeout of 0.2 seconds: create_server (")
    assert failure["code"] == "timeout" and len(failure["actions"]) == 2


def test_a_failed_action_is_reported_with_its_error(hcloud_sim: HcloudSim) -> None:
    client = paced_client(hcloud_sim)
    hcloud_sim.admin.fail_next("create_server", code="server_error", message="no capacity")
    actions = create_server(client, "a")
    with pytest.raises(hcloud_actions.ActionFailed) as caught:
        hcloud_actions.wait_for(client, actions, hcloud_api.Pacing(POLL, hcloud_api.Deadline(30)))
    msg, failure = hcloud_errors.describe(caught.value, "creating server 'a'")
    assert msg.startswith("Creating server 'a' failed: action create_server (")
    assert "no capacity (server_error)" in msg
    assert failure["code"] == "server_error" and failure["action"]["command"] == "create_server"


def test_waiting_for_a_resource_that_is_idle_costs_one_request(hcloud_sim: HcloudSim) -> None:
    client = paced_client(hcloud_sim)
    hcloud_actions.wait_for(client, create_server(client, "a"), hcloud_api.Pacing(POLL, hcloud_api.Deadline(30)))
    server = client.servers.get_by_name("a")
    hcloud_sim.admin.reset_requests()
    hcloud_actions.wait_idle(client, [("servers", server.id)], hcloud_api.Pacing(POLL, hcloud_api.Deadline(30)))
    assert api_log(hcloud_sim) == [("GET", f"/v1/servers/{server.id}/actions", 200)]


# -- failure messages -----------------------------------------------------------------------------
def test_an_invalid_input_names_the_fields(hcloud_sim: HcloudSim) -> None:
    client = paced_client(hcloud_sim)
    with pytest.raises(hcloud.APIException) as caught:
        client.volumes.create(size=5, name="data", location=Location(name="ash"))
    msg, failure = hcloud_errors.describe(caught.value, "creating volume 'data'")
    assert msg.startswith("Creating volume 'data' failed: the API answered invalid input in field 'size'")
    assert "(size: must be between 10 and 10240 GB)" in msg and "(invalid_input, correlation id " in msg
    assert failure["details"]["fields"][0]["name"] == "size"
    assert not hcloud_errors.is_transient(caught.value)


def test_uniqueness_is_transient_only_for_a_create_that_may_have_met_itself() -> None:
    exc = hcloud.APIException(code="uniqueness_error", message="name is already used", details=None)
    assert hcloud_errors.is_transient(exc, creating=True) and not hcloud_errors.is_transient(exc)
    gateway = hcloud.APIException(code=502, message="Bad Gateway", details={"content": b"<html>"})
    msg, failure = hcloud_errors.describe(gateway, "reading server 'a'")
    assert hcloud_errors.is_transient(gateway) and failure["details"] == {"content": "<html>"}
    assert msg.endswith("This is usually temporary: run again; the module finds what an earlier attempt created instead of creating it twice.")


def test_the_end_of_actions_is_estimated_only_once_each_has_made_progress() -> None:
    progress = hcloud_actions.Progress()
    create = {"id": 1, "progress": 10}
    queued = {"id": 2, "progress": 0}  # starts when the first ends
    progress.seen(create, now=100.0)
    progress.seen(queued, now=100.0)
    assert progress.remaining([dict(create, progress=30)], now=102.0) == 7.0  # 10 %/s, 70 % to go
    assert progress.remaining([dict(create, progress=30), queued], now=102.0) is None  # the queued one tells nothing yet
    assert progress.remaining([dict(create, progress=10)], now=105.0) is None  # no growth, no estimate
