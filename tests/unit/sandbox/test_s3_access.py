"""Project isolation and signature checks: what Hetzner's endpoints refuse."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
import requests
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from sandbox.common.server import Request
from sandbox.s3 import SANDBOX_KEYS, sigv4
from sandbox.s3.errors import S3Error
from tests.fixtures.s3 import S3Sim


def error_of(caught: pytest.ExceptionInfo[ClientError]) -> tuple[int, str]:
    response = caught.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"]


@pytest.fixture
def production_bucket(s3_sim: S3Sim) -> str:
    production = s3_sim.client("production", "hel1")
    production.create_bucket(Bucket="bft-assets")
    production.put_object(Bucket="bft-assets", Key="secret.txt", Body=b"production data")
    return "bft-assets"


@pytest.mark.parametrize(
    "call",
    [
        lambda c, b: c.get_object(Bucket=b, Key="secret.txt"),
        lambda c, b: c.put_object(Bucket=b, Key="planted.txt", Body=b"x"),
        lambda c, b: c.delete_object(Bucket=b, Key="secret.txt"),
        lambda c, b: c.list_objects_v2(Bucket=b),
        lambda c, b: c.get_bucket_policy(Bucket=b),
        lambda c, b: c.put_bucket_policy(Bucket=b, Policy="{}"),
        lambda c, b: c.delete_bucket(Bucket=b),
    ],
    ids=["get", "put", "delete-object", "list", "get-policy", "put-policy", "delete-bucket"],
)
def test_ci_keys_cannot_touch_production_buckets(s3_sim: S3Sim, production_bucket: str, call) -> None:
    with pytest.raises(ClientError) as caught:
        call(s3_sim.client("ci", "hel1"), production_bucket)
    assert error_of(caught) == (403, "AccessDenied")
    production = s3_sim.client("production", "hel1")
    assert production.get_object(Bucket=production_bucket, Key="secret.txt")["Body"].read() == b"production data"
    assert [o["Key"] for o in production.list_objects_v2(Bucket=production_bucket)["Contents"]] == ["secret.txt"]


def test_ci_cannot_copy_out_of_a_production_bucket(s3_sim: S3Sim, production_bucket: str) -> None:
    ci = s3_sim.client("ci", "hel1")
    ci.create_bucket(Bucket="bft-run-records")
    with pytest.raises(ClientError) as caught:
        ci.copy_object(Bucket="bft-run-records", Key="stolen.txt", CopySource={"Bucket": production_bucket, "Key": "secret.txt"})
    assert error_of(caught) == (403, "AccessDenied")


def test_ci_does_not_even_see_production_buckets(s3_sim: S3Sim, production_bucket: str) -> None:
    assert s3_sim.client("ci", "hel1").list_buckets()["Buckets"] == []
    with pytest.raises(ClientError) as caught:
        s3_sim.client("ci", "hel1").head_bucket(Bucket=production_bucket)
    assert error_of(caught) == (403, "403")


def test_a_wrong_secret_is_signature_does_not_match(s3_sim: S3Sim) -> None:
    s3_sim.keys["production"] = {"access_key": SANDBOX_KEYS["production"]["access_key"], "secret_key": "not-the-secret"}
    with pytest.raises(ClientError) as caught:
        s3_sim.client("production", "hel1").list_buckets()
    assert error_of(caught) == (403, "SignatureDoesNotMatch")


def test_an_unknown_access_key_is_invalid_access_key_id(s3_sim: S3Sim) -> None:
    s3_sim.keys["stranger"] = {"access_key": "AKIASTRANGER00000000", "secret_key": "whatever"}
    with pytest.raises(ClientError) as caught:
        s3_sim.client("stranger", "hel1").list_buckets()
    assert error_of(caught) == (403, "InvalidAccessKeyId")


def _signed_put(endpoint: str, body: bytes) -> tuple[str, dict[str, str]]:
    keys = SANDBOX_KEYS["production"]
    request = AWSRequest(method="PUT", url=f"{endpoint}/bft-assets/file.txt", data=body, headers={})
    S3SigV4Auth(Credentials(keys["access_key"], keys["secret_key"]), "s3", "hel1").add_auth(request)
    prepared = request.prepare()
    return prepared.url, dict(prepared.headers)


def test_a_body_that_does_not_match_its_signed_hash_is_refused(s3_sim: S3Sim, production_bucket: str) -> None:
    url, headers = _signed_put(s3_sim.endpoints["hel1"], b"what was signed")
    assert requests.put(url, data=b"what was signed", headers=headers, timeout=5).status_code == 200
    changed = requests.put(url, data=b"something else!", headers=headers, timeout=5)
    assert changed.status_code == 400 and "<Code>XAmzContentSHA256Mismatch</Code>" in changed.text


def test_a_changed_signed_header_breaks_the_signature(s3_sim: S3Sim, production_bucket: str) -> None:
    url, headers = _signed_put(s3_sim.endpoints["hel1"], b"data")
    signed_date = headers["X-Amz-Date"]
    # Another second of the same minute: still in the allowed skew, but not what was signed.
    headers["X-Amz-Date"] = signed_date[:-3] + ("01Z" if signed_date.endswith("00Z") else "00Z")
    answer = requests.put(url, data=b"data", headers=headers, timeout=5)
    assert answer.status_code == 403 and "<Code>SignatureDoesNotMatch</Code>" in answer.text


def test_a_clock_too_far_off_is_request_time_too_skewed(s3_sim: S3Sim) -> None:
    url, headers = _signed_put(s3_sim.endpoints["hel1"], b"data")
    # What the server sees: the signed headers plus the Host the HTTP client adds.
    request = Request("PUT", "/bft-assets/file.txt", "", {**headers, "Host": urlsplit(url).netloc}, b"data")
    signature = sigv4.parse(request)
    assert signature is not None
    sigv4.verify(request, signature, SANDBOX_KEYS["production"]["secret_key"])  # fine now
    with pytest.raises(S3Error) as caught:
        sigv4.verify(request, signature, SANDBOX_KEYS["production"]["secret_key"], now=datetime.now(UTC) + timedelta(minutes=16))
    assert caught.value.code == "RequestTimeTooSkewed"


def test_anonymous_writes_are_refused(s3_sim: S3Sim, production_bucket: str) -> None:
    answer = requests.put(f"{s3_sim.endpoints['hel1']}/{production_bucket}/x", data=b"x", timeout=5)
    assert answer.status_code == 403 and "<Code>AccessDenied</Code>" in answer.text
    assert requests.put(f"{s3_sim.endpoints['hel1']}/anonymous-bucket", timeout=5).status_code == 403
