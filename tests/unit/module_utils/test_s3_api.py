"""Bucket policy and CORS spellings compare equal when S3 means the same; names and endpoints."""

from __future__ import annotations

import json

import pytest

from ansible_collections.boltfoundry.infra.plugins.module_utils.s3_api import (
    check_names,
    cors_from_options,
    cors_from_s3,
    cors_to_options,
    endpoint_for,
    normalize_policy,
    public_read_policy,
    translate,
)


def test_the_public_read_policy_in_another_spelling_is_the_same() -> None:
    respelled = {
        "Version": "2012-10-17",
        "Id": "given-by-someone",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::bft-assets/*"]}],
    }
    assert normalize_policy(json.dumps(respelled)) == normalize_policy(public_read_policy("bft-assets"))
    narrower = dict(respelled, Statement=[dict(respelled["Statement"][0], Resource="arn:aws:s3:::bft-assets/public/*")])
    assert normalize_policy(narrower) != normalize_policy(public_read_policy("bft-assets"))


def test_cors_rules_compare_without_order_case_or_ids() -> None:
    asked = cors_from_options([{"allowed_origins": ["https://b.test", "https://a.test"], "allowed_methods": ["get", "HEAD"], "max_age_seconds": 60}])
    answered = cors_from_s3([{"ID": "x", "AllowedOrigins": ["https://a.test", "https://b.test"], "AllowedMethods": ["HEAD", "GET"], "MaxAgeSeconds": 60}])
    assert asked == answered
    assert cors_to_options(asked) == [
        {
            "allowed_origins": ["https://a.test", "https://b.test"],
            "allowed_methods": ["GET", "HEAD"],
            "allowed_headers": [],
            "expose_headers": [],
            "max_age_seconds": 60,
        }
    ]


def test_the_endpoint_comes_from_the_option_the_environment_or_hetzner(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("S3_ENDPOINT_NBG1", raising=False)
    assert endpoint_for("nbg1", None) == "https://nbg1.your-objectstorage.com"
    monkeypatch.setenv("S3_ENDPOINT_NBG1", "http://127.0.0.1:9000/")
    assert endpoint_for("nbg1", None) == "http://127.0.0.1:9000"
    assert endpoint_for("nbg1", "https://example.test") == "https://example.test"


@pytest.mark.parametrize("name", ["ab", "Bft-assets", "bft_assets", "bft.assets", "-bft", "bft--assets", "x" * 64])
def test_bucket_names_s3_refuses_are_refused_first(name: str) -> None:
    assert check_names(name, "hel1") is not None


def test_good_names_pass() -> None:
    assert check_names("bft-assets", "hel1") is None
    assert check_names("bft-assets", "HEL1") is not None


def test_a_botocore_error_of_several_lines_becomes_one_sentence() -> None:
    from botocore.exceptions import ParamValidationError

    error = ParamValidationError(report="Invalid type for parameter Bucket, value: 5, type: <class 'int'>\nInvalid length for parameter Key")
    message = str(translate(error, "creating bucket bft-assets", "https://hel1.your-objectstorage.com", "bft-assets"))
    assert "\n" not in message
    assert message == (
        "The S3 request failed while creating bucket bft-assets at https://hel1.your-objectstorage.com: ParamValidationError: Parameter validation failed."
    )
