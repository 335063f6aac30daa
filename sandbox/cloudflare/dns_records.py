"""DNS records: the record object, the rules Cloudflare applies on writes, the list filters.

The rules users trip on are modelled as Cloudflare answers them: an identical
record (81058), a CNAME where an A/AAAA/CNAME exists (81053) and an A/AAAA
where a CNAME exists (81054), proxying only A/AAAA/CNAME (1004/9004), proxied
records reading back with ttl 1, ttl 1 or 60-86400 (1004/9021), A/AAAA content
that must be an address (9005/9006), a CNAME pointing at itself (1004/9039),
and the plan's record-tag quota (1004/9300). Record objects carry no zone_id or
zone_name, as the API stopped sending them in 2024. CAA and SRV records are
written through their ``data`` object and read back with ``data`` and a
``content`` string formatted from it.
"""

from __future__ import annotations

import ipaddress
import re
import secrets
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from sandbox.cloudflare import envelope, filters
from sandbox.cloudflare.clock import now
from sandbox.common.server import Request

if TYPE_CHECKING:
    from sandbox.cloudflare.zones import Zone

PROXIABLE_TYPES = frozenset({"A", "AAAA", "CNAME"})
ADDRESS_TYPES = frozenset({"A", "AAAA"})
SIMULATED_TYPES = ("A", "AAAA", "CNAME", "TXT", "MX", "CAA", "SRV")
# Types written through a ``data`` object rather than ``content``.
DATA_TYPES = frozenset({"CAA", "SRV"})
CAA_TAGS = ("issue", "issuewild", "iodef")
# Known to Cloudflare, not modelled here: writing one is refused with a message that says so.
OTHER_CLOUDFLARE_TYPES = frozenset({"CERT", "DNSKEY", "DS", "HTTPS", "LOC", "NAPTR", "NS", "OPENPGPKEY", "PTR", "SMIMEA", "SSHFP", "SVCB", "TLSA", "URI"})
# Settings a record type accepts (echoed back only when set).
SETTINGS = {"A": {"ipv4_only", "ipv6_only"}, "AAAA": {"ipv4_only", "ipv6_only"}, "CNAME": {"flatten_cname", "ipv4_only", "ipv6_only"}}
AUTOMATIC_TTL = 1
TTL_RANGE = (60, 86400)
_LABEL = re.compile(r"^(?:\*|[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)$")


@dataclass
class Record:
    id: str
    type: str
    name: str
    content: str
    ttl: int = AUTOMATIC_TTL
    proxied: bool = False
    comment: str | None = None
    tags: list[str] = field(default_factory=list)
    settings: dict[str, bool] = field(default_factory=dict)
    priority: int | None = None
    data: dict[str, Any] | None = None
    private_routing: bool | None = None
    created_on: str = field(default_factory=now)
    modified_on: str = field(default_factory=now)
    comment_modified_on: str | None = None
    tags_modified_on: str | None = None

    @property
    def proxiable(self) -> bool:
        return self.type in PROXIABLE_TYPES

    def identity(self) -> tuple[str, str, str, int | None]:
        """What makes two records "identical" to Cloudflare."""
        content = self.content.lower() if self.type in ("CNAME", "MX") else self.content
        return (self.type, self.name, content, self.priority)

    def to_json(self) -> dict[str, Any]:
        """The record as the API answers it, in the API's key order."""
        data: dict[str, Any] = {"id": self.id, "name": self.name, "type": self.type, "content": self.content}
        if self.priority is not None:
            data["priority"] = self.priority
        if self.data is not None:
            data["data"] = dict(self.data)
        if self.private_routing is not None:
            data["private_routing"] = self.private_routing
        data.update(
            {
                "proxiable": self.proxiable,
                "proxied": self.proxied,
                "ttl": self.ttl,
                "settings": dict(self.settings),
                "meta": {},
                "comment": self.comment,
                "tags": list(self.tags),
                "created_on": self.created_on,
                "modified_on": self.modified_on,
            }
        )
        if self.comment_modified_on is not None:
            data["comment_modified_on"] = self.comment_modified_on
        if self.tags_modified_on is not None:
            data["tags_modified_on"] = self.tags_modified_on
        return data

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Record:
        return cls(**data)


