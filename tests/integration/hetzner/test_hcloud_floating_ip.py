"""hcloud_floating_ip through ansible-playbook: assign, reassign, unassign, description, reverse DNS, IPv6, deletion."""

from __future__ import annotations

from tests.fixtures.hcloud import HcloudSim
from tests.harness import AnsibleRunner
from tests.integration.hcloud.conftest import make_server
from tests.integration.hetzner.conftest import api_requests, run_module, task, tasks_play, writes

ADDRESS = {"name": "web", "home_location": "ash", "labels": {"environment": "production"}}


def test_assign_reassign_unassign_describe_and_reverse_dns(ansible: AnsibleRunner, hcloud_sim: HcloudSim) -> None:
    client = hcloud_sim.client()
    first, second = make_server(client, "first"), make_server(client, "second")
    tasks = [
        task("plan", "hcloud_floating_ip", {**ADDRESS, "server": "first"}, check_mode=True, diff=True),
        task("create on first", "hcloud_floating_ip", {**ADDRESS, "server": "first", "description": "the web address"}),
        task("the same", "hcloud_floating_ip", {**ADDRESS, "server": str(first.id), "description": "the web address"}),
        task("reassign", "hcloud_floating_ip", {"name": "web", "server": "second"}, diff=True),
        task("reverse DNS", "hcloud_floating_ip", {"name": "web", "dns_ptr": "web.boltfoundry.test"}, diff=True),
        task("no description", "hcloud_floating_ip", {"name": "web", "description": ""}),
        task("unassign", "hcloud_floating_ip", {"name": "web", "unassign": True}),
        task("unassigned again", "hcloud_floating_ip", {"name": "web", "unassign": True}),
    ]
    run = ansible.playbook(tasks_play(tasks), env=hcloud_sim.env()).assert_ok()
    assert [run.task(t["name"]).changed for t in tasks] == [True, True, False, True, True, True, True, False]
    assert run.task("plan")["diff"]["after"]["server"] == first.id
    created = run.task("create on first")["hcloud_floating_ip"]
    assert created["server"] == first.id and created["description"] == "the web address"
    reassign = run.task("reassign")["diff"]
    assert (reassign["before"]["server"], reassign["after"]["server"]) == (first.id, second.id)
    ip = created["ip"]
    assert run.task("reverse DNS")["diff"]["after"]["dns_ptr"] == {ip: "web.boltfoundry.test"}
    address = client.floating_ips.get_by_name("web")
    assert address.server is None and not address.description
    assert address.dns_ptr == [{"ip": ip, "dns_ptr": "web.boltfoundry.test"}]
    assert len(client.floating_ips.get_all()) == 1


def test_ipv6_type_is_fixed_and_an_assigned_address_is_unassigned_before_deletion(ansible: AnsibleRunner, hcloud_sim: HcloudSim) -> None:
    client = hcloud_sim.client()
    make_server(client, "web")
    created, _run = run_module(ansible, hcloud_sim, "hcloud_floating_ip", {**ADDRESS, "type": "ipv6", "server": "web", "dns_ptr": "web.boltfoundry.test"})
    network = created["hcloud_floating_ip"]["ip"]
    assert network.endswith("/64") and created["hcloud_floating_ip"]["dns_ptr"] == {network.replace("/64", "1"): "web.boltfoundry.test"}
    again, _run = run_module(ansible, hcloud_sim, "hcloud_floating_ip", {**ADDRESS, "type": "ipv6", "server": "web", "dns_ptr": "web.boltfoundry.test"})
    assert not again.changed
    wrong_type, _run = run_module(ansible, hcloud_sim, "hcloud_floating_ip", {**ADDRESS, "type": "ipv4"})
    assert wrong_type.msg == (
        "Floating IP 'web' is ipv6, not ipv4: the type of a floating IP cannot change; delete it and create it again "
        "(it gets a new address), or use another name."
    )
    hcloud_sim.admin.reset_requests()
    deleted, _run = run_module(ansible, hcloud_sim, "hcloud_floating_ip", {"name": "web", "state": "absent"})
    assert deleted.changed and client.floating_ips.get_all() == []
    address_id = created["hcloud_floating_ip"]["id"]
    assert writes(hcloud_sim) == [("POST", f"/v1/floating_ips/{address_id}/actions/unassign"), ("DELETE", f"/v1/floating_ips/{address_id}")]
    assert api_requests(hcloud_sim)[0] == ("GET", "/v1/floating_ips")
