#!/usr/bin/python
# Copyright: Bolt Foundry
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: hcloud_volume
short_description: Manage a Hetzner Cloud volume and its attachment to a server
version_added: 0.1.0
description:
  - Creates, grows, attaches, moves, detaches or deletes a block volume of a Hetzner Cloud project, found by name.
  - A volume only grows. A smaller O(size) than the volume has is an error, never a shrink (that would lose data).
  - The volume is created in its location and then attached, so its creation runs while the server it is for is
    still being created; the attachment waits for both.
  - A volume is deleted only when it is detached, or with O(force=true) (then it is detached first). A protected
    volume is never deleted.
author:
  - Bolt Foundry (@boltfoundry)
attributes:
  check_mode:
    description: Reads the volume and reports what would change, writing nothing.
    support: full
  diff_mode:
    description: Shows size, location, server, format, labels and protection before and after.
    support: full
  idempotent:
    description: A second run with the same options changes nothing and writes nothing.
    support: full
options:
  name:
    description: The volume's name, unique in the project.
    type: str
    required: true
  size:
    description:
      - The size in GB (10 to 10240). Required to create the volume.
      - A larger size than the volume has grows it (the file system on it is not grown; do that on the server).
    type: int
  location:
    description:
      - The location to create the volume in, for example V(ash). When omitted, the location of O(server).
      - A volume can only be attached to a server in its own location.
    type: str
  server:
    description:
      - The server (name or ID; a number is an ID) the volume must be attached to. A volume attached elsewhere is
        detached from there first (moved).
      - When omitted, the attachment is left as it is.
    type: str
  detach:
    description: Detach the volume from whatever server it is attached to (not together with O(server)).
    type: bool
    default: false
  automount:
    description: When attaching, let Hetzner's cloud-init mount the volume (only for servers created with it).
    type: bool
    default: false
  format:
    description:
      - The file system Hetzner creates on the new volume. Used only at creation; a volume that exists is never
        formatted (a different format gives a warning).
    type: str
    choices: [ext4, xfs]
  labels:
    description:
      - The volume's labels, replacing the ones it has; C(managed-by=boltfoundry.infra) is always added.
      - When omitted, the labels are left as they are.
    type: dict
  delete_protection:
    description: Protect the volume against deletion.
    type: bool
  force:
    description: With O(state=absent), detach an attached volume and delete it.
    type: bool
    default: false
  state:
    description: Whether the volume exists.
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
- name: The database volume, attached to the production server
  boltfoundry.infra.hcloud_volume:
    name: boltfoundry-com-data
    size: 10
    location: ash
    server: "{{ server.hcloud_server.id }}"
    format: ext4
    labels:
      environment: production
    delete_protection: true
  register: volume

- name: Where the host role finds it
  ansible.builtin.debug:
    msg: "{{ volume.hcloud_volume.linux_device }}"

- name: Delete a volume even though it is attached
  boltfoundry.infra.hcloud_volume:
    name: scratch
    state: absent
    force: true
"""

RETURN = r"""
hcloud_volume:
  description: The volume as it is after the run (as it would be, in check mode); null when absent.
  returned: always
  type: dict
  contains:
    id:
      description: The volume's ID (null in check mode before it exists).
      type: int
      sample: 20000001
    name:
      description: The volume's name.
      type: str
    status:
      description: C(creating) or C(available).
      type: str
    size:
      description: The size in GB.
      type: int
      sample: 10
    location:
      description: The location's name.
      type: str
      sample: ash
    server:
      description: The ID of the server it is attached to (in check mode, the name given if that server does not exist yet); null when detached.
      type: raw
      sample: 10000001
    linux_device:
      description: The device path on the server.
      type: str
      sample: /dev/disk/by-id/scsi-0HC_Volume_20000001
    format:
      description: The file system Hetzner created, null if none.
      type: str
      sample: ext4
    labels:
      description: The volume's labels.
      type: dict
    delete_protection:
      description: Whether the volume is protected against deletion.
      type: bool
    created:
      description: When the volume was created (ISO 8601).
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

MIN_SIZE = 10
MAX_SIZE = 10240


