"""One record's life through ansible-playbook: plan, create, nothing to do, change, plan a change, solo, delete."""

from __future__ import annotations

from tests.integration.dns.conftest import COMMENT, MARKER, DnsRecords

WWW = "www.boltfoundry.test"


def test_a_record_from_plan_to_deletion(dns: DnsRecords) -> None:
    asked = {"name": "www", "type": "A", "content": "203.0.113.10", "ttl": 300, "comment": COMMENT, "managed_marker": MARKER}

    # Check mode first: a plan, not a single write request.
    planned = dns.run(check=True, diff=True, **asked)
    assert planned.changed and dns.writes() == 0 and dns.records() == []
    assert planned["diff"]["before"] == {"records": []}
    assert planned["diff"]["after"]["records"] == [
        {"name": WWW, "type": "A", "content": "203.0.113.10", "ttl": 300, "proxied": False, "comment": COMMENT, "tags": []}
    ]
    assert '+            "content": "203.0.113.10"' in dns.last.stdout

    created = dns.run(diff=True, **asked)
    assert created.changed and dns.count("POST", r"/dns_records$") == 1
    (record,) = dns.records(WWW)
    assert (record.content, record.ttl, record.proxied, record.comment) == ("203.0.113.10", 300, False, COMMENT)
    assert created["record"]["id"] == record.id
    assert created["zone"] == {**created["zone"], "id": dns.sim.zone["id"], "name": "boltfoundry.test"}

    again = dns.run(**asked)
    assert not again.changed and dns.writes() == 0
    assert again["record"]["id"] == record.id

    # A change of content, proxying and comment is planned first, then made in place (solo: the one A record).
    changed_asks = {**asked, "content": "203.0.113.20", "proxied": True, "comment": f"{MARKER} (app)", "solo": True}
    plan = dns.run(check=True, diff=True, **changed_asks)
    assert plan.changed and dns.writes() == 0
    assert plan["changed_fields"] == ["content", "ttl", "proxied", "comment"]
    assert plan["diff"]["before"]["records"] == [
        {"id": record.id, "name": WWW, "type": "A", "content": "203.0.113.10", "ttl": 300, "proxied": False, "comment": COMMENT, "tags": []}
    ]
    assert plan["diff"]["after"]["records"] == [
        {"id": record.id, "name": WWW, "type": "A", "content": "203.0.113.20", "ttl": 1, "proxied": True, "comment": f"{MARKER} (app)", "tags": []}
    ]
    assert '-            "content": "203.0.113.10",' in dns.last.stdout and '+            "content": "203.0.113.20",' in dns.last.stdout
    assert dns.records(WWW)[0].content == "203.0.113.10"

    changed = dns.run(**changed_asks)
    assert changed.changed and dns.count("PATCH", r"/dns_records/") == 1 and dns.writes() == 1
    (record,) = dns.records(WWW)
    assert (record.content, record.proxied, record.ttl, record.comment) == ("203.0.113.20", True, 1, f"{MARKER} (app)")
    # Proxied records read back with ttl 1: asking for 300 again is not a change.
    steady = dns.run(**changed_asks)
    assert not steady.changed and dns.writes() == 0
    assert "ttl=300 is ignored" in dns.last.output

    # Without solo another address is added beside it; solo then makes the asked one the only A record.
    other = {**changed_asks, "content": "203.0.113.30", "solo": False}
    added = dns.run(**other)
    assert added.changed and dns.count("POST", r"/dns_records$") == 1 and len(dns.records(WWW)) == 2
    solo_plan = dns.run(check=True, diff=True, **{**other, "solo": True})
    assert solo_plan.changed and dns.writes() == 0
    assert [r["content"] for r in solo_plan["deleted"]] == ["203.0.113.20"]
    assert [r["content"] for r in solo_plan["diff"]["before"]["records"]] == ["203.0.113.20", "203.0.113.30"]
    assert [r["content"] for r in solo_plan["diff"]["after"]["records"]] == ["203.0.113.30"]
    solo = dns.run(**{**other, "solo": True})
    assert solo.changed and dns.count("DELETE", r"/dns_records/") == 1 and dns.writes() == 1
    assert [r.content for r in dns.records(WWW)] == ["203.0.113.30"]

    deleting = dns.run(check=True, name="www", type="A", state="absent", managed_marker=MARKER)
    assert deleting.changed and dns.writes() == 0 and len(dns.records(WWW)) == 1
    deleted = dns.run(diff=True, name="www", type="A", state="absent", managed_marker=MARKER)
    assert deleted.changed and deleted["record"] is None and dns.records(WWW) == []
    assert deleted["diff"]["after"] == {"records": []}
    gone = dns.run(name="www", type="A", state="absent")
    assert not gone.changed and dns.writes() == 0


def test_a_cname_changes_its_target_in_place(dns: DnsRecords) -> None:
    first = dns.run(name="assets", type="CNAME", content="bft-assets.hel1.your-objectstorage.com", proxied=True)
    assert first.changed
    moved = dns.run(diff=True, name="assets", type="CNAME", content="bft-assets.fsn1.your-objectstorage.com.", proxied=True)
    assert moved.changed and moved["changed_fields"] == ["content"]
    assert dns.count("PATCH", r"/dns_records/") == 1 and dns.count("POST", r"/dns_records$") == 0
    (record,) = dns.records("assets.boltfoundry.test")
    assert record.id == first["record"]["id"] and record.content == "bft-assets.fsn1.your-objectstorage.com"
    # The trailing dot and letter case are how DNS names are written, not differences.
    same = dns.run(name="Assets.boltfoundry.test.", type="CNAME", content="BFT-assets.fsn1.your-objectstorage.com", proxied=True)
    assert not same.changed and dns.writes() == 0


def test_comment_and_tags_left_alone_unless_asked(dns: DnsRecords) -> None:
    dns.run(name="@", type="TXT", content="v=spf1 -all", comment="hand-written")
    untouched = dns.run(name="@", type="TXT", content="v=spf1 -all")
    assert not untouched.changed
    cleared = dns.run(name="@", type="TXT", content="v=spf1 -all", comment="")
    assert cleared.changed and cleared["changed_fields"] == ["comment"]
    (record,) = dns.records("boltfoundry.test", "TXT")
    assert record.comment is None
