"""Zone lookup through the real cloudflare SDK: filters, paging, token scope."""

from __future__ import annotations

import cloudflare
import pytest
import requests

from sandbox.cloudflare import OTHER_ZONE, SANDBOX_ZONE
from tests.fixtures.cloudflare import CloudflareSim


def test_zone_lookup_by_name_gives_the_sandbox_zone(cloudflare_sim: CloudflareSim) -> None:
    client = cloudflare_sim.client()
    page = client.zones.list(name=SANDBOX_ZONE)
    assert [zone.name for zone in page.result] == [SANDBOX_ZONE]
    zone = page.result[0]
    assert zone.id == cloudflare_sim.zone["id"]
    assert zone.status == "active"
    assert zone.plan.legacy_id == "free"
    assert sorted(zone.permissions or []) == ["#dns_records:edit", "#dns_records:read", "#zone:read"]
    assert client.zones.get(zone_id=zone.id).name == SANDBOX_ZONE


def test_zone_name_filter_operators(cloudflare_sim: CloudflareSim) -> None:
    value = cloudflare_sim.admin.call("POST", "cloudflare/tokens", {"name": "all", "grants": {"*": ["zone:read"]}})["value"]
    client = cloudflare.Cloudflare(api_token=value, base_url=cloudflare_sim.base_url)
    assert [z.name for z in client.zones.list(name="ends_with:.test").result] == [SANDBOX_ZONE, OTHER_ZONE]
    assert [z.name for z in client.zones.list(name="contains:BOLT").result] == [SANDBOX_ZONE]
    assert [z.name for z in client.zones.list(name="contains_case_sensitive:BOLT").result] == []
    assert [z.name for z in client.zones.list(name=f"not_equal:{SANDBOX_ZONE}").result] == [OTHER_ZONE]
    assert [z.name for z in client.zones.list(order="name", direction="desc").result] == [OTHER_ZONE, SANDBOX_ZONE]


def test_zone_pages_end_with_an_empty_page(cloudflare_sim: CloudflareSim) -> None:
    for index in range(7):
        cloudflare_sim.admin.call("POST", "cloudflare/zones", {"name": f"zone{index}.test"})
    value = cloudflare_sim.admin.call("POST", "cloudflare/tokens", {"name": "all", "grants": {"*": ["zone:read"]}})["value"]
    client = cloudflare.Cloudflare(api_token=value, base_url=cloudflare_sim.base_url)
    first = client.zones.list(per_page=5)
    assert len(first.result) == 5
    raw = requests.get(f"{cloudflare_sim.base_url}/zones", params={"per_page": 5, "page": 2}, headers={"Authorization": f"Bearer {value}"}, timeout=5).json()
    assert raw["result_info"] == {"page": 2, "per_page": 5, "count": 4, "total_count": 9, "total_pages": 2}
    cloudflare_sim.admin.reset_requests()
    names = [zone.name for zone in client.zones.list(per_page=5)]
    assert len(names) == 9 and len(set(names)) == 9
    # The SDK stops only on an empty page: two full-or-partial pages cost three requests.
    assert cloudflare_sim.admin.count("GET", r"/client/v4/zones$") == 3


def test_per_page_is_clamped_to_the_documented_range(cloudflare_sim: CloudflareSim) -> None:
    headers = {"Authorization": f"Bearer {cloudflare_sim.tokens['dns_edit']}"}
    info = requests.get(f"{cloudflare_sim.base_url}/zones", params={"per_page": 1000}, headers=headers, timeout=5).json()["result_info"]
    assert info["per_page"] == 50


def test_a_token_sees_only_the_zones_it_may_read(cloudflare_sim: CloudflareSim) -> None:
    assert [z.name for z in cloudflare_sim.client("read_only").zones.list().result] == [SANDBOX_ZONE]
    assert [z.name for z in cloudflare_sim.client("other_zone").zones.list().result] == [OTHER_ZONE]
    assert cloudflare_sim.client("other_zone").zones.list(name=SANDBOX_ZONE).result == []


def test_a_zone_outside_the_tokens_scope_is_forbidden(cloudflare_sim: CloudflareSim) -> None:
    with pytest.raises(cloudflare.PermissionDeniedError) as caught:
        cloudflare_sim.client("other_zone", max_retries=0).zones.get(zone_id=cloudflare_sim.zone["id"])
    assert caught.value.status_code == 403
    assert caught.value.body["errors"] == [{"code": 10000, "message": "Authentication error"}]


def test_an_unknown_zone_id_looks_like_a_forbidden_one_and_a_malformed_id_does_not_route(cloudflare_sim: CloudflareSim) -> None:
    client = cloudflare_sim.client(max_retries=0)
    with pytest.raises(cloudflare.PermissionDeniedError):
        client.zones.get(zone_id="0" * 32)
    with pytest.raises(cloudflare.BadRequestError) as caught:
        client.zones.get(zone_id="not-a-zone")
    assert caught.value.body["errors"][0]["code"] == 7003
