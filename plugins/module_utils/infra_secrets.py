# Copyright: Bolt Foundry
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The provisioning credentials that must never reach the app, its env file or Kamal's environment.

One list for every module that keeps them apart (onepassword_env, kamal_config,
kamal_deploy); the roles' defaults and the modules' documented defaults repeat
it for users to read, and a test keeps those copies equal to this one.
"""

from __future__ import annotations

INFRA_NAMES = (
    "OP_SERVICE_ACCOUNT_TOKEN",
    "HCLOUD_TOKEN",
    "CLOUDFLARE_API_TOKEN",
    "S3_ACCESS_KEY_ID",
    "S3_SECRET_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
)

# The 1Password tag that marks an item as infra-only, whatever its name.
INFRA_TAG = "BF_INFRA_SECRET"
