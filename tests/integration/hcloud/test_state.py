"""The world kept in a state file, snapshots and resets over the admin path, and the command line."""

from __future__ import annotations

import json
import signal
import subprocess
import sys

from hcloud import Client

from sandbox.hcloud import SANDBOX_TOKENS
from tests.fixtures.hcloud import FAST_SPEED, HcloudSim
from tests.integration.hcloud.conftest import make_server, public_key


def test_a_restart_on_the_state_file_sees_the_same_world_and_time_went_on(hcloud_sim_factory, tmp_path) -> None:
    state = tmp_path / "hcloud.json"
    first = hcloud_sim_factory(state_file=str(state), speed=0)  # time stands still in the first run
    created = make_server(first.client(), "persisted", wait=False)
    first.server.stop()
    saved = json.loads(state.read_text())
    assert [server["name"] for server in saved["projects"][0]["resources"]["servers"]] == ["persisted"]

    second = hcloud_sim_factory(state_file=str(state), speed=FAST_SPEED)
    client = second.client()
    server = client.servers.get_by_id(created.id)
    assert server.status == "initializing"  # nothing happened while nobody ran the world
    client.servers.get_actions_list(server).actions[0].wait_until_finished()
    key = client.ssh_keys.create(name="after-restart", public_key=public_key(1))
    assert key.id > 50_000_000  # ID counters continue
    assert client.servers.get_by_id(created.id).status in ("starting", "running")


def test_snapshot_restore_and_reset_over_the_admin_path(hcloud_sim: HcloudSim, hcloud_sim_factory, client: Client) -> None:
    make_server(client, "kept")
    snapshot = hcloud_sim.admin.state()
    hcloud_sim.admin.reset()
    assert client.servers.get_all() == []
    assert client.locations.get_by_name("ash") is not None  # the catalog is not state

    other = hcloud_sim_factory()
    other.admin.restore(snapshot)
    assert [server.name for server in other.client().servers.get_all()] == ["kept"]


def test_the_command_line_serves_keeps_state_and_stops_on_sigterm(repo_root, tmp_path) -> None:
    state = tmp_path / "world.json"

    def run(*extra: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "sandbox.hcloud", "--port", "0", "--state", str(state), "--idle-exit", "30", *extra],
            cwd=repo_root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    first = run("--speed", "500", "--project", "qa=sandbox-qa-token")
    try:
        url = first.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        Client(SANDBOX_TOKENS["production"], api_endpoint=url + "/v1").ssh_keys.create(name="cli", public_key=public_key(1))
        Client("sandbox-qa-token", api_endpoint=url + "/v1").ssh_keys.create(name="qa", public_key=public_key(1))
        first.send_signal(signal.SIGTERM)
        assert first.wait(timeout=10) == 0
    finally:
        first.kill()
        first.wait()
        first.stdout.close()
        first.stderr.close()

    second = run()
    try:
        url = second.stdout.readline().strip()
        assert [key.name for key in Client(SANDBOX_TOKENS["production"], api_endpoint=url + "/v1").ssh_keys.get_all()] == ["cli"]
        assert [key.name for key in Client("sandbox-qa-token", api_endpoint=url + "/v1").ssh_keys.get_all()] == ["qa"]
    finally:
        second.terminate()
        second.wait(timeout=10)
        second.stdout.close()
        second.stderr.close()


def test_the_command_line_refuses_a_malformed_project(repo_root) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "sandbox.hcloud", "--project", "no-token"], cwd=repo_root, capture_output=True, text=True, timeout=30, check=False
    )
    assert completed.returncode == 2
    assert "--project takes NAME=TOKEN" in completed.stderr
