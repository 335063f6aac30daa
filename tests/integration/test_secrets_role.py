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


def test_an_environment_without_a_vault_is_named(ansible: AnsibleRunner, op_sandbox: OnePasswordSandbox, tmp_path: Path) -> None:
    run = ansible.playbook(role_play(secrets_environment="staging", secrets_env_file=str(tmp_path / "app.env")), env=op_sandbox.environment())
    assert run.rc != 0
    assert "secrets_environment staging has no vault in secrets_vaults (known: ci, production)" in run.output
    assert op_sandbox.log() == []


def test_inputs_are_validated_by_the_argument_spec(ansible: AnsibleRunner, op_sandbox: OnePasswordSandbox) -> None:
    run = ansible.playbook(role_play(secrets_environment="production", secrets_set=[{"value": "x"}]), env=op_sandbox.environment())
    assert run.rc != 0
    message = run.output
    assert "secrets_env_file" in message
    assert "name" in message
    assert op_sandbox.log() == []


def test_the_kamal_role_deploys_what_the_secrets_role_synced(
    ansible: AnsibleRunner, op_sandbox: OnePasswordSandbox, kamal_standin, kamal_app: Path, tmp_path: Path
) -> None:
    """The kamal role reads what the secrets role synced by default; a first --check is a plan, not a failure (STAND-IN kamal)."""
    env_file = tmp_path / "production.env"
    plays = [
        {
            "name": "deploy",
            "hosts": "localhost",
            "connection": "local",
            "gather_facts": False,
            "roles": [
                {"role": "boltfoundry.infra.secrets", "vars": {"secrets_environment": "production", "secrets_env_file": str(env_file)}},
                {
                    "role": "boltfoundry.infra.kamal",
                    "vars": {
                        "kamal_app_dir": str(kamal_app),
                        "kamal_service": "bolt",
                        "kamal_image": "boltfoundry/bolt",
                        "kamal_floating_ip": "203.0.113.10",
                        "kamal_app_domain": "app.boltfoundry.test",
                        "kamal_executable": str(kamal_standin.executable),
                    },
                },
            ],
        }
    ]
    planned = ansible.playbook(plays, env=op_sandbox.environment(), check=True, diff=True).assert_ok()
    assert planned.changed() > 0 and not env_file.exists() and not (kamal_app / ".kamal" / "secrets").exists()
    assert kamal_standin.state()["hosts"] == {}
    run = ansible.playbook(plays, env=op_sandbox.environment()).assert_ok()
    app_secrets = op_sandbox.app_secrets("Production", infra=INFRA)
    environment = kamal_standin.state()["hosts"]["203.0.113.10"]["env"]
    expected = {name: value for name, value in app_secrets.items() if name != "KAMAL_REGISTRY_PASSWORD"}
    assert {name: environment[name] for name in expected} == expected  # hostile values arrive unchanged
    assert not set(environment) & {"HCLOUD_TOKEN", "CLOUDFLARE_API_TOKEN", "S3_SECRET_ACCESS_KEY", "KAMAL_REGISTRY_PASSWORD"}
    leaked = [value for value in op_sandbox.all_values() if len(value) > 3 and value in run.output + planned.output]
    assert leaked == []
    again = ansible.playbook(plays, env=op_sandbox.environment()).assert_ok()
    assert again.changed() == 0, again.output
