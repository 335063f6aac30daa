# Copyright: Bolt Foundry
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""DNS records as the modules reason about them: names, values, differences, conflicts, ownership.

No API calls here: ``plan`` takes the records Cloudflare has for one name and
what the user asked for, and says what to create, change and delete, or why
it must not. ``cloudflare_dns_record`` carries the plan out.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

# Types whose value lives in a ``data`` object (written and compared there).
DATA_FIELDS: Dict[str, tuple] = {"CAA": ("flags", "tag", "value"), "SRV": ("priority", "weight", "port", "target")}
CONTENT_TYPES = ("A", "AAAA", "CNAME", "TXT", "MX")
RECORD_TYPES = CONTENT_TYPES + tuple(DATA_FIELDS)
PROXIABLE_TYPES = frozenset({"A", "AAAA", "CNAME"})
ADDRESS_TYPES = frozenset({"A", "AAAA"})
AUTOMATIC_TTL = 1


class RecordError(Exception):
    """The request cannot be planned; the message is one sentence for the user."""


def full_name(name: str, zone: str) -> str:
    """Cloudflare's reading of a record name: ``@`` is the apex, relative names get the zone appended."""
    name = name.strip().lower()
    if name.endswith(".") and name not in ("@.", "."):
        absolute = name.rstrip(".")
        if absolute != zone and not absolute.endswith("." + zone):
            raise RecordError(f"The record name {absolute} is not inside the zone {zone}.")
        return absolute
    if name in ("@", "", zone):
        return zone
    return name if name.endswith("." + zone) else f"{name}.{zone}"


def _hostname(value: str) -> str:
    return value.strip().lower().rstrip(".")


def normalize_content(record_type: str, content: str) -> str:
    """The content as Cloudflare stores it, so that equal values compare equal."""
    if record_type in ADDRESS_TYPES:
        try:
            return str(ipaddress.ip_address(content.strip()))
        except ValueError as exc:
            raise RecordError(f"content must be an IP{'v4' if record_type == 'A' else 'v6'} address for an {record_type} record, got {content!r}.") from exc
    if record_type in ("CNAME", "MX"):
        return _hostname(content)
    return content


def normalize_data(record_type: str, data: Dict[str, Any]) -> Dict[str, Any]:
    fields = DATA_FIELDS[record_type]
    unknown = sorted(set(data) - set(fields))
    missing = [key for key in fields if data.get(key) is None]
    if unknown or missing:
        wanted, absent, extra = ", ".join(fields), ", ".join(missing) or "none", ", ".join(unknown) or "none"
        raise RecordError(f"data for a {record_type} record needs exactly the keys {wanted} (missing: {absent}; unknown: {extra}).")
    result: Dict[str, Any] = {}
    for key in fields:
        value = data[key]
        if key in ("tag", "value", "target"):
            result[key] = _hostname(str(value)) if key == "target" else str(value)
        else:
            try:
                result[key] = int(value)
            except (TypeError, ValueError) as exc:
                raise RecordError(f"data.{key} of a {record_type} record must be a whole number, got {value!r}.") from exc
    return result


