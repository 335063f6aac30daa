#!/usr/bin/python
# Copyright: Bolt Foundry
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: s3_bucket
short_description: Manage a bucket on Hetzner Object Storage (S3), with public read and CORS
version_added: 0.1.0
description:
  - Creates or deletes a bucket on the S3 endpoint of one Hetzner location, and sets whether anyone may read its
    objects (a bucket policy) and its CORS rules.
  - Credentials belong to one Hetzner project; a bucket of another project is refused with one sentence, never touched.
  - One run with nothing to do costs one request to find the bucket, plus one for each of O(public_read) and O(cors_rules)
    that is set; writes only what differs.
author:
  - Bolt Foundry (@boltfoundry)
extends_documentation_fragment:
  - boltfoundry.infra.s3
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: In check mode no write request is sent; the result and the diff say what would change.
  diff_mode:
    support: full
    details: Before and after show whether the bucket exists, whether it is publicly readable and its CORS rules.
  idempotent:
    support: full
    description: A second run with the same options changes nothing and sends no write request.
  platform:
    platforms: posix
options:
  name:
    description:
      - The bucket's name, unique across Hetzner Object Storage (3 to 63 lower-case letters, digits and hyphens).
    type: str
    required: true
  state:
    description:
      - Whether the bucket should exist. A bucket that still holds objects is not deleted; the task fails saying so.
    type: str
    choices: [present, absent]
    default: present
  public_read:
    description:
      - V(true) gives anyone read access to the bucket's objects (not to the listing) with a bucket policy,
        which replaces any other policy of the bucket.
      - V(false) removes the bucket policy, so only the project's credentials reach the bucket.
      - When not set, the bucket policy is left as it is.
    type: bool
  cors_rules:
    description:
      - The bucket's CORS rules, for browsers loading the objects from other sites. V([]) removes them; when not set they are left as they are.
    type: list
    elements: dict
    suboptions:
      allowed_origins:
        description: Origins allowed to read, for example V(https://app.example.com).
        type: list
        elements: str
        required: true
      allowed_methods:
        description: HTTP methods allowed.
        type: list
        elements: str
        default: [GET, HEAD]
      allowed_headers:
        description: Request headers a preflight may ask for.
        type: list
        elements: str
        default: []
      expose_headers:
        description: Response headers the browser may read.
        type: list
        elements: str
        default: []
      max_age_seconds:
        description: How long browsers may cache the preflight answer.
        type: int
seealso:
  - name: Hetzner Object Storage
    description: Hetzner's S3-compatible object storage.
    link: https://docs.hetzner.com/storage/object-storage/
"""

EXAMPLES = r"""
- name: Assets bucket, readable by anyone, fetched by the app's pages
  boltfoundry.infra.s3_bucket:
    name: bft-assets
    location: hel1
    access_key: "{{ production_s3_access_key }}"
    secret_key: "{{ production_s3_secret_key }}"
    public_read: true
    cors_rules:
      - allowed_origins: [https://app.example.com]
        max_age_seconds: 3600
  delegate_to: localhost

- name: Run records bucket of the ci project, private
  boltfoundry.infra.s3_bucket:
    name: bft-run-records
    access_key: "{{ ci_s3_access_key }}"
    secret_key: "{{ ci_s3_secret_key }}"
    public_read: false
    cors_rules: []
  delegate_to: localhost
"""

RETURN = r"""
bucket:
  description: The bucket as it is after the task (as it would be, in check mode).
  returned: always
  type: dict
  contains:
    name:
      description: The bucket's name.
      type: str
    location:
      description: The Hetzner location.
      type: str
    endpoint_url:
      description: The S3 endpoint used.
      type: str
      sample: https://hel1.your-objectstorage.com
    exists:
      description: Whether the bucket exists.
      type: bool
    public_read:
      description: Whether the bucket policy is exactly the public-read policy this module writes (null when not asked about).
      type: bool
    policy:
      description: The bucket policy (null when there is none or when not asked about).
      type: dict
    cors_rules:
      description: The CORS rules, in the module's spelling (null when not asked about).
      type: list
      elements: dict
    url:
      description: The bucket's virtual-host address, for a CDN name pointing at it.
      type: str
      sample: https://bft-assets.hel1.your-objectstorage.com
changed_parts:
  description: What was (or would be) changed.
  returned: always
  type: list
  elements: str
  sample: [bucket, policy, cors]
"""

import json
from typing import Any, Dict, List, Optional
from urllib.parse import urlsplit

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.boltfoundry.infra.plugins.module_utils.s3_api import (
    BotoCoreError,
    ClientError,
    S3Error,
    check_names,
    client,
    cors_from_options,
    cors_from_s3,
    cors_to_options,
    endpoint_for,
    error_code,
    normalize_policy,
    public_read_policy,
    s3_argument_spec,
    translate,
)


class Bucket:
    def __init__(self, module: AnsibleModule) -> None:
        self.module = module
        p = module.params
        self.name: str = p["name"]
        self.location: str = p["location"]
        self.endpoint = endpoint_for(self.location, p["endpoint_url"])
        self.s3: Any = None
        self.changed_parts: List[str] = []

    def call(self, doing: str, method: str, **kwargs: Any) -> Any:
        try:
            return getattr(self.s3, method)(**kwargs)
        except (ClientError, BotoCoreError) as exc:
            raise translate(exc, doing, self.endpoint, self.name) from exc

    def run(self) -> None:
        problem = check_names(self.name, self.location)
        if problem:
            self.module.fail_json(msg=problem)
        if self.module.params["max_retries"] < 0:
            self.module.fail_json(msg=f"max_retries must be 0 or more, got {self.module.params['max_retries']}.")
        self.s3 = client(self.module, self.endpoint)
        try:
            before = self.read()
            after = self.present(before) if self.module.params["state"] == "present" else self.absent(before)
        except S3Error as error:
            self.module.fail_json(msg=str(error), error_code=error.code, status=error.status)
        self.module.exit_json(
            changed=bool(self.changed_parts),
            changed_parts=self.changed_parts,
            bucket=after,
            diff={"before": _shown(before), "after": _shown(after)},
        )

    # -- reading ---------------------------------------------------------------------------
    def exists(self) -> bool:
        doing = f"looking up the bucket {self.name}"
        try:
            self.s3.head_bucket(Bucket=self.name)
            return True
        except ClientError as exc:
            if error_code(exc) in ("404", "NoSuchBucket"):
                return False
            # A HEAD answer has no body (403 could be another project's bucket or a wrong secret):
            # ask once more with a GET, whose answer names S3's reason.
            return self.exists_by_get(doing)
        except BotoCoreError as exc:
            raise translate(exc, doing, self.endpoint, self.name) from exc

    def exists_by_get(self, doing: str) -> bool:
        try:
            self.s3.get_bucket_location(Bucket=self.name)
            return True
        except ClientError as exc:
            if error_code(exc) == "NoSuchBucket":
                return False
            raise translate(exc, doing, self.endpoint, self.name) from exc

    def read(self) -> Dict[str, Any]:
        """The bucket as it is: only the parts this task manages are read (a request each)."""
        state: Dict[str, Any] = {"name": self.name, "location": self.location, "endpoint_url": self.endpoint, "url": self.url, "exists": self.exists()}
        state.update({"public_read": None, "policy": None, "cors_rules": None})
        if not state["exists"] or self.module.params["state"] == "absent":
            return state
        if self.module.params["public_read"] is not None:
            state["policy"] = self.read_policy()
            state["public_read"] = normalize_policy(state["policy"]) == normalize_policy(public_read_policy(self.name))
        if self.module.params["cors_rules"] is not None:
            state["cors_rules"] = cors_to_options(self.read_cors())
        return state

    def read_policy(self) -> Optional[Dict[str, Any]]:
        try:
            return normalize_policy(self.s3.get_bucket_policy(Bucket=self.name)["Policy"])
        except ClientError as exc:
            if error_code(exc) == "NoSuchBucketPolicy":
                return None
            raise translate(exc, f"reading the policy of the bucket {self.name}", self.endpoint, self.name) from exc

    def read_cors(self) -> List[Dict[str, Any]]:
        try:
            return cors_from_s3(self.s3.get_bucket_cors(Bucket=self.name).get("CORSRules") or [])
        except ClientError as exc:
            if error_code(exc) == "NoSuchCORSConfiguration":
                return []
            raise translate(exc, f"reading the CORS rules of the bucket {self.name}", self.endpoint, self.name) from exc

    @property
    def url(self) -> str:
        parts = urlsplit(self.endpoint)
        return f"{parts.scheme}://{self.name}.{parts.netloc}"

    # -- changing ----------------------------------------------------------------------------
    def present(self, before: Dict[str, Any]) -> Dict[str, Any]:
        p = self.module.params
        write = not self.module.check_mode
        after = dict(before, exists=True)
        if not before["exists"]:
            self.changed_parts.append("bucket")
            if write:
                self.call(f"creating the bucket {self.name}", "create_bucket", Bucket=self.name)
            # A new bucket has no policy and no CORS rules.
            before_policy, before_cors = None, []
        else:
            before_policy, before_cors = before["policy"], cors_from_options(before["cors_rules"] or [])
        if p["public_read"] is not None:
            wanted = normalize_policy(public_read_policy(self.name)) if p["public_read"] else None
            after["policy"], after["public_read"] = wanted, p["public_read"]
            if before_policy != wanted:
                self.changed_parts.append("policy")
                if write and wanted is not None:
                    self.call(
                        f"making the bucket {self.name} publicly readable", "put_bucket_policy", Bucket=self.name, Policy=_json(public_read_policy(self.name))
                    )
                elif write:
                    self.call(f"removing the policy of the bucket {self.name}", "delete_bucket_policy", Bucket=self.name)
        if p["cors_rules"] is not None:
            wanted_cors = cors_from_options(p["cors_rules"])
            after["cors_rules"] = cors_to_options(wanted_cors)
            if before_cors != wanted_cors:
                self.changed_parts.append("cors")
                if write and wanted_cors:
                    self.call(
                        f"setting the CORS rules of the bucket {self.name}", "put_bucket_cors", Bucket=self.name, CORSConfiguration={"CORSRules": wanted_cors}
                    )
                elif write:
                    self.call(f"removing the CORS rules of the bucket {self.name}", "delete_bucket_cors", Bucket=self.name)
        return after

    def absent(self, before: Dict[str, Any]) -> Dict[str, Any]:
        if not before["exists"]:
            return before
        self.changed_parts.append("bucket")
        if not self.module.check_mode:
            self.call(f"deleting the bucket {self.name}", "delete_bucket", Bucket=self.name)
        return dict(before, exists=False)


def _json(policy: Dict[str, Any]) -> str:
    return json.dumps(policy, separators=(",", ":"))


def _shown(state: Dict[str, Any]) -> Dict[str, Any]:
    """The bucket for the diff: what is managed, without addresses."""
    if not state["exists"]:
        return {"name": state["name"], "exists": False}
    return {key: state[key] for key in ("name", "location", "exists", "public_read", "policy", "cors_rules") if state[key] is not None or key == "exists"}


def main() -> None:
    cors_rule = {
        "allowed_origins": {"type": "list", "elements": "str", "required": True},
        "allowed_methods": {"type": "list", "elements": "str", "default": ["GET", "HEAD"]},
        "allowed_headers": {"type": "list", "elements": "str", "default": []},
        "expose_headers": {"type": "list", "elements": "str", "default": []},
        "max_age_seconds": {"type": "int"},
    }
    module = AnsibleModule(
        argument_spec=s3_argument_spec(
            name={"type": "str", "required": True},
            state={"type": "str", "choices": ["present", "absent"], "default": "present"},
            public_read={"type": "bool"},
            cors_rules={"type": "list", "elements": "dict", "options": cors_rule},
        ),
        supports_check_mode=True,
    )
    Bucket(module).run()


if __name__ == "__main__":
    main()
