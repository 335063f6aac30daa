"""A client for the hcloud simulator's admin calls, on top of the shared ``AdminClient``."""

from __future__ import annotations

from typing import Any

from sandbox.common.admin import AdminClient


class HcloudAdmin(AdminClient):
    """Request log and faults (shared) plus time, action failures, budgets and state of the hcloud world."""

    def set_speed(self, speed: float) -> None:
        """Simulated seconds per wall-clock second; 0 freezes time (then ``advance`` moves it)."""
        self.call("PUT", "hcloud/speed", {"speed": speed})

    def speed(self) -> float:
        return self.call("GET", "hcloud/speed")["speed"]

    def advance(self, seconds: float) -> None:
        """Move simulated time forward: every action due by then ends."""
        self.call("POST", "hcloud/advance", {"seconds": seconds})

    def set_durations(self, **seconds: float) -> None:
        self.call("PUT", "hcloud/durations", seconds)

    def fail_next(self, command: str | None, *, project: str | None = None, count: int | None = 1, code: str | None = None, message: str | None = None) -> None:
        """Make the next ``count`` actions of ``command`` (None: any command; count None: all) end in error."""
        self.call("POST", "hcloud/fail_next", {"command": command, "project": project, "count": count, "code": code, "message": message})

    def clear_failures(self) -> None:
        self.call("DELETE", "hcloud/fail_next")

    def fail_action(self, action_id: int, *, code: str | None = None, message: str | None = None) -> dict[str, Any]:
        """Make a running action end in error when its time is up."""
        return self.call("POST", "hcloud/fail_action", {"id": action_id, "code": code, "message": message})["action"]

    def set_rate_limit(self, project: str = "production", *, limit: int | None = None, remaining: int | None = None) -> None:
        self.call("PUT", "hcloud/rate_limit", {"project": project, "limit": limit, "remaining": remaining})

    def set_limits(self, project: str = "production", **limits: int) -> None:
        """How many servers, volumes, ... the project may hold (``resource_limit_exceeded`` past that)."""
        self.call("PUT", "hcloud/limits", {"project": project, **limits})

    def add_project(self, name: str, token: str) -> None:
        self.call("POST", "hcloud/projects", {"name": name, "token": token})

    def state(self) -> dict[str, Any]:
        return self.call("GET", "hcloud/state")

    def restore(self, state: dict[str, Any]) -> None:
        self.call("PUT", "hcloud/state", state)

    def reset(self) -> None:
        """An empty world (the projects stay; the request log and fault rules are the shared admin's)."""
        self.call("POST", "hcloud/reset")
