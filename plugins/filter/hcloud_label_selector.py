# Copyright: Bolt Foundry
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The hcloud_label_selector filter; its documentation is in hcloud_label_selector.yml beside it."""

from __future__ import annotations

from typing import Any, Callable, Dict

from ansible.errors import AnsibleFilterError

from ansible_collections.boltfoundry.infra.plugins.module_utils.hcloud_labels import label_selector


def hcloud_label_selector(labels: Any) -> str:
    try:
        return label_selector(labels, "hcloud_label_selector's input")
    except ValueError as exc:
        raise AnsibleFilterError(str(exc)) from None


class FilterModule:
    def filters(self) -> Dict[str, Callable[..., Any]]:
        return {"hcloud_label_selector": hcloud_label_selector}
