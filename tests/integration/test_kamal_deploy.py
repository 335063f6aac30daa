"""kamal_deploy through real ansible-playbook, against the STAND-IN kamal (tests/harness/kamal_standin): NOT real Kamal.

Kamal cannot be installed here; the stand-in checks the arguments and files it
gets and answers as Kamal 2.12 documents, so these tests exercise the
module's command lines, its reading of Kamal's output and its masking.
"""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

from ansible_collections.boltfoundry.infra.plugins.module_utils import kamal_render
from tests.fixtures.kamal import git
from tests.unit.module_utils.kamal_examples import PRODUCTION_CONFIG

MODULE = "boltfoundry.infra.kamal_deploy"
SECRETS = {
    "KAMAL_REGISTRY_PASSWORD": "ghp_fake-registry-token-0000",
    "DATABASE_KEY": "fake-db-key-$(touch /tmp/bf-deploy-pwned)",
    "HYPERDX_API_KEY": "fake 'hyperdx' \"key\" ${X} #1 ✓",
}


def write_app_files(app: Path) -> None:
    """config/deploy.yml and .kamal/secrets as kamal_config writes them."""
    (app / "config").mkdir(exist_ok=True)
    (app / ".kamal").mkdir(exist_ok=True, mode=0o700)
    (app / "config" / "deploy.yml").write_text(kamal_render.render_config(PRODUCTION_CONFIG))
    (app / ".kamal" / "secrets").write_text(kamal_render.render_secrets(SECRETS, sorted(SECRETS)))


def run_deploy(ansible, kamal_standin, app: Path, check: bool = False, verbosity: int = 0, **args):
    return ansible.module(MODULE, {"app_dir": str(app), "executable": str(kamal_standin.executable), **args}, check=check, verbosity=verbosity)


def assert_no_secret(text: str) -> None:
    for value in SECRETS.values():
        assert value not in text


def test_deploys_the_git_head_once_and_every_secret_reaches_the_container(ansible, kamal_standin, kamal_app: Path) -> None:
    write_app_files(kamal_app)
    head = git(kamal_app, "rev-parse", "HEAD")

    planned, run = run_deploy(ansible, kamal_standin, kamal_app, check=True)
    assert planned.changed and not planned.failed, run.output
    # Check mode runs only read-only commands: kamal config, and kamal app version to know what runs.
    assert kamal_standin.calls() == [["config", "--version", head], ["app", "version"]]
    assert planned["config"]["absolute_image"] == f"ghcr.io/boltfoundry/bolt:{head}"
    assert planned.msg == f"Would deploy version {head}."

    result, run = run_deploy(ansible, kamal_standin, kamal_app, verbosity=4)
    assert result.changed and not result.failed, run.output
    assert result["version"] == head
    assert kamal_standin.calls()[2:] == [["app", "version"], ["deploy", "--version", head]]
    host = kamal_standin.state()["hosts"]["203.0.113.10"]
    assert host["running"] == head
    # Through the oracles of the dotenv gem, Kamal's env file and Docker: exactly the stored values.
    assert host["env"] == {"BF_ENV": "production", "PORT": "8000", "DATABASE_KEY": SECRETS["DATABASE_KEY"], "HYPERDX_API_KEY": SECRETS["HYPERDX_API_KEY"]}
    assert kamal_standin.state()["commands_seen"] == []
    assert not Path("/tmp/bf-deploy-pwned").exists()
    assert result["runtime_seconds"] > 0
    log = Path(result["log_path"])
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert f"$ {kamal_standin.executable} deploy --version {head}" in log.read_text()
    assert_no_secret(run.output)
    assert_no_secret(log.read_text())

    again, run = run_deploy(ansible, kamal_standin, kamal_app)
    assert not again.changed and not again.failed, run.output
    assert again.msg == f"Version {head} already runs on every app host (203.0.113.10); nothing deployed."
    assert kamal_standin.calls()[-1] == ["app", "version"]
    planned, run = run_deploy(ansible, kamal_standin, kamal_app, check=True)
    assert not planned.changed, run.output
    assert planned.msg == f"Version {head} already runs on every app host; nothing would be deployed."

    forced, run = run_deploy(ansible, kamal_standin, kamal_app, force=True, version="v2", skip_push=True)
    assert forced.changed, run.output
    assert kamal_standin.calls()[-1] == ["deploy", "--version", "v2", "--skip-push"]


