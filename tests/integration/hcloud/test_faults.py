"""Injected faults look like the real API's failures, and the real hcloud library reacts to them as it would.

hcloud-python retries ``conflict``, ``rate_limit_exceeded``, ``bad_gateway``
and ``timeout`` (and bare 502/504, and client timeouts) up to 5 times with
backoff from 1 s; everything else reaches the caller at once.
"""

from __future__ import annotations

import time

import pytest
import requests
from hcloud import APIException, Client

from tests.fixtures.hcloud import HcloudSim
from tests.integration.hcloud.conftest import public_key

CODES = {409: "conflict", 423: "locked", 429: "rate_limit_exceeded", 500: "server_error", 502: "bad_gateway", 503: "unavailable", 504: "timeout"}


@pytest.mark.parametrize("status", sorted(CODES))
def test_fault_answers_are_hcloud_errors_with_rate_limit_headers(hcloud_sim: HcloudSim, status: int) -> None:
    hcloud_sim.admin.add_fault(method="GET", path=r"^/v1/servers$", status=status, count=1)
    answer = requests.get(f"{hcloud_sim.api_endpoint}/servers", headers={"Authorization": f"Bearer {hcloud_sim.token()}"}, timeout=5)
    assert answer.status_code == status
    error = answer.json()["error"]
    assert (error["code"], error["details"]) == (CODES[status], None)
    assert error["message"]
    assert {"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"} <= set(answer.headers)
    if status == 429:
        assert answer.headers["RateLimit-Remaining"] == "0"


@pytest.mark.parametrize("status", [409, 429, 502, 504])
def test_the_library_retries_conflict_rate_limit_bad_gateway_and_timeout(hcloud_sim: HcloudSim, client: Client, status: int) -> None:
    hcloud_sim.admin.add_fault(method="GET", path=r"^/v1/servers$", status=status, count=1)
    assert client.servers.get_all() == []
    assert [entry["status"] for entry in hcloud_sim.admin.requests()] == [status, 200]


@pytest.mark.parametrize("status", [423, 500, 503])
def test_the_library_gives_up_at_once_on_locked_server_error_and_unavailable(hcloud_sim: HcloudSim, client: Client, status: int) -> None:
    hcloud_sim.admin.add_fault(method="GET", path=r"^/v1/servers$", status=status, count=1)
    with pytest.raises(APIException) as caught:
        client.servers.get_all()
    assert caught.value.code == CODES[status]
    assert hcloud_sim.admin.count() == 1


def test_a_dropped_connection_reaches_the_caller_and_nothing_was_written(hcloud_sim: HcloudSim, client: Client) -> None:
    hcloud_sim.admin.add_fault(method="POST", path=r"^/v1/ssh_keys$", drop=True, count=1)
    with pytest.raises(requests.exceptions.ConnectionError):
        client.ssh_keys.create(name="k", public_key=public_key(1))
    assert client.ssh_keys.get_all() == []


def test_a_write_whose_answer_is_lost_happened_anyway(hcloud_sim: HcloudSim, client: Client) -> None:
    hcloud_sim.admin.add_fault(method="POST", path=r"^/v1/ssh_keys$", drop=True, after=True, count=1)
    with pytest.raises(requests.exceptions.ConnectionError):
        client.ssh_keys.create(name="k", public_key=public_key(1))
    assert [key.name for key in client.ssh_keys.get_all()] == ["k"]


def test_a_retried_write_after_a_timeout_meets_its_own_first_attempt(hcloud_sim: HcloudSim, client: Client) -> None:
    """The real API can time out after committing; the library's retry then sees the name taken."""
    hcloud_sim.admin.add_fault(method="POST", path=r"^/v1/ssh_keys$", status=504, after=True, count=1)
    with pytest.raises(APIException) as caught:
        client.ssh_keys.create(name="k", public_key=public_key(1))
    assert caught.value.code == "uniqueness_error"
    assert [(entry["status"], entry["fault"]) for entry in hcloud_sim.admin.requests()] == [(504, "504-after"), (409, None)]
    assert [key.name for key in client.ssh_keys.get_all()] == ["k"]


def test_latency_beyond_the_client_timeout_is_retried(hcloud_sim: HcloudSim) -> None:
    client = hcloud_sim.client(timeout=0.5)
    hcloud_sim.admin.add_fault(method="GET", path=r"^/v1/locations$", latency=1.0, count=1)
    assert len(client.locations.get_all()) >= 4  # the library timed out, waited a second and asked again
    # The slow first request is logged once it is answered, which may be after the retry.
    deadline = time.monotonic() + 5
    while hcloud_sim.admin.count("GET", r"^/v1/locations$") < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sorted(str(entry["fault"]) for entry in hcloud_sim.admin.requests()) == ["None", "latency"]


def test_a_seeded_fraction_of_faults_is_the_same_on_every_run(hcloud_sim_factory) -> None:
    def statuses() -> list[int]:
        sim = hcloud_sim_factory(seed=7)
        sim.admin.add_fault(method="GET", path=r"^/v1/locations$", status=503, fraction=0.5)
        headers = {"Authorization": f"Bearer {sim.token()}"}
        with requests.Session() as session:
            return [session.get(f"{sim.api_endpoint}/locations", headers=headers, timeout=5).status_code for _request in range(20)]

    first, second = statuses(), statuses()
    assert first == second
    assert 3 <= first.count(503) <= 17
