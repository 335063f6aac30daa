"""One location's S3 endpoint: check who is asking and may they, then let moto answer.

In front of moto this adds what Hetzner's endpoints do and moto does not:
SigV4 signature checks with the projects' keys; a project sees and touches only
its own buckets (another project's bucket is ``AccessDenied``, and its name is
``BucketAlreadyExists``); re-creating your own bucket succeeds, as Ceph RGW
answers; a bucket lives in one location and the other locations' endpoints do
not serve it; anonymous reads only where a bucket policy makes objects public.

Admin calls under ``/__sandbox__/s3/``: ``POST reset`` (empty world),
``GET state`` (the world as the state file keeps it).
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from sandbox.common.server import Request, Response, Service
from sandbox.s3 import addressing, errors, policy, sigv4
from sandbox.s3.addressing import Target
from sandbox.s3.errors import S3Error
from sandbox.s3.world import S3World

_MUTATING = frozenset({"PUT", "POST", "DELETE"})
_CONSTRAINT = re.compile(r"<(?:\w+:)?LocationConstraint>([^<]*)</(?:\w+:)?LocationConstraint>")


def _query_without_presign(query_string: str) -> str:
    kept = [item for item in query_string.split("&") if item and item.partition("=")[0] not in sigv4.PRESIGN_PARAMS]
    return "&".join(kept)


class S3LocationService(Service):
    name = "s3"

    def __init__(self, world: S3World, location: str) -> None:
        self.world = world
        self.location = location
        self.name = f"s3-{location}"

    def handle(self, request: Request) -> Response:
        try:
            return self._handle(request)
        except S3Error as error:
            return error.response(self.location)

    def fault_response(self, request: Request, status: int) -> Response:
        return errors.fault(status).response(self.location)

    def admin(self, request: Request, subpath: str) -> Response | None:
        if subpath == "s3/reset" and request.method == "POST":
            self.world.reset()
            self.world.save()
            return Response.empty(204)
        if subpath == "s3/state" and request.method == "GET":
            return Response.json(200, self.world.snapshot())
        return None

    # -- one request -------------------------------------------------------------------
    def _caller(self, request: Request) -> str | None:
        """The project whose key signed the request (verified), or None when anonymous."""
        signature = sigv4.parse(request)
        if signature is None:
            return None
        found = self.world.project_for_key(signature.access_key)
        if found is None:
            raise S3Error(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.")
        project, secret = found
        sigv4.verify(request, signature, secret)
        return project

    def _handle(self, request: Request) -> Response:
        target = addressing.target(request.header("host"), request.path, self.location)
        project = self._caller(request)
        query = _query_without_presign(request.query_string)
        if target.bucket is None:
            if project is None:
                raise errors.access_denied()
            if request.method == "GET":
                # ListBuckets on one location's endpoint lists that location's buckets.
                query = "&".join(part for part in (query, f"bucket-region={self.location}") if part)
        elif request.method == "PUT" and not target.key and not query:
            return self._create_bucket(request, target, project)
        else:
            project = self._authorize(request, target, project)
        answer = self.world.forward(request.method, target.path_style_path(), query, request.headers, request.body, project=project, location=self.location)
        if request.method in _MUTATING and answer.status < 300:
            self.world.save()
        return answer

    def _authorize(self, request: Request, target: Target, project: str | None) -> str | None:
        """Refuse what the caller may not do; return the project to act as (None: anonymous)."""
        bucket = target.bucket or ""
        owner = self.world.bucket_owner(bucket)
        if owner is None:
            return project  # moto answers NoSuchBucket
        owner_project, owner_location = owner
        if owner_location != self.location:
            raise S3Error(404, "NoSuchBucket", "The specified bucket does not exist", bucket)
        if project is None:
            if request.method == "OPTIONS":
                return owner_project  # CORS preflight: only the bucket's CORS rules decide
            resource = f"arn:aws:s3:::{bucket}/{unquote(target.key)}"
            if target.key and request.method in ("GET", "HEAD") and policy.allows_anonymous(self.world.bucket_policy(bucket), "s3:GetObject", resource):
                return None
            raise errors.access_denied(bucket)
        if owner_project != project:
            raise errors.access_denied(bucket)
        source = request.header("x-amz-copy-source")
        if source:
            source_bucket = unquote(source).lstrip("/").partition("/")[0]
            source_owner = self.world.bucket_owner(source_bucket)
            if source_owner is not None and source_owner[0] != project:
                raise errors.access_denied(source_bucket)
        return project

    def _create_bucket(self, request: Request, target: Target, project: str | None) -> Response:
        bucket = target.bucket or ""
        if project is None:
            raise errors.access_denied(bucket)
        owner = self.world.bucket_owner(bucket)
        if owner is not None:
            if owner == (project, self.location):
                # Ceph RGW (Hetzner's S3) answers a re-create of your own bucket with success.
                return Response(200, b"", {"Location": f"/{bucket}"})
            raise S3Error(
                409,
                "BucketAlreadyExists",
                "The requested bucket name is not available. The bucket namespace is shared by all users of the system. "
                "Please select a different name and try again.",
                bucket,
            )
        constraint = self._location_constraint(request.body)
        if constraint not in (None, self.location):
            message = f"The specified location-constraint is not valid: this endpoint creates buckets in {self.location}."
            raise S3Error(400, "InvalidLocationConstraint", message)
        body = f"<CreateBucketConfiguration><LocationConstraint>{self.location}</LocationConstraint></CreateBucketConfiguration>".encode()
        # The body is replaced, so the client's checksums of it no longer apply.
        stale = ("content-md5", "x-amz-checksum-", "x-amz-sdk-checksum", "x-amz-content-sha256")
        headers = {k: v for k, v in request.headers.items() if not k.startswith(stale)}
        answer = self.world.forward("PUT", target.path_style_path(), "", headers, body, project=project, location=self.location)
        if answer.status < 300:
            self.world.save()
        return answer

    @staticmethod
    def _location_constraint(body: bytes) -> str | None:
        text = body.decode("utf-8", "replace").strip()
        if not text:
            return None
        if "CreateBucketConfiguration" not in text:
            raise S3Error(400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema.")
        found = _CONSTRAINT.search(text)
        return found.group(1).strip() if found and found.group(1).strip() else None
