"""ansible-playbook reaches the simulator through HCLOUD_ENDPOINT / HCLOUD_TOKEN, as the hcloud modules will."""

from __future__ import annotations

from tests.fixtures.hcloud import HcloudSim
from tests.harness import AnsibleRunner
from tests.integration.hcloud.conftest import public_key

ENDPOINT = "{{ lookup('ansible.builtin.env', 'HCLOUD_ENDPOINT') }}"
AUTH = {"Authorization": "Bearer {{ lookup('ansible.builtin.env', 'HCLOUD_TOKEN') }}"}


def test_a_playbook_talks_to_the_simulator_from_the_environment(ansible: AnsibleRunner, hcloud_sim: HcloudSim) -> None:
    tasks = [
        {
            "name": "create an SSH key",
            "ansible.builtin.uri": {
                "url": f"{ENDPOINT}/ssh_keys",
                "method": "POST",
                "headers": AUTH,
                "body_format": "json",
                "body": {"name": "from-ansible", "public_key": public_key(1)},
                "status_code": 201,
            },
        },
        {"name": "list SSH keys", "ansible.builtin.uri": {"url": f"{ENDPOINT}/ssh_keys", "headers": AUTH}, "register": "listed"},
    ]
    run = ansible.playbook([{"hosts": "localhost", "connection": "local", "gather_facts": False, "tasks": tasks}], env=hcloud_sim.env("ci")).assert_ok()
    assert [key["name"] for key in run.task("list SSH keys")["json"]["ssh_keys"]] == ["from-ansible"]
    assert [key.name for key in hcloud_sim.client("ci").ssh_keys.get_all()] == ["from-ansible"]
    assert hcloud_sim.client("production").ssh_keys.get_all() == []
    assert hcloud_sim.admin.count("POST", r"^/v1/ssh_keys$") == 1
