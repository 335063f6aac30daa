"""hcloud_firewall through ansible-playbook: rules as a set, servers and label selectors, deletion only when unused or forced."""

from __future__ import annotations

from tests.fixtures.hcloud import HcloudSim
from tests.harness import AnsibleRunner
from tests.integration.hcloud.conftest import make_server
from tests.integration.hetzner.conftest import api_requests, run_module, task, tasks_play, writes

EVERYONE = ["0.0.0.0/0", "::/0"]
RULES = [
    {"direction": "in", "protocol": "tcp", "port": "22", "source_ips": EVERYONE, "description": "ssh"},
    {"direction": "in", "protocol": "icmp", "source_ips": EVERYONE},
]


def test_rules_servers_and_label_selectors(ansible: AnsibleRunner, hcloud_sim: HcloudSim) -> None:
    client = hcloud_sim.client()
    web = make_server(client, "web", labels={"role": "web"})
    tasks = [
        task("create", "hcloud_firewall", {"name": "web", "rules": RULES, "servers": ["web"]}),
        # The same rules in another order, with addresses written differently: nothing to do.
        task("same rules", "hcloud_firewall", {"name": "web", "rules": [dict(RULES[1], source_ips=["::0/0", "0.0.0.0/0"]), RULES[0]]}),
        task(
            "one more rule",
            "hcloud_firewall",
            {"name": "web", "rules": [*RULES, {"direction": "in", "protocol": "tcp", "port": "443", "source_ips": EVERYONE}]},
            diff=True,
        ),
        task("by label instead", "hcloud_firewall", {"name": "web", "servers": [], "label_selectors": ["role=web"]}, diff=True),
        task("by label again", "hcloud_firewall", {"name": "web", "servers": [], "label_selectors": ["role=web"]}),
    ]
    run = ansible.playbook(tasks_play(tasks), env=hcloud_sim.env()).assert_ok()
    assert [run.task(t["name"]).changed for t in tasks] == [True, False, True, True, False]
    assert run.task("create")["hcloud_firewall"]["servers"] == [web.id]
    diff = run.task("one more rule")["diff"]
    assert (len(diff["before"]["rules"]), len(diff["after"]["rules"])) == (2, 3)
    moved = run.task("by label instead")["diff"]
    assert (moved["before"]["servers"], moved["after"]["servers"]) == ([web.id], [])
    assert moved["after"]["label_selectors"] == ["role=web"]
    firewall = client.firewalls.get_by_name("web")
    assert [(rule.port, rule.description) for rule in firewall.rules] == [("22", "ssh"), (None, None), ("443", None)]
    assert [entry.type for entry in firewall.applied_to] == ["label_selector"]
    assert [entry.firewall.id for entry in client.servers.get_by_name("web").public_net.firewalls] == [firewall.id]


def test_a_firewall_in_use_is_deleted_only_with_force(ansible: AnsibleRunner, hcloud_sim: HcloudSim) -> None:
    client = hcloud_sim.client()
    make_server(client, "web")
    run_module(ansible, hcloud_sim, "hcloud_firewall", {"name": "web", "rules": RULES, "servers": ["web"]})
    hcloud_sim.admin.reset_requests()
    refused, _run = run_module(ansible, hcloud_sim, "hcloud_firewall", {"name": "web", "state": "absent"})
    assert refused.failed and "deleting it would open those servers: set force=true" in refused.msg
    assert api_requests(hcloud_sim) == [("GET", "/v1/firewalls")]
    forced, _run = run_module(ansible, hcloud_sim, "hcloud_firewall", {"name": "web", "state": "absent", "force": True})
    assert forced.changed and client.firewalls.get_all() == []
    assert [method for method, _path in writes(hcloud_sim)] == ["POST", "DELETE"]


def test_rule_mistakes_are_named_before_anything_is_sent(ansible: AnsibleRunner, hcloud_sim: HcloudSim) -> None:
    cases = {
        "rules[0] is a tcp rule without a port: give a port, a range from-to, or any.": {"direction": "in", "protocol": "tcp", "source_ips": EVERYONE},
        "rules[0].source_ips holds 'everyone', which is not an IP address or a network in CIDR notation.": {
            "direction": "in",
            "protocol": "icmp",
            "source_ips": ["everyone"],
        },
        "rules[0] is outgoing: it needs destination_ips and takes no source_ips.": {"direction": "out", "protocol": "icmp", "source_ips": EVERYONE},
    }
    for message, rule in cases.items():
        failed, _run = run_module(ansible, hcloud_sim, "hcloud_firewall", {"name": "web", "rules": [rule]})
        assert failed.msg == message
    assert api_requests(hcloud_sim) == [("GET", "/v1/firewalls")] * len(cases)
