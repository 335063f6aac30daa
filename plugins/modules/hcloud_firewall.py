#!/usr/bin/python
# Copyright: Bolt Foundry
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: hcloud_firewall
short_description: Manage a Hetzner Cloud firewall, its rules and what it is applied to
version_added: 0.1.0
description:
  - Creates, changes or deletes a firewall of a Hetzner Cloud project, found by name.
  - O(rules) are compared as a set (order does not matter; addresses are compared in canonical CIDR form) and
    replaced as a whole when they differ.
  - The firewall is applied to O(servers) and to the servers a label selector in O(label_selectors) matches;
    each of these, when given, is the complete list (applications not listed are removed).
  - A firewall that is applied to something is deleted only with O(force=true), which removes it from
    everything first.
author:
  - Bolt Foundry (@boltfoundry)
attributes:
  check_mode:
    description: Reads the firewall and reports what would change, writing nothing.
    support: full
  diff_mode:
    description: Shows rules, servers, label selectors and labels before and after.
    support: full
  idempotent:
    description: A second run with the same options changes nothing and writes nothing.
    support: full
options:
  name:
    description: The firewall's name, unique in the project.
    type: str
    required: true
  rules:
    description:
      - Incoming and outgoing rules; traffic that no rule allows is dropped. When omitted, the rules are left as
        they are; V([]) removes them all (everything incoming is then dropped, everything outgoing allowed).
    type: list
    elements: dict
    suboptions:
      direction:
        description: V(in) (needs O(rules[].source_ips)) or V(out) (needs O(rules[].destination_ips)).
        type: str
        choices: [in, out]
        required: true
      protocol:
        description: The protocol.
        type: str
        choices: [tcp, udp, icmp, esp, gre]
        required: true
      port:
        description: For V(tcp) and V(udp), a port, a range V(from-to) or V(any).
        type: str
      source_ips:
        description: Networks in CIDR notation an incoming rule allows (V(0.0.0.0/0) and V(::/0) for everyone).
        type: list
        elements: str
        default: []
      destination_ips:
        description: Networks in CIDR notation an outgoing rule allows.
        type: list
        elements: str
        default: []
      description:
        description: What the rule is for.
        type: str
  servers:
    description: Servers (names or IDs; a number is an ID) the firewall is applied to, the complete list.
    type: list
    elements: str
  label_selectors:
    description: Label selectors (for example V(environment=production)) whose servers the firewall is applied to, the complete list.
    type: list
    elements: str
  labels:
    description:
      - The firewall's labels, replacing the ones it has; C(managed-by=boltfoundry.infra) is always added.
      - When omitted, the labels are left as they are.
    type: dict
  force:
    description: With O(state=absent), remove the firewall from its servers and label selectors, then delete it.
    type: bool
    default: false
  state:
    description: Whether the firewall exists.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - boltfoundry.infra.hcloud
  - boltfoundry.infra.hcloud.owned
  - boltfoundry.infra.hcloud.wait
seealso:
  - module: boltfoundry.infra.hcloud_server
"""

EXAMPLES = r"""
- name: SSH, HTTP and HTTPS from anywhere, ping
  boltfoundry.infra.hcloud_firewall:
    name: boltfoundry-com
    rules:
      - {direction: in, protocol: tcp, port: "22", source_ips: [0.0.0.0/0, "::/0"], description: ssh}
      - {direction: in, protocol: tcp, port: "80", source_ips: [0.0.0.0/0, "::/0"], description: http}
      - {direction: in, protocol: tcp, port: "443", source_ips: [0.0.0.0/0, "::/0"], description: https}
      - {direction: in, protocol: icmp, source_ips: [0.0.0.0/0, "::/0"], description: ping}
    label_selectors:
      - environment=production
    labels:
      environment: production
"""

RETURN = r"""
hcloud_firewall:
  description: The firewall as it is after the run (as it would be, in check mode); null when absent.
  returned: always
  type: dict
  contains:
    id:
      description: The firewall's ID (null in check mode before it exists).
      type: int
      sample: 60000001
    name:
      description: Its name.
      type: str
    rules:
      description: Its rules (direction, protocol, port, source_ips, destination_ips, description).
      type: list
      elements: dict
    servers:
      description: IDs of the servers it is applied to directly (names not found yet, in check mode).
      type: list
      elements: raw
    label_selectors:
      description: The label selectors it is applied through.
      type: list
      elements: str
    labels:
      description: Its labels.
      type: dict
    created:
      description: When it was created (ISO 8601).
      type: str
