"""hcloud_ssh_key through ansible-playbook: plan, create, rest, relabel, replace, ownership, delete."""

from __future__ import annotations

from tests.fixtures.hcloud import HcloudSim
from tests.harness import AnsibleRunner
from tests.integration.hcloud.conftest import public_key
from tests.integration.hetzner.conftest import api_requests, run_module, writes

KEY = {"name": "deploy", "public_key": public_key(1), "labels": {"environment": "production"}}


def test_plan_create_rest_relabel_replace_delete(ansible: AnsibleRunner, hcloud_sim: HcloudSim) -> None:
    client = hcloud_sim.client()
    plan, _run = run_module(ansible, hcloud_sim, "hcloud_ssh_key", KEY, check=True, diff=True)
    assert plan.changed and writes(hcloud_sim) == []
    assert plan["diff"]["after"]["labels"] == {"environment": "production", "managed-by": "boltfoundry.infra"}
    assert plan["hcloud_ssh_key"]["id"] is None

    created, _run = run_module(ansible, hcloud_sim, "hcloud_ssh_key", KEY)
    key = client.ssh_keys.get_by_name("deploy")
    assert created.changed and created["hcloud_ssh_key"]["fingerprint"] == key.fingerprint

    hcloud_sim.admin.reset_requests()
    rest, _run = run_module(ansible, hcloud_sim, "hcloud_ssh_key", {**KEY, "public_key": KEY["public_key"].replace("test-1@sandbox", "another comment")})
    assert not rest.changed
    assert api_requests(hcloud_sim) == [("GET", "/v1/ssh_keys")]

    relabeled, _run = run_module(ansible, hcloud_sim, "hcloud_ssh_key", {**KEY, "labels": {"environment": "staging"}}, diff=True)
    assert relabeled.changed
    assert (relabeled["diff"]["before"]["labels"]["environment"], relabeled["diff"]["after"]["labels"]["environment"]) == ("production", "staging")
    assert client.ssh_keys.get_by_id(key.id).labels == {"environment": "staging", "managed-by": "boltfoundry.infra"}

    replaced, _run = run_module(ansible, hcloud_sim, "hcloud_ssh_key", {"name": "deploy", "public_key": public_key(2)})
    assert replaced.changed
    new_key = client.ssh_keys.get_by_name("deploy")
    assert new_key.id != key.id and new_key.public_key == public_key(2)
    assert new_key.labels == {"environment": "staging", "managed-by": "boltfoundry.infra"}  # labels kept when not given

    gone, _run = run_module(ansible, hcloud_sim, "hcloud_ssh_key", {"name": "deploy", "state": "absent"}, diff=True)
    assert gone.changed and gone["diff"]["after"] == {"state": "absent"} and gone["hcloud_ssh_key"] is None
    assert client.ssh_keys.get_all() == []
    again, _run = run_module(ansible, hcloud_sim, "hcloud_ssh_key", {"name": "deploy", "state": "absent"})
    assert not again.changed


def test_a_key_this_collection_did_not_create_is_left_alone_unless_adopted(ansible: AnsibleRunner, hcloud_sim: HcloudSim) -> None:
    client = hcloud_sim.client()
    client.ssh_keys.create(name="deploy", public_key=public_key(1), labels={"owner": "alice"})
    hcloud_sim.admin.reset_requests()
    for args in (KEY, {"name": "deploy", "state": "absent"}):
        refused, _run = run_module(ansible, hcloud_sim, "hcloud_ssh_key", args)
        assert refused.failed
        assert "does not carry the label managed-by=boltfoundry.infra" in refused.msg and "adopt=true" in refused.msg
    assert writes(hcloud_sim) == []
    # Nothing to change (no labels asked for): reading it is fine.
    read, _run = run_module(ansible, hcloud_sim, "hcloud_ssh_key", {"name": "deploy", "public_key": public_key(1)})
    assert not read.failed and not read.changed

    adopted, _run = run_module(ansible, hcloud_sim, "hcloud_ssh_key", {"name": "deploy", "adopt": True})
    assert adopted.changed
    assert client.ssh_keys.get_by_name("deploy").labels == {"owner": "alice", "managed-by": "boltfoundry.infra"}
    now_ours, _run = run_module(ansible, hcloud_sim, "hcloud_ssh_key", {"name": "deploy", "state": "absent"})
    assert now_ours.changed and client.ssh_keys.get_all() == []


def test_clear_failures(ansible: AnsibleRunner, hcloud_sim: HcloudSim) -> None:
    missing, _run = run_module(ansible, hcloud_sim, "hcloud_ssh_key", {"name": "deploy"})
    assert missing.failed and missing.msg == "SSH key 'deploy' does not exist, and public_key is needed to create it."

    hcloud_sim.client().ssh_keys.create(name="laptop", public_key=public_key(1))
    taken, run = run_module(ansible, hcloud_sim, "hcloud_ssh_key", KEY)
    assert taken.failed
    assert taken["failure"]["code"] == "uniqueness_error" and taken["failure"]["correlation_id"]
    assert taken.msg.startswith("Creating SSH key 'deploy' failed: the API answered")
    assert "SSH public keys) are unique per project" in taken.msg

    wrong_label, _run = run_module(ansible, hcloud_sim, "hcloud_ssh_key", {**KEY, "labels": {"managed-by": "someone"}})
    assert wrong_label.failed and "that label is this collection's own" in wrong_label.msg
    for token in hcloud_sim.tokens.values():
        assert token not in run.output
