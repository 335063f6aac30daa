# Copyright: Bolt Foundry
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check a Kamal 2.12 ``config/deploy.yml`` (as a mapping) the way Kamal does, before it is written.

Kamal first checks keys and value kinds against its reference examples
(``kamal_schema`` holds those facts), then each section's own rules, then the
whole config. Kamal stops at its first error; this module reports every
problem it finds, in Kamal's order, each worded as Kamal words it
(``context: message``). On top of Kamal's rules it checks what Kamal only
finds at deploy time or not at all: that every secret the config names exists,
and that the image reference is one Kamal can push.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from ansible_collections.boltfoundry.infra.plugins.module_utils import kamal_schema as schema

SERVICE_NAME = re.compile(r"[a-z0-9_-]+\Z", re.IGNORECASE)
ALIAS_NAME = re.compile(r"[a-z0-9_-]+\Z")
RESTART_POLICY = re.compile(r"(?:no|always|unless-stopped|on-failure(?::\d+)?)\Z")
SECRET_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")

HASH, ARRAY, SYMBOL = "hash", "array", "symbol"
_DESCRIPTIONS = {
    schema.STRING: "a string",
    schema.INTEGER: "an integer",
    schema.BOOLEAN: "a boolean",
    HASH: "a hash",
    ARRAY: "an array",
    SYMBOL: "a symbol",
}


@dataclass(frozen=True)
class Problem:
    """One thing Kamal (or our extra checks) would refuse; ``context`` is the path Kamal prints, e.g. ``proxy/ssl``."""

    context: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        text = f"{self.context}: {self.message}" if self.context else self.message
        return f"{text} ({self.hint})" if self.hint else text


@dataclass(frozen=True)
class SecretReference:
    """A secret the config names: where, which secret, and whether its value goes into a container's environment."""

    context: str
    secret: str
    env_name: Optional[str]
    container: bool


def _join(context: str, part: Any) -> str:
    part = str(part)
    return f"{context}/{part}" if context and part else context or part


def _present(value: Any) -> bool:
    """Ruby's ``present?``: not nil, false, an empty or blank string, or an empty collection."""
    if value is None or value is False:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, (list, tuple, Mapping)):
        return bool(value)
    return True


def _truthy(value: Any) -> bool:
    """Ruby's truthiness: only nil and false are false."""
    return value is not None and value is not False


def _valid_type(value: Any, kind: str) -> bool:
    if kind in (schema.STRING, SYMBOL):
        # Kamal reads numbers and booleans where it wants a string.
        return isinstance(value, (str, int, float))
    if kind == schema.INTEGER:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == schema.BOOLEAN:
        return isinstance(value, bool)
    if kind == HASH:
        return isinstance(value, Mapping)
    if kind == ARRAY:
        return isinstance(value, (list, tuple))
    raise ValueError(f"unknown type {kind}")


def _deep_merge(base: Mapping, override: Mapping) -> Dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(merged.get(key), Mapping) and isinstance(value, Mapping):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _version_tuple(version: str) -> tuple:
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"[.-]", str(version)))