actions:
  description: Actions the module started and did not wait for (O(wait=false)), with C(id), C(command) and C(status).
  returned: when some are still running
  type: list
  elements: dict
deferred:
  description: Changes left for a later run because they need this run's actions finished first (O(wait=false)).
  returned: when there are some
  type: list
  elements: str
api_retries:
  description: Requests the module sent again (method, path, reason, seconds waited before).
  returned: always
  type: list
  elements: dict
failure:
  description: The API's error (C(code), C(message), C(details), C(correlation_id)) and a C(hint).
  returned: failure
  type: dict
"""

import ipaddress
import json

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.boltfoundry.infra.plugins.module_utils import hcloud_views
from ansible_collections.boltfoundry.infra.plugins.module_utils.hcloud_resource import (
    HcloudResource,
    Plan,
    Refusal,
    actions_of,
    number_or_name,
    resource_options,
)

try:
    from hcloud.firewalls import FirewallResource, FirewallResourceLabelSelector, FirewallRule
    from hcloud.servers import Server
except ImportError:  # reported by HcloudResource with missing_required_lib
    pass

PORTED = frozenset({"tcp", "udp"})


def canonical_rule(rule, index=None):
    """A rule as the API keeps it: networks in canonical CIDR form, sorted; no port unless TCP/UDP; no empty description."""
    where = f"rules[{index}]" if index is not None else "a rule"
    networks = {}
    for field in ("source_ips", "destination_ips"):
        canonical = []
        for value in rule.get(field) or []:
            try:
                canonical.append(str(ipaddress.ip_network(str(value).strip(), strict=False)))
            except ValueError:
                raise Refusal(f"{where}.{field} holds {value!r}, which is not an IP address or a network in CIDR notation.") from None
        networks[field] = sorted(set(canonical))
    port = rule.get("port")
    if rule["protocol"] in PORTED and port in (None, ""):
        raise Refusal(f"{where} is a {rule['protocol']} rule without a port: give a port, a range from-to, or any.")
    if rule["direction"] == "in" and (not networks["source_ips"] or networks["destination_ips"]):
        raise Refusal(f"{where} is incoming: it needs source_ips and takes no destination_ips.")
    if rule["direction"] == "out" and (not networks["destination_ips"] or networks["source_ips"]):
        raise Refusal(f"{where} is outgoing: it needs destination_ips and takes no source_ips.")
    return {
        "direction": rule["direction"],
        "protocol": rule["protocol"],
        "port": str(port) if rule["protocol"] in PORTED else None,
        "source_ips": networks["source_ips"],
        "destination_ips": networks["destination_ips"],
        "description": rule.get("description") or None,
    }


def rule_set(rules):
    return sorted(json.dumps(rule, sort_keys=True) for rule in rules)


class Firewall(HcloudResource):
    collection = "firewalls"
    title = "firewall"
    result_key = "hcloud_firewall"
    managed = ("name", "rules", "servers", "label_selectors", "labels")

    def find(self):
        return self.client.firewalls.get_by_name(self.params["name"])

    def view(self, model):
        return hcloud_views.firewall(model)

    def wanted_rules(self):
        given = self.params.get("rules")
        return None if given is None else [canonical_rule(rule, index) for index, rule in enumerate(given)]

    def wanted_servers(self):
        """IDs of the servers named (a name not found stays a name, in check mode), or None when not given."""
        given = self.params.get("servers")
        if given is None:
            return None
        wanted = []
        for entry in given:
            number, name = number_or_name(entry)
            if number is None:
                self.doing = f"looking up server '{name}' for {self.label}"
                found = self.client.servers.get_by_name(name)
                if found is None and not self.module.check_mode:
                    raise Refusal(f"servers has '{name}', but the project has no server of that name.")
                number = found.id if found is not None else None
            wanted.append(number if number is not None else name)
        return sorted(set(wanted), key=str)

    def plan_present(self, model):
        rules = self.wanted_rules()
        servers = self.wanted_servers()
        selectors = None if self.params.get("label_selectors") is None else sorted(set(self.params["label_selectors"]))
        labels = self.wanted_labels(model)
        if model is None:
            after = {
                "id": None,
                "name": self.params["name"],
                "rules": rules or [],
                "servers": servers or [],
                "label_selectors": selectors or [],
                "labels": labels,
                "created": None,
            }
            plan = Plan(after)
            plan.add(f"creating {self.label}", lambda: self.create(rules, labels, servers or [], selectors or []), locks=False, creates=True)
            return plan
        after = self.view(model)
        plan = Plan(after)
        if rules is not None and rule_set(rules) != rule_set(canonical_rule(rule) for rule in after["rules"]):
            after["rules"] = rules
            plan.add(f"setting the rules of {self.label}", lambda: actions_of(model.set_rules([FirewallRule(**rule) for rule in rules])))
        if servers is not None:
            self.plan_targets(model, plan, (after["servers"], servers), "servers", server_target)
            after["servers"] = servers
        if selectors is not None:
            self.plan_targets(model, plan, (after["label_selectors"], selectors), "label selectors", selector_target)
            after["label_selectors"] = selectors
        if labels is not None and labels != after["labels"]:
            after["labels"] = labels
            plan.add(f"updating the labels of {self.label}", lambda: model.update(labels=labels) and None, locks=False)
        if plan.steps:
            self.require_owned(model, "change")
        return plan

    def plan_targets(self, model, plan, current_and_wanted, what, target):
        """Steps that make the firewall apply to exactly the wanted server IDs or label selectors instead of the current ones."""
        current, wanted = current_and_wanted
        remove = [item for item in current if item not in wanted]
        add = [item for item in wanted if item not in current]
        if remove:
            plan.add(f"removing {self.label} from {what} {remove}", lambda: actions_of(model.remove_from_resources([target(item) for item in remove])))
        if add:
            plan.add(f"applying {self.label} to {what} {add}", lambda: actions_of(model.apply_to_resources([target(item) for item in add])))

    def create(self, rules, labels, servers, selectors):
        created = self.client.firewalls.create(
            name=self.params["name"],
            rules=[FirewallRule(**rule) for rule in rules] if rules is not None else None,
            labels=labels,
            resources=[server_target(server) for server in servers] + [selector_target(selector) for selector in selectors] or None,
        )
        self.created = created.firewall
        return list(created.actions or [])

    def delete_steps(self, model, plan):
        view = self.view(model)
        targets = [server_target(server) for server in view["servers"]] + [selector_target(selector) for selector in view["label_selectors"]]
        if targets:
            if not self.params["force"]:
                raise Refusal(
                    f"{self.label[:1].upper()}{self.label[1:]} is applied to servers {view['servers']} and label selectors {view['label_selectors']}; "
                    "deleting it would open those servers: set force=true to remove it from them and delete it."
                )
            plan.add(f"removing {self.label} from everything it is applied to", lambda: actions_of(model.remove_from_resources(targets)))
        plan.add(f"deleting {self.label}", lambda: model.delete() and None)


def server_target(server_id):
    return FirewallResource(type="server", server=Server(id=server_id))


def selector_target(selector):
    return FirewallResource(type="label_selector", label_selector=FirewallResourceLabelSelector(selector=selector))


def main():
    rule_options = {
        "direction": {"type": "str", "choices": ["in", "out"], "required": True},
        "protocol": {"type": "str", "choices": ["tcp", "udp", "icmp", "esp", "gre"], "required": True},
        "port": {"type": "str"},
        "source_ips": {"type": "list", "elements": "str", "default": []},
        "destination_ips": {"type": "list", "elements": "str", "default": []},
        "description": {"type": "str"},
    }
    module = AnsibleModule(
        argument_spec={
            "name": {"type": "str", "required": True},
            "rules": {"type": "list", "elements": "dict", "options": rule_options},
            "servers": {"type": "list", "elements": "str"},
            "label_selectors": {"type": "list", "elements": "str"},
            "labels": {"type": "dict"},
            "force": {"type": "bool", "default": False},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
            **resource_options(),
        },
        supports_check_mode=True,
    )
    Firewall(module).run()


if __name__ == "__main__":
    main()
