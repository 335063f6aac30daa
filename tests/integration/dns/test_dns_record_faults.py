"""Rate limits, edge errors and lost answers: the run converges and never leaves a duplicate record.

``after: true`` faults carry the request out and then replace or drop its answer,
so the module cannot tell from the answer whether its write happened.
"""

from __future__ import annotations

import pytest

from tests.integration.dns.conftest import DnsRecords

RECORDS = r"/dns_records$"
ONE_RECORD = r"/dns_records/[0-9a-f]{32}$"
APP = {"name": "app", "type": "A", "content": "203.0.113.10", "proxied": True}


def only_one(dns: DnsRecords) -> None:
    records = dns.records("app.boltfoundry.test")
    assert [(r.type, r.content) for r in records] == [("A", "203.0.113.10")], "a duplicate or a missing record"


def test_rate_limited_creates_are_retried_after_retry_after(dns: DnsRecords) -> None:
    dns.sim.admin.add_fault(method="POST", path=RECORDS, status=429, count=2)
    created = dns.run(**APP)
    assert created.changed and not created.failed
    assert dns.count("POST", RECORDS) == 3
    only_one(dns)


@pytest.mark.parametrize("fault", [{"status": 502}, {"status": 500}, {"drop": True}], ids=["502-html", "500-json", "dropped"])
def test_a_create_whose_answer_is_lost_is_not_repeated_into_a_duplicate(dns: DnsRecords, fault: dict[str, object]) -> None:
    # The record is written, the answer lost; the library's retry meets 81058 and the module reads again.
    dns.sim.admin.add_fault(method="POST", path=RECORDS, after=True, count=1, **fault)
    created = dns.run(**APP)
    assert created.changed and not created.failed, created.msg
    # The lost create, the library's retry (81058), then one more listing to find what was written.
    assert dns.count("POST", RECORDS) == 2 and dns.count("GET", RECORDS) == 2
    only_one(dns)
    assert created["record"]["id"] == dns.records("app.boltfoundry.test")[0].id
    again = dns.run(**APP)
    assert not again.changed and dns.writes() == 0


def test_a_lost_answer_to_a_change_or_a_delete_still_converges(dns: DnsRecords) -> None:
    dns.run(**APP)
    dns.run(**{**APP, "content": "203.0.113.20"})  # a second address beside the first
    dns.sim.admin.add_fault(method="DELETE", path=ONE_RECORD, status=504, after=True, count=1)
    dns.sim.admin.add_fault(method="PATCH", path=ONE_RECORD, status=503, after=True, count=1)
    solo = dns.run(**{**APP, "comment": "now the only one", "solo": True})
    assert solo.changed and not solo.failed, solo.msg
    # The retried DELETE found the record gone (81044): that is done, not an error.
    assert dns.count("DELETE", ONE_RECORD) == 2 and dns.count("PATCH", ONE_RECORD) == 2
    (record,) = dns.records("app.boltfoundry.test")
    assert (record.content, record.comment) == ("203.0.113.10", "now the only one")


def test_a_slow_listing_is_retried(dns: DnsRecords) -> None:
    dns.sim.admin.add_fault(method="GET", path=RECORDS, status=503, count=1)
    created = dns.run(**APP)
    assert created.changed and not created.failed
    only_one(dns)


def test_when_retries_run_out_the_run_fails_in_one_sentence_and_the_next_converges(dns: DnsRecords) -> None:
    # Every create is carried out and its answer replaced by the edge's 502 page: the run cannot confirm it.
    dns.sim.admin.add_fault(method="POST", path=RECORDS, status=502, after=True)
    failed = dns.run(max_retries=1, **APP)
    assert failed.failed
    assert failed.msg.startswith("Cloudflare answered HTTP 502 while creating the A record app.boltfoundry.test (203.0.113.10), also after 1 retries")
    assert "<html>" not in dns.last.output
    only_one(dns)

    dns.sim.admin.clear_faults()
    converged = dns.run(**APP)
    assert not converged.changed and dns.writes() == 0
    only_one(dns)
