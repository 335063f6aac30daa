"""The launcher's table: what each simulator tells its users in endpoints.env."""

from __future__ import annotations

from sandbox import launcher
from sandbox.cloudflare import SANDBOX_TOKENS
from sandbox.launcher import Simulator
from sandbox.s3 import LOCATIONS, SANDBOX_KEYS


def test_the_table_holds_cloudflare_and_s3_with_their_endpoints() -> None:
    by_name = {simulator.name: simulator for simulator in launcher.SIMULATORS}
    assert by_name["cloudflare"].endpoints == ("api",)
    assert by_name["s3"].endpoints == LOCATIONS


def test_env_lines_of_the_cloudflare_and_s3_entries() -> None:
    by_name = {simulator.name: simulator for simulator in launcher.SIMULATORS}
    assert by_name["cloudflare"].env_lines({"api": "http://127.0.0.1:1"}) == {
        "CLOUDFLARE_BASE_URL": "http://127.0.0.1:1/client/v4",
        "CLOUDFLARE_API_TOKEN": SANDBOX_TOKENS["dns_edit"],
        "CLOUDFLARE_ZONE": "boltfoundry.test",
    }
    urls = {location: f"http://127.0.0.1:{port}" for port, location in enumerate(LOCATIONS, start=10)}
    assert by_name["s3"].env_lines(urls) == {
        "S3_ENDPOINT_FSN1": "http://127.0.0.1:10",
        "S3_ENDPOINT_NBG1": "http://127.0.0.1:11",
        "S3_ENDPOINT_HEL1": "http://127.0.0.1:12",
        "S3_PRODUCTION_ACCESS_KEY": SANDBOX_KEYS["production"]["access_key"],
        "S3_PRODUCTION_SECRET_KEY": SANDBOX_KEYS["production"]["secret_key"],
        "S3_CI_ACCESS_KEY": SANDBOX_KEYS["ci"]["access_key"],
        "S3_CI_SECRET_KEY": SANDBOX_KEYS["ci"]["secret_key"],
    }


def test_a_new_entry_is_data_only() -> None:
    # The shape the Hetzner entry takes: a URL suffix and a token looked up in the package.
    entry = Simulator(name="example", module="sandbox.cloudflare", env={"EXAMPLE_ENDPOINT": "{url}/v1", "EXAMPLE_TOKEN": "{module.SANDBOX_TOKENS[read_only]}"})
    assert entry.env_lines({"api": "http://127.0.0.1:9"}) == {"EXAMPLE_ENDPOINT": "http://127.0.0.1:9/v1", "EXAMPLE_TOKEN": SANDBOX_TOKENS["read_only"]}


def test_sandbox_credentials_are_obviously_fake() -> None:
    assert all(token.startswith("sandbox_") and len(token) == 40 for token in SANDBOX_TOKENS.values())
    assert all(keys["access_key"].startswith("SANDBOX") and "not-real" in keys["secret_key"] for keys in SANDBOX_KEYS.values())
