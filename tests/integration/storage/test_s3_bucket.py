"""boltfoundry.infra.s3_bucket against the S3 stand-in: plan, create, nothing to do, change, delete, budgets."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from tests.integration.storage.conftest import Buckets

APP_ORIGIN = "https://app.boltfoundry.test"
ASSETS = {"name": "bft-assets", "public_read": True, "cors_rules": [{"allowed_origins": [APP_ORIGIN], "max_age_seconds": 3600}]}


def anonymous_get(buckets: Buckets, bucket: str, key: str) -> int:
    url = f"{buckets.sim.endpoints['hel1']}/{bucket}/{key}"
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_assets_bucket_from_plan_to_deletion(buckets: Buckets) -> None:
    s3 = buckets.sim.client("production")

    planned = buckets.run(check=True, diff=True, **ASSETS)
    assert planned.changed and planned["changed_parts"] == ["bucket", "policy", "cors"]
    assert buckets.requests(mutating=True) == 0 and s3.list_buckets()["Buckets"] == []
    assert planned["diff"]["before"] == {"name": "bft-assets", "exists": False}
    assert planned["diff"]["after"]["public_read"] is True and planned["diff"]["after"]["cors_rules"][0]["allowed_origins"] == [APP_ORIGIN]
    assert '"exists": true' in buckets.last.stdout

    created = buckets.run(**ASSETS)
    assert created.changed and created["changed_parts"] == ["bucket", "policy", "cors"]
    assert buckets.requests(mutating=True) == 3
    assert created["bucket"]["url"].startswith("http://bft-assets.127.0.0.1:")
    cors = s3.get_bucket_cors(Bucket="bft-assets")["CORSRules"]
    assert [(r["AllowedOrigins"], sorted(r["AllowedMethods"]), r["MaxAgeSeconds"]) for r in cors] == [([APP_ORIGIN], ["GET", "HEAD"], 3600)]
    s3.put_object(Bucket="bft-assets", Key="app.css", Body=b"body{}")
    assert anonymous_get(buckets, "bft-assets", "app.css") == 200

    # Nothing to do: look the bucket up, read the policy and the CORS rules, write nothing.
    again = buckets.run(**ASSETS)
    assert not again.changed and buckets.requests() == 3 and buckets.requests(mutating=True) == 0

    # Another origin: planned without a write, then written alone.
    moved = {**ASSETS, "cors_rules": [{"allowed_origins": ["https://www.boltfoundry.test"], "allowed_methods": ["get"]}]}
    plan = buckets.run(check=True, diff=True, **moved)
    assert plan.changed and plan["changed_parts"] == ["cors"] and buckets.requests(mutating=True) == 0
    assert plan["diff"]["before"]["cors_rules"][0]["allowed_origins"] == [APP_ORIGIN]
    assert plan["diff"]["after"]["cors_rules"] == [
        {"allowed_origins": ["https://www.boltfoundry.test"], "allowed_methods": ["GET"], "allowed_headers": [], "expose_headers": []}
    ]
    changed = buckets.run(**moved)
    assert changed["changed_parts"] == ["cors"] and buckets.requests(mutating=True) == 1

    # Private again: the policy goes, anonymous reads stop.
    private = buckets.run(name="bft-assets", public_read=False, cors_rules=[])
    assert private["changed_parts"] == ["policy", "cors"] and buckets.requests(mutating=True) == 2
    assert anonymous_get(buckets, "bft-assets", "app.css") == 403

    # A bucket with objects is not deleted.
    refused = buckets.run(name="bft-assets", state="absent")
    assert (
        refused.failed and refused.msg == "The bucket bft-assets still holds objects (BucketNotEmpty), and this module never deletes objects: empty it first."
    )
    s3.delete_object(Bucket="bft-assets", Key="app.css")
    plan_delete = buckets.run(check=True, name="bft-assets", state="absent")
    assert plan_delete.changed and buckets.requests(mutating=True) == 0
    deleted = buckets.run(name="bft-assets", state="absent")
    assert deleted.changed and s3.list_buckets()["Buckets"] == []
    gone = buckets.run(name="bft-assets", state="absent")
    assert not gone.changed and buckets.requests(mutating=True) == 0


def test_unmanaged_parts_are_not_read_or_written(buckets: Buckets) -> None:
    buckets.run(**ASSETS)
    bare = buckets.run(name="bft-assets")
    assert not bare.changed and buckets.requests() == 1, "only the lookup: policy and CORS were not asked about"
    assert buckets.sim.client("production").get_bucket_cors(Bucket="bft-assets")["CORSRules"]


def test_a_hand_made_policy_is_replaced_when_public_read_is_asked(buckets: Buckets) -> None:
    s3 = buckets.sim.client("production")
    s3.create_bucket(Bucket="bft-assets")
    narrower = {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::bft-assets/public/*"}
    s3.put_bucket_policy(Bucket="bft-assets", Policy=json.dumps({"Version": "2012-10-17", "Statement": [narrower]}))
    result = buckets.run(diff=True, name="bft-assets", public_read=True)
    assert result["changed_parts"] == ["policy"]
    assert result["diff"]["before"]["public_read"] is False
    assert result["diff"]["before"]["policy"]["Statement"][0]["Resource"] == ["arn:aws:s3:::bft-assets/public/*"]
    steady = buckets.run(name="bft-assets", public_read=True)
    assert not steady.changed


def test_the_endpoint_comes_from_the_environment(buckets: Buckets) -> None:
    args = {"name": "bft-assets", **buckets.credentials("production")}
    result = buckets.ansible.module("boltfoundry.infra.s3_bucket", {**args, "location": "fsn1"}, env={"S3_ENDPOINT_FSN1": buckets.sim.endpoints["fsn1"]})[0]
    assert result.changed and result["bucket"]["endpoint_url"] == buckets.sim.endpoints["fsn1"]
    assert [b["Name"] for b in buckets.sim.client("production", "fsn1").list_buckets()["Buckets"]] == ["bft-assets"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"name": "Bft_Assets"}, "The bucket name 'Bft_Assets' is not valid"),
        ({"name": "bft-assets", "location": "Helsinki"}, "location must be a Hetzner location such as hel1, fsn1 or nbg1, got 'Helsinki'."),
    ],
)
def test_bad_names_are_refused_before_any_request(buckets: Buckets, args: dict[str, str], message: str) -> None:
    args = {**args, **buckets.credentials("production"), "endpoint_url": buckets.sim.endpoints["hel1"]}
    result = buckets.ansible.module("boltfoundry.infra.s3_bucket", args)[0]
    assert result.failed and result.msg.startswith(message) and buckets.requests() == 0
