"""``site_world``: the collection's playbooks with inventories/sandbox against in-process simulators.

The inventory is the one `make sandbox` uses; it reads every address from the
environment, which here names this test's simulators: Hetzner Cloud (at test
speed), Cloudflare, S3, the simulated 1Password core, and the STAND-IN kamal
(tests/harness/kamal_standin, NOT Kamal) with an app checkout. The server the
Hetzner simulator makes has no host to configure here, so the runs pass
hetzner_add_host=false and configure.yml finds no host (the host role runs in
`make sandbox`'s stand-in container and in molecule; see docs/decisions.md).
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from sandbox.onepassword.core import WRITES
from tests.fixtures.cloudflare import CloudflareSim
from tests.fixtures.hcloud import HcloudSim
from tests.fixtures.onepassword import OnePasswordSandbox
from tests.fixtures.s3 import S3Sim
from tests.harness import AnsibleRunner
from tests.harness.ansible import PlaybookRun
from tests.harness.kamal_standin import StandIn

REPO_ROOT = Path(__file__).resolve().parents[3]
PLAYBOOKS = REPO_ROOT / "playbooks"
INVENTORY = REPO_ROOT / "inventories" / "sandbox"
RECORDS_BUCKET = "bft-run-records"
# No server to configure here, and waits that follow the simulator's test speed.
TEST_VARS = {"hetzner_add_host": False, "hetzner_poll_interval": 0.02}


@dataclass
class SiteWorld:
    ansible: AnsibleRunner
    hcloud: HcloudSim
    cloudflare: CloudflareSim
    s3: S3Sim
    op: OnePasswordSandbox
    kamal: StandIn
    app: Path
    env: dict[str, str]
    runs: list[PlaybookRun] = field(default_factory=list)

    def run(self, playbook: str, *, check: bool = False, diff: bool = False, verbosity: int = 0, **extra_vars: Any) -> PlaybookRun:
        """One playbook of the collection with the sandbox inventory; the request logs are cleared first."""
        self.reset_logs()
        run = self.ansible.playbook(
            PLAYBOOKS / playbook,
            inventory=str(INVENTORY),
            extra_vars={**TEST_VARS, **extra_vars},
            check=check,
            diff=diff,
            verbosity=verbosity,
            env=self.env,
        )
        self.runs.append(run)
        return run

    def reset_logs(self) -> None:
        self.hcloud.admin.reset_requests()
        self.cloudflare.admin.reset_requests()
        for location in self.s3.endpoints:
            self.s3.admin(location).reset_requests()
        self.op.reset_log()

    def mutating(self) -> dict[str, int]:
        """Mutating requests each simulator answered since the logs were cleared (1Password: write invocations)."""
        return {
            "hcloud": self.hcloud.admin.count(mutating=True),
            "cloudflare": self.cloudflare.admin.count(mutating=True),
            "s3": sum(self.s3.admin(location).count(mutating=True) for location in self.s3.endpoints),
            "onepassword": sum(1 for name in self.op.invocations() if name in WRITES),
        }

    def secrets(self) -> list[str]:
        """Every value that must never be printed: the vaults' secrets (the infra tokens among them) and the S3 keys."""
        keys = [value for project in self.s3.keys.values() for value in project.values()]
        return self.op.all_values() + keys + list(self.op.tokens.values())

    def leaked(self, run: PlaybookRun) -> list[str]:
        return [value for value in self.secrets() if len(value) > 3 and value in run.output]

    def records(self) -> dict[str, dict[str, Any]]:
        """The run records in the ci project's bucket, by key."""
        s3 = self.s3.client("ci")
        found = s3.list_objects_v2(Bucket=RECORDS_BUCKET).get("Contents", [])
        return {item["Key"]: json.loads(s3.get_object(Bucket=RECORDS_BUCKET, Key=item["Key"])["Body"].read()) for item in found}


@pytest.fixture
def site_world(
    *,
    collections_path: str,
    hcloud_sim: HcloudSim,
    cloudflare_sim: CloudflareSim,
    s3_sim: S3Sim,
    op_sandbox: OnePasswordSandbox,
    kamal_standin: StandIn,
    kamal_app: Path,
    tmp_path: Path,
) -> SiteWorld:
    # configure.yml names the host role, which needs ansible.posix and community.general (make collections).
    bundled = REPO_ROOT / ".collections" / "bundled"
    if not (bundled / "ansible_collections" / "community" / "general").is_dir():
        pytest.fail("the host role's dependencies are missing: run `make collections` (make integration does)")
    ansible = AnsibleRunner(f"{collections_path}:{bundled}", tmp_path / "ansible")
    key = tmp_path / "ssh" / "deploy"
    key.parent.mkdir()
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "site-test", "-f", str(key)], check=True)
    env = {
        **op_sandbox.environment("production"),
        "OP_CI_SERVICE_ACCOUNT_TOKEN": op_sandbox.tokens["ci"],
        "HCLOUD_ENDPOINT": hcloud_sim.api_endpoint,
        "CLOUDFLARE_BASE_URL": cloudflare_sim.base_url,
        "S3_ENDPOINT_HEL1": s3_sim.endpoints["hel1"],
        "BF_SANDBOX_APP_DIR": str(kamal_app),
        "BF_SANDBOX_SSH_PUBLIC_KEY": f"{key}.pub",
        "BF_SANDBOX_KAMAL": str(kamal_standin.executable),
        "BF_SANDBOX_STANDIN": "no-stand-in-in-this-test",
    }
    return SiteWorld(ansible, hcloud_sim, cloudflare_sim, s3_sim, op_sandbox, kamal_standin, kamal_app, env)
