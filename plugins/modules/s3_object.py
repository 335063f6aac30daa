#!/usr/bin/python
# Copyright: Bolt Foundry
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: s3_object
short_description: Put one text object into a bucket on Hetzner Object Storage (S3)
version_added: 0.1.0
description:
  - Writes O(content) as the object O(key) of the bucket O(bucket), unless an object with exactly that content and
    content type is there already.
  - The object carries its content's SHA-256 as user metadata (C(x-amz-meta-sha256)), which is what a later run compares;
    an object without it (written by something else) is compared by its ETag, the MD5 of a single-part upload.
  - With O(overwrite=false) an object that holds other content is never replaced; the task fails saying so. Run records
    are written this way, so that history is never rewritten. The check is the HEAD before the write, so two writers of
    the same key at the same moment are not told apart (no conditional write is sent, since Hetzner's support for
    C(If-None-Match) is not confirmed), which is why run records carry a random run id in their key.
  - One run with nothing to do costs one request (a HEAD of the object); a write costs one more.
author:
  - Bolt Foundry (@boltfoundry)
extends_documentation_fragment:
  - boltfoundry.infra.s3
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: In check mode only the HEAD request is sent; the result and the diff say what would be written.
  diff_mode:
    support: full
    details: Before is the object's size, checksum and content type (its content is not fetched); after is the new content.
  idempotent:
    support: full
    description: A second run with the same content sends no write request.
  platform:
    platforms: posix
options:
  bucket:
    description:
      - The bucket's name. It must exist (M(boltfoundry.infra.s3_bucket) makes it).
    type: str
    required: true
  key:
    description:
      - The object's key, for example V(runs/production/2026-11-29T120000Z-site.json).
    type: str
    required: true
  content:
    description:
      - The object's content, as text (written in UTF-8). It is shown in the diff, so never put a secret here.
    type: str
    required: true
  content_type:
    description:
      - The object's C(Content-Type).
    type: str
    default: text/plain; charset=utf-8
  overwrite:
    description:
      - Whether an object of this key that holds other content may be replaced.
    type: bool
    default: true
seealso:
  - module: boltfoundry.infra.s3_bucket
"""

EXAMPLES = r"""
- name: Record what this run did, never replacing an earlier record
  boltfoundry.infra.s3_object:
    bucket: bft-run-records
    key: "runs/production/{{ now(utc=true, fmt='%Y-%m-%dT%H%M%SZ') }}-site.json"
    content: "{{ record | to_nice_json }}"
    content_type: application/json
    overwrite: false
    access_key: "{{ ci_s3_access_key }}"
    secret_key: "{{ ci_s3_secret_key }}"
  delegate_to: localhost
"""

RETURN = r"""
object:
  description: The object as it is after the task (as it would be, in check mode).
  returned: always
  type: dict
  contains:
    bucket:
      description: The bucket.
      type: str
    key:
      description: The object's key.
      type: str
    size:
      description: The content's size in bytes.
      type: int
    sha256:
      description: The content's SHA-256, hex.
      type: str
    content_type:
      description: The object's content type.
      type: str
    endpoint_url:
      description: The S3 endpoint used.
      type: str
      sample: https://hel1.your-objectstorage.com
action:
  description: What was (or would be) done, V(created), V(replaced) or V(none).
  returned: always
  type: str
  sample: created
