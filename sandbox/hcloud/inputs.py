"""Reading request bodies and query parameters the way the real API checks them.

Every bad field is collected before answering, so one ``invalid_input``
names all of them in ``details.fields`` (the real API does the same).
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

from sandbox.common.server import BadRequestBody, Request
from sandbox.hcloud.errors import ApiError, invalid_input
from sandbox.hcloud.labels import label_errors

# RFC 1123 host names: letters, digits and dashes per label, dots between labels.
_HOSTNAME_LABEL = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
# Volume names: alphanumerics, dashes, underscores and dots; alphanumeric at both ends; 64 at most.
_VOLUME_NAME = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9_.-]{0,62}[A-Za-z0-9])?$")
MISSING = object()
T = TypeVar("T")


def hostname_error(name: str) -> str | None:
    if len(name) > 253 or not all(_HOSTNAME_LABEL.match(label) for label in name.split(".")):
        return "must be a valid hostname (RFC 1123): letters, digits, dashes and dots"
    return None


def volume_name_error(name: str) -> str | None:
    if not _VOLUME_NAME.match(name):
        return "may contain alphanumerics, dashes, underscores and dots, must start and end with an alphanumeric and be 64 characters at most"
    return None


def json_body(request: Request) -> dict[str, Any]:
    try:
        data = request.json()
    except BadRequestBody as exc:
        raise ApiError("json_error", str(exc)) from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ApiError("json_error", "request body must be a JSON object")
    return data


class Body:
    """Typed reads of one JSON object; call ``check()`` to answer every problem at once."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.errors: dict[str, list[str]] = {}

    def has(self, name: str) -> bool:
        return name in self.data

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def check(self) -> None:
        if self.errors:
            raise invalid_input(self.errors)

    def _get(self, name: str, required: bool, nullable: bool) -> Any:
        if name not in self.data:
            if required:
                self.error(name, "is required")
            return MISSING
        value = self.data[name]
        if value is None and not nullable:
            self.error(name, "must not be null")
            return MISSING
        return value

    def string(self, name: str, *, required: bool = False, nullable: bool = False, min_len: int = 0, max_len: int | None = None) -> str | None:
        value = self._get(name, required, nullable)
        if value is MISSING or value is None:
            return None
        if not isinstance(value, str):
            self.error(name, "must be a string")
            return None
        if len(value) < min_len:
            self.error(name, "must not be empty" if min_len == 1 else f"must be at least {min_len} characters")
            return None
        if max_len is not None and len(value) > max_len:
            self.error(name, f"must be at most {max_len} characters")
            return None
        return value

    def integer(self, name: str, *, required: bool = False, nullable: bool = False, minimum: int | None = None, maximum: int | None = None) -> int | None:
        value = self._get(name, required, nullable)
        if value is MISSING or value is None:
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(name, "must be an integer")
            return None
        if minimum is not None and value < minimum:
            self.error(name, f"must be at least {minimum}")
            return None
        if maximum is not None and value > maximum:
            self.error(name, f"must be at most {maximum}")
            return None
        return value

    def boolean(self, name: str, *, required: bool = False, default: bool | None = None) -> bool | None:
        value = self._get(name, required, False)
        if value is MISSING:
            return default
        if not isinstance(value, bool):
            self.error(name, "must be a boolean")
            return default
        return value

    def ref(self, name: str, *, required: bool = False, nullable: bool = False) -> int | str | None:
        """An ID (integer, or digits in a string) or a name, as fields like ``server_type`` take."""
        value = self._get(name, required, nullable)
        if value is MISSING or value is None:
            return None
        return self._ref_value(name, value)

    def _ref_value(self, name: str, value: Any) -> int | str | None:
        if isinstance(value, bool) or not isinstance(value, (int, str)) or value == "":
            self.error(name, "must be an ID or a name")
            return None
        if isinstance(value, str) and value.isdigit():
            return int(value)
        return value

    def refs(self, name: str) -> list[int | str]:
        value = self._get(name, False, False)
        if value is MISSING:
            return []
        if not isinstance(value, list):
            self.error(name, "must be a list")
            return []
        found = [self._ref_value(name, item) for item in value]
        return [item for item in found if item is not None]

    def ids(self, name: str) -> list[int]:
        value = self._get(name, False, False)
        if value is MISSING:
            return []
        if not isinstance(value, list) or not all(isinstance(item, int) and not isinstance(item, bool) for item in value):
            self.error(name, "must be a list of integer IDs")
            return []
        return list(value)

    def objects(self, name: str, *, required: bool = False, max_items: int | None = None) -> list[dict[str, Any]]:
        value = self._get(name, required, False)
        if value is MISSING:
            return []
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            self.error(name, "must be a list of objects")
            return []
        if max_items is not None and len(value) > max_items:
            self.error(name, f"must have at most {max_items} entries")
            return []
        return value

    def obj(self, name: str) -> dict[str, Any] | None:
        value = self._get(name, False, False)
        if value is MISSING:
            return None
        if not isinstance(value, dict):
            self.error(name, "must be an object")
            return None
        return value

    def labels(self, name: str = "labels") -> dict[str, str] | None:
        value = self._get(name, False, False)
        if value is MISSING:
            return None
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            self.error(name, "must be an object of string values")
            return None
        problems = label_errors(value)
        for problem in problems:
            self.error(name, problem)
        return None if problems else dict(value)


def query_int(request: Request, name: str, default: int, minimum: int = 1) -> int:
    raw = request.arg(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise invalid_input({name: ["must be an integer"]}) from None
    if value < minimum:
        raise invalid_input({name: [f"must be at least {minimum}"]})
    return value


def query_choices(request: Request, name: str, allowed: set[str] | frozenset[str]) -> list[str]:
    values = request.args(name)
    bad = [value for value in values if value not in allowed]
    if bad:
        raise invalid_input({name: [f"must be one of {', '.join(sorted(allowed))}, got {bad[0]!r}"]})
    return values


def path_id(raw: str, name: str = "id") -> int:
    if not raw.isdigit() or int(raw) < 1:
        raise invalid_input({name: ["must be a positive integer ID"]})
    return int(raw)


def present(value: T | None) -> T:
    """A required field after ``Body.check()`` passed: it cannot be None there."""
    if value is None:
        raise RuntimeError("a required field was read before Body.check()")
    return value