def test_the_failures_users_meet_are_named_in_one_sentence(ansible, kamal_standin, kamal_app: Path) -> None:
    write_app_files(kamal_app)

    kamal_standin.update(lock={"by": "Jane Doe", "at": "2026-11-20T10:00:00Z", "version": "1b7e0d4", "message": "Hotfix for the login page"})
    result, run = run_deploy(ansible, kamal_standin, kamal_app, force=True)
    assert result.failed
    assert result.msg == (
        "The deploy lock is held by Jane Doe since 2026-11-20T10:00:00Z (version 1b7e0d4, message: 'Hotfix for the login page'); "
        "wait for that deploy to finish, or release the lock with command lock_release if it is stale."
    )
    assert result["lock"]["by"] == "Jane Doe"
    kamal_standin.update(lock=None)

    kamal_standin.scenario(registry_login="refused")
    result, run = run_deploy(ansible, kamal_standin, kamal_app, force=True)
    assert result.failed
    assert result.msg == (
        'The registry ghcr.io refused the login from localhost (Error response from daemon: Get "https://ghcr.io/v2/": denied: denied); '
        "check registry.username and the secret named by registry.password."
    )

    # The app prints its secrets while failing its health check: Kamal shows the container's logs.
    kamal_standin.scenario(healthcheck="fail", app_logs=["boot failed with DATABASE_KEY={DATABASE_KEY}", "and key {HYPERDX_API_KEY}"])
    result, run = run_deploy(ansible, kamal_standin, kamal_app, force=True, verbosity=4)
    assert result.failed
    assert result.msg.startswith(
        "The new container for role web on 203.0.113.10 failed its health check (target failed to become healthy within configured timeout (30s)); "
        "Kamal stopped it and the previous version keeps running; full output in "
    )
    assert " ERROR boot failed with DATABASE_KEY=********" in result["stdout_lines"]
    assert_no_secret(run.output)
    assert_no_secret(Path(result["log_path"]).read_text())
    assert kamal_standin.state()["lock"] is None  # Kamal released it
    kamal_standin.scenario()

    (kamal_app / ".git").rename(kamal_app / "not-git")
    calls = len(kamal_standin.calls())
    result, run = run_deploy(ansible, kamal_standin, kamal_app)
    assert result.failed
    assert result.msg == f"No version was given and {kamal_app} is not a git repository with a commit, so Kamal has no version to deploy; set version."
    assert len(kamal_standin.calls()) == calls


def test_a_hung_deploy_is_stopped_at_the_timeout(ansible, kamal_standin, kamal_app: Path) -> None:
    write_app_files(kamal_app)
    kamal_standin.scenario(hang_seconds=120)
    result, _run = run_deploy(ansible, kamal_standin, kamal_app, force=True, timeout=3)
    assert result.failed
    assert result.msg.startswith("kamal deploy did not finish within 3 seconds and was stopped; the deploy lock may still be held")
    left = subprocess.run(["pgrep", "-f", str(kamal_standin.executable)], capture_output=True, text=True, check=False)
    assert left.stdout == "", "the stand-in kamal is still running after the timeout"


