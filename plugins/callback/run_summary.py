# Copyright: Bolt Foundry
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Keep what a run changed per role, for the run record."""

from __future__ import annotations

DOCUMENTATION = r"""
name: run_summary
type: aggregate
short_description: Keep what a playbook run changed, per role, for the run record
version_added: 0.1.0
description:
  - Counts every task result per role (ok, changed, skipped, failed, unreachable, and failures the task ignores) and, for each role, the names of the
    tasks that changed something with how many hosts or loop items changed. Tasks outside roles count as C((playbook)).
  - Keeps the summary in a file in the run's own temporary directory, where the P(boltfoundry.infra.run_summary#lookup)
    lookup reads it; ansible-playbook removes that directory when it exits. Task names and counts only, never a result's
    values.
  - The collection's playbooks load it by themselves (from C(playbooks/callback_plugins), next to them); for other
    playbooks enable it in C(callbacks_enabled).
author:
  - Bolt Foundry (@boltfoundry)
requirements:
  - enabled in callbacks_enabled, or loaded next to the collection's playbooks
"""

from typing import Any, Optional

from ansible import constants as C
from ansible import context
from ansible.plugins.callback import CallbackBase

from ansible_collections.boltfoundry.infra.plugins.plugin_utils.run_summary import RunSummary, changed_count, summary_path


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "boltfoundry.infra.run_summary"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self) -> None:
        super().__init__()
        self._summary: Optional[RunSummary] = None
        self._path = summary_path(getattr(C, "DEFAULT_LOCAL_TMP", None))

    def v2_playbook_on_start(self, playbook: Any) -> None:
        # Only the first playbook of the command line names the run (site.yml, not what it imports).
        if self._summary is None:
            name = getattr(playbook, "_file_name", None) or "playbook"
            self._summary = RunSummary(name.rsplit("/", 1)[-1], bool(context.CLIARGS.get("check", False)))

    def _count(self, result: Any, status: str) -> None:
        if self._summary is None or self._path is None:
            return
        task = result.task
        role = task._role.get_name(include_role_fqcn=False) if task._role else None
        changed = changed_count(dict(result.result)) if status == "ok" else 0
        self._summary.add(role, result.task_name or task.action, status, changed)
        self._summary.write(self._path)

    def v2_runner_on_ok(self, result: Any) -> None:
        self._count(result, "ok")

    def v2_runner_on_failed(self, result: Any, ignore_errors: bool = False) -> None:
        self._count(result, "ignored" if ignore_errors else "failed")

    def v2_runner_on_skipped(self, result: Any) -> None:
        self._count(result, "skipped")

    def v2_runner_on_unreachable(self, result: Any) -> None:
        self._count(result, "ignored" if result.task.ignore_unreachable else "unreachable")
