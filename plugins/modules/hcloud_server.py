#!/usr/bin/python
# Copyright: Bolt Foundry
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: hcloud_server
short_description: Manage a Hetzner Cloud server
version_added: 0.1.0
description:
  - Creates, changes, starts, stops or deletes a server of a Hetzner Cloud project, found by name.
  - O(image), O(location), O(ssh_keys) and O(user_data) are used when the server is created; a server that exists
    is never rebuilt or moved (a different O(image) or O(location) gives a warning).
  - A different O(server_type) needs the server powered off. On a running server the module refuses unless
    O(allow_restart=true); then it shuts the server down, changes the type and starts it again.
  - O(firewalls) are applied to the server when missing; firewalls applied to it that are not listed are left
    alone (remove them with P(boltfoundry.infra.hcloud_firewall#module)).
author:
  - Bolt Foundry (@boltfoundry)
attributes:
  check_mode:
    description: Reads the server and reports what would change, writing nothing.
    support: full
  diff_mode:
    description: Shows status, type, image, location, labels, firewalls and protection before and after.
    support: full
  idempotent:
    description: A second run with the same options changes nothing and writes nothing.
    support: full
options:
  name:
    description: The server's name (a valid host name), unique in the project.
    type: str
    required: true
  server_type:
    description: The server type, for example V(cpx22). Required to create the server.
    type: str
  image:
    description: The image the server is created from, for example V(ubuntu-22.04). Required to create the server.
    type: str
  location:
    description: The location, for example V(ash) (Ashburn, US East). When omitted at creation, Hetzner picks one.
    type: str
  ssh_keys:
    description: SSH keys (names or IDs) Hetzner puts into the server's C(authorized_keys) at creation.
    type: list
    elements: str
  user_data:
    description: cloud-init user data, used at creation (32 KiB at most).
    type: str
  labels:
    description:
      - The server's labels, replacing the ones it has; C(managed-by=boltfoundry.infra) is always added.
      - When omitted, the labels are left as they are.
    type: dict
  firewalls:
    description: Firewalls (names or IDs) that must be applied to the server.
    type: list
    elements: str
  delete_protection:
    description:
      - Protect the server against deletion.
      - Hetzner requires delete and rebuild protection to be equal; when only one is given, the other follows it.
    type: bool
  rebuild_protection:
    description: Protect the server against rebuilding (see O(delete_protection)).
    type: bool
  allow_restart:
    description: Let the module shut a running server down to change its O(server_type), and start it again.
    type: bool
    default: false
  upgrade_disk:
    description:
      - With a type change, grow the disk to the new type's size. A server with a grown disk can never go back to a
        smaller type, so this is off unless asked for.
    type: bool
    default: false
  state:
    description:
      - V(present) - the server exists (created running); its power state is left alone.
      - V(started) - it exists and runs; V(stopped) - it exists and is shut down (gracefully).
      - V(absent) - it does not exist. A protected server is never deleted.
    type: str
    choices: [present, started, stopped, absent]
    default: present
extends_documentation_fragment:
  - boltfoundry.infra.hcloud
  - boltfoundry.infra.hcloud.owned
  - boltfoundry.infra.hcloud.wait
seealso:
  - module: boltfoundry.infra.hcloud_ssh_key
  - module: boltfoundry.infra.hcloud_firewall
  - module: boltfoundry.infra.hcloud_volume
  - module: boltfoundry.infra.hcloud_floating_ip
"""

EXAMPLES = r"""
- name: The production server
  boltfoundry.infra.hcloud_server:
    name: boltfoundry-com
    server_type: cpx22
    image: ubuntu-22.04
    location: ash
    ssh_keys: [deploy]
    firewalls: [boltfoundry-com]
    labels:
      environment: production
    delete_protection: true
    state: started
  register: server

- name: A bigger type, with the restart it needs
  boltfoundry.infra.hcloud_server:
    name: boltfoundry-com
    server_type: cpx32
    allow_restart: true
"""

RETURN = r"""
hcloud_server:
  description: The server as it is after the run (as it would be, in check mode); null when absent.
  returned: always
  type: dict
  contains:
    id:
      description: The server's ID (null in check mode before it exists).
      type: int
      sample: 10000001
    name:
      description: The server's name.
      type: str
      sample: boltfoundry-com
    status:
      description: C(running), C(off), C(initializing), C(starting), C(stopping), ...
      type: str
      sample: running
    server_type:
      description: The server type's name.
      type: str
      sample: cpx22
    image:
      description: The image's name (null for a server from a snapshot or whose image is gone).
      type: str
      sample: ubuntu-22.04
    location:
      description: The location's name.
      type: str
      sample: ash
    ipv4_address:
      description: The public IPv4 address.
      type: str
      sample: 203.0.113.10
    ipv6:
      description: The public IPv6 network (a /64).
      type: str
      sample: 2001:db8:1::/64
    ipv6_address:
      description: The first address of that network, the one Hetzner configures (C(::1)).
      type: str
      sample: "2001:db8:1::1"
    firewalls:
      description: IDs of the firewalls applied to the server (names of ones that do not exist yet, in check mode).
      type: list
      elements: raw
    floating_ips:
      description: IDs of the floating IPs assigned to the server.
      type: list
      elements: int
    volumes:
      description: IDs of the volumes attached to the server.
      type: list
      elements: int
    labels:
      description: The server's labels.
      type: dict
    delete_protection:
      description: Whether the server is protected against deletion.
      type: bool
    rebuild_protection:
      description: Whether the server is protected against rebuilding.
      type: bool
    created:
      description: When the server was created (ISO 8601).
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
  sample: ["changing the protection of server 'boltfoundry-com'"]
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

from ansible_collections.boltfoundry.infra.plugins.module_utils import hcloud_actions, hcloud_views
from ansible_collections.boltfoundry.infra.plugins.module_utils.hcloud_resource import (
    HcloudResource,
    Plan,
    Refusal,
    actions_of,
    number_or_name,
    resource_options,
)

try:
    from hcloud.firewalls import Firewall, FirewallResource
    from hcloud.images import Image
    from hcloud.locations import Location
    from hcloud.server_types import ServerType
    from hcloud.servers import Server
    from hcloud.ssh_keys import SSHKey
except ImportError:  # reported by HcloudResource with missing_required_lib
    pass

BUSY = frozenset({"initializing", "starting", "stopping", "migrating", "rebuilding", "deleting"})


class ServerModule(HcloudResource):
    collection = "servers"
    title = "server"
    result_key = "hcloud_server"
    managed = ("name", "status", "server_type", "image", "location", "labels", "firewalls", "delete_protection", "rebuild_protection")

    def find(self):
        return self.client.servers.get_by_name(self.params["name"])

    def view(self, model):
        return hcloud_views.server(model)

    def busy(self, model):
        return model.status in BUSY

    # -- what is wanted ------------------------------------------------------------
    def protection(self):
        delete, rebuild = self.params.get("delete_protection"), self.params.get("rebuild_protection")
        if delete is not None and rebuild is not None and delete != rebuild:
            raise Refusal("delete_protection and rebuild_protection must be equal: Hetzner keeps a server's two protections the same.")
        return delete if delete is not None else rebuild

    def firewall_ids(self):
        """The firewalls wanted, as IDs; a name that is not found stays a name (an error outside check mode)."""
        wanted = []
        for entry in self.params.get("firewalls") or []:
            number, name = number_or_name(entry)
            if number is None:
                self.doing = f"looking up firewall '{name}' for {self.label}"
                found = self.client.firewalls.get_by_name(name)
                if found is None and not self.module.check_mode:
                    raise Refusal(f"firewalls has '{name}', but the project has no firewall of that name; create it first (hcloud_firewall).")
                number = found.id if found is not None else None
            wanted.append(number if number is not None else name)
        return wanted

    # -- plans ------------------------------------------------------------------------
    def plan_present(self, model):
        state = self.params["state"]
        protection = self.protection()
        labels = self.wanted_labels(model)
        firewalls = self.firewall_ids()
        if model is None:
            return self.plan_create(state, protection, labels, firewalls)
        after = self.view(model)
        plan = Plan(after)
        status = model.status
        wanted_type = self.params.get("server_type")
        if wanted_type and wanted_type != after["server_type"]:
            self.plan_type_change(model, plan, wanted_type)
            after["server_type"] = wanted_type
            status = "off" if state == "stopped" or (state == "present" and model.status == "off") else "running"
        if self.params.get("image") and self.params["image"] != after["image"]:
            plan.warnings.append(
                f"{self.label} runs image {after['image']}, not {self.params['image']}: the image is only used at creation; it is left as it is."
            )
        if self.params.get("location") and self.params["location"] != after["location"]:
            plan.warnings.append(f"{self.label} is in {after['location']}, not {self.params['location']}: a server cannot move; it is left where it is.")
        if state == "started" and status != "running":
            plan.add(f"starting {self.label}", lambda: [model.power_on()])
            status = "running"
        elif state == "stopped" and status != "off":
            plan.add(f"shutting down {self.label}", lambda: [model.shutdown()])
            status = "off"
        after["status"] = status
        if labels is not None and labels != after["labels"]:
            after["labels"] = labels
            plan.add(f"updating the labels of {self.label}", lambda: model.update(labels=labels) and None, locks=False)
        missing = [firewall for firewall in firewalls if firewall not in after["firewalls"]]
        for firewall in missing:
            plan.add(f"applying firewall {firewall} to {self.label}", lambda firewall=firewall: self.apply_firewall(firewall, model.id))
        after["firewalls"] = sorted(after["firewalls"] + missing, key=str)
        if protection is not None and (protection != after["delete_protection"] or protection != after["rebuild_protection"]):
            after["delete_protection"] = after["rebuild_protection"] = protection
            plan.add(f"changing the protection of {self.label}", lambda: [model.change_protection(delete=protection, rebuild=protection)])
        if plan.steps:
            self.require_owned(model, "change")
        return plan

    def plan_create(self, state, protection, labels, firewalls):
        for required in ("server_type", "image"):
            if not self.params.get(required):
                raise Refusal(f"{self.label} does not exist, and {required} is needed to create it.")
        start = state != "stopped"
        after = {
            "id": None,
            "name": self.params["name"],
            "status": "running" if start else "off",
            "server_type": self.params["server_type"],
            "image": self.params["image"],
            "location": self.params.get("location"),
            "ipv4_address": None,
            "ipv6": None,
            "ipv6_address": None,
            "firewalls": sorted(firewalls, key=str),
            "floating_ips": [],
            "volumes": [],
            "labels": labels,
            "delete_protection": bool(protection),
            "rebuild_protection": bool(protection),
            "created": None,
        }
        plan = Plan(after)
        plan.add(f"creating {self.label}", lambda: self.create(start, labels, firewalls), locks=False, creates=True)
        if protection:
            plan.add(f"changing the protection of {self.label}", lambda: [self.created.change_protection(delete=True, rebuild=True)])
        if not self.params.get("ssh_keys"):
            plan.warnings.append(
                f"{self.label} is created without ssh_keys: Hetzner sets a root password, which this module does not return (it would be printed)."
            )
        return plan

    def plan_type_change(self, model, plan, wanted_type):
        current_type = model.server_type.name
        if model.status != "off":
            if not self.params["allow_restart"]:
                raise Refusal(
                    f"Changing server_type of {self.label} from {current_type} to {wanted_type} needs the server powered off, and it is "
                    f"{model.status}; set allow_restart=true to let the module shut it down, change the type and start it again "
                    "(the server is unavailable meanwhile), or change it in a maintenance window."
                )
            plan.add(f"shutting down {self.label} to change its type", lambda: self.shut_down(model.id))
        plan.add(
            f"changing the type of {self.label} from {current_type} to {wanted_type}",
            lambda: [model.change_type(ServerType(name=wanted_type), upgrade_disk=self.params["upgrade_disk"])],
        )
        state = self.params["state"]
        power = "off" if state == "stopped" or (state == "present" and model.status == "off") else "running"
        plan.add(f"bringing {self.label} back to {power} after the type change", lambda: self.settle_power(model.id, power))

    # -- steps ------------------------------------------------------------------------
    def create(self, start, labels, firewalls):
        created = self.client.servers.create(
            name=self.params["name"],
            server_type=ServerType(name=self.params["server_type"]),
            image=Image(name=self.params["image"]),
            location=Location(name=self.params["location"]) if self.params.get("location") else None,
            ssh_keys=[
                SSHKey(id=number) if number is not None else SSHKey(name=name) for number, name in map(number_or_name, self.params.get("ssh_keys") or [])
            ],
            firewalls=[Firewall(id=firewall) for firewall in firewalls] or None,
            user_data=self.params.get("user_data"),
            labels=labels,
            start_after_create=start,
        )
        self.created = created.server
        return [created.action, *created.next_actions]

    def apply_firewall(self, firewall_id, server_id):
        firewall = self.client.firewalls.get_by_id(firewall_id)
        return actions_of(firewall.apply_to_resources([FirewallResource(type="server", server=Server(id=server_id))]))

    def shut_down(self, server_id):
        """Shut down gracefully and wait until the server is off: the type change that follows needs it off."""
        action = self.client.servers.shutdown(Server(id=server_id))
        self.wait_status(server_id, "off", also=[action])
        return []

    def settle_power(self, server_id, power):
        """After a type change: start the server, or shut it down, as it should be (the API's answer here has varied)."""
        server = self.client.servers.get_by_id(server_id)
        if power == "running" and server.status == "off":
            return [server.power_on()]
        if power == "off" and server.status != "off":
            self.shut_down(server_id)
        return []

    def wait_status(self, server_id, status, also):
        hcloud_actions.wait_for(self.client, also, self.pacing)
        attempt = 0
        while self.client.servers.get_by_id(server_id).status != status:
            delay = self.pacing.delay(attempt)
            if not self.deadline.allows(delay):
                raise Refusal(f"{self.label} did not reach status {status} within the timeout of {self.deadline.seconds:g} seconds; run again to continue.")
            self.pacing.sleep(delay)
            attempt += 1


def main():
    module = AnsibleModule(
        argument_spec={
            "name": {"type": "str", "required": True},
            "server_type": {"type": "str"},
            "image": {"type": "str"},
            "location": {"type": "str"},
            "ssh_keys": {"type": "list", "elements": "str", "no_log": False},
            "user_data": {"type": "str"},
            "labels": {"type": "dict"},
            "firewalls": {"type": "list", "elements": "str"},
            "delete_protection": {"type": "bool"},
            "rebuild_protection": {"type": "bool"},
            "allow_restart": {"type": "bool", "default": False},
            "upgrade_disk": {"type": "bool", "default": False},
            "state": {"type": "str", "choices": ["present", "started", "stopped", "absent"], "default": "present"},
            **resource_options(),
        },
        supports_check_mode=True,
    )
    ServerModule(module).run()


if __name__ == "__main__":
    main()
