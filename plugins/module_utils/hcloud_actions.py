# Copyright: Bolt Foundry
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Waiting for Hetzner Cloud actions: by time (the module's deadline), with capped backoff, several at once.

The library waits for one action at a time and counts polls; here every
action a step started is polled together (``GET /actions?id=..&id=..``, one
request per poll however many there are), the first poll comes after the
first backoff step (an action is rarely done at once), and the wait ends at
the module's deadline, not after a number of polls.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional, Tuple

from ansible_collections.boltfoundry.infra.plugins.module_utils.hcloud_api import Pacing

# The API answers at most this many actions per request.
IDS_PER_REQUEST = 25


class ActionFailed(Exception):
    """An action ended with status ``error``."""

    def __init__(self, action: Dict[str, Any]) -> None:
        self.action = action
        error = action.get("error") or {}
        super().__init__(f"action {action.get('command')} ({action.get('id')}) failed: {error.get('message', 'no message')} ({error.get('code', 'no code')})")


class WaitTimeout(Exception):
    """The deadline came before the actions ended."""

    def __init__(self, pending: List[Dict[str, Any]], seconds: float) -> None:
        self.pending = pending
        self.seconds = seconds
        names = ", ".join(f"{action.get('command')} ({action.get('id')}, {action.get('progress', 0)}%)" for action in pending)
        super().__init__(f"still running after the timeout of {seconds:g} seconds: {names}")


def action_dict(action: Any) -> Dict[str, Any]:
    """An action as a plain dict, whether the library gave a bound model or the API a dict."""
    if isinstance(action, dict):
        return action
    model = getattr(action, "data_model", action)
    return {
        "id": model.id,
        "command": model.command,
        "status": model.status,
        "progress": model.progress,
        "error": model.error,
    }


class Progress:
    """When running actions will end, judged from how their ``progress`` grew between our polls.

    Only our own clock is used (the API's ``started`` comes from another
    clock). An action whose progress has not grown yet gives no estimate,
    and then neither does the set.
    """

    def __init__(self) -> None:
        self._first: Dict[int, Tuple[float, int]] = {}

    def seen(self, action: Dict[str, Any], now: float) -> None:
        progress = action.get("progress") or 0
        if action["id"] not in self._first and progress > 0:
            self._first[action["id"]] = (now, progress)

    def remaining(self, actions: List[Dict[str, Any]], now: float) -> Optional[float]:
        """Seconds until the last of ``actions`` ends, or None when one of them gives no estimate."""
        longest = 0.0
        for action in actions:
            first = self._first.get(action["id"])
            progress = action.get("progress") or 0
            if first is None or progress <= first[1] or now <= first[0]:
                return None
            rate = (progress - first[1]) / (now - first[0])
            longest = max(longest, (100 - progress) / rate)
        return longest


def wait_for(client: Any, actions: Iterable[Any], pacing: Pacing) -> List[Dict[str, Any]]:
    """Wait until every action has ended; raise ``ActionFailed`` on the first failed one, ``WaitTimeout`` at the deadline.

    Polls back off from ``pacing.first`` up to its cap; once every pending
    action's progress has grown between two polls, the next poll comes when
    they should have ended, if that is sooner (at least a quarter step on).
    """
    known = {item["id"]: item for item in (action_dict(action) for action in actions if action is not None)}
    for action in known.values():
        if action["status"] == "error":
            raise ActionFailed(action)
    pending = {action_id for action_id, action in known.items() if action["status"] == "running"}
    progress = Progress()
    attempt = 0
    while pending:
        delay = pacing.delay(attempt)
        estimate = progress.remaining([known[action_id] for action_id in pending], pacing.clock())
        if estimate is not None:
            delay = min(delay, max(estimate, pacing.first / 4))
        if not pacing.deadline.allows(delay):
            raise WaitTimeout([known[action_id] for action_id in sorted(pending)], pacing.deadline.seconds)
        pacing.sleep(delay)
        attempt += 1
        now = pacing.clock()
        for action in _fetch(client, sorted(pending)):
            known[action["id"]] = action
            progress.seen(action, now)
            if action["status"] == "error":
                raise ActionFailed(action)
            if action["status"] != "running":
                pending.discard(action["id"])
    return list(known.values())


def _fetch(client: Any, ids: List[int]) -> List[Dict[str, Any]]:
    found: List[Dict[str, Any]] = []
    for start in range(0, len(ids), IDS_PER_REQUEST):
        answer = client.request("GET", "/actions", params={"id": ids[start : start + IDS_PER_REQUEST]})
        found.extend(answer.get("actions", []))
    return found


def running(client: Any, collection: str, resource_id: int) -> List[Dict[str, Any]]:
    """The running actions of one resource (``collection`` as in the API path: ``servers``, ``volumes``, ...)."""
    answer = client.request("GET", f"/{collection}/{int(resource_id)}/actions", params={"status": "running"})
    return list(answer.get("actions", []))


def wait_idle(client: Any, resources: Iterable[Any], pacing: Pacing, also: Optional[Iterable[Any]] = None) -> None:
    """Wait until none of ``resources`` (``(collection, id)`` pairs) has a running action, together with the actions in ``also``."""
    actions: List[Dict[str, Any]] = [action_dict(action) for action in (also or []) if action is not None]
    for collection, resource_id in dict.fromkeys(resources):
        if resource_id is not None:
            actions.extend(running(client, collection, resource_id))
    wait_for(client, actions, pacing)
