"""Credentials belong to one project; refusals and faults come back as one sentence, never with a key."""

from __future__ import annotations

from tests.integration.storage.conftest import Buckets


def test_another_projects_bucket_is_refused_and_left_alone(buckets: Buckets) -> None:
    buckets.sim.client("ci").create_bucket(Bucket="bft-run-records")
    for check in (True, False):
        refused = buckets.run(project="production", check=check, name="bft-run-records", public_read=True)
        assert refused.failed and buckets.requests(mutating=True) == 0
        assert refused.msg == (
            "These S3 credentials may not use the bucket bft-run-records (AccessDenied) while looking up the bucket bft-run-records:"
            " it belongs to another project or account;"
            " use that project's keys or another bucket name."
        )
    assert "Policy" not in str(buckets.sim.client("ci").list_buckets())


def test_a_name_held_in_another_location_is_taken(buckets: Buckets) -> None:
    buckets.run(location="fsn1", name="bft-assets")
    taken = buckets.run(location="hel1", name="bft-assets")
    assert taken.failed and taken.msg.startswith("The bucket name bft-assets is taken (BucketAlreadyExists)")


def test_a_wrong_secret_or_an_unknown_key_is_named_without_the_key(buckets: Buckets) -> None:
    wrong = {**buckets.credentials("production"), "secret_key": "not-the-secret-key-of-this-project-00000"}
    result, run = buckets.ansible.module(
        "boltfoundry.infra.s3_bucket", {"name": "bft-assets", "endpoint_url": buckets.sim.endpoints["hel1"], **wrong}, verbosity=4
    )
    assert result.failed and "not-the-secret-key" not in run.output
    assert result.msg.startswith(f"The S3 endpoint {buckets.sim.endpoints['hel1']} refused the request signature (SignatureDoesNotMatch)")
    unknown = {"access_key": "SANDBOXNOBODY0000000", "secret_key": "x" * 40}
    result, run = buckets.ansible.module("boltfoundry.infra.s3_bucket", {"name": "bft-assets", "endpoint_url": buckets.sim.endpoints["hel1"], **unknown})
    assert result.failed and "SANDBOXNOBODY0000000" not in run.output
    assert "does not know this access key (InvalidAccessKeyId)" in result.msg


def test_throttling_and_lost_answers_converge(buckets: Buckets) -> None:
    admin = buckets.sim.admin("hel1")
    admin.add_fault(method="PUT", path=r"^/bft-assets$", status=503, count=2)
    admin.add_fault(method="PUT", path=r"^/bft-assets$", status=500, after=True, count=1)
    created = buckets.run(name="bft-assets", public_read=True)
    assert created.changed and not created.failed, created.msg
    # Two throttled creates, one carried out with its answer lost, then Ceph's 200 to re-creating your own bucket.
    creates = [r for r in admin.requests() if (r["method"], r["path"], r["query"]) == ("PUT", "/bft-assets", "")]
    assert [r["status"] for r in creates] == [503, 503, 500, 200]
    assert [b["Name"] for b in buckets.sim.client("production").list_buckets()["Buckets"]] == ["bft-assets"]
    again = buckets.run(name="bft-assets", public_read=True)
    assert not again.changed


def test_when_retries_run_out_the_run_fails_in_one_sentence(buckets: Buckets) -> None:
    buckets.sim.admin("hel1").add_fault(path=r"^/bft-assets$", status=503)
    failed = buckets.run(name="bft-assets", max_retries=1)
    assert failed.failed
    assert (
        failed.msg == f"S3 at {buckets.sim.endpoints['hel1']} refused looking up the bucket bft-assets (HTTP 503, SlowDown: Please reduce your request rate)."
    )
