"""The hetzner role through ansible-playbook: plan, create, nothing to do, changes, protection, teardown."""

from __future__ import annotations

from hcloud import Client
from hcloud.servers import Server

from tests.fixtures.hcloud import HcloudSim
from tests.harness import AnsibleRunner
from tests.integration.hcloud.conftest import make_server
from tests.integration.hetzner.conftest import (
    FIREWALL,
    FLOATING_IP,
    SERVER,
    SERVER_FINISHED,
    SSH_KEY,
    VOLUME,
    api_requests,
    changed_tasks,
    no_secret_in,
    role_play,
    writes,
)

NAME = "boltfoundry-com"
# What a run with nothing to do may ask: one read per resource, by name.
STEADY_READS = [
    ("GET", "/v1/ssh_keys"),
    ("GET", "/v1/firewalls"),
    ("GET", "/v1/servers"),
    ("GET", "/v1/volumes"),
    ("GET", "/v1/floating_ips"),
]


def one_of_each(client: Client) -> dict:
    servers = client.servers.get_all(name=NAME)
    volumes = client.volumes.get_all()
    floating_ips = client.floating_ips.get_all()
    assert (len(servers), len(volumes), len(floating_ips)) == (1, 1, 1)
    assert len(client.ssh_keys.get_all()) == 1
    assert len(client.firewalls.get_all()) == 1
    return {"server": servers[0], "volume": volumes[0], "floating_ip": floating_ips[0]}


def test_the_role_plans_creates_rests_changes_refuses_and_tears_down(ansible: AnsibleRunner, hcloud_sim: HcloudSim) -> None:
    env, admin, client = hcloud_sim.env(), hcloud_sim.admin, hcloud_sim.client()

    # A plan of an empty project: every resource would be made, nothing is written.
    plan = ansible.playbook(role_play(), env=env, check=True, diff=True).assert_ok()
    assert changed_tasks(plan) == {SSH_KEY, FIREWALL, SERVER, VOLUME, FLOATING_IP}
    assert writes(hcloud_sim) == []
    server_plan = plan.task(SERVER)["diff"]
    assert server_plan["before"] == {"state": "absent"}
    assert server_plan["after"]["delete_protection"] is True  # production is protected by default
    assert server_plan["after"]["labels"] == {"environment": "production", "managed-by": "boltfoundry.infra"}
    assert server_plan["after"]["firewalls"] == [NAME]  # the firewall is named: it does not exist yet
    volume_plan = plan.task(VOLUME)["diff"]["after"]
    assert (volume_plan["size"], volume_plan["location"], volume_plan["server"], volume_plan["format"]) == (10, "ash", NAME, "ext4")
    assert plan.task(FLOATING_IP)["diff"]["after"]["server"] == NAME

    # The first run makes them and returns the facts later plays use.
    admin.reset_requests()
    first = ansible.playbook(role_play(), env=env).assert_ok()
    made = one_of_each(client)
    server, volume, floating_ip = made["server"], made["volume"], made["floating_ip"]
    assert server.status == "running"
    assert volume.server.id == server.id and floating_ip.server.id == server.id
    assert server.protection == {"delete": True, "rebuild": True}
    assert volume.protection["delete"] and floating_ip.protection["delete"]
    assert [firewall.firewall.id for firewall in server.public_net.firewalls] == [client.firewalls.get_all()[0].id]
    for resource in (server, volume, floating_ip, *client.ssh_keys.get_all(), *client.firewalls.get_all()):
        assert resource.labels == {"managed-by": "boltfoundry.infra", "environment": "production"}
    host = first.task("host facts")
    assert host.host == NAME  # added to the in-memory inventory, in group hetzner
    facts = host["msg"]
    assert facts["ansible_host"] == server.public_net.ipv4.ip
    assert facts["volume"]["id"] == volume.id and facts["volume"]["linux_device"] == volume.linux_device
    assert facts["floating_ip"]["ip"] == floating_ip.ip
    assert [method for method, _path in writes(hcloud_sim)].count("POST") >= 5
    no_secret_in(first, hcloud_sim)

    # Nothing to do: no change, no write, one read per resource.
    admin.reset_requests()
    second = ansible.playbook(role_play(), env=env).assert_ok()
    assert second.changed() == 0
    assert api_requests(hcloud_sim) == STEADY_READS
    assert second.task(SERVER_FINISHED).status == "skipped"

    # Drift and new wishes: the floating IP moved by hand, a bigger volume, one more label.
    other = make_server(client, "other", labels={"managed-by": "boltfoundry.infra"})
    client.floating_ips.assign(floating_ip, Server(id=other.id)).wait_until_finished()
    changes = {"hetzner_volume_size": 20, "hetzner_labels": {"team": "web"}}
    admin.reset_requests()
    plan = ansible.playbook(role_play(**changes), env=env, check=True, diff=True).assert_ok()
    assert writes(hcloud_sim) == []
    assert changed_tasks(plan) == {SSH_KEY, FIREWALL, SERVER, VOLUME, FLOATING_IP}
    volume_diff = plan.task(VOLUME)["diff"]
    assert (volume_diff["before"]["size"], volume_diff["after"]["size"]) == (10, 20)
    assert volume_diff["after"]["labels"] == {"environment": "production", "managed-by": "boltfoundry.infra", "team": "web"}
    fip_diff = plan.task(FLOATING_IP)["diff"]
    assert (fip_diff["before"]["server"], fip_diff["after"]["server"]) == (other.id, server.id)

    changed = ansible.playbook(role_play(**changes), env=env).assert_ok()
    assert changed_tasks(changed) == {SSH_KEY, FIREWALL, SERVER, VOLUME, FLOATING_IP}
    assert changed.task(SERVER_FINISHED).status == "ok"  # runs after a change of the server, here with nothing left to do
    assert client.volumes.get_all()[0].size == 20
    assert client.floating_ips.get_all()[0].server.id == server.id
    assert client.servers.get_by_name(NAME).labels["team"] == "web"
    again = ansible.playbook(role_play(**changes), env=env).assert_ok()
    assert again.changed() == 0

    # Protected resources are never deleted; the message says how to lift the protection.
    admin.reset_requests()
    refused = ansible.playbook(role_play(hetzner_state="absent", **changes), env=env)
    assert refused.rc != 0
    failure = refused.task("boltfoundry.infra.hetzner : Server absent")
    assert failure.failed
    assert "is protected against deletion" in failure.msg and "hetzner_protection=false" in failure.msg
    assert writes(hcloud_sim) == []
    assert client.servers.get_by_name(NAME) is not None

    # Lifted, then torn down: only what the role made goes; the server the test made stays.
    ansible.playbook(role_play(hetzner_protection=False, **changes), env=env).assert_ok()
    teardown = ansible.playbook(role_play(hetzner_state="absent", **changes), env=env).assert_ok()
    assert teardown.changed() == 5
    assert [s.name for s in client.servers.get_all()] == ["other"]
    assert client.volumes.get_all() == [] and client.floating_ips.get_all() == []
    assert client.ssh_keys.get_all() == [] and client.firewalls.get_all() == []
    admin.reset_requests()
    assert ansible.playbook(role_play(hetzner_state="absent"), env=env).assert_ok().changed() == 0
    # Nothing left: the three reads before the teardown, then one per resource; no write.
    assert api_requests(hcloud_sim) == [
        ("GET", "/v1/servers"),
        ("GET", "/v1/volumes"),
        ("GET", "/v1/firewalls"),
        ("GET", "/v1/servers"),
        ("GET", "/v1/volumes"),
        ("GET", "/v1/floating_ips"),
        ("GET", "/v1/firewalls"),
        ("GET", "/v1/ssh_keys"),
    ]


