"""Every error users trip on, as the real cloudflare SDK raises it from the simulator."""

from __future__ import annotations

from typing import Any

import cloudflare
import pytest
import requests

from tests.fixtures.cloudflare import CloudflareSim


def _error(caught: pytest.ExceptionInfo[cloudflare.APIStatusError]) -> tuple[int, int, list[int]]:
    body: Any = caught.value.body
    error = body["errors"][0]
    return caught.value.status_code, error["code"], [link["code"] for link in error.get("error_chain", [])]


@pytest.fixture
def client(cloudflare_sim: CloudflareSim) -> cloudflare.Cloudflare:
    return cloudflare_sim.client(max_retries=0)


def create(client: cloudflare.Cloudflare, sim: CloudflareSim, **record: Any) -> Any:
    record.setdefault("ttl", 1)
    return client.dns.records.create(zone_id=sim.zone["id"], **record)


def test_an_identical_record_is_81058(client: cloudflare.Cloudflare, cloudflare_sim: CloudflareSim) -> None:
    create(client, cloudflare_sim, name="www", type="A", content="203.0.113.10")
    with pytest.raises(cloudflare.BadRequestError) as caught:
        create(client, cloudflare_sim, name="WWW.boltfoundry.test", type="A", content="203.0.113.10", ttl=300, proxied=True)
    assert _error(caught) == (400, 81058, [])
    # Same name and type with other content is a second record, not a conflict.
    assert create(client, cloudflare_sim, name="www", type="A", content="203.0.113.11") is not None


@pytest.mark.parametrize("existing", ["A", "AAAA", "CNAME"])
def test_a_cname_where_an_address_or_cname_exists_is_81053(client: cloudflare.Cloudflare, cloudflare_sim: CloudflareSim, existing: str) -> None:
    content = {"A": "203.0.113.10", "AAAA": "2001:db8::10", "CNAME": "elsewhere.example.test"}[existing]
    create(client, cloudflare_sim, name="cdn", type=existing, content=content)
    with pytest.raises(cloudflare.BadRequestError) as caught:
        create(client, cloudflare_sim, name="cdn", type="CNAME", content="bft-assets.hel1.your-objectstorage.com")
    assert _error(caught) == (400, 81053, [])
    assert "records-with-same-name" in caught.value.body["errors"][0]["message"]


@pytest.mark.parametrize(("record_type", "content"), [("A", "203.0.113.10"), ("AAAA", "2001:db8::10")])
def test_an_address_where_a_cname_exists_is_81054(client: cloudflare.Cloudflare, cloudflare_sim: CloudflareSim, record_type: str, content: str) -> None:
    create(client, cloudflare_sim, name="cdn", type="CNAME", content="bft-assets.hel1.your-objectstorage.com")
    with pytest.raises(cloudflare.BadRequestError) as caught:
        create(client, cloudflare_sim, name="cdn", type=record_type, content=content)
    assert _error(caught) == (400, 81054, [])


def test_changing_a_record_into_a_conflict_is_refused_too(client: cloudflare.Cloudflare, cloudflare_sim: CloudflareSim) -> None:
    create(client, cloudflare_sim, name="cdn", type="CNAME", content="bft-assets.hel1.your-objectstorage.com")
    address = create(client, cloudflare_sim, name="www", type="A", content="203.0.113.10")
    with pytest.raises(cloudflare.BadRequestError) as caught:
        client.dns.records.edit(address.id, zone_id=cloudflare_sim.zone["id"], name="cdn", type="A", ttl=1)
    assert _error(caught) == (400, 81054, [])


def test_only_addresses_and_cnames_can_be_proxied(client: cloudflare.Cloudflare, cloudflare_sim: CloudflareSim) -> None:
    with pytest.raises(cloudflare.BadRequestError) as caught:
        create(client, cloudflare_sim, name="txt", type="TXT", content="hello", proxied=True)
    assert _error(caught) == (400, 1004, [9004])
    record = create(client, cloudflare_sim, name="mail", type="MX", content="mx.example.test", priority=10)
    assert record.proxiable is False


