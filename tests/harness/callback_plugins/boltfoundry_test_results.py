"""Test-only callback: writes every task result as one JSON line.

The test harness enables it with ANSIBLE_CALLBACKS_ENABLED and points
BF_TEST_RESULTS_FILE at a file of its own; the default stdout callback keeps
printing as usual, so tests can check both what a user sees and the result.
"""

from __future__ import annotations

import json
import os

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
name: boltfoundry_test_results
type: aggregate
short_description: Write task results as JSON lines for the test harness
description:
  - Appends one JSON object per task result to the file named by E(BF_TEST_RESULTS_FILE).
requirements:
  - enabled in callbacks_enabled
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "boltfoundry_test_results"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self) -> None:
        super().__init__()
        self._path = os.environ.get("BF_TEST_RESULTS_FILE")
        self._play = None

    def _write(self, record: dict) -> None:
        if not self._path:
            return
        with open(self._path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(record, default=str) + "\n")

    def v2_playbook_on_play_start(self, play) -> None:
        self._play = play.get_name()

    def _task_result(self, status: str, result) -> None:
        task = result.task
        data = dict(result.result)
        self._write(
            {
                "event": "task",
                "play": self._play,
                "task": task.get_name(),
                "action": task.action,
                "host": result.host.get_name(),
                "status": status,
                "changed": bool(data.get("changed", False)),
                "result": data,
            }
        )

    def v2_runner_on_ok(self, result) -> None:
        self._task_result("ok", result)

    def v2_runner_on_failed(self, result, ignore_errors: bool = False) -> None:
        self._task_result("ignored" if ignore_errors else "failed", result)

    def v2_runner_on_skipped(self, result) -> None:
        self._task_result("skipped", result)

    def v2_runner_on_unreachable(self, result) -> None:
        self._task_result("unreachable", result)

    def v2_playbook_on_stats(self, stats) -> None:
        hosts = {host: stats.summarize(host) for host in sorted(stats.processed)}
        self._write({"event": "stats", "hosts": hosts})
