"""kamal_config through real ansible-playbook: the files it writes, check and diff, idempotence, refusals, and no secret in any output."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ansible_collections.boltfoundry.infra.plugins.module_utils import dotenv
from tests.harness.dotenv_gem import container_environment, parse
from tests.harness.ruby import load_deploy_yml

MODULE = "boltfoundry.infra.kamal_config"
MARKER = Path("/tmp/bf-kamal-config-pwned")
HOSTILE = {
    "SINGLE": "it's",
    "DOUBLE": 'say "hi"',
    "WORD": "$word",
    "BRACED": "${X}",
    "COMMAND": f"$(touch {MARKER})",
    "HASH": "value #not-a-comment",
    "UNICODE": "héllo wörld ✓ 🚀",
    "ERB_LOOKING": "<%= `touch /tmp/bf-kamal-config-pwned` %>",
}
REGISTRY_TOKEN = "ghp_fake-registry-token-0000"


def arguments(app: Path, **changes) -> dict:
    args = {
        "app_dir": str(app),
        "service": "bolt",
        "image": "boltfoundry/bolt",
        "servers": {"web": ["203.0.113.10"]},
        "proxy": {"host": "app.boltfoundry.com", "ssl": True, "app_port": 8000, "healthcheck": {"path": "/up"}},
        "registry": {"server": "ghcr.io", "username": "boltfoundry", "password": ["KAMAL_REGISTRY_PASSWORD"]},
        "volumes": ["/mnt/data/bolt:/data"],
        "env_clear": {"PORT": 8000, "BF_ENV": "production"},
        "infra_secrets": ["HCLOUD_TOKEN"],
    }
    args.update(changes)
    return args


def synced_file(tmp_path: Path, values: dict[str, str]) -> Path:
    """The env file the secrets role writes (dotenv.render, mode 0600)."""
    path = tmp_path / "synced.env"
    path.write_text(dotenv.render(values))
    path.chmod(0o600)
    return path


def test_writes_validated_files_then_changes_nothing(ansible, tmp_path: Path) -> None:
    app = tmp_path / "app"
    app.mkdir()
    values = {**HOSTILE, "KAMAL_REGISTRY_PASSWORD": REGISTRY_TOKEN, "HCLOUD_TOKEN": "fake-hcloud-0000"}
    source = synced_file(tmp_path, values)
    args = arguments(app, secrets_file=str(source), secret_names=sorted(values))

    planned, run = ansible.module(MODULE, args, check=True, diff=True)
    assert planned.changed and not planned.failed, run.output
    assert not (app / "config").exists() and not (app / ".kamal").exists()
    assert "+    - BRACED" in run.stdout  # the diff shows the config in full...
    assert "+  host: app.boltfoundry.com" in run.stdout
    assert "+KAMAL_REGISTRY_PASSWORD=<hidden>" in run.stdout  # ...and, for secrets, names only

    result, run = ansible.module(MODULE, args, diff=True, verbosity=4)
    assert result.changed and not result.failed, run.output
    for value in values.values():
        assert value not in run.output
    assert result["env_secret"] == sorted(HOSTILE)  # neither the registry token nor the infra token
    assert result["secret_names_written"] == sorted([*HOSTILE, "KAMAL_REGISTRY_PASSWORD"])

    secrets = (app / ".kamal" / "secrets").read_text()
    assert stat.S_IMODE(os.stat(app / ".kamal" / "secrets").st_mode) == 0o600
    assert "HCLOUD_TOKEN" not in secrets
    # What Kamal reads, and what reaches the container through its env file and Docker.
    reading = parse(secrets)
    assert reading.commands == []
    assert container_environment(secrets, sorted(HOSTILE)) == HOSTILE
    config = load_deploy_yml((app / "config" / "deploy.yml").read_text())
    assert config["env"] == {"clear": {"BF_ENV": "production", "PORT": 8000}, "secret": sorted(HOSTILE)}
    assert not MARKER.exists()

    again, run = ansible.module(MODULE, args, check=True, diff=True)
    assert not again.changed, run.output
    again, run = ansible.module(MODULE, args)
    assert not again.changed, run.output

    changed_value = synced_file(tmp_path, {**values, "WORD": "$other"})
    after, run = ansible.module(MODULE, {**args, "secrets_file": str(changed_value)}, diff=True)
    assert after.changed and after["secrets_changed"] and not after["config_changed"]
    assert "+WORD=<hidden, changed>" in run.stdout
    assert "$other" not in run.output


def test_refusals_name_the_problem_and_write_nothing(ansible, tmp_path: Path) -> None:
    app = tmp_path / "app"
    app.mkdir()
    secrets = {"KAMAL_REGISTRY_PASSWORD": REGISTRY_TOKEN, "DATABASE_KEY": "fake-db-key-0000"}

    result, run = ansible.module(MODULE, arguments(app, secrets=secrets, extra={"healthcheck": {"path": "/up"}}))
    assert result.failed
    assert result.msg.startswith("The Kamal 2.12.0 configuration for ")
    assert "was refused: unknown key: healthcheck (Kamal 1's top-level healthcheck is proxy/healthcheck in Kamal 2)." in result.msg

    result, run = ansible.module(MODULE, arguments(app, secrets=secrets, env_secret=["DATABASE_KEY", "HYPERDX_API_KEY"]))
    assert result.failed
    assert "env/secret: Secret 'HYPERDX_API_KEY' not found in the secrets option" in result.msg

    result, run = ansible.module(MODULE, arguments(app, secrets=secrets, servers={"web": ["203.0.113.10", "203.0.113.11"]}, builder={}))
    assert result.failed
    assert result["problems"] == [
        "builder: Builder arch not set",
        "SSL is only supported on a single server unless you provide custom certificates, found 2 servers for role web",
    ]

    pem = "-----BEGIN PRIVATE KEY-----\nMIIEfakefakefake\n-----END PRIVATE KEY-----"
    result, run = ansible.module(MODULE, arguments(app, secrets={**secrets, "SIGNING_KEY": pem}), verbosity=4)
    assert result.failed
    assert "env/secret: secret SIGNING_KEY cannot reach the container unchanged: its value holds a line break" in result.msg
    assert "base64" in result.msg
    assert "MIIEfakefakefake" not in run.output

    result, run = ansible.module(MODULE, arguments(app, secrets={**secrets, "HCLOUD_TOKEN": "x"}, env_secret=["HCLOUD_TOKEN"]))
    assert result.failed
    assert "HCLOUD_TOKEN is an infra-only secret" in result.msg

    hand_written = tmp_path / "hand.env"
    hand_written.write_text("KAMAL_REGISTRY_PASSWORD='ok'\nDATABASE_KEY=$(op read op://vault/db)\n")
    result, run = ansible.module(MODULE, arguments(app, secrets_file=str(hand_written)))
    assert result.failed
    assert result.msg == (
        f"secrets_file {hand_written} is not an env file written by boltfoundry.infra: "
        "line 2: DATABASE_KEY: is not written the way render writes its value, so the dotenv gem may read it differently."
    )

    assert list(app.iterdir()) == []


def test_a_folder_that_cannot_be_written_fails_in_one_sentence(ansible, tmp_path: Path) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "config").write_text("a file where the config folder should be")
    values = {"KAMAL_REGISTRY_PASSWORD": REGISTRY_TOKEN}
    result, run = ansible.module(MODULE, arguments(app, secrets_file=str(synced_file(tmp_path, values)), secret_names=sorted(values)))
    assert result.failed, run.output
    assert result.msg == f"cannot read {app / 'config' / 'deploy.yml'}: NotADirectoryError: Not a directory", result.msg
    assert "Traceback" not in run.output
    assert not (app / ".kamal" / "secrets").exists()


def test_check_mode_plans_a_secrets_file_that_an_earlier_task_only_planned(ansible, tmp_path: Path) -> None:
    app = tmp_path / "app"
    app.mkdir()
    not_yet = tmp_path / "synced.env"  # the secrets role writes it for real only outside check mode
    names = ["DATABASE_KEY", "HYPERDX_API_KEY", "KAMAL_REGISTRY_PASSWORD"]
    planned, run = ansible.module(MODULE, arguments(app, secrets_file=str(not_yet), secret_names=names), check=True, diff=True)
    assert planned.changed and not planned.failed, run.output
    assert planned["env_secret"] == ["DATABASE_KEY", "HYPERDX_API_KEY"]
    assert planned["secrets_changed"] is True
    assert any("does not exist yet (check mode)" in warning for warning in planned.get("warnings", []))
    assert not (app / "config").exists() and not (app / ".kamal").exists()

    result, run = ansible.module(MODULE, arguments(app, secrets_file=str(not_yet), secret_names=names))
    assert result.failed and result.msg == f"secrets_file {not_yet} does not exist.", run.output