@pytest.mark.parametrize("ttl", [0, 2, 30, 59, 86401, 100000])
def test_ttl_must_be_automatic_or_60_to_86400(client: cloudflare.Cloudflare, cloudflare_sim: CloudflareSim, ttl: int) -> None:
    with pytest.raises(cloudflare.BadRequestError) as caught:
        create(client, cloudflare_sim, name="www", type="A", content="203.0.113.10", ttl=ttl)
    assert _error(caught) == (400, 1004, [9021])


@pytest.mark.parametrize("ttl", [1, 60, 3600, 86400])
def test_valid_ttls(client: cloudflare.Cloudflare, cloudflare_sim: CloudflareSim, ttl: int) -> None:
    assert create(client, cloudflare_sim, name="www", type="A", content="203.0.113.10", ttl=ttl).ttl == ttl


@pytest.mark.parametrize("content", ["203.0.113", "256.1.1.1", "2001:db8::1", "www.example.test", ""])
def test_a_content_must_be_ipv4(client: cloudflare.Cloudflare, cloudflare_sim: CloudflareSim, content: str) -> None:
    with pytest.raises(cloudflare.BadRequestError) as caught:
        create(client, cloudflare_sim, name="www", type="A", content=content)
    assert _error(caught) == (400, 9005, [])


def test_aaaa_content_must_be_ipv6(client: cloudflare.Cloudflare, cloudflare_sim: CloudflareSim) -> None:
    with pytest.raises(cloudflare.BadRequestError) as caught:
        create(client, cloudflare_sim, name="www", type="AAAA", content="203.0.113.10")
    assert _error(caught) == (400, 9006, [])


def test_a_cname_may_not_point_at_itself(client: cloudflare.Cloudflare, cloudflare_sim: CloudflareSim) -> None:
    with pytest.raises(cloudflare.BadRequestError) as caught:
        create(client, cloudflare_sim, name="loop", type="CNAME", content="Loop.BoltFoundry.test.")
    assert _error(caught) == (400, 1004, [9039])


def test_an_unknown_record_id_is_81044_not_found(client: cloudflare.Cloudflare, cloudflare_sim: CloudflareSim) -> None:
    zone_id = cloudflare_sim.zone["id"]
    missing = "0123456789abcdef0123456789abcdef"
    for call in (
        lambda: client.dns.records.get(missing, zone_id=zone_id),
        lambda: client.dns.records.edit(missing, zone_id=zone_id, name="www", type="A", ttl=1),
        lambda: client.dns.records.delete(missing, zone_id=zone_id),
    ):
        with pytest.raises(cloudflare.NotFoundError) as caught:
            call()
        assert _error(caught) == (404, 81044, [])


def test_tags_exceed_the_free_plans_quota_and_comments_its_length(client: cloudflare.Cloudflare, cloudflare_sim: CloudflareSim) -> None:
    with pytest.raises(cloudflare.BadRequestError) as caught:
        create(client, cloudflare_sim, name="www", type="A", content="203.0.113.10", tags=["owner:boltfoundry"])
    assert _error(caught) == (400, 1004, [9300])
    assert "exceeding the quota of 0" in caught.value.body["errors"][0]["error_chain"][0]["message"]
    with pytest.raises(cloudflare.BadRequestError) as caught:
        create(client, cloudflare_sim, name="www", type="A", content="203.0.113.10", comment="x" * 101)
    assert _error(caught) == (400, 1004, [9301])
    assert create(client, cloudflare_sim, name="www", type="A", content="203.0.113.10", comment="x" * 100) is not None


def test_a_type_the_sandbox_does_not_model_says_so(client: cloudflare.Cloudflare, cloudflare_sim: CloudflareSim) -> None:
    with pytest.raises(cloudflare.BadRequestError) as caught:
        create(client, cloudflare_sim, name="sub", type="NS", content="ns1.example.test")
    assert "does not simulate NS" in caught.value.body["errors"][0]["error_chain"][0]["message"]


