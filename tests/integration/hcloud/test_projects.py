"""Projects, tokens and the request budget: each token one project, each project its own world and budget."""

from __future__ import annotations

import time

import pytest
import requests
from hcloud import APIException

from sandbox.hcloud import SANDBOX_TOKENS
from tests.fixtures.hcloud import HcloudSim
from tests.integration.hcloud.conftest import make_server, public_key


def test_the_sandbox_tokens_are_fixed_and_obviously_fake(hcloud_sim: HcloudSim) -> None:
    assert set(SANDBOX_TOKENS) == {"production", "ci"}
    assert hcloud_sim.tokens == SANDBOX_TOKENS
    assert all(token.startswith("sandbox") and "NotARealSecret" in token for token in SANDBOX_TOKENS.values())
    assert hcloud_sim.env("ci") == {"HCLOUD_ENDPOINT": hcloud_sim.url + "/v1", "HCLOUD_TOKEN": SANDBOX_TOKENS["ci"]}


def test_ci_and_production_are_separate_worlds_with_unique_ids(hcloud_sim: HcloudSim) -> None:
    production, ci = hcloud_sim.client("production"), hcloud_sim.client("ci")
    in_production = make_server(production, "same-name")
    in_ci = make_server(ci, "same-name")
    assert in_production.id != in_ci.id
    assert in_production.public_net.ipv4.ip != in_ci.public_net.ipv4.ip
    assert [s.id for s in production.servers.get_all()] == [in_production.id]
    with pytest.raises(APIException) as hidden:
        ci.servers.get_by_id(in_production.id)
    assert hidden.value.code == "not_found"
    with pytest.raises(APIException):
        ci.actions.get_by_id(production.servers.get_actions_list(in_production).actions[0].id)


def test_extra_projects_at_start_and_at_run_time(hcloud_sim_factory) -> None:
    sim = hcloud_sim_factory(tokens={"staging": "sandbox-staging-token"})
    assert sim.tokens == {"staging": "sandbox-staging-token"}
    sim.client("staging").ssh_keys.create(name="k", public_key=public_key(1))
    sim.admin.add_project("qa", "sandbox-qa-token")
    assert sim.tokens["qa"] == "sandbox-qa-token"
    assert sim.client("qa").ssh_keys.get_all() == []
    with pytest.raises(RuntimeError, match="belongs to project"):
        sim.admin.add_project("qa-2", "sandbox-qa-token")


def test_every_answer_carries_the_rate_limit_headers(hcloud_sim: HcloudSim) -> None:
    headers = {"Authorization": f"Bearer {hcloud_sim.token()}"}
    for answer in (
        requests.get(f"{hcloud_sim.api_endpoint}/servers", headers=headers, timeout=5),
        requests.get(f"{hcloud_sim.api_endpoint}/servers/1", headers=headers, timeout=5),
        requests.get(f"{hcloud_sim.api_endpoint}/servers", timeout=5),
    ):
        assert int(answer.headers["RateLimit-Limit"]) == 3600
        assert 0 < int(answer.headers["RateLimit-Remaining"]) < 3600
        assert int(answer.headers["RateLimit-Reset"]) >= int(time.time())


def test_a_used_up_budget_answers_429_and_refills_one_per_second(hcloud_sim: HcloudSim) -> None:
    headers = {"Authorization": f"Bearer {hcloud_sim.token()}"}
    hcloud_sim.admin.set_rate_limit("production", remaining=1)
    first = requests.get(f"{hcloud_sim.api_endpoint}/locations", headers=headers, timeout=5)
    assert first.status_code == 200
    assert first.headers["RateLimit-Remaining"] == "0"
    refused = requests.get(f"{hcloud_sim.api_endpoint}/locations", headers=headers, timeout=5)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limit_exceeded"
    reset = int(refused.headers["RateLimit-Reset"])
    assert time.time() + 3000 < reset <= time.time() + 3601  # nearly the whole hour is missing
    other = requests.get(f"{hcloud_sim.api_endpoint}/locations", headers={"Authorization": f"Bearer {hcloud_sim.token('ci')}"}, timeout=5)
    assert other.status_code == 200  # the budget is per project
    time.sleep(1.05)
    assert requests.get(f"{hcloud_sim.api_endpoint}/locations", headers=headers, timeout=5).status_code == 200


def test_the_library_waits_out_a_used_up_budget(hcloud_sim: HcloudSim) -> None:
    hcloud_sim.admin.set_rate_limit("production", remaining=0)
    assert len(hcloud_sim.client().locations.get_all()) >= 4  # 429, backoff of a second, then through
    assert [entry["status"] for entry in hcloud_sim.admin.requests()] == [429, 200]


def test_a_smaller_configured_limit(hcloud_sim: HcloudSim) -> None:
    hcloud_sim.admin.set_rate_limit("ci", limit=10)
    answer = requests.get(f"{hcloud_sim.api_endpoint}/locations", headers={"Authorization": f"Bearer {hcloud_sim.token('ci')}"}, timeout=5)
    assert answer.headers["RateLimit-Limit"] == "10"
    assert answer.headers["RateLimit-Remaining"] == "9"
