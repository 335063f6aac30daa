#!/usr/bin/python
# Copyright: Bolt Foundry
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: hcloud_info
short_description: List Hetzner Cloud servers, volumes, floating IPs, SSH keys and firewalls by label selector
version_added: 0.1.0
description:
  - Lists resources of a Hetzner Cloud project that match a label selector (and a name), for teardown, inventories
    and checks. Each resource is returned as the module that manages it returns it.
  - Reads only; one request per kind and page of 50.
author:
  - Bolt Foundry (@boltfoundry)
attributes:
  check_mode:
    description: Reads only, in check mode too.
    support: full
  diff_mode:
    description: Changes nothing, so there is nothing to show.
    support: none
  idempotent:
    description: Reads only.
    support: full
options:
  label_selector:
    description:
      - A Hetzner label selector, for example V(managed-by=boltfoundry.infra,environment=production) or
        V(environment in (production,staging)). When omitted, every resource of each kind.
    type: str
  name:
    description: Only the resource of this exact name (of each kind).
    type: str
  kinds:
    description: Which kinds of resource to list.
    type: list
    elements: str
    choices: [servers, volumes, floating_ips, ssh_keys, firewalls]
    default: [servers, volumes, floating_ips]
extends_documentation_fragment:
  - boltfoundry.infra.hcloud
seealso:
  - module: boltfoundry.infra.hcloud_server
  - module: boltfoundry.infra.hcloud_volume
  - module: boltfoundry.infra.hcloud_floating_ip
"""

EXAMPLES = r"""
- name: Everything this collection made for production
  boltfoundry.infra.hcloud_info:
    label_selector: managed-by=boltfoundry.infra,environment=production
    kinds: [servers, volumes, floating_ips, ssh_keys, firewalls]
  register: production

- name: Fail when a second server appeared
  ansible.builtin.assert:
    that: production.servers | length == 1
"""

RETURN = r"""
servers:
  description: Matching servers (as P(boltfoundry.infra.hcloud_server#module) returns one), by name.
  returned: when servers are listed
  type: list
  elements: dict
volumes:
  description: Matching volumes (as P(boltfoundry.infra.hcloud_volume#module) returns one), by name.
  returned: when volumes are listed
  type: list
  elements: dict
floating_ips:
  description: Matching floating IPs (as P(boltfoundry.infra.hcloud_floating_ip#module) returns one), by name.
  returned: when floating IPs are listed
  type: list
  elements: dict
ssh_keys:
  description: Matching SSH keys (as P(boltfoundry.infra.hcloud_ssh_key#module) returns one), by name.
  returned: when SSH keys are listed
  type: list
  elements: dict
firewalls:
  description: Matching firewalls (as P(boltfoundry.infra.hcloud_firewall#module) returns one), by name.
  returned: when firewalls are listed
  type: list
  elements: dict
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

from ansible_collections.boltfoundry.infra.plugins.module_utils import hcloud_api, hcloud_views
from ansible_collections.boltfoundry.infra.plugins.module_utils.hcloud_resource import HcloudModule, connection_options

PER_PAGE = 50
VIEWS = {
    "servers": hcloud_views.server,
    "volumes": hcloud_views.volume,
    "floating_ips": hcloud_views.floating_ip,
    "ssh_keys": hcloud_views.ssh_key,
    "firewalls": hcloud_views.firewall,
}


def list_all(resources, **filters):
    """Every page of a listing (50 a page, the API's most); the library's get_all of volumes cannot filter by name."""
    filters = {key: value for key, value in filters.items() if value is not None}
    found, page = [], 1
    while page:
        items, meta = resources.get_list(page=page, per_page=PER_PAGE, **filters)
        found.extend(items)
        page = meta.pagination.next_page if meta is not None and meta.pagination is not None else None
    return found


class Info(HcloudModule):
    def run(self):
        self.guarded(self._run)

    def _run(self):
        result = {"changed": False}
        for kind in dict.fromkeys(self.params["kinds"]):
            self.doing = f"listing {kind.replace('_', ' ')}" + (f" matching {self.params['label_selector']}" if self.params.get("label_selector") else "")
            found = list_all(getattr(self.client, kind), name=self.params.get("name"), label_selector=self.params.get("label_selector"))
            result[kind] = sorted((VIEWS[kind](model) for model in found), key=lambda view: (view["name"] or "", view["id"]))
        result["api_retries"] = hcloud_api.retries(self.client)
        self.module.exit_json(**result)


def main():
    module = AnsibleModule(
        argument_spec={
            "label_selector": {"type": "str"},
            "name": {"type": "str"},
            "kinds": {
                "type": "list",
                "elements": "str",
                "choices": list(VIEWS),
                "default": ["servers", "volumes", "floating_ips"],
            },
            **connection_options(),
        },
        supports_check_mode=True,
    )
    Info(module).run()


if __name__ == "__main__":
    main()
