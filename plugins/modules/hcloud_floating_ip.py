#!/usr/bin/python
# Copyright: Bolt Foundry
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: hcloud_floating_ip
short_description: Manage a Hetzner Cloud floating IP and its assignment to a server
version_added: 0.1.0
description:
  - Creates, assigns, moves, unassigns or deletes a floating IP of a Hetzner Cloud project, found by name.
  - The address is created in its home location and then assigned, so its creation does not wait for the server.
  - Hetzner routes the address to the server but does not configure it inside the server's OS; the C(host) role
    of this collection does that.
  - A floating IP that is assigned is unassigned before it is deleted. A protected floating IP is never deleted.
author:
  - Bolt Foundry (@boltfoundry)
attributes:
  check_mode:
    description: Reads the floating IP and reports what would change, writing nothing.
    support: full
  diff_mode:
    description: Shows type, home location, server, description, reverse DNS, labels and protection before and after.
    support: full
  idempotent:
    description: A second run with the same options changes nothing and writes nothing.
    support: full
options:
  name:
    description: The floating IP's name, unique in the project.
    type: str
    required: true
  type:
    description: V(ipv4) (one address) or V(ipv6) (a /64 network). It cannot change once created.
    type: str
    choices: [ipv4, ipv6]
    default: ipv4
  home_location:
    description: The location it is created in, for example V(ash). When omitted, the location of O(server).
    type: str
  server:
    description:
      - The server (name or ID; a number is an ID) it must be assigned to; assigned elsewhere, it is moved.
      - When omitted, the assignment is left as it is.
    type: str
  unassign:
    description: Unassign it from whatever server it is assigned to (not together with O(server)).
    type: bool
    default: false
  description:
    description: A description; V("") removes it. When omitted, it is left as it is.
    type: str
  dns_ptr:
    description:
      - The reverse DNS name of the address (for V(ipv6), of the network's C(::1) address).
      - When omitted, it is left as it is.
    type: str
  labels:
    description:
      - The floating IP's labels, replacing the ones it has; C(managed-by=boltfoundry.infra) is always added.
      - When omitted, the labels are left as they are.
    type: dict
  delete_protection:
    description: Protect the floating IP against deletion.
    type: bool
  state:
    description: Whether the floating IP exists.
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
- name: The production address, on the production server
  boltfoundry.infra.hcloud_floating_ip:
    name: boltfoundry-com
    home_location: ash
    server: "{{ server.hcloud_server.id }}"
    description: boltfoundry.com
    labels:
      environment: production
    delete_protection: true
  register: floating_ip

- name: Move it to the new server
  boltfoundry.infra.hcloud_floating_ip:
    name: boltfoundry-com
    server: boltfoundry-com-2
"""

RETURN = r"""
hcloud_floating_ip:
  description: The floating IP as it is after the run (as it would be, in check mode); null when absent.
  returned: always
  type: dict
  contains:
    id:
      description: The floating IP's ID (null in check mode before it exists).
      type: int
      sample: 30000001
    name:
      description: Its name.
      type: str
    type:
      description: C(ipv4) or C(ipv6).
      type: str
    ip:
      description: The address (IPv4) or network (IPv6; null in check mode before it exists).
      type: str
      sample: 198.51.100.7
    home_location:
      description: The home location's name.
      type: str
      sample: ash
    server:
      description: The ID of the server it is assigned to (in check mode, the name given if that server does not exist yet); null if none.
      type: raw
    description:
      description: The description.
      type: str
    dns_ptr:
      description: Reverse DNS names by address.
      type: dict
    blocked:
      description: Whether Hetzner blocked the address.
      type: bool
    labels:
      description: Its labels.
      type: dict
    delete_protection:
      description: Whether it is protected against deletion.
      type: bool
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

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.boltfoundry.infra.plugins.module_utils import hcloud_views
from ansible_collections.boltfoundry.infra.plugins.module_utils.hcloud_resource import (
    HcloudResource,
    Plan,
    Refusal,
    resource_options,
)

try:
    from hcloud.locations import Location
    from hcloud.servers import Server
except ImportError:  # reported by HcloudResource with missing_required_lib
    pass


def ptr_address(ip):
    """The address a reverse DNS name is set for: the IPv4 address, or ``::1`` of an IPv6 network."""
    return hcloud_views.ipv6_address(ip) if "/" in (ip or "") else ip


class FloatingIp(HcloudResource):
    collection = "floating_ips"
    title = "floating IP"
    result_key = "hcloud_floating_ip"
    managed = ("name", "type", "ip", "home_location", "server", "description", "dns_ptr", "labels", "delete_protection")

    def find(self):
        return self.client.floating_ips.get_by_name(self.params["name"])

    def view(self, model):
        return hcloud_views.floating_ip(model)

    def plan_present(self, model):
        if self.params["unassign"] and self.params.get("server") is not None:
            raise Refusal("unassign=true and server contradict each other: give one of them.")
        labels = self.wanted_labels(model)
        target = self.server_ref()
        protection = self.params.get("delete_protection")
        if model is None:
            return self.plan_create(labels, target, protection)
        after = self.view(model)
        plan = Plan(after)
        if self.params["type"] != model.type:
            raise Refusal(
                f"{self.label[:1].upper()}{self.label[1:]} is {model.type}, not {self.params['type']}: the type of a floating IP cannot change; "
                "delete it and create it again (it gets a new address), or use another name."
            )
        if self.params.get("home_location") and self.params["home_location"] != after["home_location"]:
            plan.warnings.append(f"{self.label} has home location {after['home_location']}, not {self.params['home_location']}: it cannot move.")
        self.plan_assignment(model, plan, after, target)
        description = self.params.get("description")
        if description is not None and (description or None) != after["description"]:
            after["description"] = description or None
            plan.add(f"changing the description of {self.label}", lambda: model.update(description=description) and None, locks=False)
        self.plan_dns_ptr(model.ip, plan, after, lambda ip, ptr: [model.change_dns_ptr(ip, ptr)])
        if labels is not None and labels != after["labels"]:
            after["labels"] = labels
            plan.add(f"updating the labels of {self.label}", lambda: model.update(labels=labels) and None, locks=False)
        if protection is not None and protection != after["delete_protection"]:
            after["delete_protection"] = protection
            plan.add(f"changing the protection of {self.label}", lambda: [model.change_protection(delete=protection)])
        if plan.steps:
            self.require_owned(model, "change")
        return plan

    def plan_assignment(self, model, plan, after, target):
        assigned = after["server"]
        if self.params["unassign"] and assigned is not None:
            plan.add(f"unassigning {self.label} from server {assigned}", lambda: [model.unassign()], needs_idle=[("servers", assigned)])
            after["server"] = None
        elif target is not None and target.shown != assigned:
            verb = "moving" if assigned is not None else "assigning"
            plan.add(
                f"{verb} {self.label} to server {target.shown}",
                lambda: [model.assign(Server(id=target.id))],
                needs_idle=[("servers", target.id), ("servers", assigned)],
            )
            after["server"] = target.shown

    def plan_dns_ptr(self, ip, plan, after, change):
        wanted = self.params.get("dns_ptr")
        address = ptr_address(ip)
        if wanted is None or (address is not None and after["dns_ptr"].get(address) == wanted):
            return
        after["dns_ptr"] = {**after["dns_ptr"], (address or "(new address)"): wanted}
        plan.add(f"setting the reverse DNS of {self.label} to {wanted}", lambda: change(ptr_address(self.current_ip()), wanted))

    def current_ip(self):
        return self.created.ip if self.created is not None else self.find().ip

    def plan_create(self, labels, target, protection):
        home = self.params.get("home_location") or (target.location if target is not None else None)
        if home is None and target is not None and target.id is not None:
            self.doing = f"reading server {target.id} for the home location of {self.label}"
            home = self.client.servers.get_by_id(target.id).location.name
        if home is None and target is None:
            raise Refusal(f"{self.label} does not exist, and home_location (or server) is needed to create it.")
        after = {
            "id": None,
            "name": self.params["name"],
            "type": self.params["type"],
            "ip": None,
            "home_location": home,
            "server": None if target is None else target.shown,
            "description": self.params.get("description") or None,
            "dns_ptr": {},
            "blocked": False,
            "labels": labels,
            "delete_protection": bool(protection),
            "created": None,
        }
        plan = Plan(after)
        plan.add(f"creating {self.label}", lambda: self.create(home, labels), locks=False, creates=True)
        if target is not None and target.id is not None:
            plan.add(f"assigning {self.label} to server {target.id}", lambda: [self.created.assign(Server(id=target.id))], needs_idle=[("servers", target.id)])
        self.plan_dns_ptr(None, plan, after, lambda ip, ptr: [self.created.change_dns_ptr(ip, ptr)])
        if protection:
            plan.add(f"changing the protection of {self.label}", lambda: [self.created.change_protection(delete=True)])
        return plan

    def create(self, home, labels):
        created = self.client.floating_ips.create(
            type=self.params["type"],
            name=self.params["name"],
            home_location=Location(name=home),
            description=self.params.get("description") or None,
            labels=labels,
        )
        self.created = created.floating_ip
        return [created.action] if created.action is not None else []

    def delete_steps(self, model, plan):
        assigned = model.server.id if model.server is not None else None
        if assigned is not None:
            plan.add(f"unassigning {self.label} from server {assigned} to delete it", lambda: [model.unassign()])
        plan.add(f"deleting {self.label}", lambda: model.delete() and None)


def main():
    module = AnsibleModule(
        argument_spec={
            "name": {"type": "str", "required": True},
            "type": {"type": "str", "choices": ["ipv4", "ipv6"], "default": "ipv4"},
            "home_location": {"type": "str"},
            "server": {"type": "str"},
            "unassign": {"type": "bool", "default": False},
            "description": {"type": "str"},
            "dns_ptr": {"type": "str"},
            "labels": {"type": "dict"},
            "delete_protection": {"type": "bool"},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
            **resource_options(),
        },
        supports_check_mode=True,
    )
    FloatingIp(module).run()


if __name__ == "__main__":
    main()
