"""Which bucket a request means: path-style or virtual-host addressing.

Path-style: ``http://127.0.0.1:<port>/<bucket>/<key>`` (the loopback URL of one
location, or ``<location>.your-objectstorage.test``). Virtual-host:
``http://<bucket>.<location>.your-objectstorage.test/<key>``, as in production
``https://<bucket>.<location>.your-objectstorage.com/<key>``; such names do not
resolve, so a client reaches them with the endpoint as its HTTP proxy.
"""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.s3 import SANDBOX_DOMAIN
from sandbox.s3.errors import S3Error


@dataclass(frozen=True)
class Target:
    bucket: str | None
    key: str  # raw (percent-encoded) key path after the bucket, without the leading slash
    virtual_host: bool

    def path_style_path(self) -> str:
        """The request path in path-style form, which is what moto is given."""
        if self.bucket is None:
            return "/"
        return f"/{self.bucket}/{self.key}" if self.key else f"/{self.bucket}"


def target(host_header: str | None, path: str, location: str) -> Target:
    host = (host_header or "").strip().lower()
    if host.startswith("["):
        host = host.partition("]")[0] + "]"
    else:
        host = host.rpartition(":")[0] if ":" in host else host
    suffix = "." + SANDBOX_DOMAIN
    if host.endswith(suffix):
        labels = host[: -len(suffix)].split(".")
        if labels[-1] != location:
            raise S3Error(400, "InvalidRequest", f"this endpoint serves {location}; the Host header names {labels[-1]}")
        if len(labels) > 1:
            return Target(bucket=".".join(labels[:-1]), key=path.lstrip("/"), virtual_host=True)
    bucket, _sep, key = path.lstrip("/").partition("/")
    return Target(bucket=bucket or None, key=key, virtual_host=False)
