# Copyright: Bolt Foundry
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""S3 object storage on Hetzner's endpoints: options, the boto3 client, failures, policy and CORS shapes.

Hetzner Object Storage runs Ceph RGW, one endpoint per location
(``https://<location>.your-objectstorage.com``); credentials belong to one
Hetzner project. boto3 1.36+ adds CRC checksums to every upload by default,
which Ceph-based services have refused, so the client sends and checks
checksums only where S3 requires them.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any, Dict, List, Optional

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

try:
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError

    BOTO3_IMPORT_ERROR: Optional[Exception] = None
except ImportError as exc:  # reported by client() with missing_required_lib
    boto3 = None  # type: ignore[assignment]
    Config = None  # type: ignore[assignment,misc]
    BOTO3_IMPORT_ERROR = exc

    # Stand-ins so that the modules' except clauses still mean something without botocore.
    class BotoCoreError(Exception):  # type: ignore[no-redef]
        pass

    class ClientError(BotoCoreError):  # type: ignore[no-redef]
        pass

    class EndpointConnectionError(BotoCoreError):  # type: ignore[no-redef]
        pass


DEFAULT_ENDPOINT = "https://{location}.your-objectstorage.com"
ENDPOINT_ENV = "S3_ENDPOINT_{LOCATION}"
DEFAULT_MAX_RETRIES = 4
_LOCATION = re.compile(r"^[a-z]+[0-9]+$")
# S3's rules for bucket names that also work with virtual-host addressing (no dots: TLS wildcards).
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")


def s3_argument_spec(**options: Any) -> Dict[str, Any]:
    """The shared options (doc fragment ``boltfoundry.infra.s3``) plus the module's own."""
    spec: Dict[str, Any] = {
        "location": {"type": "str", "default": "hel1"},
        "endpoint_url": {"type": "str"},
        "access_key": {"type": "str", "required": True, "no_log": True},
        "secret_key": {"type": "str", "required": True, "no_log": True},
        "max_retries": {"type": "int", "default": DEFAULT_MAX_RETRIES},
    }
    spec.update(options)
    return spec


def endpoint_for(location: str, endpoint_url: Optional[str]) -> str:
    """The option, else ``S3_ENDPOINT_<LOCATION>`` from the environment, else Hetzner's endpoint for the location."""
    if endpoint_url:
        return endpoint_url.rstrip("/")
    from_env = os.environ.get(ENDPOINT_ENV.format(LOCATION=location.upper()))
    return (from_env or DEFAULT_ENDPOINT.format(location=location)).rstrip("/")


class S3Error(Exception):
    """A failed call, already put into one sentence; ``code`` is S3's error code when there is one."""

    def __init__(self, message: str, code: Optional[str] = None, status: Optional[int] = None) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


def error_code(exc: Exception) -> Optional[str]:
    response = getattr(exc, "response", None) or {}
    return (response.get("Error") or {}).get("Code")


def translate(exc: Exception, doing: str, endpoint: str, bucket: str) -> S3Error:
    """One sentence for a failed boto3 call; never the keys."""
    if isinstance(exc, EndpointConnectionError):
        return S3Error(f"Could not reach the S3 endpoint {endpoint} while {doing}; check endpoint_url and location.")
    if isinstance(exc, BotoCoreError) or not isinstance(exc, ClientError):
        # botocore's messages can run over several lines (parameter validation): keep the first.
        first_line = (str(exc).strip().splitlines() or [""])[0].rstrip(".:")
        return S3Error(f"The S3 request failed while {doing} at {endpoint}: {type(exc).__name__}: {first_line}.")
    code = error_code(exc) or "unknown"
    response = getattr(exc, "response", None) or {}
    status = (response.get("ResponseMetadata") or {}).get("HTTPStatusCode")
    message = str((response.get("Error") or {}).get("Message") or "").rstrip(".")
    if code == "InvalidAccessKeyId":
        text = f"The S3 endpoint {endpoint} does not know this access key ({code}) while {doing}: check access_key and that it belongs to this project."
    elif code == "SignatureDoesNotMatch":
        text = f"The S3 endpoint {endpoint} refused the request signature ({code}) while {doing}: check secret_key."
    elif code in ("AccessDenied", "AllAccessDisabled"):
        text = (
            f"These S3 credentials may not use the bucket {bucket} ({code}) while {doing}: it belongs to another project or account;"
            " use that project's keys or another bucket name."
        )
    elif code == "BucketAlreadyExists":
        text = (
            f"The bucket name {bucket} is taken ({code}): another project or account holds it, or you hold it in another location;"
            " choose another name or the bucket's location."
        )
    elif code == "BucketNotEmpty":
        text = f"The bucket {bucket} still holds objects ({code}), and this module never deletes objects: empty it first."
    else:
        text = f"S3 at {endpoint} refused {doing} (HTTP {status}, {code}{': ' + message if message else ''})."
    return S3Error(text, code, status)


def client(module: AnsibleModule, endpoint: str) -> Any:
    """A boto3 S3 client for one location's endpoint, with checksums only where S3 requires them."""
    if BOTO3_IMPORT_ERROR is not None:
        module.fail_json(msg=missing_required_lib("boto3"), exception=str(BOTO3_IMPORT_ERROR))
    params = module.params
    config = Config(
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
        s3={"addressing_style": "path"},
        signature_version="s3v4",
        retries={"mode": "standard", "total_max_attempts": params["max_retries"] + 1},
    )
    return boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint,
        region_name=params["location"],
        aws_access_key_id=params["access_key"],
        aws_secret_access_key=params["secret_key"],
        config=config,
    )


