"""The dns role through ansible-playbook: records, budgets, check mode, a new floating IP, ownership, removal."""

from __future__ import annotations

from typing import Any

from tests.harness.ansible import PlaybookRun
from tests.integration.dns.conftest import DnsRecords

COMMENT = "boltfoundry.infra:production (managed by Ansible; edits are overwritten)"
APEX, WWW, ASSETS = "boltfoundry.test", "www.boltfoundry.test", "assets.boltfoundry.test"


def role_vars(dns: DnsRecords, **overrides: Any) -> dict[str, Any]:
    return {
        "dns_environment": "production",
        "dns_zone": "boltfoundry.test",
        "dns_floating_ip": "203.0.113.10",
        "dns_www": True,
        "dns_assets_bucket": "bft-assets",
        "dns_api_token": dns.sim.tokens["dns_edit"],
        "dns_base_url": dns.sim.base_url,
        **overrides,
    }


def apply(dns: DnsRecords, *, check: bool = False, diff: bool = False, verbosity: int = 0, **overrides: Any) -> PlaybookRun:
    play = {"name": "dns", "hosts": "localhost", "connection": "local", "gather_facts": False, "roles": ["boltfoundry.infra.dns"]}
    dns.sim.admin.reset_requests()
    run = dns.ansible.playbook([play], extra_vars=role_vars(dns, **overrides), check=check, diff=diff, verbosity=verbosity)
    assert dns.sim.tokens["dns_edit"] not in run.output, "the API token was printed"
    return run


def held(dns: DnsRecords) -> list[tuple[str, str, str, bool, str | None]]:
    return sorted((r.type, r.name, r.content, r.proxied, r.comment) for r in dns.records())


def test_records_for_the_app_planned_made_and_left_alone(dns: DnsRecords) -> None:
    plan = apply(dns, check=True, diff=True).assert_ok()
    assert plan.changed() == 1 and dns.writes() == 0 and dns.records() == []
    assert '"content": "bft-assets.hel1.your-objectstorage.com"' in plan.stdout

    apply(dns).assert_ok()
    assert held(dns) == [
        ("A", APEX, "203.0.113.10", True, COMMENT),
        ("A", WWW, "203.0.113.10", True, COMMENT),
        ("CNAME", ASSETS, "bft-assets.hel1.your-objectstorage.com", True, COMMENT),
    ]

    # Nothing to do: the zone looked up once, one listing per record, no write.
    again = apply(dns, verbosity=4).assert_ok()
    assert again.changed() == 0
    assert dns.count("GET", r"/zones$") == 1 and dns.count("GET", r"/dns_records$") == 3
    assert len(dns.sim.admin.requests()) == 4


def test_a_new_floating_ip_replaces_the_old_one_in_place(dns: DnsRecords) -> None:
    apply(dns).assert_ok()
    before = {r.name: r.id for r in dns.records(record_type="A")}
    moved = apply(dns, diff=True, dns_floating_ip="203.0.113.99").assert_ok()
    assert moved.task("boltfoundry.infra.dns : DNS records of production").changed
    assert dns.count("PATCH", r"/dns_records/") == 2 and dns.count("POST", r"/dns_records$") == 0
    after = {r.name: (r.id, r.content) for r in dns.records(record_type="A")}
    assert after == {name: (record_id, "203.0.113.99") for name, record_id in before.items()}


def test_a_hand_made_apex_record_stops_the_run_until_it_is_adopted(dns: DnsRecords) -> None:
    dns.add(name="@", type="A", content="198.51.100.7", comment="old server")
    refused = apply(dns)
    assert refused.rc != 0
    failure = next(t for t in refused.tasks if t.failed)
    assert failure.result["results"][0]["msg"].startswith("Not going to change the A record boltfoundry.test (198.51.100.7)")
    assert ("A", APEX, "198.51.100.7", False, "old server") in held(dns)

    apply(dns, dns_adopt=["@"]).assert_ok()
    assert ("A", APEX, "203.0.113.10", True, COMMENT) in held(dns)
    assert apply(dns).assert_ok().changed() == 0


def test_absent_removes_only_the_roles_records(dns: DnsRecords) -> None:
    apply(dns).assert_ok()
    dns.add(name="mail", type="A", content="198.51.100.25", comment="mail server")
    apply(dns, dns_state="absent").assert_ok()
    assert held(dns) == [("A", "mail.boltfoundry.test", "198.51.100.25", False, "mail server")]
    assert apply(dns, dns_state="absent").assert_ok().changed() == 0


def test_a_token_that_may_only_read_fails_in_one_sentence(dns: DnsRecords) -> None:
    run = apply(dns, dns_api_token=dns.sim.tokens["read_only"])
    assert run.rc != 0 and dns.records() == []
    failure = next(t for t in run.tasks if t.failed)
    assert failure.result["results"][0]["msg"].endswith("give the token DNS:Edit on boltfoundry.test.")
    assert dns.sim.tokens["read_only"] not in run.output
