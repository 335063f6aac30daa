"""Labels: what a valid label is, and the label selector language of list calls.

Selector expressions, joined by commas: ``k==v`` / ``k=v``, ``k!=v``, ``k``,
``!k``, ``k in (v1,v2)``, ``k notin (v1,v2)``. As in Kubernetes, whose
selectors Hetzner's follow, ``!=`` and ``notin`` also match resources that
lack the key.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping

_NAME = r"[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?"
_LABEL_NAME = re.compile(rf"^{_NAME}$")
# DNS labels are 63 characters at most (RFC 1123).
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$")
RESERVED_PREFIX = "hetzner.cloud/"

Matcher = Callable[[Mapping[str, str]], bool]


class SelectorError(ValueError):
    """A label selector that does not parse; the message says where."""


def key_error(key: str) -> str | None:
    if key.startswith(RESERVED_PREFIX):
        return f"label key {key!r} uses the reserved prefix {RESERVED_PREFIX}"
    prefix, slash, name = key.rpartition("/")
    if slash and (len(prefix) > 253 or not _DNS_SUBDOMAIN.match(prefix)):
        return f"label key {key!r} has a prefix that is not a DNS subdomain"
    if not _LABEL_NAME.match(name):
        return f"label key {key!r} is not valid: 63 characters at most, alphanumeric at both ends, dashes, underscores and dots between"
    return None


def value_error(value: str) -> str | None:
    if value and not _LABEL_NAME.match(value):
        return f"label value {value!r} is not valid: empty, or 63 characters at most, alphanumeric at both ends, dashes, underscores and dots between"
    return None


def label_errors(labels: Mapping[str, str]) -> list[str]:
    problems = []
    for key, value in labels.items():
        problem = key_error(key) or value_error(value)
        if problem:
            problems.append(problem)
    return problems


def _split(selector: str) -> list[str]:
    """Split on the commas that are not inside a value set."""
    parts, depth, current = [], 0, []
    for char in selector:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                raise SelectorError("unbalanced ')'")
        if char == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    if depth:
        raise SelectorError("unbalanced '('")
    parts.append("".join(current))
    return [part.strip() for part in parts]


_SET = re.compile(r"^(?P<key>\S+)\s+(?P<op>in|notin)\s*\((?P<values>[^()]*)\)$")
_EQUALITY = re.compile(r"^(?P<key>[^=!\s]+)\s*(?P<op>==|=|!=)\s*(?P<value>[^=!\s]*)$")


def _check_key(key: str) -> str:
    problem = key_error(key)
    if problem:
        raise SelectorError(problem)
    return key


def _check_value(value: str) -> str:
    problem = value_error(value)
    if problem:
        raise SelectorError(problem)
    return value


def _requirement(expression: str) -> Matcher:
    if not expression:
        raise SelectorError("empty expression")
    match = _SET.match(expression)
    if match:
        key = _check_key(match["key"])
        values = {_check_value(value.strip()) for value in match["values"].split(",")}
        if match["op"] == "in":
            return lambda labels: key in labels and labels[key] in values
        return lambda labels: key not in labels or labels[key] not in values
    match = _EQUALITY.match(expression)
    if match:
        key, value = _check_key(match["key"]), _check_value(match["value"])
        if match["op"] == "!=":
            return lambda labels: labels.get(key) != value
        return lambda labels: labels.get(key) == value
    if expression.startswith("!"):
        key = _check_key(expression[1:].strip())
        return lambda labels: key not in labels
    key = _check_key(expression)
    return lambda labels: key in labels


@functools.lru_cache(maxsize=512)
def parse_selector(selector: str) -> Matcher:
    """A predicate over a label mapping; raises SelectorError naming the bad part (cached: lists ask often)."""
    requirements = [_requirement(expression) for expression in _split(selector)]
    return lambda labels: all(requirement(labels) for requirement in requirements)
