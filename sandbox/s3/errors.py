"""S3's XML error document, as Hetzner's (Ceph RGW) endpoints send it."""

from __future__ import annotations

import secrets
from http import HTTPStatus
from xml.sax.saxutils import escape

from sandbox.common.server import Response


class S3Error(Exception):
    def __init__(self, status: int, code: str, message: str, bucket: str | None = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.bucket = bucket

    def response(self, location: str) -> Response:
        request_id = f"tx{secrets.token_hex(12)}-{location}"
        parts = [f"<Code>{escape(self.code)}</Code>", f"<Message>{escape(self.message)}</Message>"]
        if self.bucket:
            parts.append(f"<BucketName>{escape(self.bucket)}</BucketName>")
        parts.append(f"<RequestId>{request_id}</RequestId><HostId>{location}</HostId>")
        body = '<?xml version="1.0" encoding="UTF-8"?><Error>' + "".join(parts) + "</Error>"
        return Response(self.status, body.encode(), {"Content-Type": "application/xml", "x-amz-request-id": request_id})


def access_denied(bucket: str | None = None, message: str = "Access Denied") -> S3Error:
    return S3Error(403, "AccessDenied", message, bucket)


# What an injected fault with this status looks like.
FAULT_CODES = {
    400: ("InvalidRequest", "Invalid Request"),
    403: ("AccessDenied", "Access Denied"),
    404: ("NoSuchKey", "The specified key does not exist."),
    500: ("InternalError", "We encountered an internal error. Please try again."),
    503: ("SlowDown", "Please reduce your request rate."),
}


def fault(status: int) -> S3Error:
    if status in FAULT_CODES:
        return S3Error(status, *FAULT_CODES[status])
    try:
        code = HTTPStatus(status).phrase.replace(" ", "")
    except ValueError:
        code = "Error"
    return S3Error(status, code, "Injected fault")
