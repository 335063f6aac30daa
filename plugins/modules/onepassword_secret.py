#!/usr/bin/python
# Copyright: Bolt Foundry
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""secret set: create, update or remove one secret item in a 1Password vault."""

from __future__ import annotations

DOCUMENTATION = r"""
module: onepassword_secret
short_description: Set or remove one secret in a 1Password vault ("secret set")
version_added: 0.1.0
description:
  - Creates, updates or removes one secret item in a 1Password vault, through the 1Password SDK and a service account.
  - A secret is an item of category Password whose title is the variable name O(name) and whose concealed field
    O(field) holds the value. It carries the tags O(tags); C(BF_PRIVATE_SECRET) by default, which makes
    M(boltfoundry.infra.onepassword_env) write it into the app's env file.
  - Nothing is written when the value and the tags are already there. The diff names the field and the tags and masks
    the value; no value is ever returned or logged.
  - Calls to 1Password; one C(vaults.list), one C(items.list), one C(items.get) when the item exists, and one write
    (C(items.create), C(items.put) or C(items.delete)) only when something changes.
  - Replaces the source design's C(bft sitevar secret set NAME value).
author:
  - Bolt Foundry (@boltfoundry)
options:
  name:
    description:
      - The secret's name, which is the item's title and the variable name in env files.
      - Letters, digits and C(_), not starting with a digit.
      - Two active items with this title in the vault are an error that names both ids.
    type: str
    required: true
  value:
    description:
      - The secret's value. Any text, including an empty one.
      - Required when O(state=present).
    type: str
  vault:
    description:
      - The vault, by name or id. It must be shared with the service account, with write access to change it.
    type: str
    required: true
  field:
    description:
      - The field that holds the value, by id or title. It is added as a concealed field if the item lacks it.
    type: str
    default: password
  tags:
    description:
      - Tags the item must carry. Tags it has besides these are kept unless O(purge_tags=true).
    type: list
    elements: str
    default: [BF_PRIVATE_SECRET]
  purge_tags:
    description:
      - Remove the item's tags that are not in O(tags).
    type: bool
    default: false
  state:
    description:
      - V(present) sets the value and tags; V(absent) deletes the item.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - boltfoundry.infra.onepassword
attributes:
  check_mode:
    description: Reports what would change without writing to 1Password.
    support: full
  diff_mode:
    description: Shows the vault, item, field and tags before and after; the value is masked.
    support: full
  idempotent:
    description: A second run with the same value and tags changes nothing and makes no write call.
    support: full
  action_group:
    description: Use C(group/boltfoundry.infra.onepassword) in C(module_defaults) to set O(token) once.
    support: full
    membership:
      - boltfoundry.infra.onepassword
"""

EXAMPLES = r"""
- name: Set the app's database URL in the Production vault
  boltfoundry.infra.onepassword_secret:
    name: DATABASE_URL
    value: "{{ new_database_url }}"
    vault: Production
  delegate_to: localhost

- name: Store an infra-only token that the app must never get
  boltfoundry.infra.onepassword_secret:
    name: HCLOUD_TOKEN
    value: "{{ hcloud_token }}"
    vault: Production
    tags: [BF_INFRA_SECRET]
    purge_tags: true
  delegate_to: localhost

- name: Remove a retired secret
  boltfoundry.infra.onepassword_secret:
    name: OLD_API_KEY
    vault: CI
    state: absent
  delegate_to: localhost
"""

RETURN = r"""
action:
  description: What was done (or would be, in check mode).
  returned: always
  type: str
  sample: updated
  choices: [created, updated, deleted, unchanged]
item:
  description: The item, without any value; C(null) when it does not exist (after removal, or before creation in check mode).
  returned: always
  type: dict
  contains:
    id:
      description: The item's id.
      type: str
      sample: 2fwfzpvjvaey2lwph5jupovjaq
    title:
      description: The item's title, the secret's name.
      type: str
      sample: DATABASE_URL
    vault_id:
      description: The vault's id.
      type: str
    vault:
      description: The vault's title.
      type: str
      sample: Production
    version:
      description: The item's version in 1Password.
      type: int
    tags:
      description: The item's tags.
      type: list
      elements: str
      sample: [BF_PRIVATE_SECRET]
