"""Timestamps as the v4 API writes them: UTC, microseconds, a trailing ``Z``."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