@dataclass
class Desired:
    """The record the user asked for (fields left None are not managed)."""

    name: str
    type: str
    content: Optional[str] = None
    data: Optional[Dict[str, Any]] = None
    priority: Optional[int] = None
    ttl: int = AUTOMATIC_TTL
    proxied: bool = False
    comment: Optional[str] = None
    tags: Optional[List[str]] = None

    @property
    def effective_ttl(self) -> int:
        # Cloudflare keeps proxied records at "automatic"; asking for another ttl is not a change.
        return AUTOMATIC_TTL if self.proxied else self.ttl

    def value(self) -> Any:
        return self.data if self.type in DATA_FIELDS else self.content

    def has_value(self) -> bool:
        return self.value() is not None

    def body(self) -> Dict[str, Any]:
        """The create/PATCH body: every field the record has (PATCH needs name, type and ttl anyway)."""
        body: Dict[str, Any] = {"name": self.name, "type": self.type, "ttl": self.effective_ttl}
        if self.type in DATA_FIELDS:
            body["data"] = dict(self.data or {})
        else:
            body["content"] = self.content
        if self.type in PROXIABLE_TYPES:
            body["proxied"] = self.proxied
        if self.priority is not None:
            body["priority"] = self.priority
        if self.comment is not None:
            body["comment"] = self.comment
        if self.tags is not None:
            body["tags"] = list(self.tags)
        return body

    def view(self, record_id: Optional[str] = None) -> Dict[str, Any]:
        """How this record will read back, in the shape of ``view``."""
        return {
            "id": record_id,
            "name": self.name,
            "type": self.type,
            "content": self.content if self.type not in DATA_FIELDS else None,
            "data": dict(self.data) if self.data is not None else None,
            "priority": self.priority,
            "ttl": self.effective_ttl,
            "proxied": self.proxied if self.type in PROXIABLE_TYPES else False,
            "comment": self.comment or None,
            "tags": sorted(self.tags or []),
        }


def view(record: Any) -> Dict[str, Any]:
    """An SDK record (or a ``view`` dict) as the modules show it in results and diffs."""
    if isinstance(record, dict):
        return dict(record)
    data = getattr(record, "data", None)
    record_type = record.type
    return {
        "id": record.id,
        "name": record.name,
        "type": record_type,
        "content": getattr(record, "content", None) if record_type not in DATA_FIELDS else None,
        "data": normalize_data(record_type, data.to_dict()) if record_type in DATA_FIELDS and data is not None else None,
        "priority": int(record.priority) if getattr(record, "priority", None) is not None else None,
        "ttl": int(record.ttl),
        "proxied": bool(getattr(record, "proxied", False)),
        "comment": getattr(record, "comment", None) or None,
        "tags": sorted(getattr(record, "tags", None) or []),
    }


def same_value(desired: Desired, current: Dict[str, Any]) -> bool:
    if desired.type in DATA_FIELDS:
        return current["data"] == desired.data
    return normalize_content(desired.type, current["content"] or "") == desired.content


def changes(desired: Desired, current: Dict[str, Any]) -> List[str]:
    """The fields in which ``current`` differs from what is asked for (value first)."""
    found = []
    if not same_value(desired, current):
        found.append("data" if desired.type in DATA_FIELDS else "content")
    if desired.priority is not None and current["priority"] != desired.priority:
        found.append("priority")
    if current["ttl"] != desired.effective_ttl:
        found.append("ttl")
    if desired.type in PROXIABLE_TYPES and current["proxied"] != desired.proxied:
        found.append("proxied")
    if desired.comment is not None and (current["comment"] or "") != desired.comment:
        found.append("comment")
    if desired.tags is not None and current["tags"] != sorted(desired.tags):
        found.append("tags")
    return found


def describe(record: Dict[str, Any]) -> str:
    """A record in one phrase for messages: "the A record www.example.com (203.0.113.10)"."""
    value = record.get("content")
    if record.get("data") is not None:
        value = " ".join(str(record["data"][key]) for key in DATA_FIELDS[record["type"]])
    return f"the {record['type']} record {record['name']}" + (f" ({value})" if value is not None else "")


@dataclass
class Ownership:
    """Which existing records we may change: those whose comment carries ``marker``, or all when adopting."""

    marker: Optional[str] = None
    adopt: bool = False

    def owns(self, record: Dict[str, Any]) -> bool:
        return self.marker is None or self.adopt or self.marker in (record.get("comment") or "")

    def check(self, record: Dict[str, Any], action: str) -> None:
        if not self.owns(record):
            raise RecordError(
                f"Not going to {action} {describe(record)}: its comment does not carry the marker {self.marker!r}, so this collection did not create it;"
                " set adopt=true (the dns role: list the name in dns_adopt) to take it over."
            )


