"""Reading Kamal 2.12's output: the failures users meet, and masking secret values.

The samples are written the way Kamal prints (SSHKit's pretty log lines,
Kamal's own messages, bin/kamal's red ``ERROR (Class): message``), from
Kamal's, SSHKit's and kamal-proxy's sources.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from ansible_collections.boltfoundry.infra.plugins.module_utils import kamal_runner

RED, RESET = "\x1b[31m", "\x1b[0m"

LOCK_HELD = f"""Build and push app image...
  INFO [4f1a2b3c] Running docker login ghcr.io -u [REDACTED] -p [REDACTED] on localhost
  INFO [4f1a2b3c] Finished in 0.623 seconds with exit status 0 (successful).
Acquiring the deploy lock...
Deploy lock already in place!
Locked by: Jane Doe at 2026-11-20T10:00:00Z
Version: 1b7e0d4
Message: Hotfix for the login page
  Finished all in 41.2 seconds
  {RED}ERROR (Kamal::Cli::LockError): Deploy lock found. Run 'kamal lock help' for more information{RESET}
"""

REGISTRY_REFUSED = f"""Build and push app image...
  INFO [9d8c7b6a] Running docker login ghcr.io -u [REDACTED] -p [REDACTED] on localhost
  Finished all in 1.3 seconds
  {RED}ERROR (SSHKit::Command::Failed): docker exit status: 1
docker stdout: Nothing written
docker stderr: Error response from daemon: Get "https://ghcr.io/v2/": denied: denied
{RESET}"""

HEALTH_FAILED = f"""Start container with version 3f2a9c1 (or reboot if already running)...
  INFO [aa11bb22] Running docker run --detach --restart unless-stopped --name bolt-web-3f2a9c1 on 203.0.113.10
  INFO [aa11bb22] Finished in 1.204 seconds with exit status 0 (successful).
  INFO [cc33dd44] Running docker exec kamal-proxy kamal-proxy deploy bolt-web --target="4b2b1e0c9a4f:8000" on 203.0.113.10
 ERROR Failed to boot web on 203.0.113.10
  INFO First web container is unhealthy on 203.0.113.10, not booting any other roles
 ERROR database key rejected: fake-db-key-0000
Releasing the deploy lock...
  Finished all in 75.0 seconds
  {RED}ERROR (SSHKit::Command::Failed): Exception while executing on host 203.0.113.10: docker exit status: 1
docker stdout: Nothing written
docker stderr: Error: target failed to become healthy within configured timeout (30s)
{RESET}"""


def test_lock_held_names_holder_time_version_and_message() -> None:
    output = kamal_runner.strip_ansi(LOCK_HELD)
    assert kamal_runner.lock_held(output) == {"by": "Jane Doe", "at": "2026-11-20T10:00:00Z", "version": "1b7e0d4", "message": "Hotfix for the login page"}
    assert kamal_runner.registry_login_refused(output) is None  # that login finished
    assert kamal_runner.error(output) == {"kind": "Kamal::Cli::LockError", "message": "Deploy lock found. Run 'kamal lock help' for more information"}
    assert kamal_runner.finished_seconds(output) == 41.2


def test_registry_login_refused() -> None:
    output = kamal_runner.strip_ansi(REGISTRY_REFUSED)
    assert kamal_runner.registry_login_refused(output) == {
        "server": "ghcr.io",
        "host": "localhost",
        "reason": 'Error response from daemon: Get "https://ghcr.io/v2/": denied: denied',
    }
    assert kamal_runner.lock_held(output) is None
    assert kamal_runner.health_check_failed(output) is None


def test_health_check_failed() -> None:
    output = kamal_runner.strip_ansi(HEALTH_FAILED)
    assert kamal_runner.health_check_failed(output) == {
        "role": "web",
        "host": "203.0.113.10",
        "detail": "target failed to become healthy within configured timeout (30s)",
    }
    assert kamal_runner.registry_login_refused(output) is None
    not_proxied = "  ERROR (Kamal::Cli::Healthcheck::Error): container not ready after 30 seconds (unhealthy)\n"
    assert kamal_runner.health_check_failed(not_proxied)["detail"] == "container not ready after 30 seconds (unhealthy)"


def test_other_readers() -> None:
    assert (
        kamal_runner.not_available_version("The app version 'abc' is not available as a container (use 'kamal app containers' for available versions)\n")
        == "abc"
    )
    versions = (
        "  INFO [1] Running docker ps on 203.0.113.10\nApp Host: 203.0.113.10\n3f2a9c1\n\n"
        "  INFO [2] Running docker ps on 203.0.113.11\nApp Host: 203.0.113.11\n\n\n"
    )
    assert kamal_runner.app_versions(versions) == {"203.0.113.10": "3f2a9c1", "203.0.113.11": ""}
    config = ":roles:\n- web\n:hosts:\n- 203.0.113.10\n:version: 3f2a9c1\n:ssh_options:\n  :user: root\n  :log_level: :fatal\n"
    assert kamal_runner.config_output(config) == {
        "roles": ["web"],
        "hosts": ["203.0.113.10"],
        "version": "3f2a9c1",
        "ssh_options": {"user": "root", "log_level": ":fatal"},
    }


def test_masker_hides_every_value_and_every_line_of_multiline_ones() -> None:
    mask = kamal_runner.Masker(["fake-db-key-0000", "-----BEGIN KEY-----\nMIIBsecretline\n-----END KEY-----", ""])
    text = "key fake-db-key-0000 and MIIBsecretline alone\n"
    assert mask(text) == "key ******** and ******** alone\n"
    assert mask.data({"a": ["fake-db-key-0000"], "b": 3}) == {"a": ["********"], "b": 3}


def process_alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:")[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_run_logs_masked_output_and_stops_a_hung_process_group(tmp_path: Path) -> None:
    log = tmp_path / "logs" / "deploy.log"
    mask = kamal_runner.Masker(["s3cr3t-value"])
    script = "import sys; print('start s3cr3t-value', flush=True); sys.exit(3)"
    completed = kamal_runner.run([sys.executable, "-c", script], str(tmp_path), timeout=30, log_path=str(log), mask=mask)
    assert (completed.rc, completed.timed_out) == (3, False)
    assert "start s3cr3t-value" in completed.output
    assert "s3cr3t-value" not in log.read_text()
    assert "start ********" in log.read_text()
    assert oct(log.stat().st_mode & 0o777) == "0o600"

    pid_file = tmp_path / "child.pid"
    hang = (
        "import subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        f"open({str(pid_file)!r}, 'w').write(str(child.pid))\n"
        "print('waiting', flush=True)\n"
        "time.sleep(60)\n"
    )
    completed = kamal_runner.run([sys.executable, "-c", hang], str(tmp_path), timeout=2, log_path=str(log), mask=mask)
    assert completed.timed_out and completed.rc is None
    assert "waiting" in completed.output
    child = int(pid_file.read_text())
    # The group got SIGKILL; the kernel takes a moment to end each member.
    deadline = time.monotonic() + 10
    while process_alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not process_alive(child), "the timeout left kamal's child process running"
    assert "timed out after" in log.read_text()
