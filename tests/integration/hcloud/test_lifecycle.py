"""Whole lifecycles through the real hcloud library: what the provisioning modules will do."""

from __future__ import annotations

import pytest
from hcloud import APIException, Client
from hcloud.firewalls import FirewallResource, FirewallResourceLabelSelector, FirewallRule
from hcloud.servers import Server, ServerCreatePublicNetwork

from tests.fixtures.hcloud import HcloudSim
from tests.integration.hcloud.conftest import make_server, public_key


def test_server_with_ssh_key_volume_and_floating_ip_from_create_to_delete(hcloud_sim: HcloudSim, client: Client) -> None:
    key = client.ssh_keys.create(name="deploy", public_key=public_key(1), labels={"managed-by": "boltfoundry.infra"})

    created = client.servers.create(
        name="app-1",
        server_type=client.server_types.get_by_name("cpx22"),
        image=client.images.get_by_name_and_architecture("ubuntu-22.04", "x86"),
        location=client.locations.get_by_name("ash"),
        ssh_keys=[key],
        labels={"env": "production"},
    )
    assert created.server.status == Server.STATUS_INIT
    assert created.root_password is None  # an SSH key was given
    assert created.action.command == "create_server"
    assert [action.command for action in created.next_actions] == ["start_server"]
    created.action.wait_until_finished()
    for action in created.next_actions:
        action.wait_until_finished()
    server = client.servers.get_by_id(created.server.id)
    assert server.status == Server.STATUS_RUNNING
    assert server.location.name == "ash" and server.location.network_zone == "us-east"
    assert server.public_net.ipv4.ip and server.public_net.primary_ipv4.id

    volume = client.volumes.create(size=10, name="app-1-data", server=server, automount=True, format="ext4")
    assert volume.volume.status == "creating"
    assert [action.command for action in volume.next_actions] == ["attach_volume"]
    volume.action.wait_until_finished()
    volume.next_actions[0].wait_until_finished()
    volume_now = client.volumes.get_by_id(volume.volume.id)
    assert volume_now.status == "available"
    assert volume_now.server.id == server.id
    assert volume_now.linux_device == f"/dev/disk/by-id/scsi-0HC_Volume_{volume_now.id}"
    assert volume_now.format == "ext4"

    floating = client.floating_ips.create(type="ipv4", server=server, description="app ingress", name="app-1-ip")
    floating.action.wait_until_finished()
    assert client.floating_ips.get_by_id(floating.floating_ip.id).server.id == server.id

    server = client.servers.get_by_id(server.id)
    assert [v.id for v in server.volumes] == [volume_now.id]
    assert [f.id for f in server.public_net.floating_ips] == [floating.floating_ip.id]

    for action in (server.change_protection(delete=True, rebuild=True), volume_now.change_protection(delete=True)):
        action.wait_until_finished()
    with pytest.raises(APIException) as refused:
        server.delete()
    assert refused.value.code == "protected"
    for action in (server.change_protection(delete=False, rebuild=False), volume_now.change_protection(delete=False)):
        action.wait_until_finished()

    floating_ip = client.floating_ips.get_by_id(floating.floating_ip.id)
    floating_ip.unassign().wait_until_finished()
    volume_now.detach().wait_until_finished()
    client.servers.delete(server).wait_until_finished()
    assert client.floating_ips.delete(floating_ip) is True
    assert client.volumes.delete(volume_now) is True
    assert client.ssh_keys.delete(key) is True
    assert client.servers.get_all() == []
    # The server's own primary IPs were created with auto_delete and went with it.
    assert client.primary_ips.get_all() == []


