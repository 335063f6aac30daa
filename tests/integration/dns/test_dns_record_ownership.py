"""Records without our marker are never changed or deleted, unless the user names them with adopt."""

from __future__ import annotations

from tests.integration.dns.conftest import COMMENT, MARKER, DnsRecords

APEX = "boltfoundry.test"
OURS = {"name": "@", "type": "A", "content": "203.0.113.10", "proxied": True, "comment": COMMENT, "managed_marker": MARKER}


def test_a_hand_made_record_is_not_changed_or_deleted(dns: DnsRecords) -> None:
    hand_made = dns.add(name="@", type="A", content="198.51.100.7", comment="set up by hand in 2023")

    solo = dns.run(solo=True, **OURS)
    assert solo.failed and dns.writes() == 0
    assert solo.msg.startswith("Not going to change the A record boltfoundry.test (198.51.100.7): its comment does not carry the marker")
    assert "set adopt=true" in solo.msg

    # Without solo the asked record is added beside it; deleting "all A records" then stops at the hand-made one.
    beside = dns.run(**OURS)
    assert beside.changed and len(dns.records(APEX)) == 2
    absent = dns.run(name="@", type="A", state="absent", managed_marker=MARKER)
    assert absent.failed and dns.writes() == 0
    assert absent.msg.startswith("Not going to delete the A record boltfoundry.test (198.51.100.7)")
    assert {r.id for r in dns.records(APEX)} >= {hand_made.id}


def test_a_hand_made_record_with_the_same_value_is_not_taken_over_silently(dns: DnsRecords) -> None:
    dns.add(name="@", type="A", content="203.0.113.10", proxied=True)
    refused = dns.run(check=True, **OURS)
    assert refused.failed and "Not going to change the A record boltfoundry.test (203.0.113.10)" in refused.msg


def test_adopt_takes_a_named_record_over(dns: DnsRecords) -> None:
    hand_made = dns.add(name="@", type="A", content="198.51.100.7")
    adopted = dns.run(solo=True, adopt=True, diff=True, **OURS)
    assert adopted.changed and adopted["changed_fields"] == ["content", "proxied", "comment"]
    (record,) = dns.records(APEX)
    assert (record.id, record.content, record.comment) == (hand_made.id, "203.0.113.10", COMMENT)
    # From now on it carries the marker: later runs manage it without adopt.
    again = dns.run(solo=True, **OURS)
    assert not again.changed and not again.failed


def test_without_a_marker_the_named_record_is_managed(dns: DnsRecords) -> None:
    dns.add(name="legacy", type="TXT", content="old-verification")
    removed = dns.run(name="legacy", type="TXT", content="old-verification", state="absent")
    assert removed.changed and dns.records("legacy.boltfoundry.test") == []
