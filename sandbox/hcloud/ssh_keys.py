"""SSH keys: no actions; unique by name and by fingerprint (the MD5 of the key, as Hetzner shows it)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from typing import Any

from sandbox.common.clock import rfc3339
from sandbox.common.server import Response
from sandbox.hcloud.calls import Call, Route, answer, update_record
from sandbox.hcloud.errors import invalid_input, uniqueness
from sandbox.hcloud.inputs import present
from sandbox.hcloud.pagination import list_answer, sort_choices
from sandbox.hcloud.world import label_filter

KEY_TYPES = frozenset(
    {
        "ssh-ed25519",
        "ssh-rsa",
        "ecdsa-sha2-nistp256",
        "ecdsa-sha2-nistp384",
        "ecdsa-sha2-nistp521",
        "sk-ssh-ed25519@openssh.com",
        "sk-ecdsa-sha2-nistp256@openssh.com",
    }
)


def fingerprint(public_key: str) -> str:
    """The MD5 fingerprint (``aa:bb:..``) of an OpenSSH public key; ValueError says what is wrong with it."""
    parts = public_key.strip().split()
    if len(parts) < 2:
        raise ValueError("must be an OpenSSH public key: '<type> <base64 key> [comment]'")
    key_type, encoded = parts[0], parts[1]
    if key_type not in KEY_TYPES:
        raise ValueError(f"key type {key_type!r} is not supported")
    try:
        blob = base64.b64decode(encoded, validate=True)
        (length,) = struct.unpack(">I", blob[:4])
        embedded = blob[4 : 4 + length].decode("ascii")
    except (binascii.Error, struct.error, UnicodeDecodeError) as exc:
        raise ValueError("the key data is not valid base64 of an SSH key") from exc
    if embedded != key_type:
        raise ValueError(f"the key data is a {embedded!r} key, not {key_type!r}")
    digest = hashlib.md5(blob, usedforsecurity=False).hexdigest()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def render(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": record["id"],
        "name": record["name"],
        "fingerprint": record["fingerprint"],
        "public_key": record["public_key"],
        "labels": dict(record["labels"]),
        "created": rfc3339(record["created"]),
    }


def list_ssh_keys(call: Call) -> Response:
    request = call.request
    name, wanted_fingerprint = request.arg("name"), request.arg("fingerprint")
    matches = label_filter(request.arg("label_selector"))
    chosen = [
        record
        for record in call.project.records("ssh_keys").values()
        if (name is None or record["name"] == name) and (wanted_fingerprint is None or record["fingerprint"] == wanted_fingerprint) and matches(record)
    ]
    body, headers = list_answer(request, "ssh_keys", chosen, render, sort_choices("id", "name"))
    return answer(200, body, headers)


def get_ssh_key(call: Call) -> Response:
    return answer(200, {"ssh_key": render(call.project.get("ssh_keys", call.id()))})


def create_ssh_key(call: Call) -> Response:
    body = call.body()
    name = body.string("name", required=True, min_len=1)
    public_key = body.string("public_key", required=True, min_len=1)
    labels = body.labels()
    key_fingerprint = None
    if public_key is not None:
        try:
            key_fingerprint = fingerprint(public_key)
        except ValueError as exc:
            body.error("public_key", str(exc))
    body.check()
    name, public_key, key_fingerprint = present(name), present(public_key), present(key_fingerprint)
    project = call.project
    project.require_unique_name("ssh_keys", name)
    if any(record["fingerprint"] == key_fingerprint for record in project.records("ssh_keys").values()):
        raise uniqueness("public_key", "SSH key with the same fingerprint already exists")
    project.require_capacity("ssh_keys")
    record = {
        "id": call.world.new_id("ssh_keys"),
        "name": name,
        "fingerprint": key_fingerprint,
        "public_key": public_key.strip(),
        "labels": labels or {},
        "created": call.now,
    }
    project.records("ssh_keys")[record["id"]] = record
    return answer(201, {"ssh_key": render(record)})


def update_ssh_key(call: Call) -> Response:
    return answer(200, {"ssh_key": render(update_record(call, "ssh_keys"))})


def delete_ssh_key(call: Call) -> Response:
    record = call.project.get("ssh_keys", call.id())
    del call.project.records("ssh_keys")[record["id"]]
    return Response.empty(204)


def find_keys(call: Call, refs: list[int | str]) -> list[dict[str, Any]]:
    """The SSH keys a server create names, by ID or name; invalid_input names the missing ones."""
    found, missing = [], []
    for ref in refs:
        record = call.project.find("ssh_keys", ref)
        if record is None:
            missing.append(str(ref))
        else:
            found.append(record)
    if missing:
        raise invalid_input({"ssh_keys": [f"SSH key {ref!r} not found" for ref in missing]})
    return found


ROUTES = [
    Route("GET", "/ssh_keys", list_ssh_keys),
    Route("POST", "/ssh_keys", create_ssh_key),
    Route("GET", "/ssh_keys/{id}", get_ssh_key),
    Route("PUT", "/ssh_keys/{id}", update_ssh_key),
    Route("DELETE", "/ssh_keys/{id}", delete_ssh_key),
]
