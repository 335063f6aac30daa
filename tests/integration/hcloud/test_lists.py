"""List calls: label selectors, name filters, repeated parameters, sorting and pagination."""

from __future__ import annotations

import pytest
import requests
from hcloud import Client
from hcloud.locations import Location

from tests.fixtures.hcloud import HcloudSim
from tests.integration.hcloud.conftest import make_server, public_key

LABELS = {
    "web-1": {"env": "production", "role": "web"},
    "web-2": {"env": "staging", "role": "web"},
    "db-1": {"env": "production", "role": "db", "backup": ""},
    "bare": {},
}


@pytest.fixture
def keys(client: Client) -> dict[str, int]:
    return {name: client.ssh_keys.create(name=name, public_key=public_key(i), labels=labels).id for i, (name, labels) in enumerate(LABELS.items())}


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ("env=production", ["web-1", "db-1"]),
        ("env==production", ["web-1", "db-1"]),
        ("env!=production", ["web-2", "bare"]),
        ("backup", ["db-1"]),
        ("!backup", ["web-1", "web-2", "bare"]),
        ("env in (production, staging)", ["web-1", "web-2", "db-1"]),
        ("env notin (production)", ["web-2", "bare"]),
        ("role=web,env=production", ["web-1"]),
        ("role in (web,db),!backup", ["web-1", "web-2"]),
        ("env=nowhere", []),
    ],
)
def test_label_selectors(client: Client, keys: dict[str, int], selector: str, expected: list[str]) -> None:
    assert [key.name for key in client.ssh_keys.get_all(label_selector=selector)] == expected


def test_label_selectors_work_on_every_resource(client: Client) -> None:
    make_server(client, "s", wait=False, labels={"tier": "a"})
    client.volumes.create(size=10, name="v", location=Location(name="ash"), labels={"tier": "a"})
    client.floating_ips.create(type="ipv4", home_location=Location(name="ash"), labels={"tier": "a"})
    client.primary_ips.create(type="ipv4", name="p", location=Location(name="ash"), labels={"tier": "a"})
    client.firewalls.create(name="f", labels={"tier": "a"})
    for resource in (client.servers, client.volumes, client.floating_ips, client.primary_ips, client.firewalls):
        assert len(resource.get_all(label_selector="tier=a")) == 1
        assert resource.get_all(label_selector="tier=b") == []


def test_name_and_fingerprint_filters(client: Client, keys: dict[str, int]) -> None:
    assert client.ssh_keys.get_by_name("db-1").id == keys["db-1"]
    assert client.ssh_keys.get_by_name("nobody") is None
    fingerprint = client.ssh_keys.get_by_id(keys["bare"]).fingerprint
    assert client.ssh_keys.get_by_fingerprint(fingerprint).name == "bare"


def test_repeated_status_parameters(hcloud_sim: HcloudSim, client: Client) -> None:
    running = make_server(client, "on")
    stopped = make_server(client, "off")
    stopped.power_off().wait_until_finished()
    make_server(client, "new", wait=False)
    both = client.servers.get_all(status=["running", "off"])
    assert sorted(server.name for server in both) == ["off", "on"]
    assert [server.id for server in client.servers.get_all(status=["running"])] == [running.id]


def test_pagination_over_more_than_fifty_items(hcloud_sim: HcloudSim, client: Client) -> None:
    for i in range(60):
        client.ssh_keys.create(name=f"key-{i:02d}", public_key=public_key(100 + i))
    hcloud_sim.admin.reset_requests()

    everything = client.ssh_keys.get_all()
    assert [key.name for key in everything] == [f"key-{i:02d}" for i in range(60)]
    assert hcloud_sim.admin.count("GET", r"^/v1/ssh_keys$") == 2  # 50 + 10

    headers = {"Authorization": f"Bearer {hcloud_sim.token()}"}
    first = requests.get(f"{hcloud_sim.api_endpoint}/ssh_keys", params={"per_page": 25}, headers=headers, timeout=5)
    assert first.json()["meta"]["pagination"] == {"page": 1, "per_page": 25, "previous_page": None, "next_page": 2, "last_page": 3, "total_entries": 60}
    assert 'rel="next"' in first.headers["Link"] and "page=2" in first.headers["Link"]
    last = requests.get(f"{hcloud_sim.api_endpoint}/ssh_keys", params={"page": 3, "per_page": 25}, headers=headers, timeout=5)
    assert len(last.json()["ssh_keys"]) == 10
    assert last.json()["meta"]["pagination"]["next_page"] is None
    assert last.json()["meta"]["pagination"]["previous_page"] == 2
    capped = requests.get(f"{hcloud_sim.api_endpoint}/ssh_keys", params={"per_page": 500}, headers=headers, timeout=5)
    assert capped.json()["meta"]["pagination"]["per_page"] == 50
    assert len(capped.json()["ssh_keys"]) == 50
    beyond = requests.get(f"{hcloud_sim.api_endpoint}/ssh_keys", params={"page": 9}, headers=headers, timeout=5)
    assert beyond.json()["ssh_keys"] == []
    default = requests.get(f"{hcloud_sim.api_endpoint}/ssh_keys", headers=headers, timeout=5)
    assert default.json()["meta"]["pagination"]["per_page"] == 25


def test_sorting(hcloud_sim: HcloudSim, client: Client) -> None:
    for name in ("b", "c", "a"):
        client.ssh_keys.create(name=name, public_key=public_key(ord(name)))
    headers = {"Authorization": f"Bearer {hcloud_sim.token()}"}

    def names(*sort: str) -> list[str]:
        answer = requests.get(f"{hcloud_sim.api_endpoint}/ssh_keys", params=[("sort", s) for s in sort], headers=headers, timeout=5)
        return [key["name"] for key in answer.json()["ssh_keys"]]

    assert names() == ["b", "c", "a"]  # by id
    assert names("name") == ["a", "b", "c"]
    assert names("name:desc") == ["c", "b", "a"]
    assert names("id:desc") == ["a", "c", "b"]


def test_catalog_lists(client: Client) -> None:
    assert {"ash", "fsn1", "nbg1", "hel1"} <= {location.name for location in client.locations.get_all()}
    assert client.locations.get_by_name("hel1").network_zone == "eu-central"
    images = client.images.get_all(name="ubuntu-22.04")
    assert sorted(image.architecture for image in images) == ["arm", "x86"]
    for name in ("ubuntu-22.04", "ubuntu-24.04", "debian-12"):
        for architecture in ("x86", "arm"):
            assert client.images.get_by_name_and_architecture(name, architecture).os_flavor in ("ubuntu", "debian")
    arm_types = [server_type.name for server_type in client.server_types.get_all() if server_type.architecture == "arm"]
    assert arm_types and all(name.startswith("cax") for name in arm_types)
    assert "ash" in [entry.location.name for entry in client.server_types.get_by_name("cpx22").locations]