class _Validator:
    def __init__(self, config: Mapping) -> None:
        self.config = config
        self.problems: List[Problem] = []

    # -- reporting -----------------------------------------------------------
    def error(self, context: str, message: str, hint: str = "") -> None:
        problem = Problem(context, message, hint)
        if problem not in self.problems:
            self.problems.append(problem)

    def type_error(self, context: str, *kinds: str) -> None:
        descriptions = list(dict.fromkeys(_DESCRIPTIONS[kind] for kind in kinds))
        self.error(context, "should be " + " or ".join(descriptions))

    def check_type(self, value: Any, context: str, *kinds: str) -> bool:
        if any(_valid_type(value, kind) for kind in kinds):
            return True
        self.type_error(context, *kinds)
        return False

    # -- keys and kinds (Kamal's check against its examples) -----------------
    def check_keys(self, value: Any, keys: Mapping[str, schema.Kind], context: str, allow_extensions: bool = False) -> bool:
        if not self.check_type(value, context, HASH):
            return False
        unknown = [str(key) for key in value if str(key) not in keys and not (allow_extensions and str(key).startswith("x-"))]
        if unknown:
            hints = [schema.KAMAL_1_KEYS[key] for key in unknown if key in schema.KAMAL_1_KEYS]
            self.error(context, f"unknown key{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}", "; ".join(hints))
        for key, item in value.items():
            name = str(key)
            if name in keys and not name.startswith("x-"):
                self.check_kind(item, keys[name], _join(context, name), name, top_level=allow_extensions)
        return not unknown

    def check_kind(self, value: Any, kind: schema.Kind, context: str, key: str, top_level: bool = False) -> None:
        if isinstance(kind, schema.Scalar):
            self.check_type(value, context, kind.type)
        elif isinstance(kind, schema.ListOf):
            self.check_list_of(value, context, kind.type)
        elif isinstance(kind, schema.HashOf):
            self.check_hash_of(value, context, kind.type)
        elif isinstance(kind, schema.Keys):
            self.check_keys(value, kind.keys, context)
        elif isinstance(kind, schema.Section):
            if key == "proxy" and isinstance(value, bool):
                return
            self.check_type(value, context, *((ARRAY,) if top_level and key == "servers" else ()), HASH)
        elif kind == schema.ANY_HASH:
            self.check_type(value, context, HASH)
        elif kind == schema.HOSTS:
            self.check_hosts(value, context)
        elif kind == schema.ARCH:
            if isinstance(value, (list, tuple)):
                if not all(_valid_type(item, schema.STRING) for item in value):
                    self.type_error(context, ARRAY, schema.STRING)
            elif not _valid_type(value, schema.STRING):
                self.type_error(context, ARRAY, schema.STRING)
        elif kind == schema.SSL:
            self.check_type(value, context, schema.BOOLEAN, HASH)
        elif kind == schema.HOOKS_OUTPUT:
            if isinstance(value, Mapping):
                for hook, level in value.items():
                    self.check_type(level, _join(context, hook), schema.STRING, SYMBOL)
            else:
                self.check_type(value, context, schema.STRING, SYMBOL)
        elif kind == schema.SSH_CONFIG:
            if isinstance(value, (list, tuple)):
                self.check_list_of(value, context, schema.STRING)
            elif not isinstance(value, (bool, str)):
                self.type_error(context, schema.BOOLEAN, schema.STRING, ARRAY)
        elif kind == schema.PATHS:
            self.check_paths(value, context)
        elif kind == schema.CREDENTIAL:
            pass  # checked by the registry rules
        else:
            raise ValueError(f"no rule for {kind!r}")

    def check_list_of(self, value: Any, context: str, kind: str) -> None:
        if self.check_type(value, context, ARRAY):
            for index, item in enumerate(value):
                self.check_type(item, _join(context, index), kind)

    def check_hash_of(self, value: Any, context: str, kind: str) -> None:
        if self.check_type(value, context, HASH):
            for key, item in value.items():
                self.check_type(item, _join(context, key), kind)

    def check_hosts(self, value: Any, context: str) -> None:
        if not self.check_type(value, context, ARRAY):
            return
        for index, server in enumerate(value):
            where = _join(context, index)
            if not self.check_type(server, where, schema.STRING, HASH):
                continue
            if isinstance(server, Mapping):
                if len(server) != 1:
                    self.error(where, "multiple hosts found")
                    continue
                host, tags = next(iter(server.items()))
                tag_context = _join(where, host)
                if self.check_type(tags, tag_context, schema.STRING, ARRAY) and isinstance(tags, (list, tuple)):
                    self.check_list_of(tags, tag_context, schema.STRING)

    def check_paths(self, value: Any, context: str) -> None:
        if not self.check_type(value, context, ARRAY):
            return
        for index, path in enumerate(value):
            where = _join(context, index)
            if self.check_type(path, where, schema.STRING, HASH) and isinstance(path, Mapping):
                for key in ("local", "remote", "mode", "owner", "options"):
                    if key in path:
                        self.check_type(path[key], _join(where, key), schema.STRING)

    def check_labels(self, labels: Any, context: str) -> None:
        if not _present(labels) or not isinstance(labels, Mapping):
            return
        for key in labels:
            if key in schema.RESERVED_LABELS:
                self.error(_join(_join(context, "labels"), key), "invalid label. destination, role, and service are reserved labels")

    def check_docker_options(self, options: Any, context: str) -> None:
        if not isinstance(options, Mapping):
            return
        for key, policy in options.items():
            if str(key) != "restart":
                continue
            where = _join(context, "options/restart")
            if not isinstance(policy, str):
                self.error(where, 'should be a string. Use "no" to disable restarts')
            elif not RESTART_POLICY.match(policy):
                self.error(where, "should be no, always, unless-stopped, on-failure, or on-failure:N")

    # -- sections --------------------------------------------------------------
    def check_env(self, env: Any, context: str) -> None:
        if not isinstance(env, Mapping):
            return
        keys = [str(key) for key in env]
        if not set(keys) & set(schema.ENV_KEYS):
            self.check_hash_of(env, context, schema.STRING)
            return
        unknown = [key for key in keys if key not in schema.ENV_KEYS]
        if unknown:
            self.error(context, f"unknown key{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}")
        if "clear" in env:
            self.check_hash_of(env["clear"], _join(context, "clear"), schema.STRING)
        if "secret" in env:
            self.check_list_of(env["secret"], _join(context, "secret"), schema.STRING)
        if "tags" in env:
            if context != "env":
                self.error(context, "tags are only allowed in the root env")
                return
            tags_context = _join(context, "tags")
            if self.check_type(env["tags"], tags_context, HASH):
                for tag, tag_env in env["tags"].items():
                    tag_context = _join(tags_context, tag)
                    if self.check_type(tag_env, tag_context, HASH):
                        self.check_env(tag_env, tag_context)

    def check_proxy(self, proxy: Any, context: str) -> bool:
        """Kamal's proxy rules; returns whether the section is well-formed enough to use."""
        if proxy is None:
            return True
        if not self.check_keys(proxy, schema.PROXY, context) and not isinstance(proxy, Mapping):
            return False
        if not _present(proxy.get("host")) and not _present(proxy.get("hosts")) and _truthy(proxy.get("ssl")):
            self.error(context, "Must set a host to enable automatic SSL")
        if "host" in proxy and "hosts" in proxy:
            self.error(context, "Specify one of 'host' or 'hosts', not both")
        ssl = proxy.get("ssl")
        if isinstance(ssl, Mapping):
            if _present(ssl.get("certificate_pem")) and not _present(ssl.get("private_key_pem")):
                self.error(context, "Missing private_key_pem setting (required when certificate_pem is present)")
            if _present(ssl.get("private_key_pem")) and not _present(ssl.get("certificate_pem")):
                self.error(context, "Missing certificate_pem setting (required when private_key_pem is present)")
        run = proxy.get("run")
        if isinstance(run, Mapping):
            bind_ips = run.get("bind_ips")
            if _present(bind_ips) and isinstance(bind_ips, (list, tuple)):
                for address in bind_ips:
                    try:
                        ipaddress.ip_address(str(address))
                    except ValueError:
                        self.error(context, f"Invalid publish IP address: {address}")
            if run.get("publish") is False and (_present(run.get("bind_ips")) or _present(run.get("http_port")) or _present(run.get("https_port"))):
                self.error(context, "Cannot set http_port, https_port or bind_ips when publish is false")
        return True

    def check_registry(self, registry: Any, context: str) -> None:
        registry = registry if _truthy(registry) else {}
        if not isinstance(registry, Mapping):
            self.check_type(registry, context, HASH)
            return
        rest = {key: value for key, value in registry.items() if key not in ("username", "password")}
        keys = {key: kind for key, kind in schema.REGISTRY.items() if kind != schema.CREDENTIAL}
        self.check_keys(rest, keys, context)
        if re.match(r"localhost[:$]", str(registry.get("server") or "")):
            return
        for key in ("username", "password"):
            value = registry.get(key)
            where = _join(context, key)
            if not _present(value):
                self.error(where, "is required")
            elif not (isinstance(value, str) or (isinstance(value, (list, tuple)) and len(value) == 1 and isinstance(value[0], str))):
                self.error(where, "should be a string or an array with one string (for secret lookup)")

    def check_builder(self, builder: Any) -> None:
        builder = builder if _truthy(builder) else {}
        if not self.check_keys(builder, schema.BUILDER, "builder") and not isinstance(builder, Mapping):
            return
        cache = builder.get("cache")
        if isinstance(cache, Mapping) and _truthy(cache.get("type")) and cache.get("type") not in schema.BUILDER_CACHE_TYPES:
            self.error("builder", f"Invalid cache type: {cache.get('type')}")
        arch = builder.get("arch")
        if not _present(arch):
            self.error("builder", "Builder arch not set")
        if _truthy(builder.get("pack")) and isinstance(arch, (list, tuple)) and len(arch) > 1:
            self.error("builder", "buildpacks only support building for one arch")
        if builder.get("local") is False and not _present(builder.get("remote")):
            self.error("builder", "Cannot disable local builds, no remote is set")

    # -- servers and roles -----------------------------------------------------
    def role_names(self) -> List[str]:
        servers = self.config.get("servers")
        if isinstance(servers, (list, tuple)):
            return ["web"]
        if isinstance(servers, Mapping):
            return sorted(str(name) for name in servers)
        return []

    def role_config(self, name: str) -> Any:
        servers = self.config.get("servers")
        return {} if isinstance(servers, (list, tuple)) else servers.get(name)

    def role_hosts(self, name: str) -> List[str]:
        servers = self.config.get("servers")
        if isinstance(servers, (list, tuple)):
            entries = servers
        else:
            role = servers.get(name)
            entries = role if isinstance(role, (list, tuple)) else (role.get("hosts") if isinstance(role, Mapping) else None) or []
            if not isinstance(entries, (list, tuple)):
                entries = [entries]
        hosts: Dict[str, None] = {}
        for entry in entries:
            if isinstance(entry, Mapping) and entry:
                hosts[str(next(iter(entry)))] = None
            elif isinstance(entry, str):
                hosts[entry] = None
        return list(hosts)

    def primary_role_name(self) -> str:
        return str(self.config.get("primary_role") or "web")

    def role_proxy(self, name: str) -> Optional[Dict[str, Any]]:
        """The role's proxy settings merged over the root's, or None when the role runs no proxy."""
        role = self.role_config(name)
        specialization = role.get("proxy") if isinstance(role, Mapping) else None
        running = specialization is not False if name == self.primary_role_name() else _truthy(specialization)
        if not running:
            return None
        own = {} if specialization is True or specialization is None else specialization
        root = self.config.get("proxy")
        if not isinstance(own, Mapping) or not isinstance(root if root is not None else {}, Mapping):
            return None
        return _deep_merge(root or {}, own)

    def check_servers(self) -> None:
        servers = self.config.get("servers")
        if isinstance(servers, (list, tuple)):
            self.check_hosts(servers, "servers")
            return
        if not isinstance(servers, Mapping):
            return
        for name in self.role_names():
            context = f"servers/{name}"
            role = servers.get(name)
            if not self.check_type(role, context, ARRAY, HASH):
                continue
            if isinstance(role, (list, tuple)):
                self.check_hosts(role, context)
                continue
            self.check_keys(role, schema.ROLE, context)
            self.check_labels(role.get("labels"), context)
            self.check_docker_options(role.get("options"), context)
            self.check_env(role.get("env", {}), f"{context}/env")
            logging = role.get("logging", {})
            if isinstance(logging, Mapping):
                self.check_keys(logging, schema.LOGGING, f"{context}/logging")
            specialization = role.get("proxy")
            if isinstance(specialization, Mapping) and self.role_proxy(name) is not None:
                self.check_proxy(specialization, f"{context}/proxy")

    def check_accessories(self) -> None:
        accessories = self.config.get("accessories")
        if not isinstance(accessories, Mapping):
            return
        roles = self.role_names()
        for name, accessory in accessories.items():
            context = f"accessories/{name}"
            if not self.check_keys(accessory, schema.ACCESSORY, context) and not isinstance(accessory, Mapping):
                continue
            if len({"host", "hosts", "role", "roles", "tag", "tags"} & {str(key) for key in accessory}) != 1:
                self.error(context, "specify one of `host`, `hosts`, `role`, `roles`, `tag` or `tags`")
            self.check_labels(accessory.get("labels"), context)
            self.check_docker_options(accessory.get("options"), context)
            wanted = accessory.get("roles")
            if isinstance(wanted, (list, tuple)) and wanted:
                missing = [str(role) for role in wanted if role not in roles]
                if missing:
                    self.error(context, f"unknown roles {', '.join(missing)}")
            elif _truthy(accessory.get("role")) and accessory.get("role") not in roles:
                self.error(context, f"unknown role {accessory.get('role')}")
            self.check_env(accessory.get("env", {}), f"{context}/env")
            if _present(accessory.get("proxy")):
                self.check_proxy(accessory["proxy"], f"{context}/proxy")
            if _present(accessory.get("registry")):
                self.check_registry(accessory["registry"], f"{context}/registry")

    def check_aliases(self) -> None:
        aliases = self.config.get("aliases")
        if not isinstance(aliases, Mapping):
            return
        for name, command in aliases.items():
            context = f"aliases/{name}"
            self.check_type(command, context, schema.STRING)
            if not ALIAS_NAME.match(str(name)):
                self.error(context, f"Invalid alias name: '{name}'. Must only contain lowercase letters, alphanumeric, hyphens and underscores.")
            if name in schema.KAMAL_COMMANDS:
                self.error(context, f"Alias '{name}' conflicts with a built-in command.")

    def check_section(self, key: str, keys: Mapping[str, schema.Kind]) -> None:
        value = self.config.get(key)
        value = value if _truthy(value) else {}
        if isinstance(value, Mapping):
            self.check_keys(value, keys, key)

    # -- the whole config --------------------------------------------------------
    def check_required(self) -> None:
        config = self.config
        for key in ("service", "registry"):
            if not _present(config.get(key)):
                self.error("", f"Missing required configuration for {key}")
        registry = config.get("registry")
        local_registry = isinstance(registry, Mapping) and re.match(r"localhost[:$]", str(registry.get("server") or ""))
        if not _present(config.get("image")) and not (local_registry and _present(config.get("service"))):
            self.error("", "Missing required configuration for image")
        servers = config.get("servers")
        if servers is None:
            if not _present(config.get("accessories")):
                self.error("", "No servers or accessories specified")
            return
        if not isinstance(servers, (list, tuple, Mapping)):
            return
        primary = self.primary_role_name()
        if primary not in self.role_names():
            self.error("", f"The primary_role {primary} isn't defined")
            return
        if not self.role_hosts(primary):
            self.error("", f"No servers specified for the {primary} primary_role")
        if not config.get("allow_empty_roles"):
            for name in self.role_names():
                if not self.role_hosts(name):
                    self.error("", f"No servers specified for the {name} role. You can ignore this with allow_empty_roles: true")

    def check_whole(self) -> None:
        config = self.config
        self.check_required()
        minimum = config.get("minimum_version")
        if _truthy(minimum):
            try:
                too_new = _version_tuple(minimum) > _version_tuple(schema.KAMAL_VERSION)
            except TypeError:
                too_new = False
            if too_new:
                self.error("", f"Current version is {schema.KAMAL_VERSION}, minimum required is {minimum}")
        retain = config.get("retain_containers")
        if isinstance(retain, int) and not isinstance(retain, bool) and retain < 1:
            self.error("", "Must retain at least 1 container")
        service = config.get("service")
        if _present(service) and not SERVICE_NAME.match(str(service)):
            self.error("", "Service name can only include alphanumeric characters, hyphens, and underscores")
        if isinstance(config.get("servers"), (list, tuple, Mapping)):
            self.check_ssl_roles()
        registry = config.get("registry")
        builder = config.get("builder")
        if isinstance(registry, Mapping) and isinstance(builder, Mapping) and re.match(r"localhost[:$]", str(registry.get("server") or "")):
            remote = builder.get("remote")
            if _present(remote) and not str(remote).startswith("ssh://"):
                self.error("", "Local registry with remote builder requires an SSH URL (e.g., ssh://user@host)")
        hooks_output = config.get("hooks_output")
        levels = hooks_output.items() if isinstance(hooks_output, Mapping) else [(None, hooks_output)] if hooks_output is not None else []
        for hook, level in levels:
            if str(level) not in schema.HOOKS_OUTPUT_LEVELS:
                where = f" for hook '{hook}'" if hook is not None else ""
                self.error("", f"Invalid hooks_output '{level}'{where}, must be one of: {', '.join(schema.HOOKS_OUTPUT_LEVELS)}")

    def check_ssl_roles(self) -> None:
        ssl_hosts: List[str] = []
        for name in self.role_names():
            proxy = self.role_proxy(name)
            if proxy is None:
                continue
            self.check_proxy(proxy, "proxy")
            if not _truthy(proxy.get("ssl")):
                continue
            ssl = proxy.get("ssl")
            custom = isinstance(ssl, Mapping) and _present(ssl.get("certificate_pem")) and _present(ssl.get("private_key_pem"))
            hosts = self.role_hosts(name)
            if len(hosts) > 1 and not custom:
                self.error("", f"SSL is only supported on a single server unless you provide custom certificates, found {len(hosts)} servers for role {name}")
            names = proxy.get("hosts") or (str(proxy["host"]).split(",") if _truthy(proxy.get("host")) else [])
            if not isinstance(names, list):
                continue  # a wrong type, reported by the type check of proxy/hosts
            ssl_hosts.extend(str(host) for host in names if isinstance(host, (str, int)))
        duplicates = [host for host in dict.fromkeys(ssl_hosts) if ssl_hosts.count(host) > 1]
        if duplicates:
            self.error("", f"Different roles can't share the same host for SSL: {', '.join(duplicates)}")

    # -- beyond Kamal ----------------------------------------------------------------
    def check_no_literal_credentials(self) -> None:
        """Kamal accepts a literal registry password and raw SSH key data; we write deploy.yml 0644 and show it in diffs."""
        registry = self.config.get("registry")
        if isinstance(registry, Mapping) and isinstance(registry.get("password"), str) and not re.match(r"localhost[:$]", str(registry.get("server") or "")):
            self.error(
                "registry/password",
                "must name a secret as a one-item list (e.g. [KAMAL_REGISTRY_PASSWORD]), not hold the password itself",
                "a literal password would be written to config/deploy.yml and shown in diffs",
            )
        ssh = self.config.get("ssh")
        if isinstance(ssh, Mapping) and _present(ssh.get("key_data")):
            self.error(
                "ssh/key_data",
                "is not supported: it holds private keys in config/deploy.yml",
                "give the key to ssh-agent or name a key file with ssh/keys",
            )

    def check_image(self) -> None:
        image = self.config.get("image")
        registry = self.config.get("registry")
        if not isinstance(image, str) or not image:
            return
        server = str(registry.get("server") or "") if isinstance(registry, Mapping) else ""
        if server and image.startswith(server.rstrip("/") + "/"):
            self.error(
                "image",
                f"should not start with the registry server: Kamal pushes {server}/{image}",
                f"write the image as {image[len(server.rstrip('/')) + 1 :]}",
            )
        last = image.rsplit("/", 1)[-1]
        if ":" in last or "@" in last:
            self.error("image", "should not carry a tag or digest: Kamal tags the image with the version it deploys")
        if image != image.lower():
            self.error("image", "should be lowercase: Docker refuses repository names with capitals")

    def check_secrets(self, available: Collection[str], source: str) -> None:
        for reference in secret_references(self.config):
            if not SECRET_NAME.match(reference.secret):
                self.error(reference.context, f"'{reference.secret}' is not a valid secret name (letters, digits and _, not starting with a digit)")
            elif reference.secret not in available:
                self.error(reference.context, f"Secret '{reference.secret}' not found in {source}")

    def run(self, secret_names: Optional[Collection[str]], secrets_source: str) -> List[Problem]:
        config = self.config
        if not self.check_keys(config, schema.CONFIGURATION, "", allow_extensions=True) and not isinstance(config, Mapping):
            return self.problems
        self.check_servers()
        self.check_registry(config.get("registry"), "registry")
        self.check_accessories()
        self.check_aliases()
        self.check_section("boot", schema.BOOT)
        self.check_builder(config.get("builder"))
        env = config.get("env")
        self.check_env(env if _truthy(env) else {}, "env")
        self.check_section("logging", schema.LOGGING)
        if _truthy(config.get("output")) and config.get("output") != {}:
            self.check_section("output", schema.OUTPUT)
        self.check_proxy(config.get("proxy"), "proxy")
        self.check_section("ssh", schema.SSH)
        self.check_section("sshkit", schema.SSHKIT)
        self.check_whole()
        self.check_image()
        self.check_no_literal_credentials()
        if secret_names is not None:
            self.check_secrets(secret_names, secrets_source)
        return self.problems


