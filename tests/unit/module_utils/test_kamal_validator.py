"""The validator refuses what Kamal 2.12 refuses, in Kamal's words, and accepts the production config."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from ansible_collections.boltfoundry.infra.plugins.module_utils import kamal_schema as schema
from ansible_collections.boltfoundry.infra.plugins.module_utils.kamal_validator import secret_references, validate
from tests.unit.module_utils.kamal_examples import PRODUCTION_CONFIG, PRODUCTION_SECRETS

ALL_SECRETS = set(PRODUCTION_SECRETS)


def config(**changes: Any) -> dict[str, Any]:
    """The production config with top-level keys changed (None removes a key)."""
    result = copy.deepcopy(PRODUCTION_CONFIG)
    for key, value in changes.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = value
    return result


def problems(value: dict[str, Any], secrets: set[str] | None = None) -> list[str]:
    return [str(problem) for problem in validate(value, ALL_SECRETS if secrets is None else secrets)]


def test_the_production_config_is_valid() -> None:
    assert problems(PRODUCTION_CONFIG) == []


# -- the rejections the issue names, in Kamal's wording -------------------------------


def test_an_unknown_key() -> None:
    assert problems(config(deploy_to="prod")) == ["unknown key: deploy_to"]
    assert problems(config(proxy={"host": "a.example.com", "sll": True})) == ["proxy: unknown key: sll"]
    assert problems(config(builder={"arch": "amd64", "a": 1, "b": 2})) == ["builder: unknown keys: a, b"]


def test_a_top_level_healthcheck_from_kamal_1() -> None:
    found = validate(config(healthcheck={"path": "/up", "port": 8000}), ALL_SECRETS)
    assert [problem.message for problem in found] == ["unknown key: healthcheck"]
    assert "proxy/healthcheck" in found[0].hint


def test_missing_builder_arch() -> None:
    assert problems(config(builder={"dockerfile": "Dockerfile"})) == ["builder: Builder arch not set"]
    assert problems(config(builder=None)) == ["builder: Builder arch not set"]
    assert problems(config(builder={"arch": []})) == ["builder: Builder arch not set"]


def test_ssl_on_two_hosts() -> None:
    two = config(servers={"web": ["203.0.113.10", "203.0.113.11"]})
    assert problems(two) == ["SSL is only supported on a single server unless you provide custom certificates, found 2 servers for role web"]
    certificates = copy.deepcopy(two)
    certificates["proxy"]["ssl"] = {"certificate_pem": "CERT_PEM", "private_key_pem": "KEY_PEM"}
    assert problems(certificates, ALL_SECRETS | {"CERT_PEM", "KEY_PEM"}) == []


def test_a_secret_missing_from_the_secrets_file() -> None:
    missing = ALL_SECRETS - {"HYPERDX_API_KEY"}
    assert problems(PRODUCTION_CONFIG, missing) == ["env/secret: Secret 'HYPERDX_API_KEY' not found in .kamal/secrets"]
    no_password = ALL_SECRETS - {"KAMAL_REGISTRY_PASSWORD"}
    assert problems(PRODUCTION_CONFIG, no_password) == ["registry/password: Secret 'KAMAL_REGISTRY_PASSWORD' not found in .kamal/secrets"]


def test_tags_outside_the_root_env() -> None:
    role = config(servers={"web": {"hosts": ["203.0.113.10"], "env": {"tags": {"blue": {"COLOR": "blue"}}}}})
    assert problems(role) == ["servers/web/env: tags are only allowed in the root env"]
    nested = config(env={"tags": {"blue": {"tags": {"x": {}}}}})
    assert problems(nested) == ["env/tags/blue: tags are only allowed in the root env"]
    accessory = config(accessories={"db": {"image": "mysql:8", "host": "203.0.113.10", "env": {"tags": {"x": {"A": "1"}}}}})
    assert problems(accessory) == ["accessories/db/env: tags are only allowed in the root env"]
    assert problems(config(env={"clear": {"A": "1"}, "tags": {"blue": {"COLOR": "blue"}}})) == []


# -- keys and kinds, every fact of the schema ---------------------------------------------

SECTION_PLACES = {
    "": lambda value: config(**value),
    "proxy": lambda value: config(proxy={"host": "app.example.com", **value}),
    "builder": lambda value: config(builder={"arch": "amd64", **value}),
    "ssh": lambda value: config(ssh=value),
    "sshkit": lambda value: config(sshkit=value),
    "boot": lambda value: config(boot=value),
    "logging": lambda value: config(logging=value),
    "output": lambda value: config(output=value),
    "servers/jobs": lambda value: config(servers={"web": ["203.0.113.10"], "jobs": {"hosts": ["203.0.113.12"], **value}}),
    "accessories/db": lambda value: config(accessories={"db": {"image": "mysql:8", "host": "203.0.113.10", **value}}),
}
SECTION_FACTS = {
    "": schema.CONFIGURATION,
    "proxy": schema.PROXY,
    "builder": schema.BUILDER,
    "ssh": schema.SSH,
    "sshkit": schema.SSHKIT,
    "boot": schema.BOOT,
    "logging": schema.LOGGING,
    "output": schema.OUTPUT,
    "servers/jobs": schema.ROLE,
    "accessories/db": schema.ACCESSORY,
}


def typed_keys(keys: dict[str, schema.Kind], prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], str]]:
    found = []
    for key, kind in keys.items():
        if isinstance(kind, schema.Scalar) and kind.type != schema.STRING:
            found.append(((*prefix, key), kind.type))
        elif isinstance(kind, schema.Keys):
            found += typed_keys(kind.keys, (*prefix, key))
    return found


def nest(path: tuple[str, ...], value: Any) -> dict[str, Any]:
    for key in reversed(path):
        value = {key: value}
    return value


CASES = [(section, path, kind) for section, facts in SECTION_FACTS.items() for path, kind in typed_keys(facts)]


@pytest.mark.parametrize(("section", "path", "kind"), CASES, ids=[f"{section or 'top'}:{'/'.join(path)}" for section, path, kind in CASES])
def test_integers_and_booleans_must_be_of_their_type(section: str, path: tuple[str, ...], kind: str) -> None:
    wrong = "30" if kind == schema.INTEGER else "true"
    context = "/".join(part for part in (section, *path) if part)
    found = problems(SECTION_PLACES[section](nest(path, wrong)))
    assert f"{context}: should be {'an integer' if kind == schema.INTEGER else 'a boolean'}" in found


@pytest.mark.parametrize("section", [name for name in SECTION_PLACES if name])
def test_every_section_refuses_an_unknown_key(section: str) -> None:
    assert f"{section}: unknown key: nope" in problems(SECTION_PLACES[section]({"nope": 1}))


def test_strings_accept_numbers_and_booleans_as_kamal_does() -> None:
    assert problems(config(ssh={"port": 2222, "user": "app"}, boot={"limit": 2})) == []


def test_extension_keys_only_at_the_top_level() -> None:
    assert problems(config(**{"x-common": {"anything": [1, 2]}})) == []
    assert problems(config(proxy={"host": "app.example.com", "x-note": "no"})) == ["proxy: unknown key: x-note"]


def test_type_errors_name_the_path() -> None:
    found = problems(config(volumes=["/a:/b", 7, ["x"]], labels={"team": ["a"]}, servers={"web": ["203.0.113.10", {"a": 1, "b": 2}]}))
    assert "volumes/2: should be a string" in found
    assert "labels/team: should be a string" in found
    assert "servers/web/1: multiple hosts found" in found
    assert problems(config(builder={"arch": {"x": 1}})) == ["builder/arch: should be an array or a string"]
    assert problems(config(proxy={"host": "a.example.com", "ssl": "yes"})) == ["proxy/ssl: should be a boolean or a hash"]
    assert problems(config(ssh={"config": 3})) == ["ssh/config: should be a boolean or a string or an array"]
    assert problems(config(servers="203.0.113.10")) == ["servers: should be an array or a hash"]


# -- Kamal's other rules ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"service": "my app"}, "Service name can only include alphanumeric characters, hyphens, and underscores"),
        ({"service": None}, "Missing required configuration for service"),
        ({"image": None}, "Missing required configuration for image"),
        ({"servers": None}, "No servers or accessories specified"),
        ({"servers": {"jobs": ["203.0.113.12"]}}, "The primary_role web isn't defined"),
        ({"servers": {"web": []}}, "No servers specified for the web primary_role"),
        (
            {"servers": {"web": ["203.0.113.10"], "jobs": {"hosts": []}}},
            "No servers specified for the jobs role. You can ignore this with allow_empty_roles: true",
        ),
        ({"retain_containers": 0}, "Must retain at least 1 container"),
        ({"minimum_version": "3.0.0"}, "Current version is 2.12.0, minimum required is 3.0.0"),
        ({"hooks_output": "loud"}, "Invalid hooks_output 'loud', must be one of: quiet, verbose"),
        ({"hooks_output": {"pre-deploy": "loud"}}, "Invalid hooks_output 'loud' for hook 'pre-deploy', must be one of: quiet, verbose"),
        ({"registry": {"server": "ghcr.io", "password": ["KAMAL_REGISTRY_PASSWORD"]}}, "registry/username: is required"),
        (
            {"registry": {"server": "ghcr.io", "username": "me", "password": ["A", "B"]}},
            "registry/password: should be a string or an array with one string (for secret lookup)",
        ),
        ({"proxy": {"ssl": True}}, "proxy: Must set a host to enable automatic SSL"),
        ({"proxy": {"host": "a.example.com", "hosts": ["b.example.com"]}}, "proxy: Specify one of 'host' or 'hosts', not both"),
        (
            {"proxy": {"host": "a.example.com", "ssl": {"certificate_pem": "CERT_PEM"}}},
            "proxy: Missing private_key_pem setting (required when certificate_pem is present)",
        ),
        ({"proxy": {"run": {"publish": False, "http_port": 8080}}}, "proxy: Cannot set http_port, https_port or bind_ips when publish is false"),
        ({"proxy": {"run": {"bind_ips": ["10.0.0.300"]}}}, "proxy: Invalid publish IP address: 10.0.0.300"),
        ({"builder": {"arch": "amd64", "cache": {"type": "s3"}}}, "builder: Invalid cache type: s3"),
        ({"builder": {"arch": ["amd64", "arm64"], "pack": {"builder": "heroku/builder:24"}}}, "builder: buildpacks only support building for one arch"),
        ({"builder": {"arch": "amd64", "local": False}}, "builder: Cannot disable local builds, no remote is set"),
        ({"env": {"clear": {"A": "1"}, "B": "2"}}, "env: unknown key: B"),
        ({"env": {"clear": {"A": ["1"]}}}, "env/clear/A: should be a string"),
        ({"env": {"secret": "DATABASE_KEY"}}, "env/secret: should be an array"),
        (
            {"aliases": {"Console": "app exec -i bash"}},
            "aliases/Console: Invalid alias name: 'Console'. Must only contain lowercase letters, alphanumeric, hyphens and underscores.",
        ),
        ({"aliases": {"deploy": "deploy -d staging"}}, "aliases/deploy: Alias 'deploy' conflicts with a built-in command."),
        ({"accessories": {"db": {"image": "mysql:8"}}}, "accessories/db: specify one of `host`, `hosts`, `role`, `roles`, `tag` or `tags`"),
        ({"accessories": {"db": {"image": "mysql:8", "roles": ["web", "jobs"]}}}, "accessories/db: unknown roles jobs"),
        ({"accessories": {"db": {"image": "mysql:8", "role": "jobs"}}}, "accessories/db: unknown role jobs"),
        (
            {"accessories": {"db": {"image": "mysql:8", "host": "h", "labels": {"role": "db"}}}},
            "accessories/db/labels/role: invalid label. destination, role, and service are reserved labels",
        ),
        (
            {"servers": {"web": {"hosts": ["203.0.113.10"], "options": {"restart": "sometimes"}}}},
            "servers/web/options/restart: should be no, always, unless-stopped, on-failure, or on-failure:N",
        ),
        (
            {"servers": {"web": ["203.0.113.10"], "admin": {"hosts": ["203.0.113.10"], "proxy": {"host": "app.boltfoundry.com", "ssl": True}}}},
            "Different roles can't share the same host for SSL: app.boltfoundry.com",
        ),
        (
            {"registry": {"server": "localhost:5555"}, "builder": {"arch": "amd64", "remote": "tcp://builder"}},
            "Local registry with remote builder requires an SSH URL (e.g., ssh://user@host)",
        ),
    ],
)
def test_kamal_rules(changes: dict[str, Any], expected: str) -> None:
    assert expected in problems(config(**changes))


def test_a_local_registry_needs_no_credentials_and_image_defaults_to_the_service() -> None:
    assert problems(config(registry={"server": "localhost:5555"}, image=None)) == []


def test_role_proxy_settings_merge_over_the_root() -> None:
    # The web role turns ssl off for itself: two hosts are then fine.
    web = {"hosts": ["203.0.113.10", "203.0.113.11"], "proxy": {"ssl": False}}
    assert problems(config(servers={"web": web})) == []
    # A non-primary role runs no proxy unless asked.
    assert problems(config(servers={"web": ["203.0.113.10"], "jobs": {"hosts": ["203.0.113.12", "203.0.113.13"], "cmd": "bin/jobs"}})) == []


def test_every_problem_is_reported_in_kamals_order() -> None:
    found = problems(config(healthcheck={}, builder={}, service="bad name", servers={"web": ["a", "b"]}), set())
    assert found == [
        "unknown key: healthcheck (Kamal 1's top-level healthcheck is proxy/healthcheck in Kamal 2)",
        "builder: Builder arch not set",
        "Service name can only include alphanumeric characters, hyphens, and underscores",
        "SSL is only supported on a single server unless you provide custom certificates, found 2 servers for role web",
        "env/secret: Secret 'DATABASE_KEY' not found in .kamal/secrets",
        "env/secret: Secret 'HYPERDX_API_KEY' not found in .kamal/secrets",
        "registry/password: Secret 'KAMAL_REGISTRY_PASSWORD' not found in .kamal/secrets",
    ]


# -- beyond Kamal --------------------------------------------------------------------------


def test_the_image_is_named_without_the_registry_server() -> None:
    found = validate(config(image="ghcr.io/boltfoundry/bolt"), ALL_SECRETS)
    assert [str(problem) for problem in found] == [
        "image: should not start with the registry server: Kamal pushes ghcr.io/ghcr.io/boltfoundry/bolt (write the image as boltfoundry/bolt)"
    ]
    assert problems(config(image="boltfoundry/bolt:latest")) == ["image: should not carry a tag or digest: Kamal tags the image with the version it deploys"]
    assert problems(config(image="BoltFoundry/bolt")) == ["image: should be lowercase: Docker refuses repository names with capitals"]


def test_aliased_secrets_name_the_secret_after_the_colon() -> None:
    aliased = config(env={"secret": ["DB_PASSWORD:MAIN_DB_PASSWORD"]})
    assert problems(aliased, ALL_SECRETS) == ["env/secret: Secret 'MAIN_DB_PASSWORD' not found in .kamal/secrets"]
    assert problems(aliased, ALL_SECRETS | {"MAIN_DB_PASSWORD"}) == []


def test_secret_references_cover_every_place_kamal_reads_a_secret() -> None:
    full = config(
        env={"secret": ["A"], "tags": {"t": {"secret": ["B:B_SECRET"]}}},
        servers={"web": {"hosts": ["203.0.113.10"], "env": {"secret": ["C"]}, "proxy": {"ssl": {"certificate_pem": "CERT", "private_key_pem": "KEY"}}}},
        builder={"arch": "amd64", "secrets": ["GITHUB_TOKEN"]},
        accessories={"db": {"image": "mysql:8", "host": "h", "env": {"secret": ["D"]}, "registry": {"username": ["REG_USER"], "password": ["REG_PASS"]}}},
    )
    found = {(reference.context, reference.secret, reference.container) for reference in secret_references(full)}
    assert found == {
        ("env/secret", "A", True),
        ("env/tags/t/secret", "B_SECRET", True),
        ("registry/password", "KAMAL_REGISTRY_PASSWORD", False),
        ("servers/web/env/secret", "C", True),
        ("servers/web/proxy/ssl/certificate_pem", "CERT", False),
        ("servers/web/proxy/ssl/private_key_pem", "KEY", False),
        ("builder/secrets", "GITHUB_TOKEN", False),
        ("accessories/db/env/secret", "D", True),
        ("accessories/db/registry/username", "REG_USER", False),
        ("accessories/db/registry/password", "REG_PASS", False),
    }


def test_credentials_must_be_secrets_not_values_in_the_config() -> None:
    literal = config(registry={"server": "ghcr.io", "username": "boltfoundry", "password": "ghp_LITERAL_secret_0000"})
    found = problems(literal)
    assert found == [
        "registry/password: must name a secret as a one-item list (e.g. [KAMAL_REGISTRY_PASSWORD]), not hold the password itself "
        "(a literal password would be written to config/deploy.yml and shown in diffs)"
    ]
    assert "ghp_LITERAL_secret_0000" not in found[0]
    with_key = config(ssh={"user": "deploy", "key_data": ["-----BEGIN OPENSSH PRIVATE KEY-----"]})
    assert [p for p in problems(with_key) if p.startswith("ssh/key_data")] == [
        "ssh/key_data: is not supported: it holds private keys in config/deploy.yml (give the key to ssh-agent or name a key file with ssh/keys)"
    ]


def test_proxy_hosts_of_the_wrong_type_is_a_type_error_not_a_crash() -> None:
    wrong = config(proxy={"hosts": 5, "ssl": True, "app_port": 8000})
    assert any(p.startswith("proxy/hosts: should be") for p in problems(wrong)), problems(wrong)