def test_deleting_a_server_frees_what_hangs_on_it(client: Client) -> None:
    server = make_server(client, "frees")
    volume = client.volumes.create(size=10, name="kept", server=server)
    volume.action.wait_until_finished()
    volume.next_actions[0].wait_until_finished()
    floating = client.floating_ips.create(type="ipv6", server=server)
    floating.action.wait_until_finished()

    server.delete().wait_until_finished()

    assert client.volumes.get_by_id(volume.volume.id).server is None
    assert client.floating_ips.get_by_id(floating.floating_ip.id).server is None
    with pytest.raises(APIException) as gone:
        client.servers.get_by_id(server.id)
    assert gone.value.code == "not_found"


def test_power_cycle_type_change_and_rebuild(client: Client) -> None:
    server = make_server(client, "cycle", server_type="cpx12")
    server.power_off().wait_until_finished()
    assert client.servers.get_by_id(server.id).status == Server.STATUS_OFF

    server.change_type(client.server_types.get_by_name("cpx22"), upgrade_disk=False).wait_until_finished()
    changed = client.servers.get_by_id(server.id)
    assert changed.server_type.name == "cpx22"
    assert changed.primary_disk_size == 40  # the disk was not upgraded
    assert changed.status == Server.STATUS_RUNNING  # change_type starts the server again

    changed.shutdown().wait_until_finished()
    changed.power_on().wait_until_finished()
    changed.reboot().wait_until_finished()
    rebuilt = changed.rebuild(client.images.get_by_name_and_architecture("debian-12", "x86"))
    assert rebuilt.root_password  # no SSH key: the rebuild sets a new root password
    rebuilt.action.wait_until_finished()
    final = client.servers.get_by_id(server.id)
    assert final.image.name == "debian-12"
    assert final.status == Server.STATUS_RUNNING


def test_arm_server_gets_the_arm_image_of_the_same_name(client: Client) -> None:
    server = make_server(client, "arm-1", location="hel1", server_type="cax11")
    assert server.image.architecture == "arm"
    assert server.image.name == "ubuntu-22.04"


def test_firewall_with_rules_applied_to_a_server_and_a_label_selector(hcloud_sim: HcloudSim, client: Client) -> None:
    web = make_server(client, "web", labels={"role": "web"})
    db = make_server(client, "db", labels={"role": "db"})
    rules = [FirewallRule(direction="in", protocol="tcp", port="22", source_ips=["0.0.0.0/0", "::/0"], description="ssh")]

    with hcloud_sim.frozen():  # hold time still to see the application pending
        created = client.firewalls.create(
            name="edge",
            rules=rules,
            resources=[
                FirewallResource(type="server", server=db),
                FirewallResource(type="label_selector", label_selector=FirewallResourceLabelSelector(selector="role=web")),
            ],
        )
        pending = client.servers.get_by_id(db.id).public_net.firewalls
        assert [(entry.firewall.id, entry.status) for entry in pending] == [(created.firewall.id, "pending")]
    for action in created.actions:
        action.wait_until_finished()

    firewall = client.firewalls.get_by_id(created.firewall.id)
    assert [rule.port for rule in firewall.rules] == ["22"]
    selector_entry = next(entry for entry in firewall.applied_to if entry.type == "label_selector")
    assert [resource.server.id for resource in selector_entry.applied_to_resources] == [web.id]
    assert [entry.status for entry in client.servers.get_by_id(web.id).public_net.firewalls] == ["applied"]

    with pytest.raises(APIException) as in_use:
        firewall.delete()
    assert in_use.value.code == "resource_in_use"
    with pytest.raises(APIException) as managed:
        firewall.remove_from_resources([FirewallResource(type="server", server=web)])
    assert managed.value.code == "firewall_managed_by_label_selector"

    new_rules = [FirewallRule(direction="in", protocol="icmp", source_ips=["0.0.0.0/0"])]
    for action in firewall.set_rules(new_rules):
        action.wait_until_finished()
    assert [rule.protocol for rule in client.firewalls.get_by_id(firewall.id).rules] == ["icmp"]

    removal = firewall.remove_from_resources(
        [FirewallResource(type="server", server=db), FirewallResource(type="label_selector", label_selector=FirewallResourceLabelSelector(selector="role=web"))]
    )
    for action in removal:
        action.wait_until_finished()
    assert client.firewalls.get_by_id(firewall.id).applied_to == []
    assert firewall.delete() is True


