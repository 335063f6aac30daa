"""Failures a user meets, each as one sentence: conflicts, tokens without the right permissions, bad input."""

from __future__ import annotations

import pytest

from tests.integration.dns.conftest import DnsRecords


def one_sentence(message: str) -> None:
    assert message.endswith(".") and message.count(". ") == 0 and "\n" not in message, message
    assert "Traceback" not in message and "<html>" not in message.lower()


def test_a_cname_over_an_a_record_names_both_and_81053(dns: DnsRecords) -> None:
    dns.add(name="assets", type="A", content="203.0.113.10")
    for check in (True, False):
        failed = dns.run(check=check, name="assets", type="CNAME", content="bft-assets.hel1.your-objectstorage.com")
        assert failed.failed and dns.writes() == 0
        one_sentence(failed.msg)
        assert "Cannot create the CNAME record assets.boltfoundry.test: the A record assets.boltfoundry.test (203.0.113.10) exists" in failed.msg
        assert "81053" in failed.msg


def test_an_a_record_over_a_cname_names_both_and_81054(dns: DnsRecords) -> None:
    dns.add(name="www", type="CNAME", content="boltfoundry.test")
    failed = dns.run(name="www", type="A", content="203.0.113.10")
    assert failed.failed and dns.writes() == 0
    one_sentence(failed.msg)
    assert "Cannot create the A record www.boltfoundry.test: the CNAME record www.boltfoundry.test (boltfoundry.test) exists" in failed.msg
    assert "81054" in failed.msg


def test_a_token_without_dns_edit_fails_at_the_write(dns: DnsRecords) -> None:
    planned = dns.run(token="read_only", check=True, name="www", type="A", content="203.0.113.10")
    assert planned.changed and not planned.failed, "reading is allowed, so check mode can plan"
    failed = dns.run(token="read_only", name="www", type="A", content="203.0.113.10")
    assert failed.failed and dns.records() == []
    one_sentence(failed.msg)
    assert failed.msg.startswith("The API token is not allowed to do this while creating the A record www.boltfoundry.test (203.0.113.10)")
    assert "error 10000" in failed.msg and failed.msg.endswith("give the token DNS:Edit on boltfoundry.test.")
    assert failed["failure"]["status"] == 403 and failed["failure"]["codes"] == [10000]


def test_a_token_without_zone_read_on_the_zone_cannot_see_it(dns: DnsRecords) -> None:
    failed = dns.run(token="other_zone", name="www", type="A", content="203.0.113.10")
    assert failed.failed
    one_sentence(failed.msg)
    assert failed.msg == "No zone named boltfoundry.test is visible to this API token: check the zone name and that the token has Zone:Read on it."
    by_id = dns.run(token="other_zone", zone=None, zone_id=dns.sim.zone["id"], name="www", type="A", content="203.0.113.10")
    assert by_id.failed and "error 10000" in by_id.msg and by_id.msg.endswith("check zone_id and give the token Zone:Read on that zone.")


def test_an_unknown_token_is_refused_without_printing_it(dns: DnsRecords) -> None:
    token = "not_a_real_token_but_forty_characters_00"
    result, run = dns.ansible.module(
        "boltfoundry.infra.cloudflare_dns_record",
        {"api_token": token, "base_url": dns.sim.base_url, "zone": "boltfoundry.test", "name": "www", "type": "A", "content": "203.0.113.10"},
        verbosity=4,
    )
    assert result.failed and token not in run.output
    one_sentence(result.msg)
    assert result.msg.startswith("Cloudflare refused the API token while looking up the zone boltfoundry.test (error 1000: Invalid API Token)")


def test_no_token_at_all(dns: DnsRecords) -> None:
    result = dns.ansible.module(
        "boltfoundry.infra.cloudflare_dns_record",
        {"base_url": dns.sim.base_url, "zone": "boltfoundry.test", "name": "www", "type": "A", "content": "203.0.113.10"},
        env={"CLOUDFLARE_API_TOKEN": ""},
    )[0]
    assert result.failed and result.msg == "No Cloudflare API token: set api_token or the CLOUDFLARE_API_TOKEN environment variable."


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"type": "A", "content": "not-an-address"}, "content must be an IPv4 address for an A record, got 'not-an-address'."),
        ({"type": "TXT", "content": "x", "proxied": True}, "proxied=true is only possible for A, AAAA and CNAME records, not TXT."),
        ({"type": "A", "content": "203.0.113.10", "ttl": 30}, "ttl must be 1 (automatic) or from 60 to 86400 seconds, got 30."),
        ({"type": "MX", "content": "mx.example.test"}, "priority is required for an MX record with state=present."),
        ({"type": "CAA", "content": "0 issue letsencrypt.org"}, "CAA records take their value in data, not content."),
        ({"type": "SRV", "data": {"priority": 1, "port": 5060, "target": "sip.example.test"}}, "data for a SRV record needs exactly the keys"),
        (
            {"type": "A", "content": "203.0.113.10", "name": "www.elsewhere.test."},
            "The record name www.elsewhere.test is not inside the zone boltfoundry.test.",
        ),
        ({"type": "A", "content": "203.0.113.10", "managed_marker": "ours"}, "comment must contain the managed_marker 'ours'"),
    ],
)
def test_bad_input_is_refused_before_any_request(dns: DnsRecords, args: dict[str, object], message: str) -> None:
    failed = dns.run(**{"name": "www", **args})
    assert failed.failed and message in failed.msg and dns.sim.admin.requests() == []
    one_sentence(failed.msg)


def test_what_cloudflare_refuses_is_said_with_its_codes(dns: DnsRecords) -> None:
    # The Free plan allows no tags: Cloudflare's own refusal, in one sentence with its error chain.
    failed = dns.run(name="www", type="A", content="203.0.113.10", tags=["env:sandbox"])
    assert failed.failed and dns.records() == []
    one_sentence(failed.msg)
    assert failed.msg.startswith(
        "Cloudflare refused creating the A record www.boltfoundry.test (203.0.113.10) (HTTP 400, error 1004: DNS Validation Error; 9300:"
    )
