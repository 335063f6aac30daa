"""The dns and object_storage roles and their modules through ansible-playbook against the simulators: wall time and requests."""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from sandbox.cloudflare import API_PREFIX, SANDBOX_TOKENS, SANDBOX_ZONE, CloudflareService
from sandbox.common.admin import AdminClient
from sandbox.common.server import SimServer
from sandbox.s3 import LOCATIONS, SANDBOX_KEYS
from sandbox.s3.service import S3LocationService
from sandbox.s3.world import S3World
from tests.harness import AnsibleRunner

REPO = Path(__file__).resolve().parent.parent
ROUNDS = 3


def _play(role: str) -> list[dict[str, Any]]:
    return [{"name": role, "hosts": "localhost", "connection": "local", "gather_facts": False, "roles": [f"boltfoundry.infra.{role}"]}]


def _timed(label: str, run: Callable[[], Any], admins: list[AdminClient]) -> None:
    """A first run that creates, then ROUNDS timed runs with nothing to do."""
    first = time.perf_counter()
    assert run().rc == 0
    print(f"{label + ', first run':<58} {time.perf_counter() - first:12.2f} s")
    durations, requests, writes = [], 0, 0
    for _round in range(ROUNDS):
        for admin in admins:
            admin.reset_requests()
        started = time.perf_counter()
        result = run()
        durations.append(time.perf_counter() - started)
        assert result.rc == 0, result.output
        requests = sum(len(admin.requests()) for admin in admins)
        writes = sum(admin.count(mutating=True) for admin in admins)
    print(f"{label + ', nothing to do':<58} median {statistics.median(durations):5.2f} s   {requests:3d} requests, {writes} writes")


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="bf-bench-dns-storage-"))
    try:
        link = work / "collections" / "ansible_collections" / "boltfoundry" / "infra"
        link.parent.mkdir(parents=True)
        link.symlink_to(REPO, target_is_directory=True)
        ansible = AnsibleRunner(str(work / "collections"), work / "runs")
        world = S3World()
        with ExitStack() as stack:
            cloudflare = stack.enter_context(SimServer(CloudflareService()))
            s3 = {location: stack.enter_context(SimServer(S3LocationService(world, location))) for location in LOCATIONS}
            cf_admin, s3_admin = AdminClient(cloudflare.url), AdminClient(s3["hel1"].url)
            baseline = [{"name": "baseline", "hosts": "localhost", "connection": "local", "gather_facts": False, "tasks": [{"ansible.builtin.ping": {}}]}]
            _timed("ansible-playbook itself (one ping task)", lambda: ansible.playbook(baseline), [])

            token = {"api_token": SANDBOX_TOKENS["dns_edit"], "base_url": cloudflare.url + API_PREFIX}
            record = {**token, "zone": SANDBOX_ZONE, "name": "bench", "type": "A", "content": "203.0.113.10", "proxied": True}
            _timed("cloudflare_dns_record, one record", lambda: ansible.module("boltfoundry.infra.cloudflare_dns_record", record)[1], [cf_admin])

            dns_vars = {
                "dns_environment": "bench",
                "dns_zone": SANDBOX_ZONE,
                "dns_floating_ip": "203.0.113.10",
                "dns_www": True,
                "dns_assets_bucket": "bft-assets",
                "dns_api_token": token["api_token"],
                "dns_base_url": token["base_url"],
            }
            _timed("dns role, 3 records", lambda: ansible.playbook(_play("dns"), extra_vars=dns_vars), [cf_admin])

            storage_vars = {
                "object_storage_endpoint": s3["hel1"].url,
                "object_storage_assets_bucket": "bft-assets",
                "object_storage_app_origins": ["https://app.boltfoundry.test"],
                "object_storage_records_bucket": "bft-run-records",
                "object_storage_production_access_key": SANDBOX_KEYS["production"]["access_key"],
                "object_storage_production_secret_key": SANDBOX_KEYS["production"]["secret_key"],
                "object_storage_ci_access_key": SANDBOX_KEYS["ci"]["access_key"],
                "object_storage_ci_secret_key": SANDBOX_KEYS["ci"]["secret_key"],
            }
            _timed(
                "object_storage role, 2 buckets",
                lambda: ansible.playbook(_play("object_storage"), extra_vars=storage_vars),
                [s3_admin],
            )
        world.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
