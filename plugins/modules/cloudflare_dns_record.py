#!/usr/bin/python
# Copyright: Bolt Foundry
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: cloudflare_dns_record
short_description: Manage one DNS record in a Cloudflare zone
version_added: 0.1.0
description:
  - Creates, changes or deletes a DNS record of a Cloudflare zone, identified by its name, type and value.
  - >-
    A name can hold several A, AAAA, TXT, MX, CAA or SRV records; a record with another value is added beside them unless O(solo=true).
    A name holds one CNAME, so a CNAME with another target is changed in place.
  - Proxied records always read back with ttl 1 (automatic); a proxied record asking for another ttl is not a change.
  - >-
    One run costs one request to look up the zone (none when both O(zone) and O(zone_id) are given) and one to list the records
    of the name, and writes only when something differs. Use M(boltfoundry.infra.cloudflare_zone_info) once and pass O(zone_id) to many records.
author:
  - Bolt Foundry (@boltfoundry)
extends_documentation_fragment:
  - boltfoundry.infra.cloudflare
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: In check mode no write request is sent at all; the result and the diff say what would change.
  diff_mode:
    support: full
    details: Before and after are the records of this name and type.
  idempotent:
    support: full
    description: A second run with the same options changes nothing and sends no write request.
  platform:
    platforms: posix
options:
  zone:
    description:
      - The zone's name, for example V(example.com). Looked up once per task unless O(zone_id) is given too.
      - One of O(zone) and O(zone_id) is required.
    type: str
  zone_id:
    description:
      - The zone's id. With O(zone) also given, no zone lookup is made; the two must belong together.
    type: str
  name:
    description:
      - The record's name, relative to the zone (V(www)), V(@) for the zone apex, or the full name (V(www.example.com));
        a full name written with a trailing dot must lie inside the zone.
    type: str
    required: true
  type:
    description:
      - The record type.
    type: str
    required: true
    choices: [A, AAAA, CNAME, TXT, MX, CAA, SRV]
  content:
    description:
      - The record's value for A, AAAA, CNAME, TXT and MX records (an address, a host name or a text).
      - Required with O(state=present) for those types. With O(state=absent) it chooses which record to delete;
        without it every record of the name and type is deleted.
    type: str
  data:
    description:
      - The record's value for CAA records (keys C(flags), C(tag), C(value)) and SRV records (keys C(priority), C(weight), C(port), C(target)).
      - Required with O(state=present) for those types; with O(state=absent) it chooses the record like O(content).
    type: dict
  priority:
    description:
      - The priority of an MX record (required for a new MX record).
    type: int
  ttl:
    description:
      - Time to live in seconds, 60 to 86400, or V(1) for automatic. Proxied records are always automatic.
    type: int
    default: 1
  proxied:
    description:
      - Whether Cloudflare proxies the traffic (A, AAAA and CNAME records only).
    type: bool
    default: false
  comment:
    description:
      - The record's comment (at most 100 characters on the Free plan). V("") removes it; when not set, an existing comment is left alone.
      - Must contain O(managed_marker) when that is set.
    type: str
  tags:
    description:
      - The record's tags, C(name:value) strings. V([]) removes them; when not set, existing tags are left alone.
      - The Free plan allows no tags.
    type: list
    elements: str
  state:
    description:
      - Whether the record should exist.
    type: str
    choices: [present, absent]
    default: present
  solo:
    description:
      - Make this the only record of its name and type, deleting the others (after the wanted one exists).
    type: bool
    default: false
  managed_marker:
    description:
      - A text that marks records as yours, which O(comment) must contain.
      - When set, an existing record whose comment lacks it is never changed or deleted (not even by O(solo) or O(state=absent));
        the task fails naming the record instead, unless O(adopt=true).
    type: str
  adopt:
    description:
      - Take over records that lack O(managed_marker), that is change them (their comment then carries the marker) or delete them.
      - Meant for naming single records explicitly, for example a hand-made record the collection should manage from now on.
    type: bool
    default: false
seealso:
  - module: boltfoundry.infra.cloudflare_zone_info
  - name: Cloudflare DNS records API
    description: The API this module calls.
    link: https://developers.cloudflare.com/api/resources/dns/subresources/records/
