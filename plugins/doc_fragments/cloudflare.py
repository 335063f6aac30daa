# Copyright: Bolt Foundry
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Documentation shared by the Cloudflare modules: the token, the API address, retries."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  api_token:
    description:
      - A Cloudflare API token. It needs Zone:Read on the zone, DNS:Read to look at records and DNS:Edit to change them.
      - When not set, the E(CLOUDFLARE_API_TOKEN) environment variable is used.
      - Never logged; a refused token fails with one sentence saying which permission is missing.
    type: str
  base_url:
    description:
      - The address of the Cloudflare API v4, for a proxy or an offline stand-in.
      - When not set, the E(CLOUDFLARE_BASE_URL) environment variable is used, and without it C(https://api.cloudflare.com/client/v4).
    type: str
  max_retries:
    description:
      - How often the cloudflare library retries a request that was rate-limited (HTTP 429, honouring C(Retry-After)),
        failed with HTTP 5xx or lost its connection, with a growing pause in between.
      - A write whose answer was lost is not repeated blindly; the module reads the records again first.
    type: int
    default: 4
requirements:
  - cloudflare == 5.9.0 (the Python library), on the host that runs the task (usually the controller)
notes:
  - 'Run these modules where the cloudflare library is installed, usually with C(delegate_to: localhost).'
  - The modules are in the action group C(boltfoundry.infra.cloudflare), so C(module_defaults) can set the token once.
"""
