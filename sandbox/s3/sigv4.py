"""AWS Signature Version 4 verification, as an S3 endpoint checks it.

moto does not check signatures, so the sandbox does it before handing a request
on: an unknown access key, a wrong secret, a changed request, a payload that
does not match its declared hash, a clock too far off or an expired presigned
URL are refused with S3's own error codes. Both forms are understood: the
``Authorization`` header and presigned query parameters (``X-Amz-*``).
Signed streaming uploads (``STREAMING-AWS4-HMAC-SHA256-PAYLOAD``) are checked
on the request signature only, not per chunk.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime

from sandbox.common.server import Request
from sandbox.s3.errors import S3Error

ALGORITHM = "AWS4-HMAC-SHA256"
MAX_SKEW_SECONDS = 15 * 60
UNSIGNED_PAYLOADS = frozenset(
    {"UNSIGNED-PAYLOAD", "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"}
)
PRESIGN_PARAMS = ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Security-Token")


@dataclass
class Signature:
    access_key: str
    date: str
    region: str
    service: str
    signed_headers: list[str]
    signature: str
    amz_date: str
    payload_hash: str
    expires: int | None = None  # presigned URLs only

    @property
    def scope(self) -> str:
        return f"{self.date}/{self.region}/{self.service}/aws4_request"


def _malformed(message: str) -> S3Error:
    return S3Error(400, "AuthorizationHeaderMalformed", message)


def _split_credential(credential: str) -> tuple[str, str, str, str]:
    parts = credential.split("/")
    if len(parts) != 5 or parts[4] != "aws4_request":
        raise _malformed(f"the credential {credential!r} is not <key>/<date>/<region>/<service>/aws4_request")
    return parts[0], parts[1], parts[2], parts[3]


def parse(request: Request) -> Signature | None:
    """The signature a request carries; None for an anonymous request."""
    authorization = request.header("authorization")
    if authorization:
        if authorization.startswith("AWS "):
            raise S3Error(400, "InvalidRequest", "The sandbox verifies Signature Version 4 only (AWS4-HMAC-SHA256).")
        algorithm, _sep, rest = authorization.partition(" ")
        if algorithm != ALGORITHM:
            raise _malformed(f"unsupported authorization algorithm {algorithm!r}")
        fields = {}
        for item in rest.split(","):
            key, _sep, value = item.strip().partition("=")
            fields[key] = value
        if not {"Credential", "SignedHeaders", "Signature"} <= set(fields):
            raise _malformed("the Authorization header needs Credential, SignedHeaders and Signature")
        access_key, date, region, service = _split_credential(fields["Credential"])
        amz_date = request.header("x-amz-date") or ""
        payload_hash = request.header("x-amz-content-sha256")
        if payload_hash is None:
            raise S3Error(400, "InvalidRequest", "Missing required header for this request: x-amz-content-sha256")
        return Signature(access_key, date, region, service, fields["SignedHeaders"].split(";"), fields["Signature"], amz_date, payload_hash)
    if request.arg("X-Amz-Signature") is not None:
        if request.arg("X-Amz-Algorithm") != ALGORITHM:
            raise _malformed("X-Amz-Algorithm must be AWS4-HMAC-SHA256")
        access_key, date, region, service = _split_credential(request.arg("X-Amz-Credential") or "")
        try:
            expires = int(request.arg("X-Amz-Expires") or "")
        except ValueError as exc:
            raise S3Error(400, "AuthorizationQueryParametersError", "X-Amz-Expires must be a number of seconds") from exc
        return Signature(
            access_key,
            date,
            region,
            service,
            (request.arg("X-Amz-SignedHeaders") or "host").split(";"),
            request.arg("X-Amz-Signature") or "",
            request.arg("X-Amz-Date") or "",
            "UNSIGNED-PAYLOAD",
            expires,
        )
    return None


def _canonical_query(query_string: str, presigned: bool) -> str:
    pairs = []
    for item in query_string.split("&") if query_string else []:
        key, _sep, value = item.partition("=")
        if presigned and key == "X-Amz-Signature":
            continue
        pairs.append((key, value))
    return "&".join(f"{key}={value}" for key, value in sorted(pairs))


def canonical_request(request: Request, signature: Signature) -> str:
    headers = []
    for name in signature.signed_headers:
        value = request.header(name)
        if value is None:
            raise S3Error(403, "SignatureDoesNotMatch", f"the signed header {name!r} is not in the request")
        headers.append(f"{name}:{' '.join(value.split())}\n")
    return "\n".join(
        [
            request.method,
            request.path or "/",
            _canonical_query(request.query_string, signature.expires is not None),
            "".join(headers),
            ";".join(signature.signed_headers),
            signature.payload_hash,
        ]
    )


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


def signature_for(secret_key: str, signature: Signature, canonical: str) -> str:
    string_to_sign = "\n".join([ALGORITHM, signature.amz_date, signature.scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = _hmac(f"AWS4{secret_key}".encode(), signature.date)
    for part in (signature.region, signature.service, "aws4_request"):
        key = _hmac(key, part)
    return hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()


def verify(request: Request, signature: Signature, secret_key: str, now: datetime | None = None) -> None:
    """Raise the S3 error a real endpoint answers if the request is not signed right with ``secret_key``."""
    now = now or datetime.now(UTC)
    try:
        signed_at = datetime.strptime(signature.amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError as exc:
        raise S3Error(403, "AccessDenied", "the request carries no valid X-Amz-Date") from exc
    if signature.expires is not None:
        if (now - signed_at).total_seconds() > signature.expires:
            raise S3Error(403, "AccessDenied", "Request has expired")
    elif abs((now - signed_at).total_seconds()) > MAX_SKEW_SECONDS:
        raise S3Error(403, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large.")
    expected = signature_for(secret_key, signature, canonical_request(request, signature))
    if not hmac.compare_digest(expected, signature.signature):
        message = "The request signature we calculated does not match the signature you provided. Check your key and signing method."
        raise S3Error(403, "SignatureDoesNotMatch", message)
    if signature.payload_hash not in UNSIGNED_PAYLOADS and hashlib.sha256(request.body).hexdigest() != signature.payload_hash:
        raise S3Error(400, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.")
