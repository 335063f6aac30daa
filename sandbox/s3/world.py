"""The one S3 world of a process: moto's S3 backend, the projects and their keys, the state file.

moto keeps its state in module-level backends, so there can be one world per
process; opening a second one while the first is open is refused. Each project
is a moto account (``x-moto-account-id``), which gives every project its own
bucket list while bucket names stay unique across all of them, as on Hetzner.
"""

from __future__ import annotations

import base64
import json
import os
import tempfile
import threading
from collections.abc import Mapping
from typing import Any, ClassVar
from urllib.parse import quote

from sandbox.common.server import Response
from sandbox.s3 import LOCATIONS, PROJECTS, SANDBOX_KEYS

# moto accounts, one per project (twelve digits like AWS account ids).
PROJECT_ACCOUNTS = {project: f"10000000000{index}" for index, project in enumerate(PROJECTS, start=1)}
_ACCOUNT_PROJECTS = {account: project for project, account in PROJECT_ACCOUNTS.items()}
# Bucket configuration kept in the state file (each as the XML or JSON S3 returns it).
_SUBRESOURCES = ("policy", "cors", "tagging", "versioning", "lifecycle", "website", "encryption")
_HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-connection", "transfer-encoding", "content-length", "host", "authorization"})


class S3World:
    _open: ClassVar[S3World | None] = None

    def __init__(self, state_file: str | None = None, keys: Mapping[str, Mapping[str, str]] | None = None) -> None:
        if S3World._open is not None:
            raise RuntimeError("moto keeps S3 state per process: close the open S3 world before opening another")
        # Imported here so that `import sandbox.s3` stays cheap for the launcher.
        from moto.moto_server.werkzeug_app import create_backend_app  # noqa: PLC0415
        from moto.s3.models import s3_backends  # noqa: PLC0415
        from werkzeug.test import Client  # noqa: PLC0415

        self._backends = s3_backends
        self._backends.reset()
        app = create_backend_app("s3")
        # moto's server mode answers every request with "Access-Control-Allow-Origin: *";
        # S3 sends CORS headers only as the bucket's CORS rules say. Keep moto's S3 logic only.
        app.after_request_funcs[None] = [f for f in app.after_request_funcs.get(None, []) if not f.__module__.startswith("flask_cors")]
        self._moto = Client(app)
        self.lock = threading.RLock()
        self.state_file = state_file
        self.keys = {project: dict(pair) for project, pair in (keys or SANDBOX_KEYS).items()}
        S3World._open = self
        if state_file and os.path.exists(state_file):
            with open(state_file, encoding="utf-8") as handle:
                self.restore(json.load(handle))

    def close(self) -> None:
        with self.lock:
            self._backends.reset()
            if S3World._open is self:
                S3World._open = None

    def reset(self) -> None:
        with self.lock:
            self._backends.reset()

    # -- who and where ---------------------------------------------------------------
    def project_for_key(self, access_key: str) -> tuple[str, str] | None:
        """(project, secret key) of an access key, or None if no project has it."""
        for project, pair in self.keys.items():
            if pair["access_key"] == access_key:
                return project, pair["secret_key"]
        return None

    def _bucket(self, name: str) -> Any:
        owner = self._backends.bucket_accounts.get(name)
        if owner is None:
            return None
        partition, account = owner
        return self._backends[account][partition].buckets.get(name)

    def bucket_owner(self, name: str) -> tuple[str, str] | None:
        """(project, location) of an existing bucket."""
        owner = self._backends.bucket_accounts.get(name)
        bucket = self._bucket(name)
        if owner is None or bucket is None:
            return None
        return _ACCOUNT_PROJECTS.get(owner[1], owner[1]), bucket.region_name

    def bucket_policy(self, name: str) -> bytes | None:
        bucket = self._bucket(name)
        return None if bucket is None else bucket.policy

    # -- talking to moto -----------------------------------------------------------------
    def forward(
        self,
        method: str,
        path: str,
        query_string: str,
        headers: Mapping[str, str],
        body: bytes,
        *,
        project: str | None,
        location: str,
    ) -> Response:
        """Hand a verified, path-style request to moto as ``project`` in ``location``."""
        passed = {name: value for name, value in headers.items() if name.lower() not in _HOP_BY_HOP}
        if project is not None:
            # The signature is already verified: tell moto who and where with a header it trusts
            # (this replaces any x-moto-account-id the client sent; header names arrive lower-cased).
            access_key = self.keys[project]["access_key"]
            passed["Authorization"] = f"AWS4-HMAC-SHA256 Credential={access_key}/20000101/{location}/s3/aws4_request, SignedHeaders=host, Signature=0"
            passed["x-moto-account-id"] = PROJECT_ACCOUNTS[project]
        else:
            owner = self._backends.bucket_accounts.get(path.strip("/").partition("/")[0])
            if owner is not None:
                passed["x-moto-account-id"] = owner[1]
        with self.lock:
            answer = self._moto.open(path, method=method, query_string=query_string, headers=passed, data=body, base_url="http://127.0.0.1")
            data = answer.get_data()
        out: dict[str, str] = {}
        for name, value in answer.headers.items():
            if name.lower() in ("server", "x-amzn-requestid"):
                continue
            out[name] = f"{out[name]}, {value}" if name in out else value
        return Response(answer.status_code, data, out)

    # -- state -------------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        """Buckets with their configuration and the current version of every object."""
        buckets = []
        with self.lock:
            for name in sorted(self._backends.bucket_accounts):
                owner = self.bucket_owner(name)
                if owner is None:
                    continue
                project, location = owner
                item: dict[str, Any] = {"name": name, "project": project, "location": location, "config": {}, "objects": []}
                for sub in _SUBRESOURCES:
                    answer = self.forward("GET", f"/{name}", sub, {}, b"", project=project, location=location)
                    unset_versioning = sub == "versioning" and b"<Status>" not in answer.body
                    if answer.status == 200 and answer.body and not unset_versioning:
                        item["config"][sub] = answer.body.decode()
                for key in self._object_keys(name):
                    answer = self.forward("GET", f"/{name}/{quote(key, safe='/~')}", "", {}, b"", project=project, location=location)
                    if answer.status != 200:
                        continue
                    kept = {k: v for k, v in answer.headers.items() if k.lower().startswith("x-amz-meta-") or k.lower() in ("content-type", "cache-control")}
                    item["objects"].append({"key": key, "headers": kept, "body": base64.b64encode(answer.body).decode()})
                buckets.append(item)
        return {"buckets": buckets}

    def _object_keys(self, bucket: str) -> list[str]:
        found = self._bucket(bucket)
        return [] if found is None else sorted(found.keys.keys())

    def restore(self, data: Mapping[str, Any]) -> None:
        with self.lock:
            for item in data.get("buckets", []):
                name, project, location = item["name"], item["project"], item["location"]
                if project not in self.keys or location not in LOCATIONS:
                    continue
                config = f"<CreateBucketConfiguration><LocationConstraint>{location}</LocationConstraint></CreateBucketConfiguration>"
                self.forward("PUT", f"/{name}", "", {}, config.encode(), project=project, location=location)
                for sub, body in item.get("config", {}).items():
                    self.forward("PUT", f"/{name}", sub, {}, body.encode(), project=project, location=location)
                for obj in item.get("objects", []):
                    path = f"/{name}/{quote(obj['key'], safe='/~')}"
                    self.forward("PUT", path, "", obj.get("headers", {}), base64.b64decode(obj["body"]), project=project, location=location)

    def save(self) -> None:
        if not self.state_file:
            return
        data = self.snapshot()
        directory = os.path.dirname(os.path.abspath(self.state_file))
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".state-")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
        os.replace(tmp, self.state_file)