changed_fields:
  description: Which parts of the item changed (the value's field name, C(tags)); never a value.
  returned: always
  type: list
  elements: str
  sample: [password]
"""

from typing import Any, Dict, List, Optional

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.boltfoundry.infra.plugins.module_utils.dotenv import DotenvError, check_name
from ansible_collections.boltfoundry.infra.plugins.module_utils.onepassword import (
    DEFAULT_FIELD,
    DEFAULT_TAG,
    OnePasswordError,
    field_value,
    new_concealed_field,
    secret_item_params,
)
from ansible_collections.boltfoundry.infra.plugins.module_utils.onepassword_module import OnePasswordModule, onepassword_argument_spec

MASK = "********"
NOTES = "Managed by boltfoundry.infra (onepassword_secret)."


class SecretItem(OnePasswordModule):
    def __init__(self, module: AnsibleModule) -> None:
        super().__init__(module)
        params = module.params
        self.name: str = params["name"]
        self.field: str = params["field"]
        self.tags: List[str] = list(dict.fromkeys(params["tags"]))
        self.result.update(action="unchanged", item=None, changed_fields=[])

    def wanted_tags(self, current: List[str]) -> List[str]:
        if self.module.params["purge_tags"]:
            return list(self.tags)
        return list(current) + [tag for tag in self.tags if tag not in current]

    def describe(self, vault: Any, tags: Optional[List[str]], value_note: Optional[str]) -> str:
        """A diff side: everything but the value, which is only said to be there (and whether it changes)."""
        if tags is None:
            return ""
        lines = [f"vault: {vault.title}", f"item: {self.name}"]
        if value_note is not None:
            lines.append(f"{self.field}: {MASK} ({value_note})")
        lines.append("tags: " + ", ".join(sorted(tags)))
        return "\n".join(lines) + "\n"

    def item_result(self, vault: Any, item: Any) -> Dict[str, Any]:
        return {"id": item.id, "title": item.title, "vault_id": vault.id, "vault": vault.title, "version": item.version, "tags": list(item.tags)}

    def run(self) -> None:
        try:
            check_name(self.name)
        except DotenvError as exc:
            self.fail(OnePasswordError(f"name {exc.name} {exc.problem}", kind="invalid"))
        try:
            self.apply()
        except OnePasswordError as exc:
            self.fail(exc)
        self.exit()

    def find(self, vault: Any) -> Optional[Any]:
        found = [item for item in self.session.list_items(vault) if item.title == self.name]
        if len(found) > 1:
            ids = ", ".join(item.id for item in found)
            raise OnePasswordError(
                f"name {self.name!r} is ambiguous: {len(found)} items in vault {vault.title!r} have that title ({ids}); remove or rename all but one",
                kind="ambiguous",
            )
        return found[0] if found else None

    def apply(self) -> None:
        params = self.module.params
        vault = self.session.vault(params["vault"])
        overview = self.find(vault)
        if params["state"] == "absent":
            self.remove(vault, overview)
        elif overview is None:
            self.create(vault)
        else:
            self.update(vault, overview, retry=True)

    def remove(self, vault: Any, overview: Optional[Any]) -> None:
        if overview is None:
            return
        self.result.update(changed=True, action="deleted", changed_fields=[self.field, "tags"])
        self.result["diff"] = {"before": self.describe(vault, overview.tags, "current value"), "after": ""}
        if not self.module.check_mode:
            self.session.delete_item(vault, overview)

    def create(self, vault: Any) -> None:
        tags = self.wanted_tags([])
        self.result.update(changed=True, action="created", changed_fields=[self.field, "tags"])
        self.result["diff"] = {"before": "", "after": self.describe(vault, tags, "new value")}
        if not self.module.check_mode:
            params = secret_item_params(vault_id=vault.id, title=self.name, field=self.field, value=self.module.params["value"], tags=tags, notes=NOTES)
            self.result["item"] = self.item_result(vault, self.session.create_item(vault, params))

    def update(self, vault: Any, overview: Any, retry: bool) -> None:
        item = self.session.get_item(vault, overview.id)
        value = self.module.params["value"]
        tags = self.wanted_tags(item.tags)
        changed_fields = []
        if field_value(item, self.field) != value:
            changed_fields.append(self.field)
        if sorted(tags) != sorted(item.tags):
            changed_fields.append("tags")
        self.result["item"] = self.item_result(vault, item)
        value_note = "new value" if self.field in changed_fields else "current value"
        self.result["diff"] = {"before": self.describe(vault, item.tags, "current value"), "after": self.describe(vault, tags, value_note)}
        if not changed_fields:
            return
        self.result.update(changed=True, action="updated", changed_fields=changed_fields)
        if self.module.check_mode:
            return
        for candidate in item.fields:
            if self.field in (candidate.id, candidate.title):
                candidate.value = value
                break
        else:
            item.fields.append(new_concealed_field(self.field, value))
        item.tags = tags
        try:
            self.result["item"] = self.item_result(vault, self.session.put_item(vault, item))
        except OnePasswordError as exc:
            if exc.kind != "conflict" or not retry:
                raise
            # Someone saved the item between our read and our write: read it again and redo the comparison.
            self.update(vault, overview, retry=False)


def main() -> None:
    module = AnsibleModule(
        argument_spec=onepassword_argument_spec(
            name={"type": "str", "required": True},
            value={"type": "str", "no_log": True},
            vault={"type": "str", "required": True},
            field={"type": "str", "default": DEFAULT_FIELD},
            tags={"type": "list", "elements": "str", "default": [DEFAULT_TAG]},
            purge_tags={"type": "bool", "default": False},
            state={"type": "str", "choices": ["present", "absent"], "default": "present"},
        ),
        required_if=[("state", "present", ("value",))],
        supports_check_mode=True,
    )
    SecretItem(module).run()


if __name__ == "__main__":
    main()
