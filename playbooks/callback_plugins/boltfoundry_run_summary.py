# Copyright: Bolt Foundry
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""boltfoundry.infra.run_summary, loaded by itself for the playbooks in this directory (their run record needs it)."""

from __future__ import annotations

from ansible_collections.boltfoundry.infra.plugins.callback.run_summary import CallbackModule as RunSummaryCallback


class CallbackModule(RunSummaryCallback):
    # A callback next to a playbook loads without being enabled when it does not ask to be.
    CALLBACK_NEEDS_ENABLED = False
