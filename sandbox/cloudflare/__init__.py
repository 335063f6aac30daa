"""Cloudflare API v4 simulator: zones, DNS records, API tokens, the v4 envelope and its errors.

``python -m sandbox.cloudflare --port 0`` prints its URL; the SDK's base URL is
that URL + ``/client/v4``. The sandbox zone is ``boltfoundry.test`` (``.test``
can never be a real domain) and ``SANDBOX_TOKENS`` are the fixed, fake API
tokens: ``dns_edit`` (Zone:Read + DNS:Edit on the sandbox zone), ``read_only``
(Zone:Read + DNS:Read) and ``other_zone`` (no access to the sandbox zone).
"""

from sandbox.cloudflare.service import API_PREFIX, CloudflareService
from sandbox.cloudflare.tokens import OTHER_ZONE, SANDBOX_TOKENS, SANDBOX_ZONE

__all__ = ["API_PREFIX", "OTHER_ZONE", "SANDBOX_TOKENS", "SANDBOX_ZONE", "CloudflareService"]
