# Copyright: Bolt Foundry
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read secrets from 1Password by op:// reference, every term of a call in one request."""

from __future__ import annotations

DOCUMENTATION = r"""
name: onepassword
short_description: Read secrets from 1Password by op:// secret reference
version_added: 0.1.0
description:
  - Returns the value of each secret reference, C(op://vault/item/[section/]field), through the 1Password SDK and a
    service account. Vaults, items, sections and fields are named by title (ignoring case) or by id; the query
    parameters C(?attribute=otp) (the current one-time code) and C(?ssh-format=openssh) are supported.
  - All the terms of one call are resolved in one request (C(secrets.resolve_all)). Values are kept for the rest of the playbook run, so using
    the same variable again makes no request (see O(cache)).
  - A term without C(op://) is relative to O(vault), as C(item/[section/]field), or only C(item) for its O(field).
  - No value is ever logged; errors name the reference, never its value.
author:
  - Bolt Foundry (@boltfoundry)
options:
  _terms:
    description: Secret references, or references relative to O(vault).
    required: true
    type: list
    elements: str
  vault:
    description:
      - The vault of terms that do not start with C(op://).
    type: str
  field:
    description:
      - The field of terms that name only an item (no C(/)), relative to O(vault).
    type: str
    default: password
  on_missing:
    description:
      - What to do with a reference that does not resolve (not valid; vault, item, section or field not found; ambiguous).
        V(error) fails, naming every such reference and why; V(warn) warns and leaves the term out of the result;
        V(skip) only leaves it out.
      - A refused token, a refused permission or a rate limit fails whatever this says.
      - Ansible's own C(errors=strict|warn|ignore), which every lookup takes, applies to the whole call instead, refused
        tokens included; with it, a failed call gives no value at all.
    type: str
    choices: [error, warn, skip]
    default: error
  cache:
    description:
      - Keep resolved values for the rest of the playbook run, shared by its tasks, and answer from them.
      - The values are held in memory and, encrypted with a key derived from the token, in the run's own temporary
        directory, which ansible-playbook removes when it exits.
      - Set V(false) to read 1Password again, for example after M(boltfoundry.infra.onepassword_secret) changed a value
        earlier in the same run.
    type: bool
    default: true
extends_documentation_fragment:
  - boltfoundry.infra.onepassword.lookup
"""

EXAMPLES = r"""
- name: Pass the database URL to a task without printing it
  ansible.builtin.template:
    src: database.yml.j2
    dest: /srv/app/config/database.yml
    mode: "0600"
  vars:
    database_url: "{{ lookup('boltfoundry.infra.onepassword', 'op://Production/DATABASE_URL/password') }}"

- name: Read several secrets in one request
  ansible.builtin.set_fact:
    infra_tokens: "{{ query('boltfoundry.infra.onepassword', 'HCLOUD_TOKEN', 'CLOUDFLARE_API_TOKEN', vault='Production') }}"
  no_log: true

- name: A field in a section, and the current one-time code of a login
  ansible.builtin.debug:
    msg: "{{ lookup('boltfoundry.infra.onepassword', 'op://CI/Admin console/Admin/email') }}"

- name: Optional secret, empty when it is missing
  ansible.builtin.set_fact:
    sentry_dsn: "{{ lookup('boltfoundry.infra.onepassword', 'SENTRY_DSN', vault='Production', on_missing='skip') }}"
  no_log: true
"""

RETURN = r"""
_raw:
  description: The value of each reference that resolved, in the order of the terms.
  type: list
  elements: str
"""

from typing import Any, Dict, List

from ansible import constants as C
from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase
from ansible.utils.display import Display

from ansible_collections.boltfoundry.infra.plugins.module_utils.onepassword import OnePasswordError, Session, sandbox_notice, sandbox_vault_file
from ansible_collections.boltfoundry.infra.plugins.plugin_utils.onepassword_cache import RunCache

display = Display()

PER_REFERENCE = frozenset({"invalid_reference", "vault_not_found", "item_not_found", "field_not_found", "ambiguous"})


class LookupModule(LookupBase):
    def reference(self, term: Any) -> str:
        if not isinstance(term, str) or not term:
            raise AnsibleLookupError(f"each term must be a secret reference (a non-empty string), got {type(term).__name__}")
        if term.startswith("op://"):
            return term
        vault = self.get_option("vault")
        if not vault:
            raise AnsibleLookupError(f"{term!r} does not start with op:// and no vault option is set to make it a reference")
        relative = term if "/" in term else f"{term}/{self.get_option('field')}"
        return f"op://{vault}/{relative}"

    def run(self, terms: List[Any], variables: Any = None, **kwargs: Any) -> List[str]:
        self.set_options(var_options=variables, direct=kwargs)
        references = [self.reference(term) for term in terms]
        sandbox = sandbox_vault_file()
        if sandbox:
            display.warning(f"boltfoundry.infra.onepassword: {sandbox_notice(sandbox)}")
        try:
            session = Session(self.get_option("token"))
            values = self.resolve(session, references, sandbox or "1password")
        except OnePasswordError as exc:
            raise AnsibleLookupError(str(exc)) from None
        missing = [value for value in values.values() if isinstance(value, OnePasswordError)]
        if missing and self.get_option("on_missing") == "error":
            reasons = "; ".join(str(error) for error in missing)
            raise AnsibleLookupError(reasons if len(missing) == 1 else f"{len(missing)} secret references did not resolve: {reasons}")
        for error in missing:
            if self.get_option("on_missing") == "warn":
                display.warning(f"boltfoundry.infra.onepassword: {error}")
        return [values[reference] for reference in references if not isinstance(values[reference], OnePasswordError)]

    def resolve(self, session: Session, references: List[str], backend: str) -> Dict[str, Any]:
        """Each reference's value or error: cached ones from the run cache, the rest in one resolve_all."""
        cache = RunCache(getattr(C, "DEFAULT_LOCAL_TMP", None), session.token, backend) if self.get_option("cache") else None
        values: Dict[str, Any] = dict(cache.get(references)) if cache else {}
        missing = list(dict.fromkeys(reference for reference in references if reference not in values))
        if not missing:
            return values
        resolved: Dict[str, str] = {}
        for reference, (value, error) in session.resolve_all(missing).items():
            if error is not None:
                if error.kind not in PER_REFERENCE:
                    raise error
                values[reference] = error
            else:
                resolved[reference] = values[reference] = value
        if cache:
            cache.put(resolved)
        return values
