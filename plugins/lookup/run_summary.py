# Copyright: Bolt Foundry
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the current playbook run changed so far, per role (kept by the run_summary callback)."""

from __future__ import annotations

DOCUMENTATION = r"""
name: run_summary
short_description: What the current playbook run changed so far, per role
version_added: 0.1.0
description:
  - Returns the summary the P(boltfoundry.infra.run_summary#callback) callback keeps of the running playbook - the
    playbook's file name, when the run started (UTC), whether it runs in check mode, how many task results changed
    something or failed, and per role the counts of task results by status and the names of the tasks that changed
    something with how many hosts or loop items each - plus this collection's version.
  - Task names and counts only, never a result's values.
  - Fails, saying how to turn the callback on, when it is not active in this run.
author:
  - Bolt Foundry (@boltfoundry)
options: {}
"""

EXAMPLES = r"""
- name: Say what the run changed
  ansible.builtin.debug:
    msg: "{{ lookup('boltfoundry.infra.run_summary').roles | dict2items | selectattr('value.changed') | map(attribute='key') }}"
"""

RETURN = r"""
_raw:
  description: One summary.
  type: list
  elements: dict
  contains:
    playbook:
      description: The file name of the playbook the run was started with.
      type: str
      sample: site.yml
    run_id:
      description: A random identifier of this run (twelve hex digits).
      type: str
      sample: 3f9c2a7b1d04
    started:
      description: When the run started, UTC.
      type: str
      sample: "2026-11-29T12:00:00Z"
    check_mode:
      description: Whether the run is a plan (C(--check)).
      type: bool
    changed:
      description: Task results (per host) that changed something, or would in check mode.
      type: int
    failed:
      description: Task results (per host) that failed or found their host unreachable.
      type: int
    roles:
      description:
        - Per role (C((playbook)) for tasks outside roles) - C(ok), C(changed), C(skipped), C(failed), C(unreachable) and
          C(ignored) counts of task results, and C(changed_tasks), the names of the tasks that changed something with how
          many hosts or loop items changed.
      type: dict
    collection_version:
      description: The version of boltfoundry.infra that ran.
      type: str
      sample: 0.1.0
"""

import json
import os
from typing import Any, List

import yaml
from ansible import constants as C
from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase

from ansible_collections.boltfoundry.infra.plugins.plugin_utils.run_summary import read, summary_path

COLLECTION_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def collection_version() -> str:
    """The installed collection's MANIFEST.json, or galaxy.yml in a checkout."""
    manifest = os.path.join(COLLECTION_ROOT, "MANIFEST.json")
    if os.path.exists(manifest):
        with open(manifest, encoding="utf-8") as handle:
            return str(json.load(handle)["collection_info"]["version"])
    with open(os.path.join(COLLECTION_ROOT, "galaxy.yml"), encoding="utf-8") as handle:
        return str(yaml.safe_load(handle)["version"])


class LookupModule(LookupBase):
    def run(self, terms: List[Any], variables: Any = None, **kwargs: Any) -> List[Any]:
        self.set_options(var_options=variables, direct=kwargs)
        summary = read(summary_path(getattr(C, "DEFAULT_LOCAL_TMP", None)))
        if summary is None:
            raise AnsibleLookupError(
                "no run summary: the callback boltfoundry.infra.run_summary is not active in this run; the collection's"
                " playbooks load it by themselves, other playbooks must add it to callbacks_enabled."
            )
        summary["collection_version"] = collection_version()
        return [summary]
