"""Render and validate a Kamal config with 5,000 secrets (what kamal_config does, without Ansible around it)."""

from __future__ import annotations

import random
import statistics
import string
import sys
import tempfile
import time
from pathlib import Path

SECRETS = 5000
ROUNDS = 5


def _collection_on_path(root: Path) -> str:
    """Make ``ansible_collections.boltfoundry.infra`` importable from this checkout, as the tests do; returns the collections path."""
    link = root / "ansible_collections" / "boltfoundry" / "infra"
    link.parent.mkdir(parents=True)
    link.symlink_to(Path(__file__).resolve().parent.parent, target_is_directory=True)
    sys.path.insert(0, str(root))
    return str(root)


def _values(rng: random.Random) -> dict[str, str]:
    """Secret values of 24 to 96 characters, a tenth of them with quotes, $, # and unicode (all able to travel)."""
    alphabet = string.ascii_letters + string.digits + "-_+/="
    hostile = ["it's", '"q"', "$word", "${X}", "$(touch /tmp/x)", " #c", "é✓"]
    values = {}
    for index in range(SECRETS):
        value = "".join(rng.choice(alphabet) for _position in range(rng.randint(24, 96)))
        if index % 10 == 0:
            value += rng.choice(hostile)
        values[f"APP_SECRET_{index:04d}"] = value
    values["KAMAL_REGISTRY_PASSWORD"] = "ghp_" + "x" * 36
    return values


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bf-bench-") as work:
        collections = _collection_on_path(Path(work) / "collections")
        try:
            values = _values(random.Random(5000))  # noqa: S311 - reproducible test data, not cryptography
            _in_process(values)
            _through_ansible(values, collections, Path(work))
        finally:
            sys.path.remove(collections)


def _in_process(values: dict[str, str]) -> None:
    from ansible_collections.boltfoundry.infra.plugins.module_utils import dotenv, kamal_render, kamal_validator  # noqa: PLC0415 - importable once linked

    timings: dict[str, list[float]] = {name: [] for name in ("build", "validate", "plan secrets", "render deploy.yml", "render secrets", "read secrets back")}
    for _round in range(ROUNDS):
        started = time.perf_counter()
        config = kamal_render.build_config(
            service="bolt",
            image="boltfoundry/bolt",
            servers={"web": ["203.0.113.10"]},
            proxy={"host": "app.boltfoundry.com", "ssl": True, "app_port": 8000, "healthcheck": {"path": "/up"}},
            registry={"server": "ghcr.io", "username": "boltfoundry", "password": ["KAMAL_REGISTRY_PASSWORD"]},
            builder={"arch": "amd64"},
            volumes=["/mnt/data/bolt:/data"],
            env_clear={"PORT": 8000, "BF_ENV": "production"},
            secret_names=list(values),
            infra_secrets=["HCLOUD_TOKEN"],
        )
        timings["build"].append(time.perf_counter() - started)

        started = time.perf_counter()
        problems = kamal_validator.validate(config, values.keys())
        timings["validate"].append(time.perf_counter() - started)
        assert problems == [], problems

        started = time.perf_counter()
        names, refused = kamal_render.plan_secrets(config, values, ["HCLOUD_TOKEN"])
        timings["plan secrets"].append(time.perf_counter() - started)
        assert refused == [] and len(names) == SECRETS + 1

        started = time.perf_counter()
        config_text = kamal_render.render_config(config)
        timings["render deploy.yml"].append(time.perf_counter() - started)

        started = time.perf_counter()
        secrets_text = kamal_render.render_secrets(values, names)
        timings["render secrets"].append(time.perf_counter() - started)

        started = time.perf_counter()
        assert dotenv.parse(secrets_text) == values
        timings["read secrets back"].append(time.perf_counter() - started)

    print(f"  {SECRETS} secrets, median of {ROUNDS} rounds; deploy.yml {len(config_text) / 1024:.0f} KiB, .kamal/secrets {len(secrets_text) / 1024:.0f} KiB")
    total = 0.0
    for name, samples in timings.items():
        median = statistics.median(samples)
        total += median
        print(f"  {name:<20} {median * 1000:8.1f} ms")
    print(f"  {'total':<20} {total * 1000:8.1f} ms")


def _through_ansible(values: dict[str, str], collections: str, work: Path) -> None:
    """The kamal_config module run by ansible-playbook, reading the 5,000 values from a secrets file."""
    from ansible_collections.boltfoundry.infra.plugins.module_utils import dotenv  # noqa: PLC0415 - importable once linked
    from tests.harness import AnsibleRunner  # noqa: PLC0415 - test tooling, only for this figure

    app = work / "app"
    app.mkdir()
    secrets_file = work / "synced.env"
    secrets_file.write_text(dotenv.render(values))
    args = {
        "app_dir": str(app),
        "service": "bolt",
        "image": "boltfoundry/bolt",
        "servers": {"web": ["203.0.113.10"]},
        "proxy": {"host": "app.boltfoundry.com", "ssl": True, "app_port": 8000},
        "registry": {"server": "ghcr.io", "username": "boltfoundry", "password": ["KAMAL_REGISTRY_PASSWORD"]},
        "secrets_file": str(secrets_file),
    }
    runner = AnsibleRunner(collections, work / "ansible")
    for label in ("first run (writes)", "second run (no change)"):
        started = time.perf_counter()
        result, run = runner.module("boltfoundry.infra.kamal_config", args)
        elapsed = time.perf_counter() - started
        assert not result.failed, run.output
        print(f"  ansible-playbook, {label:<22} {elapsed:6.2f} s (changed={result.changed})")
