"""Helpers shared by the hcloud simulator tests."""

from __future__ import annotations

import base64
import struct

import pytest
from hcloud import Client
from hcloud.images import Image
from hcloud.locations import Location
from hcloud.server_types import ServerType
from hcloud.servers import BoundServer

from tests.fixtures.hcloud import HcloudSim


def public_key(seed: int) -> str:
    """A syntactically valid ed25519 public key, different for every seed (tests need many unique ones)."""
    blob = struct.pack(">I", 11) + b"ssh-ed25519" + struct.pack(">I", 32) + seed.to_bytes(32, "big")
    return f"ssh-ed25519 {base64.b64encode(blob).decode()} test-{seed}@sandbox"


def make_server(client: Client, name: str, *, location: str = "ash", server_type: str = "cpx22", wait: bool = True, **options: object) -> BoundServer:
    """Create a server and (by default) wait for its create and start actions."""
    created = client.servers.create(
        name=name, server_type=ServerType(name=server_type), image=Image(name="ubuntu-22.04"), location=Location(name=location), **options
    )
    if wait:
        created.action.wait_until_finished()
        for action in created.next_actions:
            action.wait_until_finished()
    return client.servers.get_by_id(created.server.id)


@pytest.fixture
def client(hcloud_sim: HcloudSim) -> Client:
    return hcloud_sim.client()
