"""First-time provisioning with the hetzner role against realistic action durations: wall time vs. the sum of the actions and vs. the longest chain.

The simulator runs the actions as long as they take at Hetzner (its default
durations: create_server 30 s, start_server 10 s, create_volume 10 s,
attach_volume 5 s, assign_floating_ip 3 s, ...) times 1/BENCH_HCLOUD_SPEED
(default 1: real time). Every figure is given in simulated seconds (wall
seconds x speed), so runs at different speeds compare.

- sum of actions: every action the run started, end to end, as if one
  after another; span: from the first action's start to the last one's end
  (the wall time without Ansible's start-up and the tasks before the first
  action);
- longest chain: create_server -> start_server -> attach_volume ->
  assign_floating_ip, which cannot overlap because each needs the server
  free (the volume's creation, the firewall's application and the
  protection changes can run beside them);
- the role is compared with the same modules run one after another, each
  waiting for its actions (volume created with the server, floating IP
  likewise), which is what a playbook without the overlap does.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
CHAIN = ("create_server", "start_server", "attach_volume", "assign_floating_ip")
PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB bench@sandbox"  # a syntactically valid test key


def _collection_on_path(root: Path) -> str:
    link = root / "ansible_collections" / "boltfoundry" / "infra"
    link.parent.mkdir(parents=True)
    link.symlink_to(REPO, target_is_directory=True)
    return str(root)


def _role_play(poll: float) -> list[dict[str, Any]]:
    variables = {"hetzner_environment": "production", "hetzner_ssh_public_key": PUBLIC_KEY, "hetzner_poll_interval": poll, "hetzner_add_host": False}
    return [{"hosts": "localhost", "connection": "local", "gather_facts": False, "roles": [{"role": "boltfoundry.infra.hetzner", "vars": variables}]}]


def _sequential_play(poll: float) -> list[dict[str, Any]]:
    """The same resources, each module waiting for its actions before the next starts."""
    labels = {"environment": "production"}
    tasks = [
        {"boltfoundry.infra.hcloud_ssh_key": {"name": "boltfoundry-com", "public_key": PUBLIC_KEY, "labels": labels}},
        {
            "boltfoundry.infra.hcloud_firewall": {
                "name": "boltfoundry-com",
                "rules": [{"direction": "in", "protocol": "tcp", "port": "22", "source_ips": ["0.0.0.0/0", "::/0"]}],
                "labels": labels,
            },
            "register": "firewall",
        },
        {
            "boltfoundry.infra.hcloud_server": {
                "name": "boltfoundry-com",
                "server_type": "cpx22",
                "image": "ubuntu-22.04",
                "location": "ash",
                "ssh_keys": ["boltfoundry-com"],
                "firewalls": ["{{ firewall.hcloud_firewall.id }}"],
                "labels": labels,
                "delete_protection": True,
                "state": "started",
            },
            "register": "server",
        },
        {
            "boltfoundry.infra.hcloud_volume": {
                "name": "boltfoundry-com-data",
                "size": 10,
                "server": "{{ server.hcloud_server.id }}",
                "format": "ext4",
                "labels": labels,
                "delete_protection": True,
            }
        },
        {
            "boltfoundry.infra.hcloud_floating_ip": {
                "name": "boltfoundry-com",
                "server": "{{ server.hcloud_server.id }}",
                "labels": labels,
                "delete_protection": True,
            }
        },
    ]
    for index, task in enumerate(tasks):
        task["name"] = f"step {index + 1}"
    defaults = {"group/boltfoundry.infra.hcloud": {"poll_interval": poll}}
    return [{"hosts": "localhost", "connection": "local", "gather_facts": False, "module_defaults": defaults, "tasks": tasks}]


def _actions(admin: Any) -> list[dict[str, Any]]:
    project = next(project for project in admin.state()["projects"] if project["name"] == "production")
    return project["actions"]


def _scenario(label: str, plays: list[dict[str, Any]], speed: float, collections: str, work: Path) -> None:
    from sandbox.common.server import SimServer  # noqa: PLC0415 - imported once the benchmark runs
    from sandbox.hcloud import DEFAULT_DURATIONS, SANDBOX_TOKENS, HcloudAdmin, HcloudService  # noqa: PLC0415
    from tests.harness import AnsibleRunner  # noqa: PLC0415 - test tooling, only for this figure

    server = SimServer(HcloudService(speed=speed), "127.0.0.1", 0).start()
    try:
        admin = HcloudAdmin(server.url)
        env = {"HCLOUD_ENDPOINT": server.url + "/v1", "HCLOUD_TOKEN": SANDBOX_TOKENS["production"]}
        runner = AnsibleRunner(collections, work / label.replace(" ", "-"))
        started = time.perf_counter()
        run = runner.playbook(plays, env=env)
        wall = time.perf_counter() - started
        assert run.rc == 0, run.output
        requests = len(admin.requests())
        actions = _actions(admin)
        admin.reset_requests()
        again = runner.playbook(plays, env=env)
        assert again.rc == 0 and again.changed() == 0, again.output
        reads = len(admin.requests())
    finally:
        server.stop()
    total = sum(action["duration"] for action in actions)
    chain = sum(DEFAULT_DURATIONS[command] for command in CHAIN)
    span = max(action["finished"] for action in actions) - min(action["started"] for action in actions)
    simulated = wall * speed
    print(
        f"  {label:<22} wall {wall:6.1f} s = {simulated:6.1f} sim s | actions: {len(actions):2d}, sum {total:5.1f} s, "
        f"span {span:5.1f} s | chain {chain:.0f} s | wall/sum {simulated / total:4.2f}  wall/chain {simulated / chain:4.2f}  "
        f"span/chain {span / chain:4.2f} | "
        f"requests {requests}, second run {reads} reads"
    )


def main() -> None:
    speed = float(os.environ.get("BENCH_HCLOUD_SPEED", "1"))
    poll = 1.0 / speed  # the modules' default 1 s, in simulated seconds
    print(f"  speed {speed:g} (simulated seconds per wall second); poll_interval {poll:g} s; figures in simulated seconds")
    with tempfile.TemporaryDirectory(prefix="bf-bench-") as work:
        collections = _collection_on_path(Path(work) / "collections")
        sys.path.insert(0, collections)
        try:
            _scenario("hetzner role", _role_play(poll), speed, collections, Path(work))
            _scenario("one after another", _sequential_play(poll), speed, collections, Path(work))
        finally:
            sys.path.remove(collections)
