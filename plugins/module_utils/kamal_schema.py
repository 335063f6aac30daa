# Copyright: Bolt Foundry
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What Kamal 2.12 accepts in ``config/deploy.yml``: every key and the kind of value it takes.

Kamal checks a config against the example block of its reference files
(``lib/kamal/configuration/docs/*.yml``; the last example block of a file is
the one that counts). These are the same facts, written down by us so the
collection does not need Kamal's files at run time; the conformance test
``tests/unit/module_utils/test_kamal_schema_conformance.py`` derives them from
Kamal's files again and fails if the two disagree.

A kind says how Kamal checks a value:

- ``Scalar(STRING)`` accepts any string, number or boolean (Kamal reads them
  as strings); ``Scalar(INTEGER)`` only an integer; ``Scalar(BOOLEAN)`` only a
  boolean;
- ``ListOf(t)`` a list of ``t``; ``HashOf(t)`` a mapping whose values are ``t``;
- ``Keys({...})`` a mapping limited to those keys, each of its own kind;
- ``Section(name)`` a mapping (``servers`` may also be a list, a ``proxy``
  also a boolean) checked by that section's own rules (``SECTIONS[name]``);
- the special kinds name the few keys Kamal checks by their own rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Union

KAMAL_VERSION = "2.12.0"

STRING = "string"
INTEGER = "integer"
BOOLEAN = "boolean"


@dataclass(frozen=True)
class Scalar:
    type: str


@dataclass(frozen=True)
class ListOf:
    type: str


@dataclass(frozen=True)
class HashOf:
    type: str


@dataclass(frozen=True)
class Keys:
    keys: Dict[str, "Kind"]


@dataclass(frozen=True)
class Section:
    """A ``...`` in Kamal's docs: a mapping validated by the named section's rules."""

    name: str


@dataclass(frozen=True)
class Special:
    """A key Kamal checks by a rule of its own (see ``SPECIAL_RULES``)."""

    rule: str


Kind = Union[Scalar, ListOf, HashOf, Keys, Section, Special]

# The special rules, by the key they apply to.
ANY_HASH = Special("any_hash")  # options, args: any mapping
HOSTS = Special("hosts")  # a list of hosts, each a string or {host: tag or [tags]}
ARCH = Special("arch")  # a string or a list of strings
SSL = Special("ssl")  # a boolean or a mapping (custom certificate secret names)
HOOKS_OUTPUT = Special("hooks_output")  # a level, or {hook: level}
SSH_CONFIG = Special("ssh_config")  # a boolean, a path or a list of paths
PATHS = Special("paths")  # files/directories: "local:remote[:options]" or {local, remote, mode, owner, options}
CREDENTIAL = Special("credential")  # registry username/password: a string, or a one-item list naming a secret

SPECIAL_RULES = frozenset(rule.rule for rule in (ANY_HASH, HOSTS, ARCH, SSL, HOOKS_OUTPUT, SSH_CONFIG, PATHS, CREDENTIAL))

STR, INT, BOOL = Scalar(STRING), Scalar(INTEGER), Scalar(BOOLEAN)

CONFIGURATION: Dict[str, Kind] = {
    "service": STR,
    "image": STR,
    "labels": HashOf(STRING),
    "volumes": ListOf(STRING),
    "registry": Section("registry"),
    "servers": Section("servers"),
    "env": Section("env"),
    "asset_path": STR,
    "hooks_path": STR,
    "hooks_output": HOOKS_OUTPUT,
    "secrets_path": STR,
    "error_pages_path": STR,
    "require_destination": BOOL,
    "primary_role": STR,
    "allow_empty_roles": BOOL,
    "retain_containers": INT,
    "minimum_version": STR,
    "readiness_delay": INT,
    "deploy_timeout": INT,
    "drain_timeout": INT,
    "stop_timeout": INT,
    "run_directory": STR,
    "ssh": Section("ssh"),
    "builder": Section("builder"),
    "accessories": Section("accessories"),
    "proxy": Section("proxy"),
    "sshkit": Section("sshkit"),
    "boot": Section("boot"),
    "logging": Section("logging"),
    "output": Section("output"),
    "aliases": Section("aliases"),
}

ROLE: Dict[str, Kind] = {
    "hosts": HOSTS,
    "cmd": STR,
    "stop_timeout": INT,
    "options": ANY_HASH,
    "logging": Section("logging"),
    "proxy": Section("proxy"),
    "labels": HashOf(STRING),
    "env": Section("env"),
    "asset_path": STR,
}

REGISTRY: Dict[str, Kind] = {
    "server": STR,
    "username": CREDENTIAL,
    "password": CREDENTIAL,
}

ENV_KEYS = ("clear", "secret", "tags")

PROXY: Dict[str, Kind] = {
    "host": STR,
    "hosts": HOSTS,
    "app_port": INT,
    "ssl": SSL,
    "ssl_redirect": BOOL,
    "forward_headers": BOOL,
    "response_timeout": INT,
    "path_prefix": STR,
    "path_prefixes": ListOf(STRING),
    "strip_path_prefix": BOOL,
    "healthcheck": Keys({"interval": INT, "path": STR, "timeout": INT}),
    "buffering": Keys({"requests": BOOL, "responses": BOOL, "max_request_body": INT, "max_response_body": INT, "memory": INT}),
    "logging": Keys({"request_headers": ListOf(STRING), "response_headers": ListOf(STRING)}),
    "run": Keys(
        {
            "http_port": INT,
            "https_port": INT,
            "metrics_port": INT,
            "debug": BOOL,
            "log_max_size": STR,
            "publish": BOOL,
            "bind_ips": ListOf(STRING),
            "registry": STR,
            "repository": STR,
            "version": STR,
            "options": ANY_HASH,
        }
    ),
}

BUILDER: Dict[str, Kind] = {
    "arch": ARCH,
    "remote": STR,
    "local": BOOL,
    "pack": Keys({"builder": STR, "buildpacks": ListOf(STRING)}),
    "cache": Keys({"type": STR, "options": STR, "image": STR}),
    "context": STR,
    "dockerfile": STR,
    "target": STR,
    "args": ANY_HASH,
    "secrets": ListOf(STRING),
    "ssh": STR,
    "driver": STR,
    "provenance": STR,
    "sbom": BOOL,
}

ACCESSORY: Dict[str, Kind] = {
    "service": STR,
    "image": STR,
    "registry": Section("registry"),
    "host": STR,
    "hosts": HOSTS,
    "role": STR,
    "roles": ListOf(STRING),
    "tag": STR,
    "tags": ListOf(STRING),
    "cmd": STR,
    "port": STR,
    "labels": HashOf(STRING),
    "options": ANY_HASH,
    "env": Section("env"),
    "files": PATHS,
    "directories": PATHS,
    "volumes": ListOf(STRING),
    "network": STR,
    "proxy": Section("proxy"),
}

SSH: Dict[str, Kind] = {
    "user": STR,
    "port": STR,
    "proxy": STR,
    "proxy_command": STR,
    "log_level": STR,
    "keys_only": BOOL,
    "keys": ListOf(STRING),
    "key_data": ListOf(STRING),
    "config": SSH_CONFIG,
    "forward_agent": BOOL,
}

SSHKIT: Dict[str, Kind] = {"max_concurrent_starts": INT, "pool_idle_timeout": INT, "dns_retries": INT}

BOOT: Dict[str, Kind] = {"limit": STR, "wait": INT, "parallel_roles": BOOL}

LOGGING: Dict[str, Kind] = {"driver": STR, "options": ANY_HASH}

OUTPUT: Dict[str, Kind] = {"otel": Keys({"endpoint": STR}), "file": Keys({"path": STR})}

# An alias is a command line (a string).
ALIAS: Kind = STR

SECTIONS: Dict[str, Dict[str, Kind]] = {
    "registry": REGISTRY,
    "role": ROLE,
    "proxy": PROXY,
    "builder": BUILDER,
    "accessory": ACCESSORY,
    "ssh": SSH,
    "sshkit": SSHKIT,
    "boot": BOOT,
    "logging": LOGGING,
    "output": OUTPUT,
}

# Kamal's own subcommands: an alias may not take one of these names.
KAMAL_COMMANDS = frozenset(
    "setup deploy redeploy rollback details audit config docs init remove upgrade version accessory app build lock proxy prune registry secrets server".split()
)

# Labels Kamal sets on containers itself.
RESERVED_LABELS = ("destination", "role", "service")

HOOKS_OUTPUT_LEVELS = ("quiet", "verbose")
BUILDER_CACHE_TYPES = ("gha", "registry")

# Keys of Kamal 1 that users carry over, and where Kamal 2 wants them.
KAMAL_1_KEYS = {
    "healthcheck": "Kamal 1's top-level healthcheck is proxy/healthcheck in Kamal 2",
    "traefik": "Kamal 2 replaced Traefik with kamal-proxy: use the proxy section",
    "primary_web_role": "Kamal 2 calls it primary_role",
    "multiarch": "Kamal 2 uses builder/arch",
}
