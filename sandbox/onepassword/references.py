"""``op://`` secret references: parsing as the SDK's native core parses them, and resolution.

The parser gives the same verdict and the same message as the real core's
``ValidateSecretReference`` (``tests/unit/sandbox/test_onepassword_references.py``
checks that against the native library shipped with onepassword-sdk). The
checks run in the real core's order: prefix, more than one ``?``, the query
(one ``key=value`` pair), the characters of the path, then its shape
(``vault/item/[section/]field``).

Resolution follows 1Password's documented rules: names are matched
case-insensitively and ids exactly; a field without a section is looked up in
the item's default section first (a same-named field in a named section does
not make it ambiguous), then in every section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

PREFIX = "op://"
PARSE_PREFIX = "the secret reference could not be parsed: "
NOT_PREFIXED = 'secret reference is not prefixed with "op://"'
INVALID_FORMAT = 'secret reference has invalid format - must be "op://<vault>/<item>/[section/]field[?attribute=<attribute-value>]"'
INVALID_CHARACTER = "invalid character in secret reference: secret references must only contain alphanumeric, _, . or - characters"
INVALID_KEY = "secret reference has invalid query parameter key"
# The closing brace is in the real core's message too.
INVALID_VALUE = "secret reference has invalid query parameter value}"

QUERY = re.compile(r"[A-Za-z0-9_ .-]*=[A-Za-z0-9_ .-]*\Z")
PATH_CHARACTERS = re.compile(r"[A-Za-z0-9_ ./-]*\Z")
QUERY_VALUES = {"attribute": {"otp", "totp"}, "ssh-format": {"openssh"}}

# The ``notesPlain`` field name reads an item's notes, as in 1Password's references.
NOTES_FIELD = "notesplain"


class ReferenceError_(ValueError):  # the builtin name ReferenceError is taken
    """A reference that does not resolve; ``kind`` is the SDK's ResolveReferenceError type."""

    def __init__(self, kind: str, message: str | None = None) -> None:
        self.kind = kind
        self.message = message
        super().__init__(message or kind)

    def wire(self) -> dict[str, Any]:
        """The error as the core serializes it inside ``SecretsResolveAll``."""
        data: dict[str, Any] = {"type": self.kind}
        if self.message is not None:
            data["message"] = self.message
        return data


@dataclass(frozen=True)
class Reference:
    vault: str
    item: str
    section: str | None
    field: str
    query: tuple[str, str] | None


def parse(reference: str) -> Reference:
    """Parse like the real core; raise ``ReferenceError_("parsing", message)`` with its message."""
    if not reference.startswith(PREFIX):
        raise ReferenceError_("parsing", NOT_PREFIXED)
    rest = reference[len(PREFIX) :]
    parts = rest.split("?")
    if len(parts) > 2:
        raise ReferenceError_("parsing", INVALID_CHARACTER)
    path = parts[0]
    query = None
    if len(parts) == 2:
        if not QUERY.match(parts[1]):
            raise ReferenceError_("parsing", INVALID_FORMAT)
        key, value = parts[1].split("=", 1)
        if key not in QUERY_VALUES:
            raise ReferenceError_("parsing", INVALID_KEY)
        if value not in QUERY_VALUES[key]:
            raise ReferenceError_("parsing", INVALID_VALUE)
        query = (key, value)
    if not PATH_CHARACTERS.match(path):
        raise ReferenceError_("parsing", INVALID_CHARACTER)
    segments = path.split("/")
    if len(segments) == 3:
        return Reference(segments[0], segments[1], None, segments[2], query)
    if len(segments) == 4:
        return Reference(segments[0], segments[1], segments[2], segments[3], query)
    raise ReferenceError_("parsing", INVALID_FORMAT)


def _matches(thing: dict[str, Any], wanted: str, title_key: str = "title") -> bool:
    return thing.get("id") == wanted or str(thing.get(title_key, "")).casefold() == wanted.casefold()


def _one(found: list[dict[str, Any]], none: str, many: str) -> dict[str, Any]:
    if not found:
        raise ReferenceError_(none)
    if len(found) > 1:
        raise ReferenceError_(many)
    return found[0]


def find_vault(vaults: list[dict[str, Any]], wanted: str) -> dict[str, Any]:
    return _one([v for v in vaults if _matches(v, wanted)], "vaultNotFound", "tooManyVaults")


def find_item(items: list[dict[str, Any]], wanted: str) -> dict[str, Any]:
    return _one([i for i in items if _matches(i, wanted)], "itemNotFound", "tooManyItems")


def find_field(item: dict[str, Any], section: str | None, wanted: str) -> dict[str, Any] | None:
    """The field a reference names, or None for the notes pseudo-field."""
    fields = item.get("fields") or []
    if section is not None:
        section_ids = {s["id"] for s in item.get("sections") or [] if _matches(s, section)}
        if not section_ids:
            raise ReferenceError_("noMatchingSections")
        return _one([f for f in fields if f.get("sectionId") in section_ids and _matches(f, wanted)], "fieldNotFound", "tooManyMatchingFields")
    default = [f for f in fields if not f.get("sectionId") and _matches(f, wanted)]
    if len(default) == 1:
        return default[0]
    if len(default) > 1:
        raise ReferenceError_("tooManyMatchingFields")
    anywhere = [f for f in fields if _matches(f, wanted)]
    if not anywhere and wanted.casefold() == NOTES_FIELD:
        return None
    return _one(anywhere, "fieldNotFound", "tooManyMatchingFields")
