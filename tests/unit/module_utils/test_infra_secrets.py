"""Every place that lists the infra-only credentials lists the same ones as module_utils/infra_secrets.py."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ansible_collections.boltfoundry.infra.plugins.module_utils.infra_secrets import INFRA_NAMES
from ansible_collections.boltfoundry.infra.plugins.modules import kamal_config, onepassword_env

REPO = Path(__file__).resolve().parents[3]


def role_default(role: str, name: str) -> list[str]:
    return yaml.safe_load((REPO / "roles" / role / "defaults" / "main.yml").read_text())[name]


def role_spec_default(role: str, name: str) -> list[str]:
    specs = yaml.safe_load((REPO / "roles" / role / "meta" / "argument_specs.yml").read_text())
    return specs["argument_specs"]["main"]["options"][name]["default"]


def module_doc_default(module, option: str) -> list[str]:
    return yaml.safe_load(module.DOCUMENTATION)["options"][option]["default"]


@pytest.mark.parametrize(
    ("where", "listed"),
    [
        ("roles/secrets defaults", lambda: role_default("secrets", "secrets_exclude_names")),
        ("roles/secrets argument spec", lambda: role_spec_default("secrets", "secrets_exclude_names")),
        ("roles/kamal defaults", lambda: role_default("kamal", "kamal_infra_secrets")),
        ("roles/kamal argument spec", lambda: role_spec_default("kamal", "kamal_infra_secrets")),
        ("onepassword_env DOCUMENTATION", lambda: module_doc_default(onepassword_env, "exclude_names")),
        ("kamal_config DOCUMENTATION", lambda: module_doc_default(kamal_config, "infra_secrets")),
    ],
)
def test_the_copies_users_read_match_the_list_the_code_uses(where: str, listed) -> None:
    assert listed() == list(INFRA_NAMES), f"{where} lists other infra-only names than plugins/module_utils/infra_secrets.py"
