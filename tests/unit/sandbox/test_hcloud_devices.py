"""Volume device links for stand-in hosts: they follow attachments in the simulated world, as udev does on a server."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from sandbox.hcloud.devices import LINK_TARGET
from tests.fixtures.hcloud import HcloudSim


def links(directory: Path) -> dict[str, str]:
    return {entry.name: os.readlink(entry) for entry in directory.iterdir()} if directory.is_dir() else {}


def test_an_attached_volume_appears_for_its_server_until_it_is_detached(hcloud_sim_factory: Callable[..., HcloudSim], tmp_path: Path) -> None:
    sim = hcloud_sim_factory(device_links=str(tmp_path / "devices"))
    client = sim.client()
    server = client.servers.create(
        name="boltfoundry-com", server_type=client.server_types.get_by_name("cpx22"), image=client.images.get_by_name_and_architecture("ubuntu-22.04", "x86")
    )
    for action in [server.action, *server.next_actions]:
        action.wait_until_finished()
    folder = tmp_path / "devices" / "production" / "boltfoundry-com"
    assert links(folder) == {}

    volume = client.volumes.create(size=10, name="boltfoundry-com-data", server=server.server, format="ext4")
    for action in [volume.action, *volume.next_actions]:
        action.wait_until_finished()
    assert links(folder) == {f"scsi-0HC_Volume_{volume.volume.id}": LINK_TARGET}
    # The other project's servers and folders are untouched.
    assert [path.name for path in (tmp_path / "devices").iterdir()] == ["production"]

    client.volumes.detach(volume.volume).wait_until_finished()
    assert links(folder) == {}

    client.volumes.attach(volume.volume, server.server).wait_until_finished()
    client.servers.delete(server.server).wait_until_finished()
    client.volumes.get_by_id(volume.volume.id)  # any request lets the world catch up
    assert folder.is_dir() and links(folder) == {}  # emptied, not removed: a stand-in may have it mounted
