# Copyright: Bolt Foundry
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Documentation shared by the S3 (Hetzner Object Storage) modules: location, endpoint, credentials, retries."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  location:
    description:
      - The Hetzner location whose S3 endpoint holds the bucket, for example V(hel1), V(fsn1) or V(nbg1).
    type: str
    default: hel1
  endpoint_url:
    description:
      - The S3 endpoint. When not set, the environment variable E(S3_ENDPOINT_<LOCATION>) (for example E(S3_ENDPOINT_HEL1)) is used,
        and without it C(https://<location>.your-objectstorage.com).
    type: str
  access_key:
    description:
      - The S3 access key of the Hetzner project that owns the bucket. Never logged.
      - Keys belong to one project; keep each project's keys to its own buckets.
    type: str
    required: true
  secret_key:
    description:
      - The S3 secret key that goes with O(access_key). Never logged.
    type: str
    required: true
  max_retries:
    description:
      - How often a request that failed with a throttling answer, HTTP 5xx or a lost connection is retried (boto3's standard retry mode).
    type: int
    default: 4
requirements:
  - boto3 (1.36 or newer), on the host that runs the task (usually the controller)
notes:
  - 'Run these modules where boto3 is installed, usually with C(delegate_to: localhost).'
  - Requests use path-style addressing and carry checksums only where S3 requires them, since Ceph-based services
    (Hetzner's among them) have refused the CRC checksums boto3 1.36 and newer add by default.
  - The modules are in the action group C(boltfoundry.infra.s3), so C(module_defaults) can set the location and keys once.
"""
