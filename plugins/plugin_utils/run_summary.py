# Copyright: Bolt Foundry
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a playbook run changed so far, per role: kept by the ``run_summary`` callback, read by the lookup of that name.

The callback runs in ansible-playbook's main process and sees every task
result; tasks run in worker processes forked from it. The summary therefore
goes through a file in the run's own temporary directory
(``DEFAULT_LOCAL_TMP``, created for the run and removed when ansible-playbook
exits), written whole after each result. It holds task names and counts only,
never a result's values.
"""

from __future__ import annotations

import datetime
import json
import os
import tempfile
import uuid
from typing import Any, Dict, List, Optional

FILE_NAME = "boltfoundry-run-summary.json"
NO_ROLE = "(playbook)"
STATUSES = ("ok", "changed", "skipped", "failed", "unreachable", "ignored")


def summary_path(local_tmp: Optional[str]) -> Optional[str]:
    if not local_tmp or not os.path.isdir(local_tmp):
        return None
    return os.path.join(local_tmp, FILE_NAME)


class RunSummary:
    """Counts per role, and for each role the tasks that changed something (how many hosts or loop items each)."""

    def __init__(self, playbook: str, check_mode: bool) -> None:
        self.data: Dict[str, Any] = {
            "playbook": playbook,
            # Tells apart two runs that start in the same second (the record's key has both).
            "run_id": uuid.uuid4().hex[:12],
            "started": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "check_mode": check_mode,
            "changed": 0,
            "failed": 0,
            "roles": {},
        }

    def add(self, role: Optional[str], task: str, status: str, changed: int) -> None:
        """One task result on one host: ``status`` is one of STATUSES except changed; ``changed`` counts what changed."""
        entry = self.data["roles"].setdefault(role or NO_ROLE, {**dict.fromkeys(STATUSES, 0), "changed_tasks": {}})
        entry[status] += 1
        if status in ("failed", "unreachable"):
            self.data["failed"] += 1
        if changed:
            entry["changed"] += 1
            entry["changed_tasks"][task] = entry["changed_tasks"].get(task, 0) + changed
            self.data["changed"] += 1

    def write(self, path: str) -> None:
        """Replace the file in one rename, so a reader never sees half of it."""
        fd, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=f".{FILE_NAME}.")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(self.data, handle, sort_keys=True)
        os.replace(temporary, path)


def changed_count(result: Dict[str, Any]) -> int:
    """How much a result changed: its changed loop items, or one."""
    if not result.get("changed"):
        return 0
    items: List[Any] = result.get("results") or []
    return max(1, sum(1 for item in items if isinstance(item, dict) and item.get("changed")))


def read(path: Optional[str]) -> Optional[Dict[str, Any]]:
    if not path or not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)