# -- building a record from a request body ---------------------------------------------
def full_name(raw: Any, zone_name: str) -> str:
    """Cloudflare's reading of a record name: lower-case, ``@`` is the apex, relative names get the zone appended."""
    if not isinstance(raw, str) or not raw.strip():
        raise envelope.required_field("name")
    name = raw.strip().lower().rstrip(".")
    if name in ("@", ""):
        name = zone_name
    elif name != zone_name and not name.endswith("." + zone_name):
        name = f"{name}.{zone_name}"
    labels = name.split(".")
    if len(name) > 253 or not all(_LABEL.match(label) for label in labels) or "*" in labels[1:]:
        raise envelope.invalid_name()
    return name


def _hostname(raw: str) -> str | None:
    name = raw.strip().lower().rstrip(".")
    labels = name.split(".")
    if not name or len(name) > 253 or not all(_LABEL.match(label) and label != "*" for label in labels):
        return None
    return name


def _content(record_type: str, raw: Any, name: str) -> str:
    if record_type == "A":
        try:
            return str(ipaddress.IPv4Address(str(raw).strip()))
        except ValueError as exc:
            raise envelope.invalid_ipv4() from exc
    if record_type == "AAAA":
        try:
            return str(ipaddress.IPv6Address(str(raw).strip()))
        except ValueError as exc:
            raise envelope.invalid_ipv6() from exc
    if not isinstance(raw, str) or not raw.strip():
        raise envelope.invalid_content(record_type)
    if record_type in ("CNAME", "MX"):
        host = _hostname(raw)
        if host is None:
            raise envelope.invalid_content(record_type)
        if record_type == "CNAME" and host == name:
            raise envelope.cname_to_itself()
        return host
    return raw


def _uint(data: dict[str, Any], key: str, maximum: int) -> int:
    value = data.get(key)
    if value is None:
        raise required_data(key)
    # The SDK types these as numbers: 10 and 10.0 are the same value.
    if isinstance(value, bool) or not isinstance(value, (int, float)) or int(value) != value or not 0 <= value <= maximum:
        raise envelope.invalid_field(f"data.{key}", f"an integer from 0 to {maximum}")
    return int(value)


def required_data(key: str) -> envelope.CloudflareError:
    return envelope.required_field(f"data.{key}")


def _data(record_type: str, raw: Any) -> tuple[dict[str, Any], str]:
    """The ``data`` object of a CAA or SRV record as stored, and the ``content`` formatted from it.

    The content formats are the simulator's reading of the SDK's field descriptions
    (CAA: flags, tag, quoted value; SRV: priority, weight, port, target).
    """
    if not isinstance(raw, dict):
        raise envelope.required_field("data")
    if record_type == "CAA":
        flags = _uint(raw, "flags", 255)
        tag, value = raw.get("tag"), raw.get("value")
        if tag not in CAA_TAGS:
            raise envelope.invalid_field("data.tag", "one of " + ", ".join(CAA_TAGS))
        if not isinstance(value, str) or not value.strip() or '"' in value:
            raise envelope.invalid_content(record_type)
        return {"flags": flags, "tag": tag, "value": value}, f'{flags} {tag} "{value}"'
    priority, weight, port = _uint(raw, "priority", 65535), _uint(raw, "weight", 65535), _uint(raw, "port", 65535)
    target = _hostname(raw["target"]) if isinstance(raw.get("target"), str) else None
    if target is None:
        raise envelope.invalid_content(record_type)
    return {"priority": priority, "weight": weight, "port": port, "target": target}, f"{priority} {weight} {port} {target}"


def _bool(body: dict[str, Any], key: str, default: bool | None) -> bool | None:
    value = body.get(key, default)
    if value is not None and not isinstance(value, bool):
        raise envelope.invalid_field(key, "true or false")
    return value


