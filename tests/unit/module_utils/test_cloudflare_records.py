"""Planning one name's records: names, values, proxied ttl, conflicts, solo and ownership."""

from __future__ import annotations

from typing import Any

import pytest

from ansible_collections.boltfoundry.infra.plugins.module_utils.cloudflare_records import (
    Desired,
    Ownership,
    RecordError,
    after,
    changes,
    full_name,
    normalize_content,
    normalize_data,
    plan_absent,
    plan_present,
)

ZONE = "boltfoundry.test"
MARKER = "boltfoundry.infra:test"


def record(record_id: str, record_type: str = "A", content: str | None = "203.0.113.10", **fields: Any) -> dict[str, Any]:
    base = {"id": record_id, "name": f"www.{ZONE}", "type": record_type, "content": content, "data": None, "priority": None}
    base.update({"ttl": 1, "proxied": False, "comment": f"{MARKER} (ours)", "tags": []})
    base.update(fields)
    return base


def desired(**fields: Any) -> Desired:
    values: dict[str, Any] = {"name": f"www.{ZONE}", "type": "A", "content": "203.0.113.10", "comment": f"{MARKER} (ours)"}
    values.update(fields)
    return Desired(**values)


@pytest.mark.parametrize(
    ("given", "full"),
    [
        ("@", ZONE),
        ("", ZONE),
        (ZONE, ZONE),
        ("www", f"www.{ZONE}"),
        ("WWW.BoltFoundry.Test", f"www.{ZONE}"),
        (f"www.{ZONE}.", f"www.{ZONE}"),
        ("a.b", f"a.b.{ZONE}"),
    ],
)
def test_names_are_read_as_cloudflare_reads_them(given: str, full: str) -> None:
    assert full_name(given, ZONE) == full


def test_a_full_name_outside_the_zone_is_refused() -> None:
    with pytest.raises(RecordError, match=r"^The record name www\.example\.com is not inside the zone boltfoundry\.test\.$"):
        full_name("www.example.com.", ZONE)


def test_values_compare_as_cloudflare_stores_them() -> None:
    assert normalize_content("AAAA", "2001:DB8:0::1") == "2001:db8::1"
    assert normalize_content("CNAME", "Target.Example.COM.") == "target.example.com"
    assert normalize_content("TXT", "Keep Case ") == "Keep Case "
    assert normalize_data("SRV", {"priority": "10", "weight": 5.0, "port": 5060, "target": "SIP.example.test."}) == {
        "priority": 10,
        "weight": 5,
        "port": 5060,
        "target": "sip.example.test",
    }
    with pytest.raises(RecordError, match="missing: weight"):
        normalize_data("SRV", {"priority": 1, "port": 1, "target": "x.test"})


def test_a_proxied_record_reading_back_ttl_1_is_no_change() -> None:
    assert changes(desired(proxied=True, ttl=300), record("r1", proxied=True, ttl=1)) == []
    assert changes(desired(proxied=False, ttl=300), record("r1", ttl=1)) == ["ttl"]


def test_unmanaged_comment_and_tags_are_no_change() -> None:
    assert changes(desired(comment=None, tags=None), record("r1", comment="by hand", tags=["a:b"])) == []
    assert changes(desired(comment="", tags=[]), record("r1", comment="by hand", tags=["a:b"])) == ["comment", "tags"]


def test_another_address_is_added_unless_solo_which_changes_one_in_place() -> None:
    existing = [record("r1", content="198.51.100.1")]
    added = plan_present(desired(), existing, solo=False, ownership=Ownership(MARKER))
    assert added.create is not None and added.update is None and added.delete == []
    replaced = plan_present(desired(), [*existing, record("r2", content="198.51.100.2")], solo=True, ownership=Ownership(MARKER))
    assert replaced.create is None and replaced.update is not None and replaced.update["id"] == "r1" and replaced.update_fields == ["content"]
    assert [r["id"] for r in replaced.delete] == ["r2"]
    assert [r["content"] for r in after([*existing, record("r2", content="198.51.100.2")], replaced, desired(), "A")] == ["203.0.113.10"]


def test_the_record_with_the_asked_value_is_kept_and_solo_deletes_the_rest() -> None:
    existing = [record("r1", content="198.51.100.1"), record("r2")]
    plan = plan_present(desired(), existing, solo=True, ownership=Ownership(MARKER))
    assert plan.keep is not None and plan.keep["id"] == "r2" and [r["id"] for r in plan.delete] == ["r1"]


@pytest.mark.parametrize(
    ("asked", "existing", "code"),
    [
        (desired(type="CNAME", content="target.example.test"), record("r1"), 81053),
        (desired(type="CNAME", content="target.example.test"), record("r1", record_type="AAAA", content="2001:db8::1"), 81053),
        (desired(), record("r1", record_type="CNAME", content="target.example.test"), 81054),
    ],
)
def test_a_and_cname_conflicts_are_refused_before_writing(asked: Desired, existing: dict[str, Any], code: int) -> None:
    with pytest.raises(RecordError, match=f"Cloudflare error {code}") as caught:
        plan_present(asked, [existing], solo=False, ownership=Ownership())
    assert str(caught.value).startswith(f"Cannot create the {asked.type} record www.boltfoundry.test: the {existing['type']} record www.boltfoundry.test")


def test_a_txt_record_beside_a_cname_is_not_predicted_as_a_conflict() -> None:
    plan = plan_present(desired(type="TXT", content="hello"), [record("r1", record_type="CNAME", content="x.test")], solo=False, ownership=Ownership())
    assert plan.create is not None


def test_records_without_the_marker_are_not_changed_or_deleted_unless_adopted() -> None:
    foreign = record("r1", content="198.51.100.1", comment="by hand")
    with pytest.raises(RecordError, match=r"^Not going to change the A record www\.boltfoundry\.test \(198\.51\.100\.1\)"):
        plan_present(desired(), [foreign], solo=True, ownership=Ownership(MARKER))
    with pytest.raises(RecordError, match="Not going to delete"):
        plan_absent(desired(content=None), [foreign], Ownership(MARKER))
    adopted = plan_present(desired(), [foreign], solo=True, ownership=Ownership(MARKER, adopt=True))
    assert adopted.update is not None and adopted.update_fields == ["content", "comment"]
    # Without a marker whatever the task names is the user's to manage.
    assert plan_absent(desired(content=None), [foreign], Ownership()).delete == [foreign]


def test_absent_with_a_value_deletes_only_that_record() -> None:
    existing = [record("r1", content="198.51.100.1"), record("r2"), record("r3", record_type="TXT", content="x")]
    assert [r["id"] for r in plan_absent(desired(), existing, Ownership(MARKER)).delete] == ["r2"]
    assert [r["id"] for r in plan_absent(desired(content=None), existing, Ownership(MARKER)).delete] == ["r1", "r2"]
