"""Run a simulator in-process for one test, and fail the test if the simulator itself broke."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sandbox.common.admin import AdminClient
from sandbox.common.server import Service, SimServer


@contextmanager
def running(service: Service, **options: Any) -> Iterator[SimServer]:
    """Serve ``service`` on a free loopback port for the duration of the block."""
    server = SimServer(service, "127.0.0.1", 0, **options).start()
    try:
        yield server
    finally:
        server.stop()
    # A simulator bug answered as a 500 would look like an API fault to the code
    # under test; make it a test failure instead.
    assert not server.internal_errors, "simulator raised:\n" + "\n".join(server.internal_errors)


def admin(server: SimServer) -> AdminClient:
    return AdminClient(server.url)
