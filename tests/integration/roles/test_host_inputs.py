"""The host role refuses bad inputs with one clear sentence, before it changes anything.

These run the real role through ansible-playbook against this machine in
check mode; every case fails in argument validation or in the role's own
checks, which come before any task that could change the host. The role's
effect on a host is tested by molecule (extensions/molecule/host).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.harness import AnsibleRunner

KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ0s6Vq3PQ6cTqdrgXJ7bO7u5GqIrl8x8cPjU0H1Xq8k ci@example"


@pytest.fixture
def role_runner(collections_path: str, repo_root: Path, tmp_path: Path) -> AnsibleRunner:
    """Runs playbooks with this checkout and the collections the role depends on (ansible.posix, community.general)."""
    bundled = repo_root / ".collections" / "bundled"
    if not (bundled / "ansible_collections" / "community" / "general").is_dir():
        pytest.fail("the role's dependencies are missing: run `make collections` (make integration does)")
    return AnsibleRunner(f"{collections_path}:{bundled}", tmp_path / "ansible")


def run_role(runner: AnsibleRunner, inputs: dict):
    plays = [
        {
            "name": "host role with test inputs",
            "hosts": "localhost",
            "connection": "local",
            "gather_facts": False,
            "tasks": [{"name": "apply the host role", "ansible.builtin.include_role": {"name": "boltfoundry.infra.host"}, "vars": inputs}],
        }
    ]
    return runner.playbook(plays, check=True, diff=True)


def failed_message(run) -> str:
    failed = [task for task in run.tasks if task.failed]
    assert len(failed) == 1, f"expected exactly one failed task:\n{run.output}"
    assert run.changed() == 0, f"nothing may change before the inputs are checked:\n{run.output}"
    return failed[0].msg


def test_missing_ssh_keys_fail_argument_validation(role_runner):
    message = failed_message(run_role(role_runner, {}))
    assert "host_deploy_user_ssh_keys" in message
    assert "missing required arguments" in message


def test_a_wrong_type_fails_argument_validation(role_runner):
    message = failed_message(run_role(role_runner, {"host_deploy_user_ssh_keys": [KEY], "host_volume_fstype": "ntfs"}))
    assert "host_volume_fstype" in message
    assert "ext4, xfs" in message


@pytest.mark.parametrize(
    ("inputs", "expected"),
    [
        ({"host_deploy_user_ssh_keys": []}, "host_deploy_user_ssh_keys must list at least one public key"),
        ({"host_deploy_user_ssh_keys": [KEY, "hunter2"]}, "of which 1 are not such a line"),
        ({"host_deploy_user_ssh_keys": [KEY + "\nssh-rsa AAAAB3 second"]}, "of which 1 are not such a line"),
        ({"host_deploy_user": "root"}, "host_deploy_user 'root' is not a valid non-root user name"),
        ({"host_floating_ip": "203.0.113.256"}, "host_floating_ip '203.0.113.256' is not an IPv4 address"),
        ({"host_floating_ip": "2001:db8::1"}, "host_floating_ip '2001:db8::1' is not an IPv4 address"),
        ({"host_public_interface": "eth0; reboot"}, "host_public_interface 'eth0; reboot' is not a network interface name"),
        ({"host_firewall_allowed_tcp_ports": [80, 443]}, "host_firewall_allowed_tcp_ports must include 22"),
        ({"host_firewall_allowed_udp_ports": [0, 70000]}, "not [0, 70000]"),
        ({"host_app_data_mode": "rwx"}, "host_app_data_mode 'rwx' is not an octal mode"),
        ({"host_app_data_dir": "data"}, "must be absolute paths"),
        ({"host_unattended_upgrades_reboot_time": "4am"}, "host_unattended_upgrades_reboot_time '4am' is not a time of day"),
    ],
)
def test_bad_inputs_fail_with_one_sentence_naming_the_input(role_runner, inputs, expected):
    message = failed_message(run_role(role_runner, {"host_deploy_user_ssh_keys": [KEY], **inputs}))
    assert expected in message
