"""The simulated core parses op:// references exactly as the native core shipped with onepassword-sdk does.

The native library validates references locally (``ValidateSecretReference``,
no network), so it is the oracle: same verdict, same message, for hand-picked
cases and for generated ones.
"""

from __future__ import annotations

import json
import platform

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sandbox.onepassword import references

try:
    if platform.machine().lower() in ("aarch64", "arm64"):
        import onepassword.lib.aarch64.op_uniffi_core as native
    else:
        import onepassword.lib.x86_64.op_uniffi_core as native
except ImportError:  # pragma: no cover - onepassword-sdk ships both architectures
    native = None

pytestmark = pytest.mark.skipif(native is None, reason="onepassword-sdk's native core is not importable on this machine")


def native_verdict(reference: str) -> str:
    try:
        native.invoke_sync(json.dumps({"invocation": {"parameters": {"name": "ValidateSecretReference", "parameters": {"secret_reference": reference}}}}))
    except native.Error as exc:
        error = json.loads(exc.msg)
        return f"{error['name']}: {error['message']}"
    return "valid"


def simulated_verdict(reference: str) -> str:
    try:
        references.parse(reference)
    except references.ReferenceError_ as exc:
        return f"ParsingSecretReference: {references.PARSE_PREFIX}{exc.message}"
    return "valid"


CASES = [
    "op://vault/item/field",
    "op://vault/item/section/field",
    "op://My Vault/My Item/My Field",
    "op://v/i/f?attribute=otp",
    "op://v/i/s/f?attribute=totp",
    "op://v/i/f?ssh-format=openssh",
    "op://v/i/f?attribute=type",
    "op://v/i/f?ssh-format=pkcs8",
    "op://v/i/f?foo=bar",
    "op://v/i/f?attribute=otp&ssh-format=openssh",
    "op://v/i/f?attribute",
    "op://v/i/f?",
    "op://v/i/f??x",
    "op://v/i?x/f?attribute=otp",
    "op://v*/i?foo=bar",
    "op://v/i",
    "op://v/i/s/f/x",
    "op://v/i/f#x",
    "op://v/i/f\n",
    "op://vä/i/f",
    "op:///i/f",
    "op://v//",
    "op:////",
    "op:///",
    "op://",
    "OP://v/i/f",
    "op:/v/i/f",
    "v/i/f",
    "",
]


@pytest.mark.parametrize("reference", CASES)
def test_hand_picked_references_get_the_native_verdict(reference: str) -> None:
    assert simulated_verdict(reference) == native_verdict(reference)


PIECES = ["op://", "op:/", "/", "?", "=", "&", "#", " ", "a", "Z", "9", "_", "-", ".", "*", "ü", "\t"]
WORDS = ["attribute", "otp", "totp", "ssh-format", "openssh"]
REFERENCE_PIECES = st.lists(st.sampled_from(PIECES + WORDS), max_size=12).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.one_of(REFERENCE_PIECES, REFERENCE_PIECES.map(lambda tail: "op://" + tail)))
def test_generated_references_get_the_native_verdict(reference: str) -> None:
    assert simulated_verdict(reference) == native_verdict(reference)
