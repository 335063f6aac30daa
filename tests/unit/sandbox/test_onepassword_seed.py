"""The seed world: what tests and the demo start from, consistent with the other simulators."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from ansible_collections.boltfoundry.infra.plugins.module_utils.infra_secrets import INFRA_NAMES
from ansible_collections.boltfoundry.infra.plugins.module_utils.kamal_render import container_travel_problem
from sandbox.cloudflare import SANDBOX_TOKENS as CLOUDFLARE_TOKENS
from sandbox.hcloud import SANDBOX_TOKENS as HCLOUD_TOKENS
from sandbox.onepassword import SEED_VAULT
from sandbox.onepassword.demo import prepare
from sandbox.onepassword.store import load
from sandbox.s3 import SANDBOX_KEYS


def values(vault: str) -> dict[str, str]:
    (found,) = [v for v in load(SEED_VAULT)["vaults"] if v["title"] == vault]
    return {i["title"]: i["fields"][0]["value"] for i in found["items"] if i["category"] == "Password"}


def test_infra_items_hold_the_other_simulators_sandbox_tokens() -> None:
    production, ci = values("Production"), values("CI")
    assert production["HCLOUD_TOKEN"] == HCLOUD_TOKENS["production"] and ci["HCLOUD_TOKEN"] == HCLOUD_TOKENS["ci"]
    assert production["CLOUDFLARE_API_TOKEN"] == CLOUDFLARE_TOKENS["dns_edit"]
    for vault, project in ((production, "production"), (ci, "ci")):
        assert (vault["S3_ACCESS_KEY_ID"], vault["S3_SECRET_ACCESS_KEY"]) == (SANDBOX_KEYS[project]["access_key"], SANDBOX_KEYS[project]["secret_key"])


def test_app_secrets_include_every_hostile_kind_of_value() -> None:
    hostile = [v for title, v in values("CI").items() if title.endswith("_VALUE")]
    for needle in ("'", '"', "$word", "${", "#", "\\", "\n", "é", "$(", "{{"):
        assert any(needle in value for value in hostile), needle
    assert "" in hostile


def test_production_app_secrets_can_all_reach_a_container_through_kamal() -> None:
    # make sandbox deploys Production's secrets with Kamal, which refuses backslashes and control characters.
    production = values("Production")
    app = {title: value for title, value in production.items() if title not in INFRA_NAMES and title != "DEPLOY_WEBHOOK_TOKEN"}
    assert {title: container_travel_problem(value) for title, value in app.items() if container_travel_problem(value)} == {}
    assert any("$(" in value for value in app.values()) and any("'" in value for value in app.values())


def test_prepare_copies_once_and_gives_the_environment(tmp_path: Path) -> None:
    env = prepare(tmp_path / "op")
    vault_file = Path(env["BF_ONEPASSWORD_SANDBOX"])
    assert json.loads(vault_file.read_text()) == json.loads(SEED_VAULT.read_text())
    tokens = {a["name"]: a["token"] for a in load(vault_file)["service_accounts"]}
    assert (env["OP_SERVICE_ACCOUNT_TOKEN"], env["OP_CI_SERVICE_ACCOUNT_TOKEN"]) == (tokens["production"], tokens["ci"])
    assert Path(env["PYTHONPATH"], "sandbox", "onepassword", "core.py").is_file()
    vault_file.write_text(vault_file.read_text().replace('"CI"', '"CI-changed"'))
    prepare(tmp_path / "op")
    assert "CI-changed" in vault_file.read_text()  # the demo's world survives a second `up`
    prepare(tmp_path / "op", force=True)
    assert "CI-changed" not in vault_file.read_text()


def test_the_command_line_prints_env_lines(tmp_path: Path, repo_root: Path) -> None:
    completed = subprocess.run([sys.executable, "-m", "sandbox.onepassword", "init", str(tmp_path)], cwd=repo_root, capture_output=True, text=True, check=True)
    keys = [line.split("=", 1)[0] for line in completed.stdout.splitlines()]
    assert keys == ["BF_ONEPASSWORD_SANDBOX", "PYTHONPATH", "OP_SERVICE_ACCOUNT_TOKEN", "OP_CI_SERVICE_ACCOUNT_TOKEN"]
