"""Every error the provisioning code must handle, with the code, status and details the real API gives."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests
from hcloud import APIException, Client
from hcloud.locations import Location
from hcloud.servers import Server

from sandbox.hcloud.errors import STATUS
from tests.fixtures.hcloud import HcloudSim
from tests.integration.hcloud.conftest import make_server, public_key


def refused(hcloud_sim: HcloudSim, call: Callable[[], Any], code: str) -> APIException:
    """Run ``call``, expect the API error ``code`` and the status the spec gives it; return the exception."""
    with pytest.raises(APIException) as caught:
        call()
    assert caught.value.code == code, caught.value
    assert hcloud_sim.admin.requests()[-1]["status"] == STATUS[code]
    return caught.value


def raw(hcloud_sim: HcloudSim, method: str, path: str, token: str | None = "production", **kwargs: Any) -> requests.Response:
    headers = {} if token is None else {"Authorization": f"Bearer {hcloud_sim.tokens.get(token, token)}"}
    return requests.request(method, hcloud_sim.api_endpoint + path, headers=headers, timeout=5, **kwargs)


def test_missing_or_unknown_token_is_unauthorized(hcloud_sim: HcloudSim) -> None:
    for token in (None, "not-a-sandbox-token"):
        answer = raw(hcloud_sim, "GET", "/servers", token=token)
        assert answer.status_code == 401
        assert answer.json() == {"error": {"code": "unauthorized", "message": "unable to authenticate", "details": None}}
    refused(hcloud_sim, Client("wrong", api_endpoint=hcloud_sim.api_endpoint).servers.get_all, "unauthorized")


def test_unknown_ids_are_not_found_even_when_another_kind_has_them(hcloud_sim: HcloudSim, client: Client) -> None:
    volume = client.volumes.create(size=10, name="v", location=Location(name="ash")).volume
    error = refused(hcloud_sim, lambda: client.servers.get_by_id(volume.id), "not_found")
    assert str(volume.id) in error.message
    refused(hcloud_sim, lambda: client.ssh_keys.get_by_id(1), "not_found")


def test_invalid_input_names_every_bad_field(hcloud_sim: HcloudSim, client: Client) -> None:
    error = refused(
        hcloud_sim,
        lambda: client.request("POST", "/servers", json={"name": "bad_name", "server_type": "cpx22", "labels": {"hetzner.cloud/x": "y"}}),
        "invalid_input",
    )
    assert error.message.startswith("invalid input in fields")
    assert sorted(field["name"] for field in error.details["fields"]) == ["image", "labels", "name"]
    assert all(field["messages"] for field in error.details["fields"])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"size": 9, "name": "v", "location": "ash"}, "size"),
        ({"size": 10241, "name": "v", "location": "ash"}, "size"),
        ({"size": 10, "name": "-v", "location": "ash"}, "name"),
        ({"size": 10, "name": "v" * 65, "location": "ash"}, "name"),
        ({"size": 10, "name": "v"}, "location"),
        ({"size": 10, "name": "v", "location": "ash", "automount": True}, "automount"),
        ({"size": 10, "name": "v", "location": "ash", "format": "ntfs"}, "format"),
        ({"size": 10, "name": "v", "location": "atlantis"}, "location"),
        ({"size": "10", "name": "v", "location": "ash"}, "size"),
    ],
)
def test_volume_create_rules(hcloud_sim: HcloudSim, client: Client, body: dict[str, Any], field: str) -> None:
    error = refused(hcloud_sim, lambda: client.request("POST", "/volumes", json=body), "invalid_input")
    assert [f["name"] for f in error.details["fields"]] == [field]


def test_volumes_only_grow_and_stay_in_their_location(hcloud_sim: HcloudSim, client: Client) -> None:
    server = make_server(client, "in-ash", location="ash")
    created = client.volumes.create(size=20, name="v", location=Location(name="fsn1"))
    created.action.wait_until_finished()
    volume = created.volume
    for size in (10, 20):
        error = refused(hcloud_sim, lambda size=size: volume.resize(size), "invalid_input")
        assert error.details["fields"][0]["name"] == "size"
    refused(hcloud_sim, lambda: volume.resize(10241), "invalid_input")
    error = refused(hcloud_sim, lambda: volume.attach(server), "invalid_input")
    assert "location" in error.details["fields"][0]["messages"][0]
    volume.resize(30).wait_until_finished()
    assert client.volumes.get_by_id(volume.id).size == 30


def test_attached_volume_cannot_be_attached_again_or_deleted(hcloud_sim: HcloudSim, client: Client) -> None:
    server = make_server(client, "holder")
    other = make_server(client, "other")
    created = client.volumes.create(size=10, name="v", server=server)
    created.action.wait_until_finished()
    created.next_actions[0].wait_until_finished()
    refused(hcloud_sim, lambda: created.volume.attach(other), "volume_already_attached")
    error = refused(hcloud_sim, lambda: client.volumes.delete(created.volume), "service_error")
    assert "still attached" in error.message


def test_names_are_unique_per_project_and_kind(hcloud_sim: HcloudSim, client: Client) -> None:
    make_server(client, "twin", wait=False)
    error = refused(hcloud_sim, lambda: make_server(client, "twin", wait=False), "uniqueness_error")
    assert error.details == {"fields": [{"name": "name"}]}

    client.ssh_keys.create(name="key", public_key=public_key(1))
    refused(hcloud_sim, lambda: client.ssh_keys.create(name="key", public_key=public_key(2)), "uniqueness_error")
    error = refused(hcloud_sim, lambda: client.ssh_keys.create(name="other", public_key=public_key(1)), "uniqueness_error")
    assert error.details == {"fields": [{"name": "public_key"}]}
    assert error.message == "SSH key with the same fingerprint already exists"

    client.volumes.create(size=10, name="twin", location=Location(name="ash"))  # other kinds may share a name
    refused(hcloud_sim, lambda: client.volumes.create(size=10, name="twin", location=Location(name="ash")), "uniqueness_error")
    client.firewalls.create(name="twin")
    refused(hcloud_sim, lambda: client.firewalls.create(name="twin"), "uniqueness_error")
    client.floating_ips.create(type="ipv4", name="twin", home_location=Location(name="ash"))
    refused(hcloud_sim, lambda: client.floating_ips.create(type="ipv4", name="twin", home_location=Location(name="ash")), "uniqueness_error")

    hcloud_sim.client("ci").ssh_keys.create(name="key", public_key=public_key(1))  # another project is another world


def test_server_names_must_be_hostnames(hcloud_sim: HcloudSim, client: Client) -> None:
    for name in ("under_score", "-dash", "dot..dot", "x" * 64):
        error = refused(hcloud_sim, lambda name=name: make_server(client, name, wait=False), "invalid_input")
        assert error.details["fields"][0]["name"] == "name"
    server = make_server(client, "ok.example.com", wait=False)
    refused(hcloud_sim, lambda: server.update(name="no spaces"), "invalid_input")


def test_bad_ssh_keys_and_labels_are_invalid_input(hcloud_sim: HcloudSim, client: Client) -> None:
    for key in ("ssh-ed25519", "ssh-dss AAAAB3NzaC1kc3M=", "ssh-ed25519 !!!notbase64", public_key(3).replace("ssh-ed25519 ", "ssh-rsa ", 1)):
        error = refused(hcloud_sim, lambda key=key: client.ssh_keys.create(name="k", public_key=key), "invalid_input")
        assert error.details["fields"][0]["name"] == "public_key"
    for labels in ({"-bad": "x"}, {"ok": "bad value"}, {"hetzner.cloud/reserved": ""}, {"Not_A.Domain/x": "y"}):
        refused(hcloud_sim, lambda labels=labels: client.ssh_keys.create(name="k", public_key=public_key(4), labels=labels), "invalid_input")


def test_delete_and_rebuild_protection(hcloud_sim: HcloudSim, client: Client) -> None:
    server = make_server(client, "guarded")
    refused(hcloud_sim, lambda: server.change_protection(delete=True, rebuild=False), "invalid_input")
    server.change_protection(delete=True, rebuild=True).wait_until_finished()
    refused(hcloud_sim, server.delete, "protected")
    refused(hcloud_sim, lambda: server.rebuild(client.images.get_by_name_and_architecture("debian-12", "x86")), "protected")

    floating = client.floating_ips.create(type="ipv4", home_location=Location(name="ash")).floating_ip
    floating.change_protection(delete=True).wait_until_finished()
    refused(hcloud_sim, floating.delete, "protected")
    created = client.volumes.create(size=10, name="guarded", location=Location(name="ash"))
    created.action.wait_until_finished()
    created.volume.change_protection(delete=True).wait_until_finished()
    refused(hcloud_sim, created.volume.delete, "protected")


def test_change_type_needs_a_stopped_server_and_a_fitting_type(hcloud_sim: HcloudSim, client: Client) -> None:
    server = make_server(client, "resized", location="fsn1", server_type="cpx22")
    cpx32 = client.server_types.get_by_name("cpx32")
    error = refused(hcloud_sim, lambda: server.change_type(cpx32, upgrade_disk=True), "server_not_stopped")
    assert "running" in error.message
    server.power_off().wait_until_finished()
    refused(hcloud_sim, lambda: server.change_type(client.server_types.get_by_name("cax21"), upgrade_disk=False), "invalid_server_type")
    refused(hcloud_sim, lambda: server.change_type(client.server_types.get_by_name("cx23"), upgrade_disk=False), "invalid_server_type")
    server.change_type(cpx32, upgrade_disk=True).wait_until_finished()
    assert client.servers.get_by_id(server.id).primary_disk_size == 160


def test_floating_ip_assignment_rules(hcloud_sim: HcloudSim, client: Client) -> None:
    first, second = make_server(client, "first"), make_server(client, "second")
    floating = client.floating_ips.create(type="ipv4", server=first)
    floating.action.wait_until_finished()
    refused(hcloud_sim, lambda: floating.floating_ip.assign(first), "floating_ip_assigned")
    floating.floating_ip.assign(second).wait_until_finished()  # moving to another server is allowed
    assert client.floating_ips.get_by_id(floating.floating_ip.id).server.id == second.id
    error = refused(hcloud_sim, floating.floating_ip.delete, "must_be_unassigned")
    assert str(second.id) in error.message


def test_project_resource_limits(hcloud_sim: HcloudSim, client: Client) -> None:
    hcloud_sim.admin.set_limits("production", servers=1)
    make_server(client, "only", wait=False)
    error = refused(hcloud_sim, lambda: make_server(client, "one-too-many", wait=False), "resource_limit_exceeded")
    assert error.details == {"limits": [{"name": "project_limit"}]}
    make_server(hcloud_sim.client("ci"), "only", wait=False)  # the limit is per project


def test_bad_json_wrong_method_and_unsimulated_endpoints(hcloud_sim: HcloudSim) -> None:
    answer = requests.post(
        hcloud_sim.api_endpoint + "/ssh_keys",
        data=b"{not json",
        headers={"Authorization": f"Bearer {hcloud_sim.token()}", "Content-Type": "application/json"},
        timeout=5,
    )
    assert (answer.status_code, answer.json()["error"]["code"]) == (400, "json_error")
    answer = raw(hcloud_sim, "PATCH", "/servers")
    assert (answer.status_code, answer.json()["error"]["code"]) == (405, "method_not_allowed")
    for method, path in (
        ("GET", "/networks"),
        ("GET", "/servers/10000001/metrics"),
        ("POST", "/servers/10000001/actions/enable_rescue"),
        ("DELETE", "/images/1"),
    ):
        answer = raw(hcloud_sim, method, path)
        assert (answer.status_code, answer.json()["error"]["code"]) == (501, "not_implemented"), path
        assert "does not simulate" in answer.json()["error"]["message"]
    answer = raw(hcloud_sim, "GET", "/nothing-here")
    assert (answer.status_code, answer.json()["error"]["code"]) == (404, "not_found")


def test_bad_list_parameters_are_invalid_input(hcloud_sim: HcloudSim, client: Client) -> None:
    for params in ({"label_selector": "a in (b"}, {"sort": "colour"}, {"status": "sleeping"}, {"page": "0"}, {"per_page": "many"}):
        refused(hcloud_sim, lambda params=params: client.request("GET", "/servers", params=params), "invalid_input")


def test_server_create_references_must_exist(hcloud_sim: HcloudSim, client: Client) -> None:
    base = {"name": "refs", "server_type": "cpx22", "image": "ubuntu-22.04", "location": "ash"}
    for change, field in (
        ({"server_type": "cpx999"}, "server_type"),
        ({"image": "windows-11"}, "image"),
        ({"location": "moon1"}, "location"),
        ({"server_type": "cax11"}, "location"),  # Arm servers are not offered in ash
        ({"ssh_keys": ["missing"]}, "ssh_keys"),
        ({"volumes": [20_999_999]}, "volumes"),
        ({"firewalls": [{"firewall": 60_999_999}]}, "firewalls"),
        ({"image": 114690389}, "image"),  # debian-12 for arm, on an x86 type
    ):
        error = refused(hcloud_sim, lambda change=change: client.request("POST", "/servers", json={**base, **change}), "invalid_input")
        assert error.details["fields"][0]["name"] == field
    assert client.servers.get_all() == []
    assert make_server(client, "refs", wait=False).status == Server.STATUS_INIT
