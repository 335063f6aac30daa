"""One successful call of every simulated endpoint, so the spec check sees every answer shape at least once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hcloud import Client
from hcloud.firewalls import FirewallResource, FirewallRule
from hcloud.locations import Location

from sandbox.hcloud.service import API_PREFIX, ROUTES
from tests.fixtures.hcloud import HcloudSim
from tests.integration.hcloud.conftest import make_server, public_key


def each(*calls: Callable[[], Any]) -> None:
    """Run calls one after another, waiting for the action(s) each one starts (a busy resource is locked)."""
    for call in calls:
        started = call()
        for action in started if isinstance(started, list) else [getattr(started, "action", started)]:
            action.wait_until_finished()


def test_every_route_answers_success_once(hcloud_sim: HcloudSim, client: Client) -> None:
    # catalog
    location = client.locations.get_by_id(client.locations.get_all()[0].id)
    client.server_types.get_by_id(client.server_types.get_all()[0].id)
    client.images.get_by_id(client.images.get_all(architecture="x86")[0].id)

    # SSH keys
    key = client.ssh_keys.create(name="tour", public_key=public_key(1))
    key = client.ssh_keys.update(client.ssh_keys.get_by_id(key.id), name="tour-2", labels={"a": "b"})
    client.ssh_keys.get_all()

    # servers
    server = make_server(client, "tour", ssh_keys=[key])
    server = client.servers.update(server, labels={"tour": "yes"})
    client.servers.get_all()
    each(
        server.reboot,
        server.reset,
        server.shutdown,
        server.power_on,
        server.power_off,
        lambda: server.change_type(client.server_types.get_by_name("cpx32"), upgrade_disk=False),
        lambda: server.rebuild(client.images.get_by_name_and_architecture("debian-12", "x86")),
        lambda: server.change_protection(delete=False, rebuild=False),
        lambda: server.change_dns_ptr(server.public_net.ipv4.ip, "tour.example.com"),
    )
    action = client.servers.get_actions_list(server).actions[0]
    client.servers.actions.get_all()
    client.servers.actions.get_by_id(action.id)
    client.request("GET", f"/servers/{server.id}/actions/{action.id}")
    client.actions.get_by_id(action.id)
    client.request("GET", "/actions", params={"id": [action.id]})

    # volumes
    volume = client.volumes.create(size=10, name="tour", location=Location(name="ash"))
    volume.action.wait_until_finished()
    volume = client.volumes.update(client.volumes.get_by_id(volume.volume.id), name="tour-2")
    client.volumes.get_all()
    each(lambda: volume.attach(server, automount=False), volume.detach, lambda: volume.resize(20), lambda: volume.change_protection(delete=False))
    touched = client.volumes.get_actions_list(volume).actions[0]
    client.volumes.actions.get_all()
    client.volumes.actions.get_by_id(touched.id)
    client.request("GET", f"/volumes/{volume.id}/actions/{touched.id}")
    client.volumes.delete(volume)

    # floating IPs
    floating = client.floating_ips.create(type="ipv4", home_location=location).floating_ip
    floating = client.floating_ips.update(floating, description="tour", name="tour")
    client.floating_ips.get_all()
    each(
        lambda: floating.assign(server),
        floating.unassign,
        lambda: floating.change_dns_ptr(floating.ip, "fip.example.com"),
        lambda: floating.change_protection(delete=False),
    )
    touched = client.floating_ips.get_actions_list(floating).actions[0]
    client.floating_ips.actions.get_all()
    client.floating_ips.actions.get_by_id(touched.id)
    client.request("GET", f"/floating_ips/{floating.id}/actions/{touched.id}")
    client.floating_ips.delete(floating)

    # primary IPs: assigning needs the server off
    each(server.power_off)
    primary = client.primary_ips.create(type="ipv6", name="tour", location=Location(name="ash")).primary_ip
    primary = client.primary_ips.update(primary, auto_delete=False, labels={"a": "b"})
    client.primary_ips.get_all()
    each(
        lambda: client.primary_ips.unassign(server.public_net.primary_ipv6),
        lambda: client.primary_ips.assign(primary, server.id),
        lambda: client.primary_ips.unassign(primary),
        lambda: client.primary_ips.change_dns_ptr(primary, primary.ip.replace("::/64", "::1"), "v6.example.com"),
        lambda: client.primary_ips.change_protection(primary, delete=False),
    )
    touched = client.primary_ips.get_actions_list(primary).actions[0]
    client.primary_ips.actions.get_all()
    client.primary_ips.actions.get_by_id(touched.id)
    client.request("GET", f"/primary_ips/{primary.id}/actions/{touched.id}")
    client.primary_ips.delete(primary)

    # firewalls
    firewall = client.firewalls.create(name="tour").firewall
    firewall = client.firewalls.update(firewall, name="tour-2", labels={"a": "b"})
    client.firewalls.get_all()
    each(
        lambda: firewall.set_rules([FirewallRule(direction="out", protocol="udp", port="53", destination_ips=["0.0.0.0/0"])]),
        lambda: firewall.apply_to_resources([FirewallResource(type="server", server=server)]),
        lambda: firewall.remove_from_resources([FirewallResource(type="server", server=server)]),
    )
    touched = client.firewalls.get_actions_list(firewall).actions[0]
    client.firewalls.actions.get_all()
    client.firewalls.actions.get_by_id(touched.id)
    client.request("GET", f"/firewalls/{firewall.id}/actions/{touched.id}")
    client.firewalls.delete(firewall)

    each(lambda: client.servers.delete(server))
    client.ssh_keys.delete(key)

    answered = [(entry["method"], entry["path"][len(API_PREFIX) :]) for entry in hcloud_sim.admin.requests() if 200 <= entry["status"] < 300]
    missing = [
        f"{route.method} {route.pattern}" for route in ROUTES if not any(method == route.method and route.regex.match(path) for method, path in answered)
    ]
    assert missing == []
