"""A test that cannot run here skips with its reason, except in CI, where it fails.

CI (``.ci/run``) sets ``BF_REQUIRE_ALL=1``: there the reference specs, Ruby and
the other prerequisites are always present, so a missing one is a broken
machine or checkout, and a silent skip would turn a conformance check off.
"""

from __future__ import annotations

import os

import pytest

REQUIRE_ALL = "BF_REQUIRE_ALL"


def required() -> bool:
    return os.environ.get(REQUIRE_ALL) == "1"


def unavailable(reason: str) -> None:
    """Skip with ``reason``, or fail with it when every prerequisite is required."""
    if required():
        pytest.fail(f"{reason} ({REQUIRE_ALL}=1: this run requires it)", pytrace=False)
    pytest.skip(reason)
