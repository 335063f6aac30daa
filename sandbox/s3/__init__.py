"""S3 object storage in Hetzner's shape, on moto's S3 implementation.

One world, one endpoint per location (``fsn1``, ``nbg1``, ``hel1``; in
production ``https://<location>.your-objectstorage.com``, here a loopback URL
each), path-style and virtual-host addressing, and separate access keys per
project: the ``ci`` keys cannot touch ``production`` buckets, as on Hetzner
where credentials belong to one project. ``python -m sandbox.s3 --port 0``
prints one ``<location> <url>`` line per endpoint.

Importing this package does not import moto; ``sandbox.s3.service`` does.
"""

from __future__ import annotations

LOCATIONS = ("fsn1", "nbg1", "hel1")
PRODUCTION_ENDPOINT = "https://{location}.your-objectstorage.com"
# Host names for virtual-host addressing in the sandbox: <bucket>.<location>.<SANDBOX_DOMAIN>.
# ".test" is reserved (RFC 2606): such a name can never reach a real server.
SANDBOX_DOMAIN = "your-objectstorage.test"

PROJECTS = ("production", "ci")


def _fake_keys(project: str) -> dict[str, str]:
    return {
        "access_key": f"SANDBOX{project.upper()}".ljust(20, "0"),
        "secret_key": f"sandbox-{project}-secret-key-not-real-".ljust(40, "0"),
    }


# Fixed, obviously fake S3 credentials per Hetzner project.
SANDBOX_KEYS: dict[str, dict[str, str]] = {project: _fake_keys(project) for project in PROJECTS}

__all__ = ["LOCATIONS", "PRODUCTION_ENDPOINT", "PROJECTS", "SANDBOX_DOMAIN", "SANDBOX_KEYS"]