@dataclass
class Plan:
    """What to do about one name and type: at most one create or update, and deletions."""

    create: Optional[Desired] = None
    update: Optional[Dict[str, Any]] = None  # the current record (view) to PATCH into ``desired``
    update_fields: List[str] = field(default_factory=list)
    delete: List[Dict[str, Any]] = field(default_factory=list)
    keep: Optional[Dict[str, Any]] = None  # the record that already is as asked

    @property
    def changed(self) -> bool:
        return bool(self.create or self.update or self.delete)


def conflict_message(desired: Desired, code: int, blocking: Optional[Dict[str, Any]] = None) -> str:
    """The sentence for Cloudflare's 81053 (a CNAME over an A/AAAA/CNAME) and 81054 (an A/AAAA over a CNAME)."""
    existing = describe(blocking) if blocking else ("an A, AAAA or CNAME record of that name" if code == 81053 else "a CNAME record of that name")
    return (
        f"Cannot create the {desired.type} record {desired.name}: {existing} exists, and a name that has a CNAME can have no other"
        f" A, AAAA or CNAME record (Cloudflare error {code}); delete that record first or choose another name."
    )


def _conflict(desired: Desired, same_name: List[Dict[str, Any]]) -> None:
    """Refuse, before any write, what Cloudflare would refuse as 81053/81054."""
    if desired.type == "CNAME":
        blocking = [r for r in same_name if r["type"] in ADDRESS_TYPES]
        if blocking:
            raise RecordError(conflict_message(desired, 81053, blocking[0]))
    if desired.type in ADDRESS_TYPES:
        blocking = [r for r in same_name if r["type"] == "CNAME"]
        if blocking:
            raise RecordError(conflict_message(desired, 81054, blocking[0]))


def plan_present(desired: Desired, same_name: List[Dict[str, Any]], solo: bool, ownership: Ownership) -> Plan:
    """Make ``desired`` exist (and with ``solo`` be the only record of its name and type)."""
    same_type = [r for r in same_name if r["type"] == desired.type]
    match = next((r for r in same_type if same_value(desired, r)), None)
    if match is None and same_type and (solo or desired.type == "CNAME"):
        # One record of this name and type is wanted (a name holds one CNAME anyway):
        # change an existing one in place rather than add one and delete the others.
        match = same_type[0]
    plan = Plan()
    if match is None:
        _conflict(desired, same_name)
        plan.create = desired
    else:
        fields = changes(desired, match)
        if fields:
            ownership.check(match, "change")
            plan.update, plan.update_fields = match, fields
        else:
            plan.keep = match
    if solo:
        for record in same_type:
            if record is not match:
                ownership.check(record, "delete")
                plan.delete.append(record)
    return plan


def plan_absent(desired: Desired, same_name: List[Dict[str, Any]], ownership: Ownership) -> Plan:
    """Delete the records of this name and type (only the one with this value, when a value is given)."""
    plan = Plan()
    for record in same_name:
        if record["type"] == desired.type and (not desired.has_value() or same_value(desired, record)):
            ownership.check(record, "delete")
            plan.delete.append(record)
    return plan


def after(same_name: List[Dict[str, Any]], plan: Plan, desired: Desired, record_type: str) -> List[Dict[str, Any]]:
    """The records of this name and type once ``plan`` is carried out (for diffs and check mode)."""
    deleted = {r["id"] for r in plan.delete}
    result = []
    for record in same_name:
        if record["type"] != record_type or record["id"] in deleted:
            continue
        result.append(_merge(record, desired) if plan.update is not None and record["id"] == plan.update["id"] else record)
    if plan.create is not None:
        result.append(desired.view())
    return result


def _merge(current: Dict[str, Any], desired: Desired) -> Dict[str, Any]:
    """``current`` after the PATCH: unmanaged fields (comment/tags left None) stay as they are."""
    merged = desired.view(current["id"])
    if desired.comment is None:
        merged["comment"] = current["comment"]
    if desired.tags is None:
        merged["tags"] = current["tags"]
    if desired.priority is None:
        merged["priority"] = current["priority"]
    return merged
