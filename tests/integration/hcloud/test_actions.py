"""Actions in simulated time: progress, queued next actions, locks, failures on demand."""

from __future__ import annotations

import pytest
import requests
from hcloud import APIException, Client
from hcloud.actions import ActionFailedException
from hcloud.images import Image
from hcloud.locations import Location
from hcloud.server_types import ServerType
from hcloud.servers import Server

from sandbox.hcloud import DEFAULT_DURATIONS
from tests.fixtures.hcloud import HcloudSim
from tests.integration.hcloud.conftest import make_server


def create(client: Client, name: str = "timed", **options: object):
    return client.servers.create(name=name, server_type=ServerType(name="cpx22"), image=Image(name="ubuntu-22.04"), location=Location(name="ash"), **options)


def test_server_goes_initializing_starting_running_in_simulated_time(hcloud_sim: HcloudSim, client: Client) -> None:
    with hcloud_sim.frozen():
        created = create(client)
        create_seconds, start_seconds = DEFAULT_DURATIONS["create_server"], DEFAULT_DURATIONS["start_server"]

        hcloud_sim.admin.advance(create_seconds / 2)
        halfway = client.actions.get_by_id(created.action.id)
        assert (halfway.status, halfway.progress, halfway.finished) == ("running", 50, None)
        assert client.servers.get_by_id(created.server.id).status == Server.STATUS_INIT
        queued = client.actions.get_by_id(created.next_actions[0].id)
        assert (queued.command, queued.status, queued.progress) == ("start_server", "running", 0)

        hcloud_sim.admin.advance(create_seconds / 2)
        done = client.actions.get_by_id(created.action.id)
        assert (done.status, done.progress) == ("success", 100)
        assert (done.finished - done.started).total_seconds() == create_seconds
        assert client.servers.get_by_id(created.server.id).status == Server.STATUS_STARTING

        hcloud_sim.admin.advance(start_seconds)
        started = client.actions.get_by_id(created.next_actions[0].id)
        assert started.status == "success"
        assert (started.finished - done.finished).total_seconds() == start_seconds
        assert client.servers.get_by_id(created.server.id).status == Server.STATUS_RUNNING
        assert started.resources == [{"id": created.server.id, "type": "server"}]


def test_without_start_after_create_the_server_stays_off(client: Client) -> None:
    created = create(client, start_after_create=False)
    assert created.next_actions == []
    created.action.wait_until_finished()
    assert client.servers.get_by_id(created.server.id).status == Server.STATUS_OFF


def test_volume_is_creating_until_its_action_ends(hcloud_sim: HcloudSim, client: Client) -> None:
    with hcloud_sim.frozen():
        created = client.volumes.create(size=10, name="slow", location=Location(name="fsn1"))
        assert client.volumes.get_by_id(created.volume.id).status == "creating"
        assert [v.id for v in client.volumes.get_all(status=["creating"])] == [created.volume.id]
        hcloud_sim.admin.advance(DEFAULT_DURATIONS["create_volume"])
        assert client.volumes.get_by_id(created.volume.id).status == "available"


def test_a_resource_with_a_running_action_is_locked(hcloud_sim: HcloudSim, client: Client) -> None:
    with hcloud_sim.frozen():
        created = create(client)
        for attempt in (lambda: client.servers.power_off(created.server), lambda: client.servers.delete(created.server)):
            with pytest.raises(APIException) as refused:
                attempt()
            assert refused.value.code == "locked"
        volume = client.volumes.create(size=10, name="v", location=Location(name="ash")).volume
        hcloud_sim.admin.advance(DEFAULT_DURATIONS["create_volume"])
        with pytest.raises(APIException) as server_locked:
            client.volumes.attach(volume, created.server)
        assert server_locked.value.code == "locked"
        hcloud_sim.admin.advance(60)
        client.volumes.attach(volume, created.server)  # the server is free now


def test_the_next_action_of_a_command_ends_in_error(hcloud_sim: HcloudSim, client: Client) -> None:
    server = make_server(client, "target")
    volume = client.volumes.create(size=10, name="v", location=Location(name="ash"))
    volume.action.wait_until_finished()
    hcloud_sim.admin.fail_next("attach_volume", code="volume_attach_failed", message="the storage backend refused")

    action = client.volumes.attach(volume.volume, server)
    with pytest.raises(ActionFailedException) as failed:
        action.wait_until_finished()
    assert failed.value.action.error == {"code": "volume_attach_failed", "message": "the storage backend refused"}
    assert client.volumes.get_by_id(volume.volume.id).server is None  # nothing happened
    client.volumes.attach(volume.volume, server).wait_until_finished()  # only the next one failed
    assert client.volumes.get_by_id(volume.volume.id).server.id == server.id


