"""Injected faults as boto3 sees them, and the state file of the S3 world."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError, ConnectionClosedError, EndpointConnectionError

from sandbox.common.server import SimServer
from sandbox.s3.service import S3LocationService
from sandbox.s3.world import S3World
from tests.fixtures.s3 import S3Sim
from tests.harness.sim import running

NO_RETRIES = {"retries": {"total_max_attempts": 1, "mode": "standard"}}


def test_a_503_is_slow_down(s3_sim: S3Sim) -> None:
    s3_sim.admin("hel1").add_fault(method="GET", path=r"^/$", status=503, count=1)
    with pytest.raises(ClientError) as caught:
        s3_sim.client("production", "hel1", **NO_RETRIES).list_buckets()
    assert caught.value.response["Error"]["Code"] == "SlowDown"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 503


def test_boto3_retries_a_503_and_a_500(s3_sim: S3Sim) -> None:
    admin = s3_sim.admin("hel1")
    admin.add_fault(method="GET", path=r"^/$", status=503, count=1)
    admin.add_fault(method="GET", path=r"^/$", status=500, count=1)
    buckets = s3_sim.client("production", "hel1", retries={"max_attempts": 3, "mode": "standard"}).list_buckets()
    assert buckets["Buckets"] == []
    assert [entry["status"] for entry in admin.requests()] == [503, 500, 200]


def test_a_dropped_connection_is_a_connection_error(s3_sim: S3Sim) -> None:
    s3_sim.admin("hel1").add_fault(method="GET", path=r"^/$", drop=True, count=1)
    with pytest.raises((ConnectionClosedError, EndpointConnectionError)):
        s3_sim.client("production", "hel1", **NO_RETRIES).list_buckets()


def test_a_fault_hits_only_its_locations_endpoint(s3_sim: S3Sim) -> None:
    s3_sim.admin("hel1").add_fault(status=503)
    assert s3_sim.client("production", "fsn1", **NO_RETRIES).list_buckets()["Buckets"] == []


def test_state_file_keeps_buckets_configuration_and_objects(tmp_path) -> None:
    state = tmp_path / "s3.json"
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bft-assets/*"}]}
    world = S3World(state_file=str(state))
    try:
        with running(S3LocationService(world, "hel1")) as server:
            client = _client(server, "production")
            client.create_bucket(Bucket="bft-assets")
            client.put_bucket_policy(Bucket="bft-assets", Policy=json.dumps(policy))
            client.put_bucket_cors(Bucket="bft-assets", CORSConfiguration={"CORSRules": [{"AllowedMethods": ["GET"], "AllowedOrigins": ["*"]}]})
            client.put_object(Bucket="bft-assets", Key="a/b.txt", Body=b"\x00binary\xff", ContentType="text/plain", Metadata={"build": "7"})
            _client(server, "ci").create_bucket(Bucket="bft-run-records")
    finally:
        world.close()
    saved = json.loads(state.read_text())
    assert sorted((b["name"], b["project"], b["location"]) for b in saved["buckets"]) == [
        ("bft-assets", "production", "hel1"),
        ("bft-run-records", "ci", "hel1"),
    ]

    world = S3World(state_file=str(state))
    try:
        with running(S3LocationService(world, "hel1")) as server:
            client = _client(server, "production")
            assert [b["Name"] for b in client.list_buckets()["Buckets"]] == ["bft-assets"]
            assert json.loads(client.get_bucket_policy(Bucket="bft-assets")["Policy"]) == policy
            assert client.get_bucket_cors(Bucket="bft-assets")["CORSRules"][0]["AllowedOrigins"] == ["*"]
            got = client.get_object(Bucket="bft-assets", Key="a/b.txt")
            assert (got["Body"].read(), got["ContentType"], got["Metadata"]) == (b"\x00binary\xff", "text/plain", {"build": "7"})
            assert [b["Name"] for b in _client(server, "ci").list_buckets()["Buckets"]] == ["bft-run-records"]
    finally:
        world.close()


def test_one_world_per_process(s3_sim: S3Sim) -> None:
    with pytest.raises(RuntimeError, match="close the open S3 world"):
        S3World()


def _client(server: SimServer, project: str):
    import boto3
    from botocore.config import Config

    from sandbox.s3 import SANDBOX_KEYS
    from tests.fixtures.s3 import HETZNER_CHECKSUMS

    keys = SANDBOX_KEYS[project]
    return boto3.client(
        "s3",
        endpoint_url=server.url,
        region_name="hel1",
        aws_access_key_id=keys["access_key"],
        aws_secret_access_key=keys["secret_key"],
        config=Config(**HETZNER_CHECKSUMS),
    )
