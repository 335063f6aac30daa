# Copyright: Bolt Foundry
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Documentation shared by the 1Password plugins: the token, the requirements, the sandbox seam."""

from __future__ import annotations


class ModuleDocFragment:
    # For modules: the token falls back to the environment in the argument spec.
    DOCUMENTATION = r"""
options:
  token:
    description:
      - The 1Password service account token, one per environment (the C(CI) or C(Production) vault).
      - When not set, the E(OP_SERVICE_ACCOUNT_TOKEN) environment variable is used.
      - Never logged; a bad, expired or revoked token fails with one sentence saying so.
    type: str
requirements:
  - onepassword-sdk == 0.4.2, on the host that runs the task (usually the controller; it needs glibc 2.32 or newer)
notes:
  - 'Run these modules where onepassword-sdk is installed, usually with C(delegate_to: localhost).'
  - >-
    Offline stand-in for tests and C(make sandbox) only: when the environment variable E(BF_ONEPASSWORD_SANDBOX)
    names a sandbox vault file, the SDK talks to the simulated 1Password core of a boltfoundry.infra source
    checkout instead of 1Password, and the task warns that it did. The simulated core is not part of the built
    collection and accepts only its own sandbox tokens.
"""

    # For the lookup: the token falls back to the environment through Ansible's configuration.
    LOOKUP = r"""
options:
  token:
    description:
      - The 1Password service account token, one per environment (the C(CI) or C(Production) vault).
      - Never logged; a bad, expired or revoked token fails with one sentence saying so.
    type: str
    env:
      - name: OP_SERVICE_ACCOUNT_TOKEN
requirements:
  - onepassword-sdk == 0.4.2, on the controller (it needs glibc 2.32 or newer)
notes:
  - >-
    Offline stand-in for tests and C(make sandbox) only: when the environment variable E(BF_ONEPASSWORD_SANDBOX)
    names a sandbox vault file, the SDK talks to the simulated 1Password core of a boltfoundry.infra source
    checkout instead of 1Password, and a warning says so. The simulated core is not part of the built collection
    and accepts only its own sandbox tokens.
"""
