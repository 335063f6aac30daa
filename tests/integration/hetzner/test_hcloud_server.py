"""hcloud_server through ansible-playbook: type changes and restarts, power states, firewalls, protection, wait=false."""

from __future__ import annotations

from tests.fixtures.hcloud import HcloudSim
from tests.harness import AnsibleRunner
from tests.integration.hetzner.conftest import api_requests, run_module, task, tasks_play, writes

SERVER = {"name": "web", "server_type": "cpx22", "image": "ubuntu-22.04", "location": "ash", "labels": {"environment": "production"}}


def test_a_type_change_is_refused_on_a_running_server_unless_the_restart_is_allowed(ansible: AnsibleRunner, hcloud_sim: HcloudSim) -> None:
    client = hcloud_sim.client()
    created, _run = run_module(ansible, hcloud_sim, "hcloud_server", {**SERVER, "state": "started"})
    assert created.changed and created["hcloud_server"]["status"] == "running"
    disk = client.servers.get_by_name("web").primary_disk_size

    hcloud_sim.admin.reset_requests()
    for check in (True, False):
        refused, _run = run_module(ansible, hcloud_sim, "hcloud_server", {**SERVER, "server_type": "cpx32"}, check=check)
        assert refused.failed
        assert refused.msg == (
            "Changing server_type of server 'web' from cpx22 to cpx32 needs the server powered off, and it is running; "
            "set allow_restart=true to let the module shut it down, change the type and start it again "
            "(the server is unavailable meanwhile), or change it in a maintenance window."
        )
    assert writes(hcloud_sim) == []

    plan, _run = run_module(ansible, hcloud_sim, "hcloud_server", {**SERVER, "server_type": "cpx32", "allow_restart": True}, check=True, diff=True)
    assert plan.changed and writes(hcloud_sim) == []
    assert (plan["diff"]["before"]["server_type"], plan["diff"]["after"]["server_type"]) == ("cpx22", "cpx32")
    assert plan["diff"]["after"]["status"] == "running"

    changed, _run = run_module(ansible, hcloud_sim, "hcloud_server", {**SERVER, "server_type": "cpx32", "allow_restart": True})
    assert changed.changed
    server = client.servers.get_by_name("web")
    assert (server.server_type.name, server.status, server.primary_disk_size) == ("cpx32", "running", disk)  # the disk kept its size
    assert [path.rsplit("/", 1)[1] for method, path in writes(hcloud_sim)] == ["shutdown", "change_type"]


def test_power_states_firewalls_and_labels(ansible: AnsibleRunner, hcloud_sim: HcloudSim) -> None:
    client = hcloud_sim.client()
    firewall = client.firewalls.create(name="ssh").firewall
    tasks = [
        task("create stopped", "hcloud_server", {**SERVER, "state": "stopped"}),
        task("stopped again", "hcloud_server", {**SERVER, "state": "stopped"}),
        task("present leaves it off", "hcloud_server", {"name": "web", "state": "present"}),
        task("start", "hcloud_server", {"name": "web", "state": "started"}),
        task("firewall by name", "hcloud_server", {"name": "web", "firewalls": ["ssh"]}, diff=True),
        task("firewall by ID, relabel", "hcloud_server", {"name": "web", "firewalls": [str(firewall.id)], "labels": {"role": "web"}}, diff=True),
        task("other image and location", "hcloud_server", {"name": "web", "image": "debian-12", "location": "fsn1"}),
    ]
    run = ansible.playbook(tasks_play(tasks), env=hcloud_sim.env()).assert_ok()
    assert [run.task(t["name"]).changed for t in tasks] == [True, False, False, True, True, True, False]
    assert run.task("create stopped")["hcloud_server"]["status"] == "off"
    assert run.task("start")["hcloud_server"]["status"] == "running"
    assert run.task("firewall by name")["diff"]["after"]["firewalls"] == [firewall.id]
    relabel = run.task("firewall by ID, relabel")["diff"]
    assert relabel["before"]["labels"] == {"environment": "production", "managed-by": "boltfoundry.infra"}
    assert relabel["after"]["labels"] == {"role": "web", "managed-by": "boltfoundry.infra"}
    server = client.servers.get_by_name("web")
    assert [entry.firewall.id for entry in server.public_net.firewalls] == [firewall.id]
    assert "is only used at creation" in run.output and "a server cannot move" in run.output
    assert (server.image.name, server.location.name) == ("ubuntu-22.04", "ash")