def build(zone: Zone, body: Any, base: Record | None = None, *, partial: bool = False) -> Record:
    """The record a POST (``base`` None), PUT (whole record) or PATCH (``partial``) body asks for.

    Validates the record on its own; conflicts with other records are checked by ``check_conflicts``.
    """
    if not isinstance(body, dict):
        raise envelope.invalid_body("The body must be a JSON object.")
    # PATCH starts from the record as it is; POST and PUT from defaults.
    current = base if (partial and base is not None) else None

    def given(key: str) -> bool:
        return key in body

    record_type = body.get("type", current.type if current else None)
    if not isinstance(record_type, str) or not record_type:
        raise envelope.required_field("type")
    record_type = record_type.upper()
    if record_type in OTHER_CLOUDFLARE_TYPES:
        raise envelope.unsimulated_type(record_type)
    if record_type not in SIMULATED_TYPES:
        raise envelope.invalid_type(record_type)

    name = full_name(body["name"], zone.name) if given("name") else (current.name if current else full_name(None, zone.name))
    data = None
    if record_type in DATA_TYPES:
        # What a CAA/SRV record says is in ``data``; a ``content`` sent with it is ignored.
        keep = current is not None and current.type == record_type and not given("data")
        data, content = _data(record_type, current.data if keep and current else body.get("data"))
        if record_type == "SRV" and not re.match(r"^_[a-z0-9-]+\._[a-z]+\.", name):
            raise envelope.invalid_name()
    elif given("content") or current is None or current.type != record_type:
        content = _content(record_type, body.get("content"), name)
    else:
        content = _content(record_type, current.content, name)

    ttl = body.get("ttl", current.ttl if current else AUTOMATIC_TTL)
    if isinstance(ttl, bool) or not isinstance(ttl, (int, float)) or int(ttl) != ttl:
        raise envelope.invalid_ttl()
    ttl = int(ttl)
    if ttl != AUTOMATIC_TTL and not TTL_RANGE[0] <= ttl <= TTL_RANGE[1]:
        raise envelope.invalid_ttl()

    proxied = bool(_bool(body, "proxied", current.proxied if current else False))
    if proxied and record_type not in PROXIABLE_TYPES:
        raise envelope.not_proxiable()
    if proxied:
        ttl = AUTOMATIC_TTL  # proxied records always read back as "automatic"

    comment = body.get("comment", current.comment if current else None)
    if comment is not None and not isinstance(comment, str):
        raise envelope.invalid_field("comment", "a string")
    if comment == "":
        comment = None
    if comment is not None and len(comment) > zone.comment_limit:
        raise envelope.comment_too_long(zone.comment_limit)

    tags = body.get("tags", current.tags if current else [])
    if tags is None:
        tags = []
    if not isinstance(tags, list) or not all(isinstance(tag, str) and tag for tag in tags):
        raise envelope.invalid_field("tags", "a list of 'name:value' strings")
    if len(tags) > zone.tags_quota:
        raise envelope.too_many_tags(len(tags), zone.tags_quota)

    settings = body.get("settings", current.settings if current else {})
    if settings is None:
        settings = {}
    allowed = SETTINGS.get(record_type, set())
    if not isinstance(settings, dict) or any(key not in allowed or not isinstance(value, bool) for key, value in settings.items()):
        raise envelope.invalid_field("settings", f"an object with boolean {', '.join(sorted(allowed)) or 'no'} settings")

    priority = None
    if record_type == "MX":
        priority = body.get("priority", current.priority if current else None)
        if priority is None:
            raise envelope.required_field("priority")
        if isinstance(priority, bool) or not isinstance(priority, int) or not 0 <= priority <= 65535:
            raise envelope.invalid_field("priority", "an integer from 0 to 65535")

    private_routing = _bool(body, "private_routing", current.private_routing if current else None) if record_type in ADDRESS_TYPES else None

    stamp = now()
    record = Record(
        id=base.id if base else secrets.token_hex(16),
        type=record_type,
        name=name,
        content=content,
        ttl=ttl,
        proxied=proxied,
        comment=comment,
        tags=list(tags),
        settings=dict(settings),
        priority=priority,
        data=data,
        private_routing=private_routing,
        created_on=base.created_on if base else stamp,
        modified_on=stamp,
    )
    # The *_modified_on stamps move only when that attribute changes, and are absent while it is unset.
    if comment is not None:
        unchanged = base is not None and base.comment == comment and base.comment_modified_on
        record.comment_modified_on = base.comment_modified_on if unchanged and base else stamp
    if tags:
        unchanged = base is not None and base.tags == list(tags) and base.tags_modified_on
        record.tags_modified_on = base.tags_modified_on if unchanged and base else stamp
    return record


