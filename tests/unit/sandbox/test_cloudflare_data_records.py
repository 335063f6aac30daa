"""CAA and SRV records: written through ``data``, read back with ``data`` and a formatted ``content``."""

from __future__ import annotations

from typing import Any

import cloudflare
import pytest

from tests.fixtures.cloudflare import CloudflareSim

LETSENCRYPT = {"flags": 0, "tag": "issue", "value": "letsencrypt.org"}
SIP = {"priority": 10, "weight": 5, "port": 5060, "target": "sip.boltfoundry.test"}


def create(sim: CloudflareSim, **record: Any) -> Any:
    record.setdefault("ttl", 1)
    return sim.client().dns.records.create(zone_id=sim.zone["id"], **record)


def test_caa_reads_back_its_data_and_content(cloudflare_sim: CloudflareSim) -> None:
    record = create(cloudflare_sim, name="@", type="CAA", data=LETSENCRYPT)
    assert record.name == "boltfoundry.test"
    assert record.data.to_dict() == LETSENCRYPT
    assert record.content == '0 issue "letsencrypt.org"'
    assert record.proxiable is False


def test_srv_reads_back_its_data_and_content(cloudflare_sim: CloudflareSim) -> None:
    record = create(cloudflare_sim, name="_sip._tcp", type="SRV", data=SIP)
    assert record.name == "_sip._tcp.boltfoundry.test"
    assert record.data.to_dict() == SIP
    assert record.content == "10 5 5060 sip.boltfoundry.test"


def test_an_identical_data_record_is_81058_and_another_value_is_a_second_record(cloudflare_sim: CloudflareSim) -> None:
    create(cloudflare_sim, name="@", type="CAA", data=LETSENCRYPT)
    with pytest.raises(cloudflare.BadRequestError) as caught:
        create(cloudflare_sim, name="@", type="CAA", data=LETSENCRYPT)
    assert caught.value.body["errors"][0]["code"] == 81058
    create(cloudflare_sim, name="@", type="CAA", data={**LETSENCRYPT, "tag": "issuewild"})
    listed = cloudflare_sim.client().dns.records.list(zone_id=cloudflare_sim.zone["id"], type="CAA")
    assert sorted(r.content for r in listed.result) == ['0 issue "letsencrypt.org"', '0 issuewild "letsencrypt.org"']


def test_patch_without_data_keeps_it_and_with_data_replaces_it(cloudflare_sim: CloudflareSim) -> None:
    client = cloudflare_sim.client()
    zone_id = cloudflare_sim.zone["id"]
    record = create(cloudflare_sim, name="_sip._tcp", type="SRV", data=SIP)
    kept = client.dns.records.edit(record.id, zone_id=zone_id, name="_sip._tcp", type="SRV", ttl=300)
    assert kept.data.to_dict() == SIP and kept.ttl == 300
    moved = client.dns.records.edit(record.id, zone_id=zone_id, name="_sip._tcp", type="SRV", ttl=300, data={**SIP, "port": 5061})
    assert moved.content == "10 5 5061 sip.boltfoundry.test"


@pytest.mark.parametrize(
    ("record", "code"),
    [
        ({"name": "@", "type": "CAA"}, 9101),
        ({"name": "@", "type": "CAA", "data": {**LETSENCRYPT, "tag": "issuer"}}, 9100),
        ({"name": "@", "type": "CAA", "data": {**LETSENCRYPT, "flags": 256}}, 9100),
        ({"name": "@", "type": "CAA", "data": {**LETSENCRYPT, "value": ""}}, 9007),
        ({"name": "_sip._tcp", "type": "SRV", "data": {**SIP, "port": None}}, 9101),
        ({"name": "_sip._tcp", "type": "SRV", "data": {**SIP, "target": "not a host"}}, 9007),
        ({"name": "sip", "type": "SRV", "data": SIP}, 9000),
        ({"name": "@", "type": "CAA", "data": LETSENCRYPT, "proxied": True}, 9004),
    ],
)
def test_invalid_data_records_are_refused(cloudflare_sim: CloudflareSim, record: dict[str, Any], code: int) -> None:
    with pytest.raises(cloudflare.BadRequestError) as caught:
        create(cloudflare_sim, **record)
    error = caught.value.body["errors"][0]
    assert (error["code"], [link["code"] for link in error.get("error_chain", [])]) == (1004, [code])