"""

EXAMPLES = r"""
- name: Point the apex at the floating IP, proxied, as the only A record of the name
  boltfoundry.infra.cloudflare_dns_record:
    zone: example.com
    name: "@"
    type: A
    content: 203.0.113.10
    proxied: true
    solo: true
    comment: "boltfoundry.infra:production (managed by Ansible)"
    managed_marker: "boltfoundry.infra:production"
  delegate_to: localhost

- name: Look up the zone once, then pass its id to every record
  boltfoundry.infra.cloudflare_zone_info:
    zone: example.com
  register: cloudflare_zone
  delegate_to: localhost

- name: CDN name for the assets bucket
  boltfoundry.infra.cloudflare_dns_record:
    zone: example.com
    zone_id: "{{ cloudflare_zone.zone.id }}"
    name: assets
    type: CNAME
    content: bft-assets.hel1.your-objectstorage.com
    proxied: true
  delegate_to: localhost

- name: Mail
  boltfoundry.infra.cloudflare_dns_record:
    zone: example.com
    name: "@"
    type: MX
    content: mx1.example.net
    priority: 10
  delegate_to: localhost

- name: Only Let's Encrypt may issue certificates
  boltfoundry.infra.cloudflare_dns_record:
    zone: example.com
    name: "@"
    type: CAA
    data: {flags: 0, tag: issue, value: letsencrypt.org}
  delegate_to: localhost

- name: Remove every TXT record of a name
  boltfoundry.infra.cloudflare_dns_record:
    zone: example.com
    name: _old-verification
    type: TXT
    state: absent
  delegate_to: localhost
"""

RETURN = r"""
record:
  description: The record as it is after the task (as it would be, in check mode); null after O(state=absent).
  returned: always
  type: dict
  contains:
    id:
      description: The record's id (null for a record check mode would create).
      type: str
    name:
      description: The full name.
      type: str
      sample: www.example.com
    type:
      description: The record type.
      type: str
    content:
      description: The value of A, AAAA, CNAME, TXT and MX records.
      type: str
    data:
      description: The value of CAA and SRV records.
      type: dict
    priority:
      description: The priority of an MX record.
      type: int
    ttl:
      description: Time to live, 1 meaning automatic.
      type: int
    proxied:
      description: Whether Cloudflare proxies the record.
      type: bool
    comment:
      description: The comment.
      type: str
    tags:
      description: The tags, sorted.
      type: list
      elements: str
zone:
  description: The zone's id and name, to pass as O(zone_id) and O(zone) to later tasks.
  returned: always
  type: dict
  sample: {id: 023e105f4ecef8ad9ca31a8372d0c353, name: example.com}
changed_fields:
  description: What differed in the record that was (or would be) changed.
  returned: always
  type: list
  elements: str
  sample: [content, proxied]
deleted:
  description: The records deleted (or that would be) by O(solo) or O(state=absent).
  returned: always
  type: list
  elements: dict
failure:
  description: Cloudflare's answer to a refused request (HTTP status, error codes and messages).
  returned: when the API refused a request
  type: dict
