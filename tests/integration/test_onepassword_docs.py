"""ansible-doc renders the three 1Password plugins, with their examples and the shared token option."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ANSIBLE_DOC = str(Path(sys.executable).parent / "ansible-doc")
PLUGINS = [("module", "boltfoundry.infra.onepassword_secret"), ("module", "boltfoundry.infra.onepassword_env"), ("lookup", "boltfoundry.infra.onepassword")]


def ansible_doc(collections_path: str, tmp_path: Path, *args: str) -> str:
    env = {key: value for key, value in os.environ.items() if not key.startswith("ANSIBLE_")}
    env.update({"ANSIBLE_COLLECTIONS_PATH": collections_path, "ANSIBLE_HOME": str(tmp_path), "ANSIBLE_NOCOLOR": "1"})
    completed = subprocess.run([ANSIBLE_DOC, *args], capture_output=True, text=True, env=env, check=False, timeout=120)
    assert completed.returncode == 0, completed.stderr
    assert "ERROR" not in completed.stderr, completed.stderr
    return completed.stdout


@pytest.mark.parametrize(("plugin_type", "name"), PLUGINS)
def test_plugin_renders_with_examples_and_the_token_option(collections_path: str, tmp_path: Path, plugin_type: str, name: str) -> None:
    text = ansible_doc(collections_path, tmp_path, "-t", plugin_type, name)
    assert "EXAMPLES:" in text
    assert "token" in text and "OP_SERVICE_ACCOUNT_TOKEN" in text
    data = json.loads(ansible_doc(collections_path, tmp_path, "-t", plugin_type, "--json", name))[name]
    examples = yaml.safe_load(data["examples"])
    assert examples and all(isinstance(task, dict) and "name" in task for task in examples)
    options = data["doc"]["options"]
    assert options["token"]["type"] == "str"
    if plugin_type == "lookup":
        assert options["token"]["env"] == [{"name": "OP_SERVICE_ACCOUNT_TOKEN"}]
    else:
        assert data["doc"]["attributes"]["action_group"]["membership"] == ["boltfoundry.infra.onepassword"]
        assert data["return"]


def test_role_argument_spec_renders(collections_path: str, tmp_path: Path) -> None:
    text = ansible_doc(collections_path, tmp_path, "-t", "role", "boltfoundry.infra.secrets")
    assert "secrets_env_file" in text and "secrets_set" in text
