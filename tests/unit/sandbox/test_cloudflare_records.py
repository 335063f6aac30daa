"""DNS records through the real cloudflare SDK: create, list, get, update, edit, delete, batch."""

from __future__ import annotations

import json

import cloudflare
import pytest
import requests

from sandbox.cloudflare import SANDBOX_TOKENS, SANDBOX_ZONE, CloudflareService
from sandbox.cloudflare.zones import zone_id
from tests.fixtures.cloudflare import CloudflareSim
from tests.harness.sim import running

OWNED = "managed by boltfoundry.infra (env: sandbox)"


def test_create_answers_the_full_record_without_zone_fields(cloudflare_sim: CloudflareSim) -> None:
    client = cloudflare_sim.client()
    zone_id = cloudflare_sim.zone["id"]
    record = client.dns.records.create(zone_id=zone_id, name="WWW", type="A", content="203.0.113.10", ttl=300, comment=OWNED)
    assert record is not None
    assert (record.name, record.type, record.content, record.ttl, record.proxied, record.proxiable) == (
        "www.boltfoundry.test",
        "A",
        "203.0.113.10",
        300,
        False,
        True,
    )
    assert record.comment == OWNED and record.tags == []
    assert record.comment_modified_on is not None and record.tags_modified_on is None
    url = f"{cloudflare_sim.base_url}/zones/{zone_id}/dns_records/{record.id}"
    stored = requests.get(url, headers={"Authorization": f"Bearer {cloudflare_sim.tokens['dns_edit']}"}, timeout=5).json()["result"]
    assert "zone_id" not in stored and "zone_name" not in stored
    assert set(stored) == {
        "id",
        "name",
        "type",
        "content",
        "proxiable",
        "proxied",
        "ttl",
        "settings",
        "meta",
        "comment",
        "tags",
        "created_on",
        "modified_on",
        "comment_modified_on",
    }


@pytest.mark.parametrize(
    ("given", "full"),
    [("@", "boltfoundry.test"), ("boltfoundry.test", "boltfoundry.test"), ("cdn", "cdn.boltfoundry.test"), ("Cdn.BoltFoundry.Test.", "cdn.boltfoundry.test")],
)
def test_names_are_full_and_lower_case(cloudflare_sim: CloudflareSim, given: str, full: str) -> None:
    record = cloudflare_sim.client().dns.records.create(zone_id=cloudflare_sim.zone["id"], name=given, type="TXT", content="v=spf1 -all", ttl=1)
    assert record is not None and record.name == full


def test_get_update_edit_delete(cloudflare_sim: CloudflareSim) -> None:
    client = cloudflare_sim.client()
    zone_id = cloudflare_sim.zone["id"]
    created = client.dns.records.create(zone_id=zone_id, name="app", type="A", content="203.0.113.10", ttl=300, comment=OWNED)
    assert created is not None
    assert client.dns.records.get(created.id, zone_id=zone_id) == created

    # PUT replaces the record: what is not sent goes back to its default (the comment is gone).
    updated = client.dns.records.update(created.id, zone_id=zone_id, name="app", type="A", content="203.0.113.20", ttl=600)
    assert updated is not None
    assert (updated.id, updated.content, updated.ttl, updated.comment, updated.created_on) == (created.id, "203.0.113.20", 600, None, created.created_on)

    # PATCH changes only what is sent.
    edited = client.dns.records.edit(created.id, zone_id=zone_id, name="app", type="A", ttl=600, comment=OWNED)
    assert edited is not None
    assert (edited.content, edited.comment) == ("203.0.113.20", OWNED)

    deleted = client.dns.records.delete(created.id, zone_id=zone_id)
    assert deleted is not None and deleted.id == created.id
    assert client.dns.records.list(zone_id=zone_id).result == []


