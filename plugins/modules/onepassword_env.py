#!/usr/bin/python
# Copyright: Bolt Foundry
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""secret sync: every tagged item of a vault into the app's env file, infra-only secrets left out."""

from __future__ import annotations

DOCUMENTATION = r"""
module: onepassword_env
short_description: Write a vault's app secrets into an env file ("secret sync")
version_added: 0.1.0
description:
  - Reads every active item tagged O(tag) (C(BF_PRIVATE_SECRET) by default) in a 1Password vault, through the 1Password
    SDK and a service account, and makes each one a variable C(NAME=value), where C(NAME) is the item's title and the
    value is its field O(field).
  - Infra-only secrets (the Hetzner, Cloudflare and S3 credentials that provisioning uses) never reach the app, whatever
    their tags say. An item is infra-only when it carries one of O(exclude_tags) or its title is one of O(exclude_names).
    Their values are not even read.
  - With O(dest), writes the variables to an env file that the dotenv gem 3.x (how Kamal 2 reads C(.kamal/secrets)) and
    python-dotenv read back exactly, whatever the values hold (quotes, C($), C(#), backslashes, line breaks, unicode,
    nothing). The file is written atomically with mode C(0600), and only when its content changes.
  - The result and the diff carry variable names only, never a value.
  - Calls to 1Password, N being the number of tagged items kept; one C(vaults.list), one C(items.list) and
    ceil(N/50) C(items.get_all).
  - Replaces the source design's C(bft sitevar sync --secret-only).
author:
  - Bolt Foundry (@boltfoundry)
options:
  vault:
    description:
      - The vault, by name or id. It must be shared with the service account.
    type: str
    required: true
  tag:
    description:
      - Items with this tag are the app's secrets.
    type: str
    default: BF_PRIVATE_SECRET
  field:
    description:
      - The field that holds each secret's value, by id or title. An item without it is an error naming the item.
    type: str
    default: password
  exclude_tags:
    description:
      - Tags that make an item infra-only, left out of the app's variables.
    type: list
    elements: str
    default: [BF_INFRA_SECRET]
  exclude_names:
    description:
      - Item titles that are infra-only, left out of the app's variables.
      - The default lists the provisioning credentials; give the full list when you change it.
    type: list
    elements: str
    default:
      - OP_SERVICE_ACCOUNT_TOKEN
      - HCLOUD_TOKEN
      - CLOUDFLARE_API_TOKEN
      - S3_ACCESS_KEY_ID
      - S3_SECRET_ACCESS_KEY
      - AWS_ACCESS_KEY_ID
      - AWS_SECRET_ACCESS_KEY
  dest:
    description:
      - The env file to write, with mode C(0600). Its directory must exist.
      - Variables are sorted by name, after a comment header that names the vault.
      - Without it, the module only reports which names a sync would write.
    type: path
  header:
    description:
      - Comment lines at the top of the file.
      - The default says which vault the file comes from and that the next sync replaces it.
    type: str
extends_documentation_fragment:
  - boltfoundry.infra.onepassword
attributes:
  check_mode:
    description: Reads 1Password and the file, writes nothing, and reports whether the file would change.
    support: full
  diff_mode:
    description: Shows the variable names added, removed and whose value changes; values are masked.
    support: full
  idempotent:
    description: The file is rewritten only when its content would change.
    support: full
  action_group:
    description: Use C(group/boltfoundry.infra.onepassword) in C(module_defaults) to set O(token) once.
    support: full
    membership:
      - boltfoundry.infra.onepassword
"""

EXAMPLES = r"""
- name: Write the app's secrets from the Production vault into Kamal's secrets file
  boltfoundry.infra.onepassword_env:
    vault: Production
    dest: "{{ playbook_dir }}/.kamal/secrets"
  delegate_to: localhost
  register: app_secrets

- name: Tell Kamal which variables are secret
  ansible.builtin.set_fact:
    kamal_secret_names: "{{ app_secrets.names }}"

- name: Only list which secrets the CI vault would give the app
  boltfoundry.infra.onepassword_env:
    vault: CI
    exclude_names: [HCLOUD_TOKEN, CLOUDFLARE_API_TOKEN, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, GITHUB_TOKEN]
  delegate_to: localhost
"""

RETURN = r"""
names:
  description: The variables the app gets (written to O(dest) when set), sorted.
  returned: always
  type: list
  elements: str
  sample: [DATABASE_URL, HYPERDX_API_KEY, SECRET_KEY_BASE]
excluded:
  description: Tagged items left out as infra-only, sorted.
  returned: always
  type: list
  elements: str
  sample: [CLOUDFLARE_API_TOKEN, HCLOUD_TOKEN]
path:
  description: The env file, or C(null) without O(dest).
  returned: always
  type: str
  sample: /srv/app/.kamal/secrets
vault:
  description: The vault read.
  returned: always
  type: dict
  contains:
    id:
      description: The vault's id.
      type: str
    title:
      description: The vault's title.
      type: str
      sample: Production
"""

