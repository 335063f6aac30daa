"""Every field the hcloud library's own models read comes through, with the value the answer holds."""

from __future__ import annotations

import warnings
from datetime import datetime
from typing import Any

import pytest
import requests
from hcloud import Client
from hcloud.core import BoundModelBase
from hcloud.firewalls import FirewallResource, FirewallRule
from hcloud.locations import Location

from tests.fixtures.hcloud import HcloudSim
from tests.integration.hcloud.conftest import make_server, public_key

# Model properties the library knows but the published spec no longer has in these answers.
NOT_IN_SPEC = {"ServerType": {"included_traffic"}, "Image": {"deprecation"}}


def raw(hcloud_sim: HcloudSim, path: str) -> dict[str, Any]:
    answer = requests.get(hcloud_sim.api_endpoint + path, headers={"Authorization": f"Bearer {hcloud_sim.token()}"}, timeout=5)
    answer.raise_for_status()
    return next(iter(answer.json().values()))


def assert_complete(bound: Any, data: dict[str, Any]) -> None:
    """Each property of the model is in the answer; set in the model when set in the answer; equal when scalar."""
    model = bound.data_model if isinstance(bound, BoundModelBase) else bound
    name = type(model).__name__
    for prop in type(model).__api_properties__:
        if prop in NOT_IN_SPEC.get(name, set()):
            continue
        assert prop in data, f"{name}.{prop} is not in the answer"
        with warnings.catch_warnings():  # reading the library's deprecated properties is the point here
            warnings.simplefilter("ignore", DeprecationWarning)
            value = getattr(model, prop)
        if data[prop] is None:
            assert value is None, f"{name}.{prop}: the answer has null, the model {value!r}"
            continue
        assert value is not None, f"{name}.{prop}: the answer has {data[prop]!r}, the model None"
        if isinstance(value, datetime):
            assert value == datetime.fromisoformat(data[prop]), f"{name}.{prop}"
        elif isinstance(data[prop], int) and isinstance(value, BoundModelBase):  # a reference: the ID
            assert value.id == data[prop], f"{name}.{prop}: {value.id!r} != {data[prop]!r}"
        elif isinstance(data[prop], (str, int, float, bool)):
            assert value == data[prop], f"{name}.{prop}: {value!r} != {data[prop]!r}"


@pytest.fixture
def world(hcloud_sim: HcloudSim, client: Client) -> dict[str, Any]:
    key = client.ssh_keys.create(name="k", public_key=public_key(1), labels={"a": "b"})
    firewall = client.firewalls.create(name="fw", rules=[FirewallRule(direction="in", protocol="tcp", port="443", source_ips=["0.0.0.0/0"])])
    server = make_server(client, "full", ssh_keys=[key], labels={"a": "b"}, firewalls=[firewall.firewall])
    volume = client.volumes.create(size=10, name="vol", server=server, format="xfs", labels={"a": "b"})
    volume.action.wait_until_finished()
    volume.next_actions[0].wait_until_finished()
    floating = client.floating_ips.create(type="ipv4", server=server, description="d", labels={"a": "b"})
    floating.action.wait_until_finished()
    client.firewalls.get_by_id(firewall.firewall.id).apply_to_resources([FirewallResource(type="server", server=make_server(client, "second"))])
    return {"server": server.id, "volume": volume.volume.id, "floating_ip": floating.floating_ip.id, "ssh_key": key.id, "firewall": firewall.firewall.id}


def test_server_model(hcloud_sim: HcloudSim, client: Client, world: dict[str, Any]) -> None:
    server = client.servers.get_by_id(world["server"])
    data = raw(hcloud_sim, f"/servers/{world['server']}")
    assert_complete(server, data)
    assert_complete(server.server_type, data["server_type"])
    assert_complete(server.location, data["location"])
    assert_complete(server.image, data["image"])
    assert server.public_net.ipv4.ip == data["public_net"]["ipv4"]["ip"]
    assert server.public_net.ipv6.network == data["public_net"]["ipv6"]["ip"].split("/")[0]
    assert server.public_net.primary_ipv4.id == data["public_net"]["ipv4"]["id"]
    assert [f.id for f in server.public_net.floating_ips] == [world["floating_ip"]]
    assert [(f.firewall.id, f.status) for f in server.public_net.firewalls] == [(world["firewall"], "applied")]
    assert [v.id for v in server.volumes] == [world["volume"]]
    assert server.protection == {"delete": False, "rebuild": False}
    assert server.included_traffic == 1024**4  # ash: 1 TB


def test_volume_floating_ip_primary_ip_ssh_key_and_firewall_models(hcloud_sim: HcloudSim, client: Client, world: dict[str, Any]) -> None:
    volume = client.volumes.get_by_id(world["volume"])
    assert_complete(volume, raw(hcloud_sim, f"/volumes/{world['volume']}"))
    assert volume.server.id == world["server"] and volume.location.name == "ash"

    floating = client.floating_ips.get_by_id(world["floating_ip"])
    assert_complete(floating, raw(hcloud_sim, f"/floating_ips/{world['floating_ip']}"))
    assert floating.home_location.name == "ash" and floating.server.id == world["server"]

    primary = client.servers.get_by_id(world["server"]).public_net.primary_ipv4
    primary.reload()
    assert_complete(primary, raw(hcloud_sim, f"/primary_ips/{primary.id}"))
    assert primary.assignee_id == world["server"] and primary.auto_delete is True

    assert_complete(client.ssh_keys.get_by_id(world["ssh_key"]), raw(hcloud_sim, f"/ssh_keys/{world['ssh_key']}"))

    firewall = client.firewalls.get_by_id(world["firewall"])
    data = raw(hcloud_sim, f"/firewalls/{world['firewall']}")
    assert_complete(firewall, data)
    assert_complete(firewall.rules[0], data["rules"][0])
    assert sorted(entry.server.id for entry in firewall.applied_to) == sorted(entry["server"]["id"] for entry in data["applied_to"])


def test_action_location_server_type_and_image_models(hcloud_sim: HcloudSim, client: Client, world: dict[str, Any]) -> None:
    action = client.servers.get_actions_list(client.servers.get_by_id(world["server"])).actions[0]
    assert_complete(action, raw(hcloud_sim, f"/actions/{action.id}"))
    location = client.locations.get_by_name("ash")
    assert_complete(location, raw(hcloud_sim, f"/locations/{location.id}"))
    server_type = client.server_types.get_by_name("cpx22")
    assert_complete(server_type, raw(hcloud_sim, f"/server_types/{server_type.id}"))
    assert server_type.locations[0].location.name == "fsn1"
    image = client.images.get_by_name_and_architecture("debian-12", "arm")
    assert_complete(image, raw(hcloud_sim, f"/images/{image.id}"))
    assert (image.os_flavor, image.os_version, image.architecture) == ("debian", "12", "arm")


def test_volume_created_unattached_has_no_server(client: Client) -> None:
    created = client.volumes.create(size=10, name="alone", location=Location(name="hel1"))
    assert created.volume.server is None
    assert created.next_actions == []