def test_proxied_records_read_back_with_automatic_ttl(cloudflare_sim: CloudflareSim) -> None:
    client = cloudflare_sim.client()
    zone_id = cloudflare_sim.zone["id"]
    record = client.dns.records.create(zone_id=zone_id, name="www", type="A", content="203.0.113.10", ttl=3600, proxied=True)
    assert record is not None and (record.proxied, record.ttl) == (True, 1)
    cname = client.dns.records.create(zone_id=zone_id, name="cdn", type="CNAME", content="bft-assets.hel1.your-objectstorage.com", ttl=300, proxied=True)
    assert cname is not None and (cname.proxied, cname.ttl) == (True, 1)
    unproxied = client.dns.records.edit(record.id, zone_id=zone_id, name="www", type="A", ttl=300, proxied=False)
    assert unproxied is not None and (unproxied.proxied, unproxied.ttl) == (False, 300)


def test_list_filters(cloudflare_sim: CloudflareSim) -> None:
    client = cloudflare_sim.client()
    zone_id = cloudflare_sim.zone["id"]
    client.dns.records.create(zone_id=zone_id, name="www", type="A", content="203.0.113.10", ttl=1, proxied=True, comment=OWNED)
    client.dns.records.create(zone_id=zone_id, name="api", type="A", content="203.0.113.11", ttl=1)
    client.dns.records.create(zone_id=zone_id, name="cdn", type="CNAME", content="bft-assets.hel1.your-objectstorage.com", ttl=1)
    client.dns.records.create(zone_id=zone_id, name="www", type="TXT", content="hello", ttl=1)

    def names(**filters: object) -> list[tuple[str, str]]:
        return [(r.type, r.name) for r in client.dns.records.list(zone_id=zone_id, **filters).result]

    assert names(type="A") == [("A", "www.boltfoundry.test"), ("A", "api.boltfoundry.test")]
    assert names(name={"exact": "WWW.boltfoundry.test"}) == [("A", "www.boltfoundry.test"), ("TXT", "www.boltfoundry.test")]
    assert names(name={"exact": "www.boltfoundry.test"}, type="TXT") == [("TXT", "www.boltfoundry.test")]
    assert names(name={"startswith": "a"}) == [("A", "api.boltfoundry.test")]
    assert names(content={"exact": "203.0.113.11"}) == [("A", "api.boltfoundry.test")]
    assert names(content={"contains": "objectstorage"}) == [("CNAME", "cdn.boltfoundry.test")]
    assert names(proxied=True) == [("A", "www.boltfoundry.test")]
    assert names(comment={"present": "1"}) == [("A", "www.boltfoundry.test")]
    assert names(comment={"startswith": "managed by"}) == [("A", "www.boltfoundry.test")]
    assert names(type="A", proxied=True, match="any") == [("A", "www.boltfoundry.test"), ("A", "api.boltfoundry.test")]
    assert names(order="name", type="A") == [("A", "api.boltfoundry.test"), ("A", "www.boltfoundry.test")]
    # The plain `name=` and `content=` filters of the raw API mean "exact".
    headers = {"Authorization": f"Bearer {cloudflare_sim.tokens['dns_edit']}"}
    raw = requests.get(
        f"{cloudflare_sim.base_url}/zones/{zone_id}/dns_records", params={"name": "api.boltfoundry.test", "content": "203.0.113.11"}, headers=headers, timeout=5
    )
    assert [r["name"] for r in raw.json()["result"]] == ["api.boltfoundry.test"]


def test_record_pages_and_the_empty_page_past_the_last(cloudflare_sim: CloudflareSim) -> None:
    client = cloudflare_sim.client()
    zone_id = cloudflare_sim.zone["id"]
    for index in range(12):
        client.dns.records.create(zone_id=zone_id, name=f"host{index}", type="TXT", content=f"n={index}", ttl=1)
    headers = {"Authorization": f"Bearer {cloudflare_sim.tokens['dns_edit']}"}
    url = f"{cloudflare_sim.base_url}/zones/{zone_id}/dns_records"
    third = requests.get(url, params={"per_page": 5, "page": 3}, headers=headers, timeout=5).json()
    assert third["result_info"] == {"page": 3, "per_page": 5, "count": 2, "total_count": 12, "total_pages": 3}
    past = requests.get(url, params={"per_page": 5, "page": 4}, headers=headers, timeout=5).json()
    assert past["result"] == [] and past["result_info"]["count"] == 0
    assert sorted(r.content for r in client.dns.records.list(zone_id=zone_id, per_page=5)) == sorted(f"n={i}" for i in range(12))