def test_mx_needs_a_priority(client: cloudflare.Cloudflare, cloudflare_sim: CloudflareSim) -> None:
    with pytest.raises(cloudflare.BadRequestError) as caught:
        create(client, cloudflare_sim, name="mail", type="MX", content="mx.example.test")
    assert _error(caught) == (400, 1004, [9101])


def test_a_read_only_token_cannot_write(cloudflare_sim: CloudflareSim) -> None:
    reader = cloudflare_sim.client("read_only", max_retries=0)
    assert reader.dns.records.list(zone_id=cloudflare_sim.zone["id"]).result == []
    with pytest.raises(cloudflare.PermissionDeniedError) as caught:
        reader.dns.records.create(zone_id=cloudflare_sim.zone["id"], name="www", type="A", content="203.0.113.10", ttl=1)
    assert _error(caught) == (403, 10000, [])


def test_a_token_for_another_zone_cannot_read_this_one(cloudflare_sim: CloudflareSim) -> None:
    with pytest.raises(cloudflare.PermissionDeniedError) as caught:
        cloudflare_sim.client("other_zone", max_retries=0).dns.records.list(zone_id=cloudflare_sim.zone["id"])
    assert _error(caught) == (403, 10000, [])


def test_an_unknown_token_is_401(cloudflare_sim: CloudflareSim) -> None:
    stranger = cloudflare.Cloudflare(api_token="A" * 40, base_url=cloudflare_sim.base_url, max_retries=0)
    with pytest.raises(cloudflare.AuthenticationError) as caught:
        stranger.zones.list()
    assert _error(caught) == (401, 1000, [])


def test_a_malformed_token_is_400_invalid_request_headers(cloudflare_sim: CloudflareSim) -> None:
    malformed = cloudflare.Cloudflare(api_token="not a token", base_url=cloudflare_sim.base_url, max_retries=0)
    with pytest.raises(cloudflare.BadRequestError) as caught:
        malformed.zones.list()
    assert _error(caught) == (400, 6003, [6111])


def test_no_credentials_at_all(cloudflare_sim: CloudflareSim) -> None:
    answer = requests.get(f"{cloudflare_sim.base_url}/zones", timeout=5)
    assert answer.status_code == 400
    assert answer.json() == {"success": False, "errors": [{"code": 9106, "message": "Missing X-Auth-Key, X-Auth-Email or Authorization headers"}]}


def test_a_global_api_key_is_unknown_here(cloudflare_sim: CloudflareSim) -> None:
    keyed = cloudflare.Cloudflare(api_email="ops@boltfoundry.test", api_key="0" * 37, base_url=cloudflare_sim.base_url, max_retries=0)
    with pytest.raises(cloudflare.PermissionDeniedError) as caught:
        keyed.zones.list()
    assert _error(caught) == (403, 9103, [])


def test_unknown_routes_and_methods(cloudflare_sim: CloudflareSim) -> None:
    headers = {"Authorization": f"Bearer {cloudflare_sim.tokens['dns_edit']}"}
    assert requests.get(f"{cloudflare_sim.base_url}/accounts", headers=headers, timeout=5).json()["errors"][0]["code"] == 7000
    deleted = requests.delete(f"{cloudflare_sim.base_url}/zones/{cloudflare_sim.zone['id']}", headers=headers, timeout=5)
    assert deleted.status_code == 405


def test_a_body_that_is_not_json(cloudflare_sim: CloudflareSim) -> None:
    headers = {"Authorization": f"Bearer {cloudflare_sim.tokens['dns_edit']}", "Content-Type": "application/json"}
    answer = requests.post(f"{cloudflare_sim.base_url}/zones/{cloudflare_sim.zone['id']}/dns_records", data=b"{not json", headers=headers, timeout=5)
    assert answer.status_code == 400 and answer.json()["errors"][0]["code"] == 9207
