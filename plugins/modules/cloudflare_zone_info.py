#!/usr/bin/python
# Copyright: Bolt Foundry
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: cloudflare_zone_info
short_description: Look up a Cloudflare zone by name or id
version_added: 0.1.0
description:
  - Returns the zone's id, name and status with one API request, so that a play looks a zone up once
    and passes its id to every M(boltfoundry.infra.cloudflare_dns_record) task.
  - Fails with one sentence when the zone is not visible to the token (wrong name, or no Zone:Read on it).
author:
  - Bolt Foundry (@boltfoundry)
extends_documentation_fragment:
  - boltfoundry.infra.cloudflare
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: Reads only; runs the same in check mode.
  diff_mode:
    support: N/A
    details: Changes nothing.
  platform:
    platforms: posix
options:
  zone:
    description:
      - The zone's name, for example V(example.com). One of O(zone) and O(zone_id) is required.
    type: str
  zone_id:
    description:
      - The zone's id.
    type: str
seealso:
  - module: boltfoundry.infra.cloudflare_dns_record
"""

EXAMPLES = r"""
- name: Look up the zone once
  boltfoundry.infra.cloudflare_zone_info:
    zone: example.com
  register: cloudflare_zone
  delegate_to: localhost

- name: Use its id for the records
  boltfoundry.infra.cloudflare_dns_record:
    zone: "{{ cloudflare_zone.zone.name }}"
    zone_id: "{{ cloudflare_zone.zone.id }}"
    name: www
    type: CNAME
    content: example.com
    proxied: true
  delegate_to: localhost
"""

RETURN = r"""
zone:
  description: The zone.
  returned: success
  type: dict
  contains:
    id:
      description: The zone's id.
      type: str
      sample: 023e105f4ecef8ad9ca31a8372d0c353
    name:
      description: The zone's name.
      type: str
      sample: example.com
    status:
      description: The zone's status (V(active) once its name servers point to Cloudflare).
      type: str
    paused:
      description: Whether Cloudflare's proxy is paused for the zone.
      type: bool
    type:
      description: The zone type (V(full), V(partial), ...).
      type: str
    name_servers:
      description: The name servers Cloudflare assigned.
      type: list
      elements: str
    account_id:
      description: The account the zone belongs to.
      type: str
    plan:
      description: The zone's plan name.
      type: str
failure:
  description: Cloudflare's answer to a refused request (HTTP status, error codes and messages).
  returned: when the API refused a request
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.boltfoundry.infra.plugins.module_utils.cloudflare_api import (
    CloudflareApiError,
    CloudflareModule,
    cloudflare_argument_spec,
)


def main() -> None:
    module = AnsibleModule(
        argument_spec=cloudflare_argument_spec(zone={"type": "str"}, zone_id={"type": "str"}),
        required_one_of=[("zone", "zone_id")],
        mutually_exclusive=[("zone", "zone_id")],
        supports_check_mode=True,
    )
    info = CloudflareModule(module)
    try:
        if module.params["zone_id"]:
            info.result["zone"] = info.zone_by_id(module.params["zone_id"])
        else:
            info.result["zone"] = info.zone_by_name(module.params["zone"])
    except CloudflareApiError as error:
        info.fail(error)
    info.exit()


if __name__ == "__main__":
    main()