def check_names(bucket: str, location: str) -> Optional[str]:
    """A sentence when the bucket or location name cannot be right, else None."""
    if not _LOCATION.match(location):
        return f"location must be a Hetzner location such as hel1, fsn1 or nbg1, got {location!r}."
    if not _BUCKET.match(bucket) or "--" in bucket:
        return (
            f"The bucket name {bucket!r} is not valid: use 3 to 63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit."
        )
    return None


# -- bucket policy -------------------------------------------------------------------------
def public_read_policy(bucket: str) -> Dict[str, Any]:
    """Anyone may read the objects (not list the bucket)."""
    return {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}],
    }


def _as_sorted_list(value: Any) -> List[str]:
    return sorted([value] if isinstance(value, str) else list(value or []))


def normalize_policy(policy: Any) -> Optional[Dict[str, Any]]:
    """A policy in one spelling (``Principal: {"AWS": "*"}`` is ``"*"``; single actions are lists), for comparing."""
    if policy is None:
        return None
    if isinstance(policy, str):
        policy = json.loads(policy)
    statements = []
    for statement in policy.get("Statement") or []:
        principal = statement.get("Principal")
        if isinstance(principal, dict) and _as_sorted_list(principal.get("AWS")) == ["*"] and len(principal) == 1:
            principal = "*"
        statements.append(
            {
                "Effect": statement.get("Effect"),
                "Principal": principal,
                "Action": _as_sorted_list(statement.get("Action")),
                "Resource": _as_sorted_list(statement.get("Resource")),
                **({"Condition": statement["Condition"]} if statement.get("Condition") else {}),
            }
        )
    return {"Statement": sorted(statements, key=lambda s: json.dumps(s, sort_keys=True))}


# -- CORS ----------------------------------------------------------------------------------
CORS_FIELDS = (
    ("allowed_origins", "AllowedOrigins"),
    ("allowed_methods", "AllowedMethods"),
    ("allowed_headers", "AllowedHeaders"),
    ("expose_headers", "ExposeHeaders"),
)


def cors_from_options(rules: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The module's snake_case rules in S3's shape, sorted and de-duplicated for comparing."""
    result = []
    for rule in rules:
        s3_rule: Dict[str, Any] = {name: sorted(set(rule.get(option) or [])) for option, name in CORS_FIELDS}
        s3_rule["AllowedMethods"] = sorted({method.upper() for method in s3_rule["AllowedMethods"]})
        if rule.get("max_age_seconds") is not None:
            s3_rule["MaxAgeSeconds"] = int(rule["max_age_seconds"])
        result.append(s3_rule)
    return sorted(result, key=lambda r: json.dumps(r, sort_keys=True))


def cors_from_s3(rules: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """S3's answer in the same spelling as ``cors_from_options`` (ids dropped)."""
    result = []
    for rule in rules:
        s3_rule: Dict[str, Any] = {name: sorted(set(rule.get(name) or [])) for _option, name in CORS_FIELDS}
        if rule.get("MaxAgeSeconds") is not None:
            s3_rule["MaxAgeSeconds"] = int(rule["MaxAgeSeconds"])
        result.append(s3_rule)
    return sorted(result, key=lambda r: json.dumps(r, sort_keys=True))


def cors_to_options(rules: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """S3-shaped rules back in the module's spelling (for results and diffs)."""
    result = []
    for rule in rules:
        shown: Dict[str, Any] = {option: list(rule.get(name) or []) for option, name in CORS_FIELDS}
        if rule.get("MaxAgeSeconds") is not None:
            shown["max_age_seconds"] = rule["MaxAgeSeconds"]
        result.append(shown)
    return result