def check_conflicts(zone: Zone, record: Record, records: dict[str, Record] | None = None) -> None:
    """Refuse a record that clashes with another one of the zone (itself excluded)."""
    others = [other for other in (records if records is not None else zone.records).values() if other.id != record.id]
    if any(other.identity() == record.identity() for other in others):
        raise envelope.identical_record()
    same_name = [other for other in others if other.name == record.name]
    if record.type == "CNAME" and any(other.type in ("A", "AAAA", "CNAME") for other in same_name):
        raise envelope.cname_over_existing()
    if record.type in ADDRESS_TYPES and any(other.type == "CNAME" for other in same_name):
        raise envelope.address_over_cname()


# -- list filters ----------------------------------------------------------------------------
_TEXT_OPERATORS = ("exact", "contains", "startswith", "endswith")


def _text_checks(request: Request, field_name: str, read: Any) -> list[Any]:
    checks = []
    plain = request.arg(field_name)
    if plain is not None:
        checks.append(lambda r, v=plain: filters.text_match("exact", read(r), v))
    for operator in _TEXT_OPERATORS:
        value = request.arg(f"{field_name}.{operator}")
        if value is not None:
            checks.append(lambda r, o=operator, v=value: filters.text_match(o, read(r), v))
    return checks


def _tags_of(record: Record) -> dict[str, str]:
    pairs = {}
    for tag in record.tags:
        key, _sep, value = tag.partition(":")
        pairs[key.lower()] = value
    return pairs


def _tag_present(key: str, present: bool) -> Any:
    wanted = key.lower()
    return lambda r: (wanted in _tags_of(r)) == present


def _tag_value(operator: str, pair: str) -> Any:
    key, _sep, value = pair.partition(":")
    wanted = key.lower()
    return lambda r: filters.text_match(operator, _tags_of(r).get(wanted), value)


def _tag_checks(request: Request) -> list[Any]:
    checks = [_tag_present(key, True) for key in request.args("tag.present")]
    checks += [_tag_present(key, False) for key in request.args("tag.absent")]
    for operator in _TEXT_OPERATORS:
        checks += [_tag_value(operator, pair) for pair in request.args(f"tag.{operator}")]
    return checks


def select(request: Request, records: list[Record]) -> list[Record]:
    """The ``GET dns_records`` filters, combined by ``match`` (tags by ``tag_match``), then ``order``."""
    checks: list[Any] = []
    record_type = request.arg("type")
    if record_type:
        checks.append(lambda r: r.type == record_type.upper())
    checks += _text_checks(request, "name", lambda r: r.name)
    checks += _text_checks(request, "content", lambda r: r.content)
    checks += _text_checks(request, "comment", lambda r: r.comment)
    if request.arg("comment.present") is not None:
        checks.append(lambda r: r.comment is not None)
    if request.arg("comment.absent") is not None:
        checks.append(lambda r: r.comment is None)
    proxied = request.arg("proxied")
    if proxied is not None:
        checks.append(lambda r: r.proxied == (proxied.lower() == "true"))
    tag_checks = _tag_checks(request)
    if tag_checks:
        combine_tags = any if (request.arg("tag_match") or "all") == "any" else all
        checks.append(lambda r: combine_tags(check(r) for check in tag_checks))
    combine = any if (request.arg("match") or "all") == "any" else all
    chosen = [record for record in records if combine(check(record) for check in checks)] if checks else list(records)
    return filters.order(
        request,
        chosen,
        {"type": lambda r: r.type, "name": lambda r: r.name, "content": lambda r: r.content, "ttl": lambda r: r.ttl, "proxied": lambda r: r.proxied},
    )