def validate(config: Mapping, secret_names: Optional[Collection[str]] = None, secrets_source: str = ".kamal/secrets") -> List[Problem]:
    """Every problem Kamal 2.12 (and our extra checks) would find in ``config``; an empty list when it is valid.

    With ``secret_names``, every secret the config names must be among them
    (``secrets_source`` is how the message names where they come from).
    """
    return _Validator(config).run(secret_names, secrets_source)


def _env_references(env: Any, context: str) -> List[SecretReference]:
    if not isinstance(env, Mapping):
        return []
    found = []
    secrets = env.get("secret")
    if isinstance(secrets, (list, tuple)):
        for entry in secrets:
            if isinstance(entry, str):
                name, _sep, alias = entry.partition(":")
                found.append(SecretReference(_join(context, "secret"), alias or name, name, True))
    tags = env.get("tags")
    if context == "env" and isinstance(tags, Mapping):
        for tag, tag_env in tags.items():
            found.extend(_env_references(tag_env, f"env/tags/{tag}"))
    return found


def _registry_references(registry: Any, context: str) -> List[SecretReference]:
    found = []
    if isinstance(registry, Mapping):
        for key in ("username", "password"):
            value = registry.get(key)
            if isinstance(value, (list, tuple)) and len(value) == 1 and isinstance(value[0], str):
                found.append(SecretReference(_join(context, key), value[0], None, False))
    return found


