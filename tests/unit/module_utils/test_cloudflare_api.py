"""Cloudflare failures in one sentence, from the SDK's real exceptions raised against the simulator."""

from __future__ import annotations

from typing import Any

import cloudflare
import pytest

from ansible_collections.boltfoundry.infra.plugins.module_utils.cloudflare_api import error_codes, translate
from tests.fixtures.cloudflare import CloudflareSim


def raised(call: Any, **kwargs: Any) -> cloudflare.APIError:
    with pytest.raises(cloudflare.APIError) as caught:
        call(**kwargs)
    return caught.value


def test_a_cname_conflict_keeps_its_code(cloudflare_sim: CloudflareSim) -> None:
    client = cloudflare_sim.client()
    zone_id = cloudflare_sim.zone["id"]
    client.dns.records.create(zone_id=zone_id, name="assets", type="A", content="203.0.113.10", ttl=1)
    exc = raised(client.dns.records.create, zone_id=zone_id, name="assets", type="CNAME", content="bucket.example.test", ttl=1)
    error = translate(exc, "creating the CNAME record assets.boltfoundry.test", 0)
    assert error.code == 81053 and error_codes(exc) == [81053]
    assert str(error).startswith("Cloudflare refused creating the CNAME record assets.boltfoundry.test (HTTP 400, error 81053: An A, AAAA, or CNAME record")


def test_a_missing_permission_names_the_fix(cloudflare_sim: CloudflareSim) -> None:
    client = cloudflare_sim.client("read_only")
    exc = raised(client.dns.records.create, zone_id=cloudflare_sim.zone["id"], name="www", type="A", content="203.0.113.10", ttl=1)
    error = translate(exc, "creating the A record www.boltfoundry.test", 0, "give the token DNS:Edit on boltfoundry.test")
    assert str(error) == (
        "The API token is not allowed to do this while creating the A record www.boltfoundry.test (error 10000: Authentication error):"
        " give the token DNS:Edit on boltfoundry.test."
    )
    assert error.failure == {"status": 403, "codes": [10000], "errors": [{"code": 10000, "message": "Authentication error"}]}


def test_the_edges_html_page_is_never_quoted(cloudflare_sim: CloudflareSim) -> None:
    cloudflare_sim.admin.add_fault(method="GET", path=r"/zones$", status=503)
    exc = raised(cloudflare_sim.client(max_retries=0).zones.list, name="boltfoundry.test")
    error = translate(exc, "looking up the zone boltfoundry.test", 0)
    assert str(error) == "Cloudflare answered HTTP 503 while looking up the zone boltfoundry.test, also after 0 retries; run again later."


def test_rate_limits_say_wait(cloudflare_sim: CloudflareSim) -> None:
    cloudflare_sim.admin.add_fault(method="GET", path=r"/zones$", status=429)
    exc = raised(cloudflare_sim.client(max_retries=0).zones.list, name="boltfoundry.test")
    assert str(translate(exc, "looking up the zone boltfoundry.test", 0)).startswith(
        "Cloudflare kept rate-limiting while looking up the zone boltfoundry.test, also after 0 retries (error 971:"
    )


def test_an_unreachable_api_names_the_host() -> None:
    client = cloudflare.Cloudflare(api_token="x" * 40, base_url="http://127.0.0.1:9/client/v4", max_retries=0)
    exc = raised(client.zones.list, name="boltfoundry.test")
    assert str(translate(exc, "looking up the zone boltfoundry.test", 0)) == (
        "The Cloudflare API could not connect while looking up the zone boltfoundry.test, also after 0 retries (127.0.0.1); check base_url and the network."
    )
