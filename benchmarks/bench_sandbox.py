"""Cloudflare and S3 simulators through the real SDKs, and the launcher's start and stop."""

from __future__ import annotations

import io
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import boto3
import cloudflare
from botocore.config import Config

from sandbox import launcher
from sandbox.cloudflare import API_PREFIX, SANDBOX_TOKENS, SANDBOX_ZONE, CloudflareService
from sandbox.cloudflare.zones import zone_id
from sandbox.common.server import SimServer
from sandbox.s3 import SANDBOX_KEYS
from sandbox.s3.service import S3LocationService
from sandbox.s3.world import S3World

CALLS = 200


def _timed(label: str, calls: int, action: Callable[[int], object]) -> None:
    durations = []
    for index in range(calls):
        started = time.perf_counter()
        action(index)
        durations.append(time.perf_counter() - started)
    total = sum(durations)
    p95 = sorted(durations)[int(len(durations) * 0.95) - 1]
    print(f"{label:<44} {calls / total:8.0f}/s   median {statistics.median(durations) * 1000:6.2f} ms   p95 {p95 * 1000:6.2f} ms")


def cloudflare_figures() -> None:
    with SimServer(CloudflareService()) as server:
        client = cloudflare.Cloudflare(api_token=SANDBOX_TOKENS["dns_edit"], base_url=server.url + API_PREFIX, max_retries=0)
        zone = zone_id(SANDBOX_ZONE)
        _timed(
            "cloudflare: create a record (SDK)", CALLS, lambda i: client.dns.records.create(zone_id=zone, name=f"h{i}", type="A", content="203.0.113.1", ttl=1)
        )
        _timed("cloudflare: list by exact name (SDK)", CALLS, lambda i: client.dns.records.list(zone_id=zone, name={"exact": f"h{i}.{SANDBOX_ZONE}"}))
        _timed("cloudflare: all records, auto-paged by 100", 10, lambda i: list(client.dns.records.list(zone_id=zone)))


def s3_figures() -> None:
    world = S3World()
    try:
        with SimServer(S3LocationService(world, "hel1")) as server:
            keys = SANDBOX_KEYS["production"]
            config = Config(request_checksum_calculation="when_required", response_checksum_validation="when_required")
            client = boto3.client(
                "s3", endpoint_url=server.url, region_name="hel1", aws_access_key_id=keys["access_key"], aws_secret_access_key=keys["secret_key"], config=config
            )
            client.create_bucket(Bucket="bench")
            body = b"x" * 1024
            _timed("s3: put a 1 KiB object (boto3)", CALLS, lambda i: client.put_object(Bucket="bench", Key=f"k{i}", Body=body))
            _timed("s3: get a 1 KiB object (boto3)", CALLS, lambda i: client.get_object(Bucket="bench", Key=f"k{i}")["Body"].read())
    finally:
        world.close()


def launcher_figures() -> None:
    with tempfile.TemporaryDirectory() as directory:
        sink = io.StringIO()
        started = time.perf_counter()
        launcher.up(Path(directory), out=sink)
        cold = time.perf_counter() - started
        started = time.perf_counter()
        launcher.up(Path(directory), out=sink)
        warm = time.perf_counter() - started
        started = time.perf_counter()
        launcher.down(Path(directory), out=sink)
        stop = time.perf_counter() - started
    print(f"{'launcher: up (start all) / up (reuse) / down':<44} {cold:6.2f} s / {warm:5.2f} s / {stop:5.2f} s")


def main() -> None:
    cloudflare_figures()
    s3_figures()
    launcher_figures()


if __name__ == "__main__":
    main()
