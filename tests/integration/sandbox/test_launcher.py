"""``python -m sandbox up | status | down`` as a user runs it, with real SDK requests in between."""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import boto3
import cloudflare
import hcloud
import pytest
from botocore.config import Config

from sandbox import launcher
from sandbox.launcher import Simulator

pytestmark = pytest.mark.slow


def sandbox(directory: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sandbox", *args, "--dir", str(directory)],
        cwd=launcher.REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def read_env(directory: Path) -> dict[str, str]:
    lines = (directory / "endpoints.env").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def listening(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port), timeout=1):
            return True
    except OSError:
        return False


def alive(pid: int) -> bool:
    """The process exists and has not exited (an exited child waits as a zombie until it is reaped)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def recorded_pids(directory: Path) -> dict[str, int]:
    path = directory / "processes.json"
    return {name: entry["pid"] for name, entry in json.loads(path.read_text()).items()} if path.exists() else {}


@pytest.fixture
def sandbox_dir(tmp_path: Path) -> Iterator[Path]:
    directory = tmp_path / "sandbox"
    try:
        yield directory
    finally:
        pids = recorded_pids(directory)
        sandbox(directory, "down")
        for pid in pids.values():  # belt and braces: never leave a simulator behind
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def cloudflare_client(env: dict[str, str]) -> cloudflare.Cloudflare:
    return cloudflare.Cloudflare(api_token=env["CLOUDFLARE_API_TOKEN"], base_url=env["CLOUDFLARE_BASE_URL"], max_retries=0)


PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGJvbHRmb3VuZHJ5LXNhbmRib3gtdGVzdC1rZXktMDAw sandbox"


def hcloud_client(env: dict[str, str]) -> hcloud.Client:
    return hcloud.Client(token=env["HCLOUD_TOKEN"], api_endpoint=env["HCLOUD_ENDPOINT"])


def s3_client(env: dict[str, str], project: str = "PRODUCTION"):
    return boto3.client(
        "s3",
        endpoint_url=env["S3_ENDPOINT_HEL1"],
        region_name="hel1",
        aws_access_key_id=env[f"S3_{project}_ACCESS_KEY"],
        aws_secret_access_key=env[f"S3_{project}_SECRET_KEY"],
        config=Config(request_checksum_calculation="when_required", response_checksum_validation="when_required"),
    )


VAULTS_SEEN = """
import os
from ansible_collections.boltfoundry.infra.plugins.module_utils.onepassword import Session
print(sorted(vault.title for vault in Session(os.environ["OP_SERVICE_ACCOUNT_TOKEN"]).vaults()))
"""


def onepassword_vaults(env: dict[str, str], collections_path: str) -> str:
    """What the production service account sees, through our client layer in a fresh process."""
    run_env = {**os.environ, **env, "PYTHONPATH": os.pathsep.join([collections_path, env["PYTHONPATH"]])}
    completed = subprocess.run([sys.executable, "-c", VAULTS_SEEN], env=run_env, capture_output=True, text=True, timeout=60, check=False)
    assert completed.returncode == 0, completed.stderr
    return completed.stdout.strip()


def test_up_status_requests_down_and_up_again(sandbox_dir: Path, collections_path: str) -> None:
    started = sandbox(sandbox_dir, "up")
    assert started.returncode == 0, started.stderr
    assert all(f"{name:<11} started" in started.stdout for name in ("hcloud", "cloudflare", "s3"))
    env = read_env(sandbox_dir)
    assert set(env) >= {"HCLOUD_ENDPOINT", "HCLOUD_TOKEN", "BF_ONEPASSWORD_SANDBOX", "OP_SERVICE_ACCOUNT_TOKEN"}
    assert set(env) >= {"CLOUDFLARE_BASE_URL", "CLOUDFLARE_API_TOKEN", "S3_ENDPOINT_HEL1", "S3_PRODUCTION_ACCESS_KEY", "S3_CI_SECRET_KEY"}
    assert (sandbox_dir / "endpoints.env").stat().st_mode & 0o777 == 0o600

    status = sandbox(sandbox_dir, "status")
    assert "onepassword ready" in status.stdout
    assert "cloudflare  running" in status.stdout and env["CLOUDFLARE_BASE_URL"].removesuffix("/client/v4") in status.stdout
    assert "s3          running" in status.stdout and env["S3_ENDPOINT_HEL1"] in status.stdout

    # One real SDK request to each service, through what endpoints.env says.
    ssh_key = hcloud_client(env).ssh_keys.create(name="deploy", public_key=PUBLIC_KEY)
    assert onepassword_vaults(env, collections_path) == "['Production']"
    zone = cloudflare_client(env).zones.list(name=env["CLOUDFLARE_ZONE"]).result[0]
    record = cloudflare_client(env).dns.records.create(zone_id=zone.id, name="www", type="A", content="203.0.113.10", ttl=1)
    assert record is not None
    s3_client(env).create_bucket(Bucket="bft-assets")
    s3_client(env).put_object(Bucket="bft-assets", Key="index.html", Body=b"<html/>")

    # A second up reuses what runs.
    pids = recorded_pids(sandbox_dir)
    again = sandbox(sandbox_dir, "up")
    assert all(f"{name:<11} reused" in again.stdout for name in ("hcloud", "cloudflare", "s3"))
    assert recorded_pids(sandbox_dir) == pids and read_env(sandbox_dir) == env

    # Down stops everything and leaves nothing listening.
    urls = [env["HCLOUD_ENDPOINT"], env["CLOUDFLARE_BASE_URL"], env["S3_ENDPOINT_FSN1"], env["S3_ENDPOINT_NBG1"], env["S3_ENDPOINT_HEL1"]]
    stopped = sandbox(sandbox_dir, "down")
    assert stopped.returncode == 0, stopped.stderr
    assert not [url for url in urls if listening(url)]
    assert not [pid for pid in pids.values() if alive(pid)]
    assert not (sandbox_dir / "endpoints.env").exists()
    assert "stopped" in sandbox(sandbox_dir, "status").stdout

    # The state outlives the processes.
    assert sandbox(sandbox_dir, "up").returncode == 0
    env = read_env(sandbox_dir)
    records = cloudflare_client(env).dns.records.list(zone_id=zone.id, name={"exact": "www.boltfoundry.test"}).result
    assert [r.id for r in records] == [record.id]
    assert s3_client(env).get_object(Bucket="bft-assets", Key="index.html")["Body"].read() == b"<html/>"
    assert s3_client(env, "CI").list_buckets()["Buckets"] == []
    assert hcloud_client(env).ssh_keys.get_by_name("deploy").id == ssh_key.id


def test_up_restarts_only_what_died(sandbox_dir: Path) -> None:
    assert sandbox(sandbox_dir, "up").returncode == 0
    pids = recorded_pids(sandbox_dir)
    os.kill(pids["cloudflare"], signal.SIGKILL)
    time.sleep(0.2)
    assert "cloudflare  gone" in sandbox(sandbox_dir, "status").stdout
    again = sandbox(sandbox_dir, "up")
    assert "cloudflare  started" in again.stdout and "s3          reused" in again.stdout
    assert recorded_pids(sandbox_dir)["s3"] == pids["s3"]
    assert cloudflare_client(read_env(sandbox_dir)).zones.list().result


def test_simulators_stop_by_themselves_when_idle(sandbox_dir: Path) -> None:
    assert sandbox(sandbox_dir, "up", "--idle-exit", "1").returncode == 0
    pids = recorded_pids(sandbox_dir)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(alive(pid) for pid in pids.values()):
        time.sleep(0.2)
    assert sandbox(sandbox_dir, "status").stdout.count("gone") == len(pids) == len(launcher.SIMULATORS)


def test_an_entry_whose_module_is_not_there_yet_is_skipped(tmp_path: Path) -> None:
    table = (Simulator(name="hcloud", module="sandbox.not_written_yet", env={"HCLOUD_ENDPOINT": "{url}/v1"}),)
    out = io.StringIO()
    assert launcher.up(tmp_path, simulators=table, out=out) == 0
    assert "hcloud      skipped: sandbox.not_written_yet is not importable" in out.getvalue()
    assert "HCLOUD_ENDPOINT" not in (tmp_path / "endpoints.env").read_text()
    assert json.loads((tmp_path / "processes.json").read_text()) == {}
