"""Volume device links for local stand-in hosts: what Hetzner's udev rules make on a server.

On a Hetzner server an attached volume appears as
``/dev/disk/by-id/scsi-0HC_Volume_<id>``. The sandbox's servers are records,
not machines; a stand-in host (a local container, ``tools/standin``) mounts
``<root>/<project>/<server name>`` at ``/dev/disk/by-id`` and sees there a
link for each volume attached to the simulated server of that name, the moment
the simulated attachment ends and until it is undone. Each link points at
``/dev/hcloud-volume``, the stand-in's one volume device. The links follow
the world after every request (actions end when a request arrives).
"""

from __future__ import annotations

import os
from pathlib import Path

from sandbox.hcloud.world import World

LINK_TARGET = "/dev/hcloud-volume"


def link_name(volume_id: int) -> str:
    return f"scsi-0HC_Volume_{volume_id}"


class DeviceLinks:
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def wanted(self, world: World) -> dict[Path, set[str]]:
        """For each server of each project, the links its attached volumes make."""
        found: dict[Path, set[str]] = {}
        for project in world.projects.values():
            servers = project.records("servers")
            by_id = {server_id: self.root / project.name / server["name"] for server_id, server in servers.items()}
            for directory in by_id.values():
                found.setdefault(directory, set())
            for volume in project.records("volumes").values():
                if volume.get("server") in by_id:
                    found[by_id[volume["server"]]].add(link_name(volume["id"]))
        return found

    def sync(self, world: World) -> None:
        wanted = self.wanted(world)
        # Directories of servers that are gone are emptied, not removed: a stand-in may have one mounted.
        existing = [path for path in self.root.glob("*/*") if path.is_dir()] if self.root.is_dir() else []
        for directory in set(existing) | set(wanted):
            names = wanted.get(directory, set())
            directory.mkdir(parents=True, exist_ok=True)
            present = {entry.name for entry in directory.iterdir() if entry.is_symlink()}
            for name in present - names:
                (directory / name).unlink()
            for name in names - present:
                os.symlink(LINK_TARGET, directory / name)
