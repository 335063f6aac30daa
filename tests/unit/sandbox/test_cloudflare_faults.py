"""Injected faults as the cloudflare SDK sees them: its retries, its exceptions, what happened on the server."""

from __future__ import annotations

import cloudflare
import pytest

from tests.fixtures.cloudflare import CloudflareSim

RECORDS = r"/dns_records$"


def test_a_429_carries_cloudflares_body_and_retry_after(cloudflare_sim: CloudflareSim) -> None:
    cloudflare_sim.admin.add_fault(method="GET", path=r"/zones$", status=429, count=1)
    with pytest.raises(cloudflare.RateLimitError) as caught:
        cloudflare_sim.client(max_retries=0).zones.list()
    assert caught.value.status_code == 429
    assert caught.value.response.headers["retry-after"] == "1"
    assert caught.value.body["errors"] == [{"code": 971, "message": "Please wait and consider throttling your request speed"}]


def test_the_sdk_waits_out_a_429_and_retries(cloudflare_sim: CloudflareSim) -> None:
    cloudflare_sim.admin.add_fault(method="GET", path=r"/zones$", status=429, count=1)
    zones = cloudflare_sim.client(max_retries=2).zones.list(name=cloudflare_sim.zone["name"])
    assert [zone.id for zone in zones.result] == [cloudflare_sim.zone["id"]]
    assert [entry["status"] for entry in cloudflare_sim.admin.requests()] == [429, 200]


def test_a_500_is_an_internal_server_error_after_the_retries(cloudflare_sim: CloudflareSim) -> None:
    cloudflare_sim.admin.add_fault(method="GET", path=RECORDS, status=500, count=5)
    with pytest.raises(cloudflare.InternalServerError) as caught:
        cloudflare_sim.client(max_retries=1).dns.records.list(zone_id=cloudflare_sim.zone["id"])
    assert caught.value.status_code == 500
    assert cloudflare_sim.admin.count("GET", RECORDS) == 2  # the call and one retry


@pytest.mark.parametrize("status", [502, 503, 504])
def test_gateway_errors_come_as_the_edges_html_page(cloudflare_sim: CloudflareSim, status: int) -> None:
    cloudflare_sim.admin.add_fault(method="GET", path=RECORDS, status=status, count=1)
    with pytest.raises(cloudflare.InternalServerError) as caught:
        cloudflare_sim.client(max_retries=0).dns.records.list(zone_id=cloudflare_sim.zone["id"])
    assert caught.value.status_code == status
    assert caught.value.response.headers["content-type"] == "text/html"
    assert "cloudflare" in caught.value.response.text


def test_a_dropped_connection_is_a_connection_error_without_retries(cloudflare_sim: CloudflareSim) -> None:
    cloudflare_sim.admin.add_fault(method="GET", path=RECORDS, drop=True, count=1)
    with pytest.raises(cloudflare.APIConnectionError):
        cloudflare_sim.client(max_retries=0).dns.records.list(zone_id=cloudflare_sim.zone["id"])


def test_the_sdk_retries_a_dropped_connection(cloudflare_sim: CloudflareSim) -> None:
    cloudflare_sim.admin.add_fault(method="GET", path=RECORDS, drop=True, count=1)
    assert cloudflare_sim.client().dns.records.list(zone_id=cloudflare_sim.zone["id"]).result == []
    assert [entry["fault"] for entry in cloudflare_sim.admin.requests()] == ["drop", None]


def test_a_create_whose_answer_is_lost_is_retried_into_81058(cloudflare_sim: CloudflareSim) -> None:
    """The SDK retries POSTs too: a create that happened but went unanswered comes back as "identical record".

    Modules that create records must read this error as "look again", not as failure.
    """
    cloudflare_sim.admin.add_fault(method="POST", path=RECORDS, drop=True, after=True, count=1)
    client = cloudflare_sim.client()
    with pytest.raises(cloudflare.BadRequestError) as caught:
        client.dns.records.create(zone_id=cloudflare_sim.zone["id"], name="www", type="A", content="203.0.113.10", ttl=1)
    assert caught.value.body["errors"][0]["code"] == 81058
    assert len(client.dns.records.list(zone_id=cloudflare_sim.zone["id"]).result) == 1
    assert [entry["fault"] for entry in cloudflare_sim.admin.requests() if entry["method"] == "POST"] == ["drop-after", None]