def test_rollback_and_the_deploy_lock(ansible, kamal_standin, kamal_app: Path) -> None:
    write_app_files(kamal_app)
    for version in ("v1", "v2"):
        result, run = run_deploy(ansible, kamal_standin, kamal_app, version=version)
        assert result.changed, run.output

    result, run = run_deploy(ansible, kamal_standin, kamal_app, command="rollback", version="v0")
    assert result.failed
    assert result.msg == "Version v0 is not available as a container on the app hosts, so nothing was rolled back; see kamal app containers."
    result, run = run_deploy(ansible, kamal_standin, kamal_app, command="rollback", version="v1")
    assert result.changed and not result.failed, run.output
    assert kamal_standin.calls()[-1] == ["rollback", "v1"]
    assert kamal_standin.state()["hosts"]["203.0.113.10"]["running"] == "v1"

    status, run = run_deploy(ansible, kamal_standin, kamal_app, command="lock_status")
    assert not status.changed and status["locked"] is False and status["lock"] == {}
    kamal_standin.update(lock={"by": "Jane Doe", "at": "2026-11-20T10:00:00Z", "version": "v2", "message": "Investigating"})
    status, run = run_deploy(ansible, kamal_standin, kamal_app, command="lock_status")
    assert status["locked"] is True and status["lock"]["message"] == "Investigating"
    planned, run = run_deploy(ansible, kamal_standin, kamal_app, command="lock_release", check=True)
    assert planned.changed and kamal_standin.state()["lock"] is not None
    released, run = run_deploy(ansible, kamal_standin, kamal_app, command="lock_release")
    assert released.changed and kamal_standin.state()["lock"] is None
    again, run = run_deploy(ansible, kamal_standin, kamal_app, command="lock_release")
    assert not again.changed and not again.failed


@pytest.mark.parametrize("reason", ["not ours", "missing kamal"])
def test_it_refuses_to_return_output_it_cannot_mask_and_names_a_missing_kamal(ansible, kamal_standin, kamal_app: Path, reason: str) -> None:
    write_app_files(kamal_app)
    if reason == "missing kamal":
        result, run = ansible.module(MODULE, {"app_dir": str(kamal_app), "executable": "kamal-not-installed"})
        assert result.failed
        assert result.msg == "kamal-not-installed was not found on PATH; install Kamal 2 on the controller (gem install kamal) or set executable to its path."
        return
    (kamal_app / ".kamal" / "secrets").write_text("KAMAL_REGISTRY_PASSWORD=$(op read op://vault/ghcr/token)\nDATABASE_KEY=x\nHYPERDX_API_KEY=y\n")
    result, run = run_deploy(ansible, kamal_standin, kamal_app, version="v1")
    assert result.changed and not result.failed, run.output
    assert "stdout_lines" not in result.result
    assert "cannot be masked" in run.output
    assert kamal_standin.state()["commands_seen"] == ["op read op://vault/ghcr/token"]  # recorded by the stand-in, never run
    assert os.path.exists(result["log_path"])


def test_check_mode_writes_no_log_and_kamal_never_sees_the_infra_tokens(ansible, kamal_standin, kamal_app: Path) -> None:
    write_app_files(kamal_app)
    infra = {
        "HCLOUD_TOKEN": "fake-hcloud-token-0000",
        "OP_SERVICE_ACCOUNT_TOKEN": "ops_fake-0000",
        "OP_CI_SERVICE_ACCOUNT_TOKEN": "ops_fake-ci-0000",
        "CLOUDFLARE_API_TOKEN": "fake-cf-0000",
    }
    planned, run = ansible.module(MODULE, {"app_dir": str(kamal_app), "executable": str(kamal_standin.executable)}, check=True, env=infra)
    assert planned.changed and not planned.failed, run.output
    assert "log_path" not in planned.result
    assert not (kamal_app / ".kamal" / "logs").exists()
    result, run = ansible.module(MODULE, {"app_dir": str(kamal_app), "executable": str(kamal_standin.executable)}, env=infra)
    assert result.changed and not result.failed, run.output
    seen = {name for names in kamal_standin.environment_names() for name in names}
    assert seen and not seen & set(infra), "Kamal was started with infra tokens in its environment"


def test_a_log_path_that_cannot_be_written_fails_before_kamal_runs(ansible, kamal_standin, kamal_app: Path, tmp_path: Path) -> None:
    write_app_files(kamal_app)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file")
    log_path = blocker / "deploy.log"
    result, run = run_deploy(ansible, kamal_standin, kamal_app, log_path=str(log_path))
    assert result.failed, run.output
    assert result.msg.startswith(f"log_path {log_path} cannot be written: "), result.msg
    assert kamal_standin.calls() == []
    assert "Traceback" not in run.output
