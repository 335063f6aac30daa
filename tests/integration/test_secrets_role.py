"""The secrets role: secret set, then sync to the app's env file, then the names as a fact for Kamal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.fixtures.onepassword import OnePasswordSandbox
from tests.harness import AnsibleRunner
from tests.harness.dotenv_gem import parse

INFRA = ("CLOUDFLARE_API_TOKEN", "DEPLOY_WEBHOOK_TOKEN", "HCLOUD_TOKEN")


def role_play(**role_vars: Any) -> list[dict[str, Any]]:
    return [
        {
            "name": "secrets",
            "hosts": "localhost",
            "connection": "local",
            "gather_facts": False,
            "roles": [{"role": "boltfoundry.infra.secrets", **role_vars}],
            "post_tasks": [{"name": "names", "ansible.builtin.debug": {"var": "secrets_app_secret_names"}}],
        }
    ]


def test_set_then_sync_then_idempotent(ansible: AnsibleRunner, op_sandbox: OnePasswordSandbox, tmp_path: Path) -> None:
    env_file = tmp_path / "secrets"
    plays = role_play(
        secrets_environment="production",
        secrets_env_file=str(env_file),
        secrets_set=[{"name": "NEW_KEY", "value": "new value $X"}, {"name": "HYPERDX_API_KEY", "state": "absent"}],
    )
    planned = ansible.playbook(plays, check=True, diff=True, env=op_sandbox.environment()).assert_ok()
    assert planned.changed() == 2  # the secret-set loop and the sync
    loop = planned.task("boltfoundry.infra.secrets : Set or remove the requested secrets")["results"]
    assert [(r["secrets_name"], r["action"]) for r in loop] == [("NEW_KEY", "created"), ("HYPERDX_API_KEY", "deleted")]
    assert not env_file.exists()
    assert op_sandbox.items("Production", "NEW_KEY") == []

    applied = ansible.playbook(plays, env=op_sandbox.environment()).assert_ok()
    expected = op_sandbox.app_secrets("Production", infra=INFRA)
    assert "NEW_KEY" in expected and "HYPERDX_API_KEY" not in expected
    assert parse(env_file.read_text()).values == expected
    assert env_file.stat().st_mode & 0o777 == 0o600
    assert applied.task("names")["secrets_app_secret_names"] == sorted(expected)
    assert applied.changed() == 2

    again = ansible.playbook(plays, env=op_sandbox.environment()).assert_ok()
    assert again.changed() == 0
    assert again.task("names")["secrets_app_secret_names"] == sorted(expected)


def test_ci_environment_uses_the_ci_vault_and_token_input(ansible: AnsibleRunner, op_sandbox: OnePasswordSandbox, tmp_path: Path) -> None:
    env_file = tmp_path / "ci.env"
    plays = role_play(secrets_environment="ci", secrets_env_file=str(env_file), secrets_token=op_sandbox.tokens["ci"])
    ansible.playbook(plays, env=op_sandbox.environment(None)).assert_ok()
    assert parse(env_file.read_text()).values == op_sandbox.app_secrets("CI", infra=INFRA)


def test_inputs_are_validated_by_the_argument_spec(ansible: AnsibleRunner, op_sandbox: OnePasswordSandbox) -> None:
    run = ansible.playbook(role_play(secrets_environment="production", secrets_set=[{"value": "x"}]), env=op_sandbox.environment())
    assert run.rc != 0
    message = run.output
    assert "secrets_env_file" in message
    assert "name" in message
    assert op_sandbox.log() == []
