"""``dns``: runs boltfoundry.infra.cloudflare_dns_record through ansible-playbook against the Cloudflare simulator."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.fixtures.cloudflare import CloudflareSim
from tests.harness import AnsibleRunner
from tests.harness.ansible import PlaybookRun, TaskResult

MODULE = "boltfoundry.infra.cloudflare_dns_record"
ZONE = "boltfoundry.test"
MARKER = "boltfoundry.infra:sandbox"
COMMENT = f"{MARKER} (managed by Ansible)"


@dataclass
class DnsRecords:
    ansible: AnsibleRunner
    sim: CloudflareSim
    last: PlaybookRun | None = None  # the playbook run of the latest run()

    def run(self, *, token: str = "dns_edit", check: bool = False, diff: bool = False, **args: Any) -> TaskResult:
        """One task of the module; the request log is cleared first so that budgets count this run only."""
        args = {"api_token": self.sim.tokens[token], "base_url": self.sim.base_url, "zone": ZONE, **args}
        self.sim.admin.reset_requests()
        result, run = self.ansible.module(MODULE, args, check=check, diff=diff)
        self.last = run
        assert self.sim.tokens[token] not in run.output, "the API token was printed"
        return result

    def records(self, name: str | None = None, record_type: str | None = None) -> list[Any]:
        """What the simulator holds, read with the SDK (one page is plenty here)."""
        params: dict[str, Any] = {"zone_id": self.sim.zone["id"], "per_page": 500}
        if name:
            params["name"] = {"exact": name}
        if record_type:
            params["type"] = record_type
        return list(self.sim.client().dns.records.list(**params).result)

    def add(self, **record: Any) -> Any:
        """A record made by someone else, straight through the SDK."""
        record.setdefault("ttl", 1)
        return self.sim.client().dns.records.create(zone_id=self.sim.zone["id"], **record)

    def writes(self) -> int:
        return self.sim.admin.count(mutating=True)

    def count(self, method: str, path: str) -> int:
        return self.sim.admin.count(method, path)


@pytest.fixture
def dns(ansible: AnsibleRunner, cloudflare_sim: CloudflareSim) -> DnsRecords:
    return DnsRecords(ansible, cloudflare_sim)
