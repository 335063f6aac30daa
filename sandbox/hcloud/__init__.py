"""Hetzner Cloud API v1 simulator: stateful, in simulated time, shaped like the published spec."""

from sandbox.hcloud.actions import DEFAULT_DURATIONS
from sandbox.hcloud.control import HcloudAdmin
from sandbox.hcloud.service import API_PREFIX, SANDBOX_TOKENS, HcloudService

__all__ = ["API_PREFIX", "DEFAULT_DURATIONS", "SANDBOX_TOKENS", "HcloudAdmin", "HcloudService"]