def test_without_waiting_the_create_returns_at_once_and_leaves_the_protection_for_later(ansible: AnsibleRunner, hcloud_sim: HcloudSim) -> None:
    with hcloud_sim.frozen():  # nothing finishes while frozen: the module must not wait
        started, _run = run_module(ansible, hcloud_sim, "hcloud_server", {**SERVER, "delete_protection": True, "wait": False})
        assert started.changed
        assert started["hcloud_server"]["status"] == "initializing"
        assert [action["command"] for action in started["actions"]] == ["create_server", "start_server"]
        assert started["deferred"] == ["changing the protection of server 'web'"]
    finished, _run = run_module(ansible, hcloud_sim, "hcloud_server", {**SERVER, "delete_protection": True})
    assert finished.changed and finished["hcloud_server"]["status"] == "running"
    assert finished["hcloud_server"]["delete_protection"] and finished["hcloud_server"]["rebuild_protection"]


def test_protection_refuses_deletion_until_lifted(ansible: AnsibleRunner, hcloud_sim: HcloudSim) -> None:
    client = hcloud_sim.client()
    run_module(ansible, hcloud_sim, "hcloud_server", {**SERVER, "delete_protection": True})
    hcloud_sim.admin.reset_requests()
    refused, _run = run_module(ansible, hcloud_sim, "hcloud_server", {"name": "web", "state": "absent"})
    assert refused.failed
    assert refused.msg == (
        "Server 'web' is protected against deletion, so it is not deleted; to delete it, first run this module with state=present "
        "and delete_protection=false (in the hetzner role: hetzner_protection=false), then delete it."
    )
    assert api_requests(hcloud_sim) == [("GET", "/v1/servers")]

    mismatch, _run = run_module(ansible, hcloud_sim, "hcloud_server", {"name": "web", "delete_protection": False, "rebuild_protection": True})
    assert mismatch.failed and "must be equal" in mismatch.msg
    lifted, _run = run_module(ansible, hcloud_sim, "hcloud_server", {"name": "web", "delete_protection": False})
    assert lifted.changed
    deleted, _run = run_module(ansible, hcloud_sim, "hcloud_server", {"name": "web", "state": "absent"}, diff=True)
    assert deleted.changed and deleted["diff"]["after"] == {"state": "absent"}
    assert client.servers.get_all() == []


def test_creating_needs_a_type_and_an_image_and_named_firewalls_must_exist(ansible: AnsibleRunner, hcloud_sim: HcloudSim) -> None:
    missing, _run = run_module(ansible, hcloud_sim, "hcloud_server", {"name": "web", "image": "ubuntu-22.04"})
    assert missing.msg == "server 'web' does not exist, and server_type is needed to create it."
    no_firewall, _run = run_module(ansible, hcloud_sim, "hcloud_server", {**SERVER, "firewalls": ["nope"]})
    assert no_firewall.msg == "firewalls has 'nope', but the project has no firewall of that name; create it first (hcloud_firewall)."
    planned, _run = run_module(ansible, hcloud_sim, "hcloud_server", {**SERVER, "firewalls": ["nope"]}, check=True)
    assert planned.changed and planned["hcloud_server"]["firewalls"] == ["nope"]
    bad_type, _run = run_module(ansible, hcloud_sim, "hcloud_server", {**SERVER, "server_type": "cx23"})  # EU only
    assert bad_type.failed and bad_type["failure"]["code"] == "invalid_input"
    assert "location:" in bad_type.msg and "Correct the fields the API names" in bad_type.msg
    assert writes(hcloud_sim) == [("POST", "/v1/servers")]
