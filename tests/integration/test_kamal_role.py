"""The kamal role: the source design's config from what the secrets role synced, then a deploy (to the STAND-IN kamal, NOT real Kamal)."""

from __future__ import annotations

from pathlib import Path

from ansible_collections.boltfoundry.infra.plugins.module_utils import dotenv
from tests.fixtures.kamal import git
from tests.unit.module_utils.kamal_examples import INFRA_SECRETS, PRODUCTION_SECRETS

GOLDEN = Path(__file__).resolve().parent.parent / "unit" / "module_utils" / "golden"


def play(app: Path, synced: Path, names: list[str], executable: Path, **role_vars) -> list[dict]:
    """A deploy play as the collection's playbooks write it: the secrets role's outputs wired into the kamal role."""
    variables = {
        "kamal_app_dir": str(app),
        "kamal_service": "bolt",
        "kamal_image": "boltfoundry/bolt",
        "kamal_floating_ip": "203.0.113.10",
        "kamal_app_domain": "app.boltfoundry.com",
        "kamal_secret_names": names,
        "kamal_secrets_file": str(synced),
        "kamal_executable": str(executable),
        **role_vars,
    }
    return [
        {
            "name": "deploy",
            "hosts": "localhost",
            "connection": "local",
            "gather_facts": False,
            "roles": [{"role": "boltfoundry.infra.kamal", "vars": variables}],
        }
    ]


def sync(tmp_path: Path, values: dict[str, str]) -> tuple[Path, list[str]]:
    """What the secrets role leaves: an env file (dotenv.render, 0600) and the names it synced."""
    path = tmp_path / "synced.env"
    path.write_text(dotenv.render(values))
    path.chmod(0o600)
    return path, sorted(values)


def test_golden_config_then_deploy_then_nothing_then_a_new_secret_redeploys(ansible, kamal_standin, kamal_app: Path, tmp_path: Path) -> None:
    synced, names = sync(tmp_path, {**PRODUCTION_SECRETS, **INFRA_SECRETS})
    head = git(kamal_app, "rev-parse", "HEAD")

    plan = ansible.playbook(play(kamal_app, synced, names, kamal_standin.executable), check=True, diff=True).assert_ok()
    assert plan.task("boltfoundry.infra.kamal : Write config/deploy.yml and .kamal/secrets").changed
    deploy = plan.task("boltfoundry.infra.kamal : Deploy with Kamal")
    assert deploy.changed and "config/deploy.yml is not written yet" in deploy.msg
    assert kamal_standin.calls() == []
    assert not (kamal_app / "config").exists()

    first = ansible.playbook(play(kamal_app, synced, names, kamal_standin.executable)).assert_ok()
    assert first.changed() == 2
    # The golden files: the source design's production config and its secrets (no infra-only token).
    assert (kamal_app / "config" / "deploy.yml").read_text() == (GOLDEN / "deploy.yml").read_text()
    assert (kamal_app / ".kamal" / "secrets").read_text() == (GOLDEN / "secrets").read_text()
    assert kamal_standin.calls() == [["deploy", "--version", head]]  # forced: the config was new
    environment = kamal_standin.state()["hosts"]["203.0.113.10"]["env"]
    assert environment == {"BF_ENV": "production", "PORT": "8000", "DATABASE_KEY": "fake-db-key-0000", "HYPERDX_API_KEY": "fake-hyperdx-0000"}

    second_plan = ansible.playbook(play(kamal_app, synced, names, kamal_standin.executable), check=True, diff=True).assert_ok()
    assert second_plan.changed() == 0
    second = ansible.playbook(play(kamal_app, synced, names, kamal_standin.executable)).assert_ok()
    assert second.changed() == 0
    assert kamal_standin.calls()[-1] == ["app", "version"]

    rotated, names = sync(tmp_path, {**PRODUCTION_SECRETS, **INFRA_SECRETS, "HYPERDX_API_KEY": "rotated-hyperdx-0001"})
    third = ansible.playbook(play(kamal_app, rotated, names, kamal_standin.executable)).assert_ok()
    assert third.changed() == 2
    assert kamal_standin.state()["hosts"]["203.0.113.10"]["env"]["HYPERDX_API_KEY"] == "rotated-hyperdx-0001"
    for run in (plan, first, second_plan, second, third):
        for value in (*PRODUCTION_SECRETS.values(), *INFRA_SECRETS.values(), "rotated-hyperdx-0001"):
            assert value not in run.output


def test_inputs_are_checked_before_anything_runs(ansible, kamal_standin, kamal_app: Path, tmp_path: Path) -> None:
    synced, names = sync(tmp_path, PRODUCTION_SECRETS)
    no_host = ansible.playbook(play(kamal_app, synced, names, kamal_standin.executable, kamal_floating_ip=""))
    assert no_host.rc != 0
    assert "Set kamal_floating_ip (the address the app is served from) or kamal_hosts" in no_host.output

    plays = play(kamal_app, synced, names, kamal_standin.executable)
    del plays[0]["roles"][0]["vars"]["kamal_service"]
    missing = ansible.playbook(plays)
    assert missing.rc != 0
    assert "kamal_service" in missing.output and "required" in missing.output
    assert kamal_standin.calls() == []
    assert not (kamal_app / "config").exists()
