# Copyright: Bolt Foundry
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """Options every boltfoundry.infra hcloud module shares."""

    DOCUMENTATION = r"""
options:
  api_token:
    description:
      - An API token of the Hetzner Cloud project (Console, Security, API tokens); Read & Write to change anything.
      - Never printed or returned.
      - When omitted, the value of the environment variable E(HCLOUD_TOKEN).
    type: str
    required: true
  api_endpoint:
    description:
      - The API's base URL.
      - When omitted, the value of the environment variable E(HCLOUD_ENDPOINT), else V(https://api.hetzner.cloud/v1).
    type: str
    default: https://api.hetzner.cloud/v1
  timeout:
    description:
      - Seconds the module may spend in all, waiting for actions, locked resources and the rate limit included.
      - A wait that would end after this fails with the actions still running named; they go on at Hetzner and a
        later run waits for them.
    type: float
    default: 600
  poll_interval:
    description:
      - Seconds before the first poll of a running action and before the first retry of a refused request.
      - Each further wait doubles, up to five times this value.
      - After a C(429) answer the module waits as long as the API's C(RateLimit-Reset) header says one request takes
        to come back instead.
    type: float
    default: 1.0
requirements:
  - hcloud >= 2.27 (hcloud-python)
  - requests
notes:
  - Requests that the API refused without carrying them out (C(423 locked), C(409 conflict), C(429)) are sent again,
    as are reads after a C(5xx) answer or a dropped connection; at most 8 tries each, never past O(timeout).
  - A write whose answer was lost (a C(5xx) answer, a dropped connection) is never sent again blindly; the module
    reads the resource again and decides anew, so that a create that did happen is not made twice.
  - Failures return C(failure) with the API's C(code), C(message), C(details) and C(correlation_id).
"""

    OWNED = r"""
options:
  adopt:
    description:
      - Take over a resource of this name that does not carry the label C(managed-by=boltfoundry.infra).
      - Without it, such a resource is never changed or deleted (the module fails and says so); with it, the
        module changes or deletes it like its own and adds the label.
    type: bool
    default: false
notes:
  - Everything the module creates carries the label C(managed-by=boltfoundry.infra), whatever O(labels) says.
  - Resources are found by name, which Hetzner keeps unique per project.
"""

    WAIT = r"""
options:
  wait:
    description:
      - Wait for the actions the module starts (creating, attaching, powering on, ...) to end.
      - With V(false) the module returns once the API has accepted the changes; the actions it started are returned
        in RV(actions). A change that needs those actions finished first (for example the protection of a server
        still being created) is left out and named in RV(deferred); a later run with O(wait=true) makes it.
    type: bool
    default: true
"""
