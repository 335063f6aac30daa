"""Every record type the module offers, created and then left alone on the second run."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.dns.conftest import DnsRecords

CASES: list[tuple[dict[str, Any], str]] = [
    ({"name": "@", "type": "A", "content": "203.0.113.10"}, "203.0.113.10"),
    ({"name": "@", "type": "AAAA", "content": "2001:DB8:0:0::10", "proxied": True}, "2001:db8::10"),
    ({"name": "www", "type": "CNAME", "content": "boltfoundry.test", "proxied": True}, "boltfoundry.test"),
    ({"name": "@", "type": "TXT", "content": "v=spf1 include:_spf.example.test -all"}, "v=spf1 include:_spf.example.test -all"),
    ({"name": "@", "type": "MX", "content": "MX1.example.test.", "priority": 10}, "mx1.example.test"),
    ({"name": "@", "type": "CAA", "data": {"flags": 0, "tag": "issue", "value": "letsencrypt.org"}}, '0 issue "letsencrypt.org"'),
    (
        {"name": "_sip._tcp", "type": "SRV", "data": {"priority": 10, "weight": 5, "port": 5060, "target": "sip.boltfoundry.test."}},
        "10 5 5060 sip.boltfoundry.test",
    ),
]


@pytest.mark.parametrize(("asked", "stored"), CASES, ids=[case[0]["type"] for case in CASES])
def test_each_type_is_created_once(dns: DnsRecords, asked: dict[str, Any], stored: str) -> None:
    created = dns.run(**asked)
    assert created.changed and not created.failed, created.msg
    (record,) = dns.records(record_type=asked["type"])
    assert record.content == stored
    again = dns.run(**asked)
    assert not again.changed and dns.writes() == 0, again["changed_fields"]


def test_a_new_mx_priority_is_changed_in_place(dns: DnsRecords) -> None:
    dns.run(name="@", type="MX", content="mx1.example.test", priority=10)
    moved = dns.run(name="@", type="MX", content="mx1.example.test", priority=20)
    assert moved.changed and moved["changed_fields"] == ["priority"] and dns.count("PATCH", "/dns_records/") == 1
    (record,) = dns.records(record_type="MX")
    assert record.priority == 20


def test_an_srv_record_with_another_port_is_a_second_record_unless_solo(dns: DnsRecords) -> None:
    sip = {"name": "_sip._tcp", "type": "SRV", "data": {"priority": 10, "weight": 5, "port": 5060, "target": "sip.boltfoundry.test"}}
    dns.run(**sip)
    dns.run(**{**sip, "data": {**sip["data"], "port": 5061}})
    assert len(dns.records(record_type="SRV")) == 2
    solo = dns.run(solo=True, **{**sip, "data": {**sip["data"], "port": 5062}})
    assert solo.changed and solo["changed_fields"] == ["data"]
    (record,) = dns.records(record_type="SRV")
    assert record.content == "10 5 5062 sip.boltfoundry.test"
    removed = dns.run(state="absent", name="_sip._tcp", type="SRV")
    assert removed.changed and dns.records(record_type="SRV") == []