"""

import hashlib
from typing import Any, Dict, Optional

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.boltfoundry.infra.plugins.module_utils.s3_api import (
    BotoCoreError,
    ClientError,
    S3Error,
    check_names,
    client,
    endpoint_for,
    error_code,
    s3_argument_spec,
    translate,
)

SHA256_META = "sha256"


class S3Object:
    def __init__(self, module: AnsibleModule) -> None:
        self.module = module
        p = module.params
        self.bucket: str = p["bucket"]
        self.key: str = p["key"]
        self.content: bytes = p["content"].encode("utf-8")
        self.content_type: str = p["content_type"]
        self.endpoint = endpoint_for(p["location"], p["endpoint_url"])
        self.sha256 = hashlib.sha256(self.content).hexdigest()
        self.s3: Any = None

    def run(self) -> None:
        problem = check_names(self.bucket, self.module.params["location"])
        if problem:
            self.module.fail_json(msg=problem)
        if not self.key or self.key.startswith("/") or len(self.key.encode("utf-8")) > 1024:
            self.module.fail_json(msg=f"key must be 1 to 1024 bytes long and must not start with '/', got {self.key!r}.")
        if self.module.params["max_retries"] < 0:
            self.module.fail_json(msg=f"max_retries must be 0 or more, got {self.module.params['max_retries']}.")
        self.s3 = client(self.module, self.endpoint)
        try:
            before = self.read()
            action = self.plan(before)
            if action != "none" and not self.module.check_mode:
                self.write()
        except S3Error as error:
            self.module.fail_json(msg=str(error), error_code=error.code, status=error.status)
        after = {"bucket": self.bucket, "key": self.key, "size": len(self.content), "sha256": self.sha256, "content_type": self.content_type}
        self.module.exit_json(
            changed=action != "none",
            action=action,
            object=dict(after, endpoint_url=self.endpoint),
            diff=self.diff(before, action),
        )

    def read(self) -> Optional[Dict[str, Any]]:
        """The object's size, checksum and content type from one HEAD, or None when there is none."""
        doing = f"reading the object {self.key} of the bucket {self.bucket}"
        try:
            head = self.s3.head_object(Bucket=self.bucket, Key=self.key)
        except ClientError as exc:
            code = error_code(exc)
            if code in ("404", "NoSuchKey"):
                return None
            if code == "403":
                # A HEAD answer has no body to name the reason.
                raise S3Error(
                    f"S3 at {self.endpoint} refused {doing} (HTTP 403): the bucket belongs to another project or account, or the keys are wrong.",
                    code,
                    403,
                ) from exc
            raise translate(exc, doing, self.endpoint, self.bucket) from exc
        except BotoCoreError as exc:
            raise translate(exc, doing, self.endpoint, self.bucket) from exc
        return {
            "size": head.get("ContentLength"),
            "sha256": (head.get("Metadata") or {}).get(SHA256_META),
            "etag": str(head.get("ETag") or "").strip('"'),
            "content_type": head.get("ContentType"),
        }

    def same_content(self, before: Dict[str, Any]) -> bool:
        if before["sha256"]:
            return before["sha256"] == self.sha256
        # Written by something else: a single-part upload's ETag is the MD5 of its content.
        return before["etag"] == hashlib.md5(self.content, usedforsecurity=False).hexdigest()

    def plan(self, before: Optional[Dict[str, Any]]) -> str:
        if before is None:
            return "created"
        if self.same_content(before) and before["content_type"] == self.content_type:
            return "none"
        if not self.module.params["overwrite"]:
            what = "other content" if not self.same_content(before) else f"the content type {before['content_type']}"
            raise S3Error(f"The object {self.key} of the bucket {self.bucket} exists with {what}, and overwrite is false: it is never replaced.")
        return "replaced"

    def write(self) -> None:
        try:
            self.s3.put_object(
                Bucket=self.bucket,
                Key=self.key,
                Body=self.content,
                ContentType=self.content_type,
                Metadata={SHA256_META: self.sha256},
            )
        except (ClientError, BotoCoreError) as exc:
            raise translate(exc, f"writing the object {self.key} to the bucket {self.bucket}", self.endpoint, self.bucket) from exc

    def diff(self, before: Optional[Dict[str, Any]], action: str) -> Dict[str, str]:
        header = f"s3://{self.bucket}/{self.key}"
        if before is None:
            shown_before = ""
        else:
            shown_before = f"({before['size']} bytes, sha256 {before['sha256'] or 'unknown'}, {before['content_type']})\n"
        shown_after = shown_before if action == "none" else self.content.decode("utf-8")
        return {"before_header": header, "after_header": header, "before": shown_before, "after": shown_after}


def main() -> None:
    module = AnsibleModule(
        argument_spec=s3_argument_spec(
            bucket={"type": "str", "required": True},
            key={"type": "str", "required": True, "no_log": False},
            content={"type": "str", "required": True},
            content_type={"type": "str", "default": "text/plain; charset=utf-8"},
            overwrite={"type": "bool", "default": True},
        ),
        supports_check_mode=True,
    )
    S3Object(module).run()


if __name__ == "__main__":
    main()
