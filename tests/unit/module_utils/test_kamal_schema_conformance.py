"""Our Kamal 2.12 key facts (kamal_schema) agree with Kamal's own reference files.

Kamal validates a config against the example blocks of
``lib/kamal/configuration/docs/*.yml`` (the last block of a file counts: YAML
keeps the last of repeated keys). This test derives each key's kind from those
files the way Kamal's validator does (``...`` a section; ``ssl``,
``hooks_output``, ``hosts``, ``arch``, ``config``, ``files``/``directories``,
``options``/``args``, ``labels`` by their own rules; a list by its first item;
a mapping by its keys; a scalar by its type) and compares it with the facts we
wrote. The files come from BF_SPECS_DIR (see the ``specs_dir`` fixture).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from ansible_collections.boltfoundry.infra.plugins.module_utils import kamal_schema as schema
from tests.harness.required import unavailable

# Which example block of which file each of our fact tables restates.
FACTS = {
    ("configuration.yml", ()): schema.CONFIGURATION,
    ("registry.yml", ("registry",)): schema.REGISTRY,
    ("role.yml", ("servers", "workers")): schema.ROLE,
    ("proxy.yml", ("proxy",)): schema.PROXY,
    ("builder.yml", ("builder",)): schema.BUILDER,
    ("accessory.yml", ("accessories", "mysql")): schema.ACCESSORY,
    ("ssh.yml", ("ssh",)): schema.SSH,
    ("sshkit.yml", ("sshkit",)): schema.SSHKIT,
    ("boot.yml", ("boot",)): schema.BOOT,
    ("logging.yml", ("logging",)): schema.LOGGING,
    ("output.yml", ("output",)): schema.OUTPUT,
}

# The file documenting each section our facts point to.
SECTION_FILES = {
    "registry": "registry.yml",
    "servers": "servers.yml",
    "env": "env.yml",
    "ssh": "ssh.yml",
    "builder": "builder.yml",
    "accessories": "accessory.yml",
    "proxy": "proxy.yml",
    "sshkit": "sshkit.yml",
    "boot": "boot.yml",
    "logging": "logging.yml",
    "output": "output.yml",
    "aliases": "alias.yml",
}


def kamal_dir(specs_dir: Path) -> Path:
    directory = specs_dir / "kamal-2.12"
    if not directory.is_dir():
        unavailable(f"{directory} is missing: it holds Kamal 2.12's lib/kamal/configuration/docs/*.yml (MIT, github.com/basecamp/kamal, tag v2.12.0)")
    return directory


def example(directory: Path, file: str, path: tuple[str, ...]) -> Any:
    data = yaml.safe_load((directory / file).read_text())
    for key in path:
        data = data[key]
    return data


def scalar_type(value: Any) -> str:
    if isinstance(value, bool):
        return schema.BOOLEAN
    if isinstance(value, int):
        return schema.INTEGER
    assert isinstance(value, str), f"unexpected example value {value!r}"
    return schema.STRING


def kind_of(key: str, value: Any, section: str) -> schema.Kind:
    """The kind Kamal's validator gives ``key`` from its example ``value`` (the order of its checks kept)."""
    if section == "registry" and key in ("username", "password"):
        return schema.CREDENTIAL  # Kamal's Registry validator checks these two by its own rule
    if value == "...":
        return schema.Section(key)
    if key == "ssl":
        return schema.SSL
    if key == "hooks_output":
        return schema.HOOKS_OUTPUT
    if key == "hosts":
        return schema.HOSTS
    if isinstance(value, list):
        if key == "arch":
            return schema.ARCH
        if key == "config":
            return schema.SSH_CONFIG
        if key in ("files", "directories"):
            return schema.PATHS
        return schema.ListOf(scalar_type(value[0]))
    if isinstance(value, dict):
        if key in ("options", "args"):
            return schema.ANY_HASH
        if key == "labels":
            return schema.HashOf(scalar_type(next(iter(value.values()))))
        return schema.Keys(derive(value, section))
    return schema.Scalar(scalar_type(value))


def derive(block: dict[str, Any], section: str) -> dict[str, schema.Kind]:
    return {key: kind_of(key, value, section) for key, value in block.items()}


@pytest.mark.parametrize(("where", "facts"), list(FACTS.items()), ids=[f"{file}:{'/'.join(path)}" for file, path in FACTS])
def test_our_key_facts_match_kamals_examples(specs_dir: Path, where: tuple[str, tuple[str, ...]], facts: dict[str, schema.Kind]) -> None:
    file, path = where
    derived = derive(example(kamal_dir(specs_dir), file, path), path[0] if path else "")
    assert set(derived) == set(facts), f"keys differ: only in Kamal's {file}: {set(derived) - set(facts)}; only in ours: {set(facts) - set(derived)}"
    for key in derived:
        assert derived[key] == facts[key], f"{file} {key}: Kamal's example says {derived[key]}, our facts say {facts[key]}"


def test_env_keys_and_aliases_match(specs_dir: Path) -> None:
    directory = kamal_dir(specs_dir)
    env = example(directory, "env.yml", ("env",))
    assert tuple(env) == schema.ENV_KEYS
    # Kamal validates a tag's env against the second tag of the example.
    assert set(list(env["tags"].values())[1]) <= set(schema.ENV_KEYS)
    alias = example(directory, "alias.yml", ("aliases", "uname"))
    assert schema.ALIAS == schema.Scalar(scalar_type(alias))


def test_every_reference_file_is_a_section_we_know(specs_dir: Path) -> None:
    directory = kamal_dir(specs_dir)
    files = {path.name for path in directory.glob("*.yml")}
    assert files == set(SECTION_FILES.values()) | {"configuration.yml", "role.yml"}
    sections = {kind.name for kind in schema.CONFIGURATION.values() if isinstance(kind, schema.Section)}
    assert sections == set(SECTION_FILES)
    for section, file in SECTION_FILES.items():
        top = yaml.safe_load((directory / file).read_text())
        assert section in top, f"{file} does not document {section}"


def test_the_last_example_block_is_the_one_that_counts(specs_dir: Path) -> None:
    # proxy.yml shows ssl first as a boolean, then as certificate secret names;
    # hooks_output first as a level, then per hook. YAML keeps the last.
    directory = kamal_dir(specs_dir)
    assert isinstance(example(directory, "proxy.yml", ("proxy", "ssl")), dict)
    assert isinstance(example(directory, "configuration.yml", ("hooks_output",)), dict)
