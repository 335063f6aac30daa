#!/usr/bin/python
# Copyright: Bolt Foundry
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: hcloud_ssh_key
short_description: Manage an SSH key of a Hetzner Cloud project
version_added: 0.1.0
description:
  - Creates, updates or deletes an SSH key of a Hetzner Cloud project, found by name.
  - Hetzner puts the keys named at server creation into the server's C(authorized_keys); changing or deleting a
    key here does not change servers that exist.
  - A key whose public key changed is replaced (deleted and created again under the same name).
author:
  - Bolt Foundry (@boltfoundry)
attributes:
  check_mode:
    description: Reads the key and reports what would change, writing nothing.
    support: full
  diff_mode:
    description: Shows the key's name, public key and labels before and after.
    support: full
  idempotent:
    description: A second run with the same options changes nothing and writes nothing.
    support: full
options:
  name:
    description: The key's name, unique in the project.
    type: str
    required: true
  public_key:
    description:
      - The public key in OpenSSH format (C(ssh-ed25519 AAAA... comment)); the comment is not compared.
      - Required to create the key.
    type: str
  labels:
    description:
      - The key's labels, replacing the ones it has; C(managed-by=boltfoundry.infra) is always added.
      - When omitted, the labels are left as they are.
    type: dict
  state:
    description: Whether the key exists.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - boltfoundry.infra.hcloud
  - boltfoundry.infra.hcloud.owned
seealso:
  - module: boltfoundry.infra.hcloud_server
"""

EXAMPLES = r"""
- name: The deploy key of production
  boltfoundry.infra.hcloud_ssh_key:
    name: deploy
    public_key: "{{ lookup('ansible.builtin.file', 'files/deploy.pub') }}"
    labels:
      environment: production

- name: Remove a key this collection created
  boltfoundry.infra.hcloud_ssh_key:
    name: old-laptop
    state: absent
"""

RETURN = r"""
hcloud_ssh_key:
  description: The key as it is after the run (as it would be, in check mode); null when absent.
  returned: always
  type: dict
  contains:
    id:
      description: The key's ID (null in check mode before it exists).
      type: int
      sample: 50000001
    name:
      description: The key's name.
      type: str
      sample: deploy
    fingerprint:
      description: The MD5 fingerprint Hetzner shows.
      type: str
      sample: "b7:2f:30:a0:2f:6c:58:6c:21:04:58:61:ba:06:3b:2f"
    public_key:
      description: The public key.
      type: str
    labels:
      description: The key's labels.
      type: dict
      sample: {managed-by: boltfoundry.infra, environment: production}
    created:
      description: When the key was created (ISO 8601).
      type: str
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
from ansible_collections.boltfoundry.infra.plugins.module_utils.hcloud_resource import HcloudResource, Plan, Refusal, resource_options


def key_material(public_key: str) -> str:
    """The key type and data, without the comment."""
    return " ".join(public_key.split()[:2])


class SshKey(HcloudResource):
    collection = "ssh_keys"
    title = "SSH key"
    result_key = "hcloud_ssh_key"
    managed = ("name", "public_key", "labels")

    def find(self):
        return self.client.ssh_keys.get_by_name(self.params["name"])

    def view(self, model):
        return hcloud_views.ssh_key(model)

    def plan_present(self, model):
        public_key = self.params.get("public_key")
        labels = self.wanted_labels(model)
        if model is None:
            if not public_key:
                raise Refusal(f"{self.label} does not exist, and public_key is needed to create it.")
            plan = Plan({"id": None, "name": self.params["name"], "fingerprint": None, "public_key": public_key, "labels": labels, "created": None})
            plan.add(f"creating {self.label}", lambda: self.create(public_key, labels), locks=False, creates=True)
            return plan
        after = self.view(model)
        plan = Plan(after)
        if public_key and key_material(public_key) != key_material(model.public_key):
            self.require_owned(model, "replace")
            after.update(public_key=public_key, fingerprint=None, labels=labels if labels is not None else after["labels"])
            plan.add(f"deleting {self.label} to replace its public key", lambda: model.delete() and None, locks=False)
            plan.add(f"creating {self.label} with the new public key", lambda: self.create(public_key, after["labels"]), locks=False, creates=True)
            return plan
        if labels is not None and labels != after["labels"]:
            self.require_owned(model, "relabel")
            after["labels"] = labels
            plan.add(f"updating the labels of {self.label}", lambda: model.update(labels=labels) and None, locks=False)
        return plan

    def create(self, public_key, labels):
        self.client.ssh_keys.create(name=self.params["name"], public_key=public_key, labels=labels)

    def delete_steps(self, model, plan):
        plan.add(f"deleting {self.label}", lambda: model.delete() and None, locks=False)


def main():
    module = AnsibleModule(
        argument_spec={
            "name": {"type": "str", "required": True},
            "public_key": {"type": "str"},
            "labels": {"type": "dict"},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
            **resource_options(wait=False),
        },
        supports_check_mode=True,
    )
    SshKey(module).run()


if __name__ == "__main__":
    main()
