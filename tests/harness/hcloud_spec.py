"""The published Hetzner Cloud spec, loaded once, with the few places where it is narrower than the API.

Errata (each one the spec's own text contradicts its schema; nothing else is changed):
- Request fields described as "ID or name" (``server_type``, ``image``, ``location``,
  ``ssh_keys`` items, ...) are typed ``string`` only, but the IDs they take are integers,
  and the official ``hcloud`` library sends integers when it holds an ID
  (``Location(id=4).id_or_name``). They are widened to string or integer.
- ``POST /volumes`` ``location`` says "can be either the ID or the name" in the
  operation's description while its schema is ``string``: widened the same way.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

from tests.harness.openapi import SpecValidator

SPEC_FILE = Path("hcloud") / "cloud.spec.json"
_ID_OR_NAME = re.compile(r"ID.{0,20}\bor\b.{0,10}name|IDs \(`integer`\) or names", re.IGNORECASE)


def _widen(schema: dict[str, Any]) -> None:
    if schema.get("type") == "string":
        schema["type"] = ["string", "integer"]
    elif schema.get("type") == "array" and schema.get("items", {}).get("type") == "string":
        schema["items"]["type"] = ["string", "integer"]


def _walk(schema: dict[str, Any], widened: list[str], where: str) -> None:
    for name, prop in schema.get("properties", {}).items():
        if _ID_OR_NAME.search(prop.get("description", "")):
            _widen(prop)
            widened.append(f"{where}.{name}")
        _walk(prop, widened, f"{where}.{name}")
        if isinstance(prop.get("items"), dict):
            _walk(prop["items"], widened, f"{where}.{name}[]")


def apply_errata(spec: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A corrected copy of the spec and the list of request fields that were widened."""
    fixed = copy.deepcopy(spec)
    widened: list[str] = []
    for path, item in fixed["paths"].items():
        for method, operation in item.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema") if isinstance(operation, dict) else None
            if body:
                _walk(body, widened, f"{method.upper()} {path}")
    volume_location = fixed["paths"]["/volumes"]["post"]["requestBody"]["content"]["application/json"]["schema"]["properties"]["location"]
    _widen(volume_location)
    widened.append("POST /volumes.location")
    return fixed, widened


def load(specs_dir: Path) -> SpecValidator | None:
    """The validator for the spec under ``specs_dir``, or None when the file is not there."""
    path = specs_dir / SPEC_FILE
    if not path.is_file():
        return None
    fixed, _widened = apply_errata(json.loads(path.read_text()))
    return SpecValidator(fixed)
