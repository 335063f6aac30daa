"""API-call budgets, counted in the simulator's request log, and where the options come from."""

from __future__ import annotations

from tests.integration.dns.conftest import COMMENT, MARKER, ZONE, DnsRecords

ZONES = r"/zones$"
RECORDS = r"/dns_records$"
APP = {"name": "app", "type": "A", "content": "203.0.113.10", "proxied": True, "comment": COMMENT, "managed_marker": MARKER}


def test_nothing_to_do_costs_one_zone_lookup_and_one_listing(dns: DnsRecords) -> None:
    dns.run(**APP)
    again = dns.run(**APP)
    assert not again.changed
    assert dns.count("GET", ZONES) == 1 and dns.count("GET", RECORDS) == 1
    assert len(dns.sim.admin.requests()) == 2, "no request beyond the zone lookup and the listing"


def test_with_zone_and_zone_id_there_is_no_zone_lookup(dns: DnsRecords) -> None:
    dns.run(**APP)
    again = dns.run(zone_id=dns.sim.zone["id"], **APP)
    assert not again.changed
    assert [(r["method"], r["path"].rsplit("/", 1)[-1]) for r in dns.sim.admin.requests()] == [("GET", "dns_records")]


def test_a_create_costs_one_write(dns: DnsRecords) -> None:
    created = dns.run(**APP)
    assert created.changed
    assert dns.count("GET", ZONES) == 1 and dns.count("GET", RECORDS) == 1 and dns.writes() == 1


def test_a_listing_pages_on_only_while_there_are_pages(dns: DnsRecords) -> None:
    # 120 TXT records of one name span two pages of 100: two listings, never the empty third page.
    client = dns.sim.client()
    for number in range(120):
        client.dns.records.create(zone_id=dns.sim.zone["id"], name="many", type="TXT", content=f"token-{number:03d}", ttl=1)
    listed = dns.run(name="many", type="TXT", content="token-119")
    assert not listed.changed
    assert [r["query"] for r in dns.sim.admin.requests() if r["path"].endswith("/dns_records")] == [
        "name.exact=many.boltfoundry.test&page=1&per_page=100",
        "name.exact=many.boltfoundry.test&page=2&per_page=100",
    ]


def test_zone_info_costs_one_request(dns: DnsRecords) -> None:
    args = {"api_token": dns.sim.tokens["dns_edit"], "base_url": dns.sim.base_url}
    dns.sim.admin.reset_requests()
    by_name = dns.ansible.module("boltfoundry.infra.cloudflare_zone_info", {**args, "zone": "BoltFoundry.test."})[0]
    assert by_name["zone"]["id"] == dns.sim.zone["id"] and by_name["zone"]["status"] == "active" and not by_name.changed
    assert len(dns.sim.admin.requests()) == 1
    dns.sim.admin.reset_requests()
    by_id = dns.ansible.module("boltfoundry.infra.cloudflare_zone_info", {**args, "zone_id": dns.sim.zone["id"]})[0]
    assert by_id["zone"] == by_name["zone"]
    assert len(dns.sim.admin.requests()) == 1


def test_token_and_address_come_from_the_environment(dns: DnsRecords) -> None:
    # Exported where ansible-playbook runs (as the sandbox's endpoints.env does), not in a task's
    # environment: Ansible prints a task's environment at -vvvv.
    environment = {"CLOUDFLARE_API_TOKEN": dns.sim.tokens["dns_edit"], "CLOUDFLARE_BASE_URL": dns.sim.base_url}
    result, run = dns.ansible.module("boltfoundry.infra.cloudflare_dns_record", {"zone": ZONE, **APP}, env=environment, verbosity=4)
    assert result.changed and not result.failed, result.msg
    assert dns.sim.tokens["dns_edit"] not in run.output
    assert len(dns.records("app.boltfoundry.test")) == 1


def test_module_defaults_through_the_action_group(dns: DnsRecords) -> None:
    play = {
        "name": "records with shared credentials",
        "hosts": "localhost",
        "connection": "local",
        "gather_facts": False,
        "module_defaults": {"group/boltfoundry.infra.cloudflare": {"api_token": dns.sim.tokens["dns_edit"], "base_url": dns.sim.base_url}},
        "tasks": [
            {"name": "zone", "boltfoundry.infra.cloudflare_zone_info": {"zone": ZONE}, "register": "zone"},
            {
                "name": "record",
                "boltfoundry.infra.cloudflare_dns_record": {"zone": "{{ zone.zone.name }}", "zone_id": "{{ zone.zone.id }}", **APP},
            },
        ],
    }
    run = dns.ansible.playbook([play]).assert_ok()
    assert run.task("record").changed
    assert dns.sim.tokens["dns_edit"] not in run.output