def test_a_chosen_running_action_ends_in_error(hcloud_sim: HcloudSim, client: Client) -> None:
    server = make_server(client, "chosen")
    with hcloud_sim.frozen():
        action = server.power_off()
        failed = hcloud_sim.admin.fail_action(action.id, message="the hypervisor did not answer")
        assert failed["status"] == "running"
        hcloud_sim.admin.advance(60)
    with pytest.raises(ActionFailedException):
        action.wait_until_finished()
    assert client.servers.get_by_id(server.id).status == Server.STATUS_RUNNING  # back to where it was


def test_a_failed_create_rolls_back_and_fails_the_queued_actions(hcloud_sim: HcloudSim, client: Client) -> None:
    hcloud_sim.admin.fail_next("create_server")
    created = create(client, name="doomed")
    with pytest.raises(ActionFailedException):
        created.action.wait_until_finished()
    with pytest.raises(ActionFailedException) as queued:
        created.next_actions[0].wait_until_finished()
    assert queued.value.action.error["code"] == "action_failed"
    assert client.servers.get_all() == []
    assert client.primary_ips.get_all() == []
    create(client, name="doomed").action.wait_until_finished()  # the name is free again


def test_actions_by_id_and_per_resource(hcloud_sim: HcloudSim, client: Client) -> None:
    server = make_server(client, "listed")
    power = server.power_off()
    power.wait_until_finished()

    answer = requests.get(
        f"{hcloud_sim.api_endpoint}/actions",
        params=[("id", power.id), ("id", 999_999_999)],
        headers={"Authorization": f"Bearer {hcloud_sim.token()}"},
        timeout=5,
    )
    assert [action["id"] for action in answer.json()["actions"]] == [power.id]

    commands = [action.command for action in client.servers.get_actions_list(server, sort=["id:asc"]).actions]
    assert commands == ["create_server", "start_server", "stop_server"]
    assert [a.command for a in client.servers.actions.get_all(status=["success"])] == commands
    assert client.servers.actions.get_by_id(power.id).command == "stop_server"
    with pytest.raises(APIException) as elsewhere:
        client.volumes.actions.get_by_id(power.id)
    assert elsewhere.value.code == "not_found"
    with pytest.raises(APIException) as no_ids:
        client.request("GET", "/actions")
    assert no_ids.value.code == "invalid_input"


def test_change_protection_is_done_at_once(client: Client) -> None:
    created = client.volumes.create(size=10, name="guarded", location=Location(name="ash"))
    created.action.wait_until_finished()
    action = created.volume.change_protection(delete=True)
    assert (action.status, action.progress) == ("success", 100)
    assert client.volumes.get_by_id(created.volume.id).protection == {"delete": True}


def test_speed_and_durations_are_settable(hcloud_sim: HcloudSim, client: Client) -> None:
    hcloud_sim.admin.set_durations(create_volume=0)
    created = client.volumes.create(size=10, name="instant", location=Location(name="ash"))
    assert created.action.status == "success"
    assert client.volumes.get_by_id(created.volume.id).status == "available"
    hcloud_sim.admin.set_speed(3.5)
    assert hcloud_sim.admin.speed() == 3.5


def test_every_action_of_any_command_can_fail_until_cleared(hcloud_sim: HcloudSim, client: Client) -> None:
    hcloud_sim.admin.fail_next(None, project="production", count=None)
    for name in ("a", "b"):
        with pytest.raises(ActionFailedException):
            client.volumes.create(size=10, name=name, location=Location(name="ash")).action.wait_until_finished()
    ci_volume = hcloud_sim.client("ci").volumes.create(size=10, name="fine", location=Location(name="ash"))
    ci_volume.action.wait_until_finished()  # the rule is for production only
    hcloud_sim.admin.clear_failures()
    client.volumes.create(size=10, name="c", location=Location(name="ash")).action.wait_until_finished()
