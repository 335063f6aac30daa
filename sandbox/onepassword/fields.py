"""What the core computes from a field's value: one-time codes and SSH key attributes.

The real core returns these in a field's ``details`` and answers the
``?attribute=otp`` and ``?ssh-format=openssh`` query parameters with them.
TOTP is RFC 6238 (30 s, 6 digits, SHA-1 unless the ``otpauth://`` URI says
otherwise); SSH keys are read with ``cryptography``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time
import urllib.parse
from typing import Any

TOTP = "Totp"
SSH_KEY = "SshKey"


class FieldValueError(ValueError):
    """The field's value cannot give what was asked (bad OTP secret, not a private key)."""


def _totp_parameters(value: str) -> tuple[bytes, int, int, str]:
    secret, digits, period, algorithm = value, 6, 30, "SHA1"
    if value.startswith("otpauth://"):
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(value).query)
        secret = query.get("secret", [""])[0]
        digits = int(query.get("digits", ["6"])[0])
        period = int(query.get("period", ["30"])[0])
        algorithm = query.get("algorithm", ["SHA1"])[0].upper()
    cleaned = secret.replace(" ", "").upper()
    try:
        key = base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))
    except ValueError as exc:
        raise FieldValueError("the one-time password secret is not valid base32") from exc
    if not key or algorithm not in {"SHA1", "SHA256", "SHA512"}:
        raise FieldValueError("the one-time password secret is empty or uses an unknown algorithm")
    return key, digits, period, algorithm


def totp_code(value: str, now: float | None = None) -> str:
    key, digits, period, algorithm = _totp_parameters(value)
    counter = int((time.time() if now is None else now) // period)
    digest = hmac.new(key, struct.pack(">Q", counter), getattr(hashlib, algorithm.lower())).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def _private_key(value: str) -> Any:
    from cryptography.hazmat.primitives import serialization  # noqa: PLC0415 - only SSH fields need it

    try:
        return serialization.load_pem_private_key(value.encode(), password=None)
    except (ValueError, TypeError) as exc:
        raise FieldValueError("the field does not hold an unencrypted PEM private key") from exc


def ssh_attributes(value: str) -> dict[str, Any]:
    from cryptography.hazmat.primitives import serialization  # noqa: PLC0415
    from cryptography.hazmat.primitives.asymmetric import ed25519, rsa  # noqa: PLC0415

    key = _private_key(value)
    public = key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()
    blob = base64.b64decode(public.split()[1])
    fingerprint = "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")
    if isinstance(key, ed25519.Ed25519PrivateKey):
        key_type = "Ed25519"
    elif isinstance(key, rsa.RSAPrivateKey):
        key_type = f"RSA, {key.key_size}-bit"
    else:
        raise FieldValueError("only Ed25519 and RSA keys are SSH keys in 1Password")
    return {"publicKey": public, "fingerprint": fingerprint, "keyType": key_type}


def openssh_private_key(value: str) -> str:
    from cryptography.hazmat.primitives import serialization  # noqa: PLC0415

    key = _private_key(value)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption()).decode()


def details(field: dict[str, Any]) -> dict[str, Any] | None:
    """The ``details`` the core attaches to a field it returns."""
    if field.get("fieldType") == TOTP:
        try:
            return {"type": "Otp", "content": {"code": totp_code(field.get("value", "")), "errorMessage": None}}
        except FieldValueError as exc:
            return {"type": "Otp", "content": {"code": None, "errorMessage": str(exc)}}
    if field.get("fieldType") == SSH_KEY:
        try:
            return {"type": "SshKey", "content": ssh_attributes(field.get("value", ""))}
        except FieldValueError:
            return {"type": "SshKey", "content": None}
    return None