def test_server_created_with_a_firewall_and_an_unattached_volume(client: Client) -> None:
    firewall = client.firewalls.create(name="base").firewall
    volume = client.volumes.create(size=20, name="pre-made", location=client.locations.get_by_name("ash"))
    volume.action.wait_until_finished()

    created = client.servers.create(
        name="with-extras",
        server_type=client.server_types.get_by_name("cpx22"),
        image=client.images.get_by_name_and_architecture("ubuntu-24.04", "x86"),
        location=client.locations.get_by_name("ash"),
        volumes=[volume.volume],
        firewalls=[firewall],
        automount=True,
    )
    assert created.root_password  # no SSH key
    assert sorted(action.command for action in created.next_actions) == ["apply_firewall", "attach_volume", "start_server"]
    created.action.wait_until_finished()
    for action in created.next_actions:
        action.wait_until_finished()
    server = client.servers.get_by_id(created.server.id)
    assert [v.id for v in server.volumes] == [volume.volume.id]
    assert [(entry.firewall.id, entry.status) for entry in server.public_net.firewalls] == [(firewall.id, "applied")]


def test_primary_ips_created_on_their_own_and_reused_by_a_server(client: Client) -> None:
    ipv4 = client.primary_ips.create(type="ipv4", name="kept-v4", location=client.locations.get_by_name("fsn1"))
    assert ipv4.action is None
    server = make_server(
        client,
        "reuse",
        location="fsn1",
        public_net=ServerCreatePublicNetwork(ipv4=ipv4.primary_ip, enable_ipv6=False),
    )
    assert server.public_net.ipv4.ip == ipv4.primary_ip.ip
    assert server.public_net.ipv6 is None

    with pytest.raises(APIException) as running:
        client.primary_ips.unassign(ipv4.primary_ip)
    assert running.value.code == "server_not_stopped"
    server.power_off().wait_until_finished()
    client.primary_ips.unassign(ipv4.primary_ip).wait_until_finished()
    assert client.servers.get_by_id(server.id).public_net.ipv4 is None
    client.primary_ips.assign(ipv4.primary_ip, server.id).wait_until_finished()
    assert client.primary_ips.get_by_id(ipv4.primary_ip.id).assignee_id == server.id

    with pytest.raises(APIException) as assigned:
        client.primary_ips.delete(ipv4.primary_ip)
    assert assigned.value.code == "must_be_unassigned"
    server.delete().wait_until_finished()
    # Not auto_delete: it outlives the server, unassigned.
    survivor = client.primary_ips.get_by_id(ipv4.primary_ip.id)
    assert survivor.assignee_id is None
    assert client.primary_ips.delete(survivor) is True


def test_reverse_dns_of_server_and_floating_ip(client: Client) -> None:
    server = make_server(client, "rdns")
    ipv4 = server.public_net.ipv4.ip
    assert server.public_net.ipv4.dns_ptr.startswith("static.")
    server.change_dns_ptr(ipv4, "app.example.com").wait_until_finished()
    assert client.servers.get_by_id(server.id).public_net.ipv4.dns_ptr == "app.example.com"

    floating = client.floating_ips.create(type="ipv6", home_location=client.locations.get_by_name("ash")).floating_ip
    address = floating.ip.replace("::/64", "::1")
    floating.change_dns_ptr(address, "v6.example.com").wait_until_finished()
    assert client.floating_ips.get_by_id(floating.id).dns_ptr == [{"ip": address, "dns_ptr": "v6.example.com"}]
    floating.change_dns_ptr(address, None).wait_until_finished()
    assert client.floating_ips.get_by_id(floating.id).dns_ptr == []