def _proxy_references(proxy: Any, context: str) -> List[SecretReference]:
    found = []
    ssl = proxy.get("ssl") if isinstance(proxy, Mapping) else None
    if isinstance(ssl, Mapping):
        for key in ("certificate_pem", "private_key_pem"):
            if isinstance(ssl.get(key), str):
                found.append(SecretReference(f"{context}/ssl/{key}", ssl[key], None, False))
    return found


def secret_references(config: Mapping) -> List[SecretReference]:
    """Every secret the config names (env secrets of the root, roles, tags and accessories; registry credentials; build secrets; custom certificates)."""
    found = _env_references(config.get("env"), "env")
    found += _registry_references(config.get("registry"), "registry")
    found += _proxy_references(config.get("proxy"), "proxy")
    servers = config.get("servers")
    if isinstance(servers, Mapping):
        for name in sorted(str(key) for key in servers):
            role = servers.get(name)
            if isinstance(role, Mapping):
                found += _env_references(role.get("env"), f"servers/{name}/env")
                found += _proxy_references(role.get("proxy"), f"servers/{name}/proxy")
    builder = config.get("builder")
    if isinstance(builder, Mapping) and isinstance(builder.get("secrets"), (list, tuple)):
        found += [SecretReference("builder/secrets", name, None, False) for name in builder["secrets"] if isinstance(name, str)]
    accessories = config.get("accessories")
    if isinstance(accessories, Mapping):
        for name, accessory in accessories.items():
            if isinstance(accessory, Mapping):
                found += _env_references(accessory.get("env"), f"accessories/{name}/env")
                found += _registry_references(accessory.get("registry"), f"accessories/{name}/registry")
                found += _proxy_references(accessory.get("proxy"), f"accessories/{name}/proxy")
    return found