from typing import Any, Dict, List, Optional, Tuple

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.boltfoundry.infra.plugins.module_utils.dotenv import DotenvError, DotenvParseError, check_name, parse, render
from ansible_collections.boltfoundry.infra.plugins.module_utils.files import PRIVATE_MODE, FileWriteError, mode_of, read_text, write_atomic
from ansible_collections.boltfoundry.infra.plugins.module_utils.infra_secrets import INFRA_NAMES, INFRA_TAG
from ansible_collections.boltfoundry.infra.plugins.module_utils.onepassword import (
    DEFAULT_FIELD,
    DEFAULT_TAG,
    OnePasswordError,
    field_value,
)
from ansible_collections.boltfoundry.infra.plugins.module_utils.onepassword_module import OnePasswordModule, onepassword_argument_spec


class EnvSync(OnePasswordModule):
    def __init__(self, module: AnsibleModule) -> None:
        super().__init__(module)
        self.result.update(names=[], excluded=[], path=module.params["dest"], vault=None)

    def run(self) -> None:
        try:
            self.sync()
        except (OnePasswordError, FileWriteError) as exc:
            self.fail(exc if isinstance(exc, OnePasswordError) else OnePasswordError(str(exc), kind="file"))
        except DotenvError as exc:
            self.fail(OnePasswordError(f"secret {exc.name} cannot be written to an env file: {exc.problem}", kind="invalid"))
        self.exit()

    def select(self, vault: Any) -> Tuple[List[Any], List[str]]:
        """The tagged items the app gets, checked for names; and the names left out as infra-only."""
        params = self.module.params
        excluded_tags = set(params["exclude_tags"])
        excluded_names = set(params["exclude_names"])
        kept, excluded = [], []
        for item in self.session.list_items(vault):
            if params["tag"] not in item.tags:
                continue
            if excluded_tags.intersection(item.tags) or item.title in excluded_names:
                excluded.append(item.title)
            else:
                kept.append(item)
        by_name: Dict[str, List[str]] = {}
        for item in kept:
            try:
                check_name(item.title)
            except DotenvError as exc:
                raise OnePasswordError(f"item {item.title!r} ({item.id}) in vault {vault.title!r}: its title {exc.problem}", kind="invalid") from None
            by_name.setdefault(item.title, []).append(item.id)
        for name, ids in sorted(by_name.items()):
            if len(ids) > 1:
                raise OnePasswordError(
                    f"{len(ids)} items tagged {params['tag']} in vault {vault.title!r} are titled {name} ({', '.join(ids)}): rename or untag all but one",
                    kind="ambiguous",
                )
        return sorted(kept, key=lambda item: item.title), sorted(excluded)

    def sync(self) -> None:
        params = self.module.params
        vault = self.session.vault(params["vault"])
        self.result["vault"] = {"id": vault.id, "title": vault.title}
        kept, excluded = self.select(vault)
        self.result["excluded"] = excluded
        items = self.session.get_items(vault, [item.id for item in kept]) if kept else []
        variables: List[Tuple[str, str]] = []
        for item in items:
            value = field_value(item, params["field"])
            if value is None:
                raise OnePasswordError(
                    f"item {item.title!r} ({item.id}) in vault {vault.title!r} has no field {params['field']!r} to take the value from",
                    kind="field_not_found",
                )
            variables.append((item.title, value))
        names = [name for name, _value in variables]
        self.result["names"] = names
        header = params["header"]
        if header is None:
            header = "\n".join(
                [
                    f"Written by boltfoundry.infra.onepassword_env from 1Password vault {vault.title} ({vault.id}).",
                    "Do not edit: the next sync replaces this file.",
                ]
            )
        content = render(variables, header=header)
        if params["dest"]:
            self.write(params["dest"], content, variables)

    def write(self, path: str, content: str, variables: List[Tuple[str, str]]) -> None:
        old = read_text(path)
        self.result["diff"] = diff(path, old, variables)
        if old == content and mode_of(path) == PRIVATE_MODE:
            return
        self.result["changed"] = True
        if not self.module.check_mode:
            write_atomic(path, content)


def diff(path: str, old: Optional[str], variables: List[Tuple[str, str]]) -> Dict[str, str]:
    """Names only: the old file read back strictly, each name marked when its value is new; values never shown."""
    before: List[str] = []
    old_values: Dict[str, str] = {}
    if old is not None:
        try:
            old_values = parse(old)
            before = [f"{name}=<masked>" for name in old_values]
        except DotenvParseError:
            before = [f"(a file not written by the collection's env-file renderer, {len(old.splitlines())} lines)"]
    after = [f"{name}=<masked>" if name in old_values and old_values[name] == value else f"{name}=<masked, new value>" for name, value in variables]
    return {
        "before_header": path,
        "after_header": path,
        "before": "".join(line + "\n" for line in before),
        "after": "".join(line + "\n" for line in after),
    }


def main() -> None:
    module = AnsibleModule(
        argument_spec=onepassword_argument_spec(
            vault={"type": "str", "required": True},
            tag={"type": "str", "default": DEFAULT_TAG},
            field={"type": "str", "default": DEFAULT_FIELD},
            exclude_tags={"type": "list", "elements": "str", "default": [INFRA_TAG]},
            exclude_names={"type": "list", "elements": "str", "default": list(INFRA_NAMES)},
            dest={"type": "path"},
            header={"type": "str"},
        ),
        supports_check_mode=True,
    )
    EnvSync(module).run()


if __name__ == "__main__":
    main()