def test_in_a_play_of_several_hosts_the_role_runs_once_on_the_controller_with_the_token_as_a_variable(ansible: AnsibleRunner, hcloud_sim: HcloudSim) -> None:
    plays = role_play(hetzner_api_token=hcloud_sim.token(), hetzner_api_endpoint=hcloud_sim.api_endpoint)
    plays[0].update(hosts="all", vars={"ansible_connection": "local"})
    run = ansible.playbook(plays, inventory="app1,app2,", env={"HCLOUD_TOKEN": "", "HCLOUD_ENDPOINT": ""}).assert_ok()
    assert api_requests(hcloud_sim).count(("POST", "/v1/servers")) == 1
    assert {result.host for result in run.tasks if result.task == SERVER} == {"app1"}  # once, for the play
    assert run.task("host facts").host == NAME
    no_secret_in(run, hcloud_sim)


def test_the_teardown_plan_fails_where_the_teardown_would(ansible: AnsibleRunner, hcloud_sim: HcloudSim) -> None:
    env, client = hcloud_sim.env(), hcloud_sim.client()
    ansible.playbook(role_play(hetzner_protection=False), env=env).assert_ok()

    # The server's deletion frees its own volume and firewall: the plan deletes all five and writes nothing.
    hcloud_sim.admin.reset_requests()
    plan = ansible.playbook(role_play(hetzner_state="absent"), env=env, check=True, diff=True).assert_ok()
    assert plan.changed() == 5 and writes(hcloud_sim) == []

    # The volume now hangs on another server: deleting ours does not free it, so the plan and the run both stop
    # before anything is deleted (not after the server is gone).
    other = make_server(client, "other")
    volume = client.volumes.get_all()[0]
    volume.detach().wait_until_finished()
    volume.attach(other).wait_until_finished()
    hcloud_sim.admin.reset_requests()
    planned = ansible.playbook(role_play(hetzner_state="absent"), env=env, check=True)
    run = ansible.playbook(role_play(hetzner_state="absent"), env=env)
    for attempt in (planned, run):
        failure = attempt.task("boltfoundry.infra.hetzner : Check that the teardown can finish once it starts")
        assert failure.failed and failure.msg == (
            f"Nothing was deleted: volume 'boltfoundry-com-data' is attached to server {other.id}, which this teardown keeps (hetzner_force=true detaches it)."
        )
    assert writes(hcloud_sim) == []
    assert client.servers.get_by_name(NAME) is not None and client.volumes.get_all()[0].server.id == other.id

    # Forced, it detaches the volume from the other server and deletes everything the role made.
    forced = ansible.playbook(role_play(hetzner_state="absent", hetzner_force=True), env=env).assert_ok()
    assert forced.changed() == 5 and client.volumes.get_all() == [] and [s.name for s in client.servers.get_all()] == ["other"]