"""

from typing import Any, Dict, List, Optional

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.boltfoundry.infra.plugins.module_utils.cloudflare_api import (
    CODE_ADDRESS_OVER_CNAME,
    CODE_CNAME_OVER_EXISTING,
    CODE_IDENTICAL_RECORD,
    CODE_RECORD_NOT_FOUND,
    RECORDS_PER_PAGE,
    CloudflareApiError,
    CloudflareModule,
    cloudflare_argument_spec,
    normalize_domain,
)
from ansible_collections.boltfoundry.infra.plugins.module_utils.cloudflare_records import (
    DATA_FIELDS,
    PROXIABLE_TYPES,
    RECORD_TYPES,
    Desired,
    Ownership,
    Plan,
    RecordError,
    after,
    conflict_message,
    describe,
    full_name,
    normalize_content,
    normalize_data,
    plan_absent,
    plan_present,
    view,
)


class _Ambiguous(Exception):
    """A write whose outcome the answer does not tell: read again and plan again."""


class DnsRecord(CloudflareModule):
    def __init__(self, module: AnsibleModule) -> None:
        super().__init__(module)
        self.zone: Dict[str, Any] = {}
        self.desired: Optional[Desired] = None

    def run(self) -> None:
        try:
            value = self.checked_value()  # before any request: bad input costs nothing
            self.zone = self.resolve_zone(self.module.params["zone"], self.module.params["zone_id"])
            self.result["zone"] = self.zone
            self.desired = self.build_desired(value)
            same_name = self.records_of_name()
            plan = self.plan(same_name)
            self.report(same_name, plan)
            if plan.changed and not self.module.check_mode:
                self.apply_converging(plan)
        except CloudflareApiError as error:
            self.fail(error)
        except RecordError as error:
            self.module.fail_json(msg=str(error), **{k: v for k, v in self.result.items() if k != "changed"})
        self.exit()

    # -- what is asked -----------------------------------------------------------------
    def checked_value(self) -> Dict[str, Any]:
        """The options checked against each other, and the record's value as Cloudflare stores it."""
        p = self.module.params
        record_type = p["type"]
        present = p["state"] == "present"
        if record_type in DATA_FIELDS and p["content"] is not None:
            raise RecordError(f"{record_type} records take their value in data, not content.")
        if record_type not in DATA_FIELDS and p["data"] is not None:
            raise RecordError(f"{record_type} records take their value in content, not data.")
        if present and record_type in DATA_FIELDS and p["data"] is None:
            raise RecordError(f"data is required for {record_type} records with state=present.")
        if present and record_type not in DATA_FIELDS and p["content"] is None:
            raise RecordError(f"content is required for {record_type} records with state=present.")
        if p["proxied"] and record_type not in PROXIABLE_TYPES:
            raise RecordError(f"proxied=true is only possible for A, AAAA and CNAME records, not {record_type}.")
        if p["priority"] is not None and record_type != "MX":
            raise RecordError(f"priority applies to MX records only; an SRV record carries it in data, got type {record_type}.")
        if present and record_type == "MX" and p["priority"] is None:
            raise RecordError("priority is required for an MX record with state=present.")
        if p["ttl"] != 1 and not 60 <= p["ttl"] <= 86400:
            raise RecordError(f"ttl must be 1 (automatic) or from 60 to 86400 seconds, got {p['ttl']}.")
        marker = p["managed_marker"]
        if marker is not None and present and marker not in (p["comment"] or ""):
            raise RecordError(f"comment must contain the managed_marker {marker!r}, so that later runs recognise the record as theirs.")
        if p["name"].strip().endswith(".") and p["zone"]:
            full_name(p["name"], normalize_domain(p["zone"]))  # a full name outside the zone is refused here already
        if p["proxied"] and p["ttl"] != 1:
            self.module.warn(f"ttl={p['ttl']} is ignored: Cloudflare keeps proxied records at ttl 1 (automatic).")
        return {
            "content": normalize_content(record_type, p["content"]) if p["content"] is not None else None,
            "data": normalize_data(record_type, p["data"]) if p["data"] is not None else None,
        }

    def build_desired(self, value: Dict[str, Any]) -> Desired:
        p = self.module.params
        return Desired(
            name=full_name(p["name"], self.zone["name"]),
            type=p["type"],
            content=value["content"],
            data=value["data"],
            priority=p["priority"],
            ttl=p["ttl"],
            proxied=p["proxied"],
            comment=p["comment"],
            tags=p["tags"],
        )

    @property
    def wanted(self) -> Desired:
        if self.desired is None:
            raise AssertionError("build_desired() runs before the record is planned")
        return self.desired

    @property
    def ownership(self) -> Ownership:
        return Ownership(self.module.params["managed_marker"], self.module.params["adopt"])

    # -- reading and planning ------------------------------------------------------------
    def records_of_name(self) -> List[Dict[str, Any]]:
        """Every record of the name, all types: one request (the type conflicts need them all)."""
        records = self.list_all(
            f"listing the records named {self.wanted.name}",
            self.client.dns.records.list,
            RECORDS_PER_PAGE,
            f"give the token DNS:Read on {self.zone['name']}",
            zone_id=self.zone["id"],
            name={"exact": self.wanted.name},
        )
        return [view(record) for record in records]

    def plan(self, same_name: List[Dict[str, Any]]) -> Plan:
        if self.module.params["state"] == "absent":
            return plan_absent(self.wanted, same_name, self.ownership)
        return plan_present(self.wanted, same_name, self.module.params["solo"], self.ownership)

    def report(self, same_name: List[Dict[str, Any]], plan: Plan) -> None:
        before = [r for r in same_name if r["type"] == self.wanted.type]
        planned = after(same_name, plan, self.wanted, self.wanted.type)
        self.result["changed"] = plan.changed
        self.result["changed_fields"] = list(plan.update_fields)
        self.result["deleted"] = list(plan.delete)
        self.result["record"] = self.resulting_record(plan, planned)
        self.result["diff"] = {"before": {"records": [_shown(r) for r in before]}, "after": {"records": [_shown(r) for r in planned]}}

    def resulting_record(self, plan: Plan, planned: List[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
        if self.module.params["state"] == "absent":
            return None
        wanted_id = (plan.update or plan.keep or {}).get("id")
        return next((r for r in planned if r["id"] == wanted_id), planned[-1] if plan.create else None)

    # -- writing ------------------------------------------------------------------------
    def apply_converging(self, plan: Plan) -> None:
        """Carry the plan out; when a write's outcome is unknown, read the records again and finish what is left."""
        for attempt in range(3):
            try:
                self.apply(plan)
                return
            except _Ambiguous:
                if attempt == 2:
                    raise CloudflareApiError(f"The records named {self.wanted.name} kept changing while this task wrote them; run it again.") from None
                plan = self.plan(self.records_of_name())

    def apply(self, plan: Plan) -> None:
        records = self.client.dns.records
        zone_id = self.zone["id"]
        edit_hint = f"give the token DNS:Edit on {self.zone['name']}"
        if plan.keep is not None:
            self.result["record"] = plan.keep
        if plan.create is not None:
            try:
                created = self.call(
                    f"creating {describe(self.wanted.view())}", records.create, zone_id=zone_id, permission_hint=edit_hint, **plan.create.body()
                )
            except CloudflareApiError as error:
                raise self.write_error(error) from error
            self.result["record"] = view(created)
        if plan.update is not None:
            try:
                updated = self.call(
                    f"changing {describe(plan.update)}", records.edit, plan.update["id"], zone_id=zone_id, permission_hint=edit_hint, **self.wanted.body()
                )
            except CloudflareApiError as error:
                raise self.write_error(error) from error
            self.result["record"] = view(updated)
        for record in plan.delete:
            try:
                self.call(f"deleting {describe(record)}", records.delete, record["id"], zone_id=zone_id, permission_hint=edit_hint)
            except CloudflareApiError as error:
                if error.code != CODE_RECORD_NOT_FOUND:  # already gone: a retried delete whose first answer was lost
                    raise

    def write_error(self, error: CloudflareApiError) -> Exception:
        """What a failed create or change means."""
        if error.code in (CODE_IDENTICAL_RECORD, CODE_RECORD_NOT_FOUND):
            # 81058: the record exists, e.g. written by a retried request whose first answer was lost.
            # 81044: the record we meant to change is gone. Either way: read again.
            return _Ambiguous()
        if error.code in (CODE_CNAME_OVER_EXISTING, CODE_ADDRESS_OVER_CNAME):
            return RecordError(conflict_message(self.wanted, error.code))
        return error


def _shown(record: Dict[str, Any]) -> Dict[str, Any]:
    """A record for the diff: without the fields its type does not have."""
    return {key: value for key, value in record.items() if value is not None}


def main() -> None:
    module = AnsibleModule(
        argument_spec=cloudflare_argument_spec(
            zone={"type": "str"},
            zone_id={"type": "str"},
            name={"type": "str", "required": True},
            type={"type": "str", "required": True, "choices": list(RECORD_TYPES)},
            content={"type": "str"},
            data={"type": "dict"},
            priority={"type": "int"},
            ttl={"type": "int", "default": 1},
            proxied={"type": "bool", "default": False},
            comment={"type": "str"},
            tags={"type": "list", "elements": "str"},
            state={"type": "str", "choices": ["present", "absent"], "default": "present"},
            solo={"type": "bool", "default": False},
            managed_marker={"type": "str", "no_log": False},
            adopt={"type": "bool", "default": False},
        ),
        required_one_of=[("zone", "zone_id")],
        mutually_exclusive=[("content", "data")],
        supports_check_mode=True,
    )
    DnsRecord(module).run()


if __name__ == "__main__":
    main()