def test_tags_on_a_plan_that_has_them(cloudflare_sim: CloudflareSim) -> None:
    zone = cloudflare_sim.admin.call("POST", "cloudflare/zones", {"name": "paid.test", "plan": "pro"})
    token = cloudflare_sim.admin.call("POST", "cloudflare/tokens", {"name": "paid", "grants": {"paid.test": ["zone:read", "dns_records:edit"]}})
    client = cloudflare.Cloudflare(api_token=token["value"], base_url=cloudflare_sim.base_url)
    record = client.dns.records.create(zone_id=zone["id"], name="www", type="A", content="203.0.113.1", ttl=1, tags=["owner:boltfoundry", "env:sandbox"])
    assert record is not None and record.tags == ["owner:boltfoundry", "env:sandbox"] and record.tags_modified_on is not None
    assert len(client.dns.records.list(zone_id=zone["id"], tag={"exact": "owner:BoltFoundry"}).result) == 1
    assert client.dns.records.list(zone_id=zone["id"], tag={"absent": "owner"}).result == []


def test_batch_applies_deletes_patches_puts_posts_in_one_go(cloudflare_sim: CloudflareSim) -> None:
    client = cloudflare_sim.client()
    zone_id = cloudflare_sim.zone["id"]
    old_a = client.dns.records.create(zone_id=zone_id, name="assets", type="A", content="203.0.113.10", ttl=1)
    other = client.dns.records.create(zone_id=zone_id, name="www", type="A", content="203.0.113.11", ttl=1)
    assert old_a is not None and other is not None
    # Replacing an A record by a CNAME on the same name works only if the delete comes first: a batch does that.
    result = client.dns.records.batch(
        zone_id=zone_id,
        deletes=[{"id": old_a.id}],
        patches=[{"id": other.id, "content": "203.0.113.12"}],
        posts=[{"name": "assets", "type": "CNAME", "content": "bft-assets.hel1.your-objectstorage.com", "ttl": 1, "proxied": True}],
    )
    assert result is not None
    assert [r.id for r in result.deletes or []] == [old_a.id]
    assert [r.content for r in result.patches or []] == ["203.0.113.12"]
    assert [(r.type, r.name) for r in result.posts or []] == [("CNAME", "assets.boltfoundry.test")]
    assert sorted(r.type for r in client.dns.records.list(zone_id=zone_id).result) == ["A", "CNAME"]


def test_a_failing_batch_changes_nothing(cloudflare_sim: CloudflareSim) -> None:
    client = cloudflare_sim.client(max_retries=0)
    zone_id = cloudflare_sim.zone["id"]
    kept = client.dns.records.create(zone_id=zone_id, name="keep", type="A", content="203.0.113.10", ttl=1)
    assert kept is not None
    headers = {"Authorization": f"Bearer {cloudflare_sim.tokens['dns_edit']}", "Content-Type": "application/json"}
    body = {"deletes": [{"id": kept.id}], "posts": [{"name": "bad", "type": "A", "content": "not-an-ip", "ttl": 1}]}
    answer = requests.post(f"{cloudflare_sim.base_url}/zones/{zone_id}/dns_records/batch", data=json.dumps(body), headers=headers, timeout=5)
    assert answer.status_code == 400 and answer.json()["errors"][0]["code"] == 9005
    assert [r.id for r in client.dns.records.list(zone_id=zone_id).result] == [kept.id]


def test_the_world_survives_a_restart_through_the_state_file(tmp_path) -> None:
    state = tmp_path / "cloudflare.json"
    auth = {"Authorization": f"Bearer {SANDBOX_TOKENS['dns_edit']}"}
    with running(CloudflareService(), state_file=str(state)) as first:
        url = f"{first.url}/client/v4/zones/{zone_id(SANDBOX_ZONE)}/dns_records"
        record = requests.post(url, json={"name": "kept", "type": "A", "content": "203.0.113.5", "ttl": 1}, headers=auth, timeout=5).json()["result"]
    with running(CloudflareService(), state_file=str(state)) as second:
        url = f"{second.url}/client/v4/zones/{zone_id(SANDBOX_ZONE)}/dns_records/{record['id']}"
        again = requests.get(url, headers=auth, timeout=5).json()["result"]
    assert again == record
