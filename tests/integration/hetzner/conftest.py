"""Helpers for the tests of the hcloud modules and the hetzner role (real ansible-playbook against the simulator)."""

from __future__ import annotations

from typing import Any

from sandbox.common.requestlog import MUTATING_METHODS
from tests.fixtures.hcloud import HcloudSim
from tests.harness import AnsibleRunner, PlaybookRun
from tests.integration.hcloud.conftest import public_key

# The modules' first wait and retry step in tests (their default is 1 s); waits double up to 5 times this.
POLL = 0.02
MODULE_DEFAULTS = {"group/boltfoundry.infra.hcloud": {"poll_interval": POLL}}
ROLE = "boltfoundry.infra.hetzner"
PUBLIC_KEY = public_key(1)
# The role's task names, as the results callback reports them.
SSH_KEY, FIREWALL, SERVER, VOLUME, FLOATING_IP, SERVER_FINISHED = (
    f"{ROLE} : {name}"
    for name in ("SSH key", "Firewall", "Server", "Volume, attached to the server", "Floating IP, assigned to the server", "Server, finished")
)


def tasks_play(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One play on the controller running ``tasks`` with the hcloud modules polling quickly."""
    return [{"name": "hcloud", "hosts": "localhost", "connection": "local", "gather_facts": False, "module_defaults": MODULE_DEFAULTS, "tasks": tasks}]


def task(name: str, module: str, args: dict[str, Any], **keywords: Any) -> dict[str, Any]:
    return {"name": name, f"boltfoundry.infra.{module}": args, **keywords}


def role_vars(**overrides: Any) -> dict[str, Any]:
    return {"hetzner_environment": "production", "hetzner_ssh_public_key": PUBLIC_KEY, "hetzner_poll_interval": POLL, **overrides}


def role_play(**overrides: Any) -> list[dict[str, Any]]:
    """The role in a play on the controller, then a play on the host it added (debug only, no connection)."""
    return [
        {"name": "provision", "hosts": "localhost", "connection": "local", "gather_facts": False, "roles": [{"role": ROLE, "vars": role_vars(**overrides)}]},
        {
            "name": "on the added host",
            "hosts": "hetzner",
            "gather_facts": False,
            "tasks": [
                {
                    "name": "host facts",
                    "ansible.builtin.debug": {"msg": "{{ {'ansible_host': ansible_host, 'volume': hetzner_volume, 'floating_ip': hetzner_floating_ip} }}"},
                }
            ],
        },
    ]


def run_module(ansible: AnsibleRunner, sim: HcloudSim, module: str, args: dict[str, Any], **options: Any) -> tuple[Any, PlaybookRun]:
    """One module, once, quickly polling; returns its result and the run."""
    run = ansible.playbook(tasks_play([task("module under test", module, args)]), env=sim.env(), **options)
    return run.task("module under test"), run


def api_requests(sim: HcloudSim) -> list[tuple[str, str]]:
    """(method, path) of every API request logged since the last reset, in order."""
    return [(entry["method"], entry["path"]) for entry in sim.admin.requests() if entry["path"].startswith("/v1/")]


def writes(sim: HcloudSim) -> list[tuple[str, str]]:
    return [(method, path) for method, path in api_requests(sim) if method in MUTATING_METHODS]


def changed_tasks(run: PlaybookRun) -> set[str]:
    return {result.task for result in run.tasks if result.changed}


def no_secret_in(run: PlaybookRun, sim: HcloudSim) -> None:
    for token in sim.tokens.values():
        assert token not in run.output
