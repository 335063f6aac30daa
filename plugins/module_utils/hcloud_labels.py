# Copyright: Bolt Foundry
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hetzner Cloud labels: checked before any request, and turned into label selectors.

The rules are the API's (its documentation, "Labels"): a key is an optional
DNS-subdomain prefix and a slash, then a name of 63 characters at most,
alphanumeric at both ends with dashes, underscores and dots between; the
prefix hetzner.cloud/ is reserved. A value is empty or follows the name rule.
Checking here turns the API's "invalid input in field 'labels'" into a
sentence that names the key, before anything has been changed.
"""

from __future__ import annotations

import re
from typing import Any, Dict, Mapping, Optional

RESERVED_PREFIX = "hetzner.cloud/"
_NAME = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$")
_DNS_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_RULE = "63 characters at most, a letter or digit at both ends, and only letters, digits, dashes, underscores and dots"


def key_problem(key: str) -> Optional[str]:
    """Why ``key`` is not a label key, or None."""
    if key.startswith(RESERVED_PREFIX):
        return f"uses the prefix {RESERVED_PREFIX}, which Hetzner reserves"
    prefix, slash, name = key.rpartition("/")
    if slash and (len(prefix) > 253 or not all(_DNS_LABEL.match(part) for part in prefix.split("."))):
        return "has a prefix (before the slash) that is not a lower-case DNS subdomain"
    if not _NAME.match(name):
        return f"is not a valid key name ({_RULE})"
    return None


def value_problem(value: str) -> Optional[str]:
    """Why ``value`` is not a label value, or None."""
    if value and not _NAME.match(value):
        return f"is not a valid label value (empty, or {_RULE})"
    return None


def check_labels(labels: Any, field: str = "labels") -> Dict[str, str]:
    """``labels`` as strings (None is the empty value); ValueError with one sentence naming ``field`` and the key."""
    if not isinstance(labels, Mapping):
        raise ValueError(f"{field} must be a dictionary of label keys and values, not {type(labels).__name__}.")
    checked: Dict[str, str] = {}
    for given_key, given_value in labels.items():
        key, value = str(given_key), "" if given_value is None else str(given_value)
        problem = key_problem(key)
        if problem:
            raise ValueError(f"{field}: the key {key!r} {problem}.")
        problem = value_problem(value)
        if problem:
            raise ValueError(f"{field}: the value {value!r} of the key {key!r} {problem}.")
        checked[key] = value
    return checked


def label_selector(labels: Any, field: str = "labels") -> str:
    """The selector matching resources that carry every label of ``labels``: ``k=v`` joined by commas (``k=`` is the empty value)."""
    checked = check_labels(labels, field)
    if not checked:
        raise ValueError(f"{field} is empty: a selector of no labels would match every resource in the project.")
    return ",".join(f"{key}={value}" for key, value in checked.items())