class Volume(HcloudResource):
    collection = "volumes"
    title = "volume"
    result_key = "hcloud_volume"
    managed = ("name", "size", "location", "server", "format", "labels", "delete_protection")

    def find(self):
        return self.client.volumes.get_by_name(self.params["name"])

    def view(self, model):
        return hcloud_views.volume(model)

    def busy(self, model):
        return model.status == "creating"

    def plan_present(self, model):
        size = self.params.get("size")
        if size is not None and not MIN_SIZE <= size <= MAX_SIZE:
            raise Refusal(f"size {size} is out of range: a volume has {MIN_SIZE} to {MAX_SIZE} GB.")
        if self.params["detach"] and self.params.get("server") is not None:
            raise Refusal("detach=true and server contradict each other: give one of them.")
        labels = self.wanted_labels(model)
        target = self.server_ref()
        protection = self.params.get("delete_protection")
        if model is None:
            return self.plan_create(size, labels, target, protection)
        after = self.view(model)
        plan = Plan(after)
        if size is not None and size < model.size:
            raise Refusal(
                f"size {size} GB is smaller than the {model.size} GB {self.label} has: volumes only grow, and shrinking would lose data; "
                f"set size to {model.size} or more."
            )
        if size is not None and size > model.size:
            after["size"] = size
            plan.add(f"growing {self.label} from {model.size} to {size} GB", lambda: [model.resize(size)])
        wanted_format = self.params.get("format")
        if wanted_format and wanted_format != model.format:
            plan.warnings.append(
                f"{self.label} has format {model.format or 'none (created unformatted)'}, not {wanted_format}: format is used only at creation; "
                "the volume is not formatted again."
            )
        if self.params.get("location") and self.params["location"] != after["location"]:
            plan.warnings.append(f"{self.label} is in {after['location']}, not {self.params['location']}: a volume cannot move between locations.")
        attached = after["server"]
        if self.params.get("detach") and attached is not None:
            plan.add(f"detaching {self.label} from server {attached}", lambda: [model.detach()], needs_idle=[("servers", attached)])
            after["server"] = None
        elif target is not None and target.shown != attached:
            if attached is not None:
                plan.add(f"detaching {self.label} from server {attached} to move it", lambda: [model.detach()], needs_idle=[("servers", attached)])
            plan.add(
                f"attaching {self.label} to server {target.shown}",
                lambda: [model.attach(Server(id=target.id), automount=self.params["automount"])],
                needs_idle=[("servers", target.id)],
            )
            after["server"] = target.shown
        if labels is not None and labels != after["labels"]:
            after["labels"] = labels
            plan.add(f"updating the labels of {self.label}", lambda: model.update(labels=labels) and None, locks=False)
        if protection is not None and protection != after["delete_protection"]:
            after["delete_protection"] = protection
            plan.add(f"changing the protection of {self.label}", lambda: [model.change_protection(delete=protection)])
        if plan.steps:
            self.require_owned(model, "change")
        return plan

    def plan_create(self, size, labels, target, protection):
        if size is None:
            raise Refusal(f"{self.label} does not exist, and size is needed to create it.")
        location = self.params.get("location") or (target.location if target is not None else None)
        if location is None and target is not None and target.id is not None:
            self.doing = f"reading server {target.id} for the location of {self.label}"
            location = self.client.servers.get_by_id(target.id).location.name
        if location is None and target is None:
            raise Refusal(f"{self.label} does not exist, and location (or server) is needed to create it.")
        after = {
            "id": None,
            "name": self.params["name"],
            "status": "available",
            "size": size,
            "location": location,
            "server": None if target is None else target.shown,
            "linux_device": None,
            "format": self.params.get("format"),
            "labels": labels,
            "delete_protection": bool(protection),
            "created": None,
        }
        plan = Plan(after)
        plan.add(f"creating {self.label}", lambda: self.create(size, location, labels), locks=False, creates=True)
        if target is not None and target.id is not None:
            plan.add(
                f"attaching {self.label} to server {target.id}",
                lambda: [self.created.attach(Server(id=target.id), automount=self.params["automount"])],
                needs_idle=[("servers", target.id)],
            )
        if protection:
            plan.add(f"changing the protection of {self.label}", lambda: [self.created.change_protection(delete=True)])
        return plan

    def create(self, size, location, labels):
        created = self.client.volumes.create(
            size=size, name=self.params["name"], labels=labels, location=Location(name=location), format=self.params.get("format")
        )
        self.created = created.volume
        return [created.action, *created.next_actions]

    def delete_steps(self, model, plan):
        attached = model.server.id if model.server is not None else None
        if attached is not None:
            if not self.params["force"]:
                raise Refusal(
                    f"{self.label[:1].upper()}{self.label[1:]} is attached to server {attached}, and a volume is deleted only when detached; "
                    "detach it first (detach=true), or set force=true to detach and delete it."
                )
            plan.add(f"detaching {self.label} from server {attached} to delete it", lambda: [model.detach()], needs_idle=[("servers", attached)])
        plan.add(f"deleting {self.label}", lambda: model.delete() and None)


def main():
    module = AnsibleModule(
        argument_spec={
            "name": {"type": "str", "required": True},
            "size": {"type": "int"},
            "location": {"type": "str"},
            "server": {"type": "str"},
            "detach": {"type": "bool", "default": False},
            "automount": {"type": "bool", "default": False},
            "format": {"type": "str", "choices": ["ext4", "xfs"]},
            "labels": {"type": "dict"},
            "delete_protection": {"type": "bool"},
            "force": {"type": "bool", "default": False},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
            **resource_options(),
        },
        supports_check_mode=True,
    )
    Volume(module).run()


if __name__ == "__main__":
    main()
