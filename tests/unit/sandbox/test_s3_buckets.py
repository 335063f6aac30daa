"""Buckets and objects through boto3 against the S3 stand-in, in Hetzner's shape."""

from __future__ import annotations

import json

import pytest
import requests
from botocore.exceptions import ClientError

from tests.fixtures.s3 import S3Sim

PUBLIC_READ = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bft-assets/*"}],
}
CORS = {"CORSRules": [{"AllowedMethods": ["GET", "HEAD"], "AllowedOrigins": ["https://boltfoundry.test"], "AllowedHeaders": ["*"], "MaxAgeSeconds": 3600}]}


def error_of(caught: pytest.ExceptionInfo[ClientError]) -> tuple[int, str]:
    response = caught.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"]


def test_create_and_list_buckets_per_project_and_location(s3_sim: S3Sim) -> None:
    production = s3_sim.client("production", "hel1")
    production.create_bucket(Bucket="bft-assets")
    s3_sim.client("ci", "hel1").create_bucket(Bucket="bft-run-records")
    s3_sim.client("production", "fsn1").create_bucket(Bucket="bft-backups")
    assert [b["Name"] for b in production.list_buckets()["Buckets"]] == ["bft-assets"]
    assert [b["Name"] for b in s3_sim.client("production", "fsn1").list_buckets()["Buckets"]] == ["bft-backups"]
    assert [b["Name"] for b in s3_sim.client("ci", "hel1").list_buckets()["Buckets"]] == ["bft-run-records"]
    assert production.get_bucket_location(Bucket="bft-assets")["LocationConstraint"] == "hel1"


def test_creating_your_own_bucket_again_succeeds_as_on_ceph(s3_sim: S3Sim) -> None:
    production = s3_sim.client("production", "hel1")
    production.create_bucket(Bucket="bft-assets")
    again = production.create_bucket(Bucket="bft-assets")
    assert again["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert len(production.list_buckets()["Buckets"]) == 1


def test_a_name_taken_by_another_project_is_bucket_already_exists(s3_sim: S3Sim) -> None:
    s3_sim.client("production", "hel1").create_bucket(Bucket="bft-assets")
    with pytest.raises(ClientError) as caught:
        s3_sim.client("ci", "hel1").create_bucket(Bucket="bft-assets")
    assert error_of(caught) == (409, "BucketAlreadyExists")


def test_a_name_you_hold_in_another_location_is_taken_too(s3_sim: S3Sim) -> None:
    s3_sim.client("production", "hel1").create_bucket(Bucket="bft-assets")
    with pytest.raises(ClientError) as caught:
        s3_sim.client("production", "fsn1").create_bucket(Bucket="bft-assets")
    assert error_of(caught) == (409, "BucketAlreadyExists")


def test_a_bucket_is_served_only_by_its_locations_endpoint(s3_sim: S3Sim) -> None:
    s3_sim.client("production", "hel1").create_bucket(Bucket="bft-assets")
    with pytest.raises(ClientError) as caught:
        s3_sim.client("production", "nbg1").head_bucket(Bucket="bft-assets")
    assert error_of(caught) == (404, "404")


def test_a_location_constraint_must_name_the_endpoints_location(s3_sim: S3Sim) -> None:
    production = s3_sim.client("production", "hel1")
    production.create_bucket(Bucket="bft-assets", CreateBucketConfiguration={"LocationConstraint": "hel1"})
    with pytest.raises(ClientError) as caught:
        production.create_bucket(Bucket="bft-other", CreateBucketConfiguration={"LocationConstraint": "fsn1"})
    assert error_of(caught) == (400, "InvalidLocationConstraint")


def test_bucket_policy_and_cors(s3_sim: S3Sim) -> None:
    production = s3_sim.client("production", "hel1")
    production.create_bucket(Bucket="bft-assets")
    production.put_bucket_policy(Bucket="bft-assets", Policy=json.dumps(PUBLIC_READ))
    assert json.loads(production.get_bucket_policy(Bucket="bft-assets")["Policy"]) == PUBLIC_READ
    production.put_bucket_cors(Bucket="bft-assets", CORSConfiguration=CORS)
    assert production.get_bucket_cors(Bucket="bft-assets")["CORSRules"] == CORS["CORSRules"]
    production.delete_bucket_cors(Bucket="bft-assets")
    with pytest.raises(ClientError) as caught:
        production.get_bucket_cors(Bucket="bft-assets")
    assert error_of(caught) == (404, "NoSuchCORSConfiguration")


def test_cors_preflight_follows_the_buckets_rules(s3_sim: S3Sim) -> None:
    production = s3_sim.client("production", "hel1")
    production.create_bucket(Bucket="bft-assets")
    production.put_object(Bucket="bft-assets", Key="app.js", Body=b"console.log(1)")
    production.put_bucket_cors(Bucket="bft-assets", CORSConfiguration=CORS)
    url = f"{s3_sim.endpoints['hel1']}/bft-assets/app.js"
    allowed = requests.options(url, headers={"Origin": "https://boltfoundry.test", "Access-Control-Request-Method": "GET"}, timeout=5)
    assert allowed.status_code == 200
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://boltfoundry.test"
    refused = requests.options(url, headers={"Origin": "https://evil.test", "Access-Control-Request-Method": "GET"}, timeout=5)
    assert refused.status_code == 403
    assert "Access-Control-Allow-Origin" not in refused.headers


def test_put_and_get_objects(s3_sim: S3Sim) -> None:
    production = s3_sim.client("production", "hel1")
    production.create_bucket(Bucket="bft-assets")
    key = "assets/app ü+1.css"
    production.put_object(Bucket="bft-assets", Key=key, Body=b"body{}", ContentType="text/css", Metadata={"build": "42"})
    got = production.get_object(Bucket="bft-assets", Key=key)
    assert (got["Body"].read(), got["ContentType"], got["Metadata"]) == (b"body{}", "text/css", {"build": "42"})
    assert production.head_object(Bucket="bft-assets", Key=key)["ContentLength"] == 6
    assert [o["Key"] for o in production.list_objects_v2(Bucket="bft-assets")["Contents"]] == [key]
    production.delete_object(Bucket="bft-assets", Key=key)
    with pytest.raises(ClientError) as caught:
        production.get_object(Bucket="bft-assets", Key=key)
    assert error_of(caught) == (404, "NoSuchKey")


def test_virtual_host_addressing(s3_sim: S3Sim) -> None:
    virtual = s3_sim.client("production", "hel1", addressing="virtual")
    virtual.create_bucket(Bucket="bft-assets")
    virtual.put_object(Bucket="bft-assets", Key="index.html", Body=b"<html/>")
    assert virtual.get_object(Bucket="bft-assets", Key="index.html")["Body"].read() == b"<html/>"
    # The same bucket, path-style: one world whichever way it is addressed.
    assert s3_sim.client("production", "hel1").get_object(Bucket="bft-assets", Key="index.html")["Body"].read() == b"<html/>"
    hosts = [entry for entry in s3_sim.admin("hel1").requests() if entry["method"] == "PUT"]
    assert [entry["path"] for entry in hosts] == ["/", "/index.html"]


def test_boto3s_default_checksum_trailers_work_too(s3_sim: S3Sim) -> None:
    production = s3_sim.client("production", "hel1", request_checksum_calculation="when_supported", response_checksum_validation="when_supported")
    production.create_bucket(Bucket="bft-assets")
    production.put_object(Bucket="bft-assets", Key="k", Body=b"x" * 1000)
    assert production.get_object(Bucket="bft-assets", Key="k")["Body"].read() == b"x" * 1000


def test_anonymous_reads_only_where_a_policy_makes_objects_public(s3_sim: S3Sim) -> None:
    production = s3_sim.client("production", "hel1")
    production.create_bucket(Bucket="bft-assets")
    production.put_object(Bucket="bft-assets", Key="logo.svg", Body=b"<svg/>")
    url = f"{s3_sim.endpoints['hel1']}/bft-assets/logo.svg"
    assert requests.get(url, timeout=5).status_code == 403
    production.put_bucket_policy(Bucket="bft-assets", Policy=json.dumps(PUBLIC_READ))
    assert requests.get(url, timeout=5).content == b"<svg/>"
    # Listing stays private, and so do other buckets and the bucket list.
    assert requests.get(f"{s3_sim.endpoints['hel1']}/bft-assets", timeout=5).status_code == 403
    assert requests.get(f"{s3_sim.endpoints['hel1']}/", timeout=5).status_code == 403


def test_presigned_urls(s3_sim: S3Sim) -> None:
    production = s3_sim.client("production", "hel1")
    production.create_bucket(Bucket="bft-assets")
    production.put_object(Bucket="bft-assets", Key="report.json", Body=b"{}")
    url = production.generate_presigned_url("get_object", Params={"Bucket": "bft-assets", "Key": "report.json"}, ExpiresIn=300)
    assert requests.get(url, timeout=5).content == b"{}"
    tampered = url.replace("report.json", "other.json")
    assert "SignatureDoesNotMatch" in requests.get(tampered, timeout=5).text
    expired = production.generate_presigned_url("get_object", Params={"Bucket": "bft-assets", "Key": "report.json"}, ExpiresIn=0)
    answer = requests.get(expired, timeout=5)
    assert answer.status_code == 403 and "Request has expired" in answer.text


def test_the_request_log_counts_s3_calls_per_location(s3_sim: S3Sim) -> None:
    production = s3_sim.client("production", "hel1")
    production.create_bucket(Bucket="bft-assets")
    production.put_bucket_policy(Bucket="bft-assets", Policy=json.dumps(PUBLIC_READ))
    admin = s3_sim.admin("hel1")
    assert admin.count("PUT", r"^/bft-assets$") == 2
    assert admin.count(mutating=True) == 2
    assert s3_sim.admin("fsn1").count() == 0
