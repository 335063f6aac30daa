"""boltfoundry.infra.onepassword_env ("secret sync") through real ansible-playbook, against the simulated core."""

from __future__ import annotations

import io
import math
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import dotenv as python_dotenv
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ansible_collections.boltfoundry.infra.plugins.module_utils import dotenv
from ansible_collections.boltfoundry.infra.plugins.module_utils.dotenv import DotenvError, quote
from sandbox.onepassword import SEED_VAULT
from tests.fixtures.onepassword import REPO_ROOT, OnePasswordSandbox
from tests.harness import AnsibleRunner
from tests.harness.ansible import PlaybookRun, TaskResult
from tests.harness.dotenv_gem import parse

MODULE = "boltfoundry.infra.onepassword_env"
EXCLUDED = ["CLOUDFLARE_API_TOKEN", "DEPLOY_WEBHOOK_TOKEN", "HCLOUD_TOKEN"]


def sync(ansible: AnsibleRunner, op: OnePasswordSandbox, account: str | None = "production", **args: Any) -> tuple[TaskResult, PlaybookRun]:
    op.reset_log()
    check, diff = args.pop("_check", False), args.pop("_diff", True)
    return ansible.module(MODULE, {"vault": "Production", **args}, check=check, diff=diff, env=op.environment(account))


def read_back(path: Path) -> dict[str, str]:
    reading = parse(path.read_text(encoding="utf-8"))
    assert reading.commands == []
    return reading.values


def test_check_then_write_then_nothing_to_do(ansible: AnsibleRunner, op_sandbox: OnePasswordSandbox, tmp_path: Path) -> None:
    dest = tmp_path / "app.env"
    expected = op_sandbox.app_secrets("Production", infra=tuple(EXCLUDED))
    planned, run = sync(ansible, op_sandbox, dest=str(dest), _check=True)
    assert planned.changed and not dest.exists()
    assert (planned["names"], planned["excluded"], planned["path"]) == (sorted(expected), EXCLUDED, str(dest))
    assert planned["diff"]["before"] == ""
    assert planned["diff"]["after"] == "".join(f"{name}=<masked, new value>\n" for name in sorted(expected))
    assert op_sandbox.invocations() == ["VaultsList", "ItemsList", "ItemsGetAll"]
    assert op_sandbox.log()[-1]["item_count"] == len(expected)  # the infra-only items are never even read
    assert not [value for value in op_sandbox.all_values() if len(value) > 3 and value in run.output]

    written, _run = sync(ansible, op_sandbox, dest=str(dest))
    assert written.changed
    assert dest.stat().st_mode & 0o777 == 0o600
    assert read_back(dest) == expected
    # python-dotenv is a second reader for the values without backslashes.
    second = python_dotenv.dotenv_values(stream=io.StringIO(dest.read_text()), interpolate=False)
    assert {k: v for k, v in second.items() if "\\" not in expected[k]} == {k: v for k, v in expected.items() if "\\" not in v}
    assert dotenv.parse(dest.read_text()) == expected  # the strict reader kamal_config uses accepts it

    before = dest.stat()
    again, _run = sync(ansible, op_sandbox, dest=str(dest))
    assert not again.changed
    assert "diff" not in again.result or again["diff"]["before"] == again["diff"]["after"]
    assert (dest.stat().st_ino, dest.stat().st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert op_sandbox.invocations() == ["VaultsList", "ItemsList", "ItemsGetAll"]


@pytest.mark.parametrize("extra", [0, 60])
def test_call_budget_is_one_list_and_one_get_all_per_fifty(ansible: AnsibleRunner, op_sandbox: OnePasswordSandbox, extra: int) -> None:
    for number in range(extra):
        op_sandbox.add_item("Production", f"BULK_{number:02d}", f"bulk value {number}")
    kept = len(op_sandbox.app_secrets("Production", infra=tuple(EXCLUDED)))
    result, _run = sync(ansible, op_sandbox)
    assert len(result["names"]) == kept
    assert op_sandbox.invocations() == ["VaultsList", "ItemsList"] + ["ItemsGetAll"] * math.ceil(kept / 50)


def test_no_tagged_items_makes_no_get_all(ansible: AnsibleRunner, op_sandbox: OnePasswordSandbox, tmp_path: Path) -> None:
    result, _run = sync(ansible, op_sandbox, tag="NO_SUCH_TAG", dest=str(tmp_path / "app.env"))
    assert (result["names"], result["excluded"]) == ([], [])
    assert op_sandbox.invocations() == ["VaultsList", "ItemsList"]
    assert read_back(tmp_path / "app.env") == {}


def test_infra_only_by_tag_and_by_name(ansible: AnsibleRunner, op_sandbox: OnePasswordSandbox) -> None:
    by_name_only, _run = sync(ansible, op_sandbox, exclude_tags=[])
    assert by_name_only["excluded"] == ["CLOUDFLARE_API_TOKEN", "HCLOUD_TOKEN"]
    assert "DEPLOY_WEBHOOK_TOKEN" in by_name_only["names"]
    by_tag_only, _run = sync(ansible, op_sandbox, exclude_names=[])
    assert by_tag_only["excluded"] == ["CLOUDFLARE_API_TOKEN", "DEPLOY_WEBHOOK_TOKEN"]
    assert "HCLOUD_TOKEN" in by_tag_only["names"]


def test_without_dest_only_names_are_reported(ansible: AnsibleRunner, op_sandbox: OnePasswordSandbox) -> None:
    result, run = sync(ansible, op_sandbox)
    assert not result.changed
    assert result["path"] is None
    assert set(result.result) >= {"names", "excluded", "vault"}
    assert not [value for value in op_sandbox.all_values() if len(value) > 3 and value in run.output]


def test_diff_shows_names_added_changed_and_removed(ansible: AnsibleRunner, op_sandbox: OnePasswordSandbox, tmp_path: Path) -> None:
    dest = tmp_path / "app.env"
    sync(ansible, op_sandbox, dest=str(dest))
    with op_sandbox.edit() as state:
        production = next(v for v in state["vaults"] if v["title"] == "Production")
        for item in production["items"]:
            if item["title"] == "DATABASE_URL":
                item["fields"][0]["value"] = "sqlite3:///moved"
            if item["title"] == "SECRET_KEY_BASE":
                item["tags"] = []
    op_sandbox.add_item("Production", "NEW_FLAG", "on")
    planned, run = sync(ansible, op_sandbox, dest=str(dest), _check=True)
    before, after = planned["diff"]["before"].splitlines(), planned["diff"]["after"].splitlines()
    assert "SECRET_KEY_BASE=<masked>" in before and not any(line.startswith("SECRET_KEY_BASE") for line in after)
    assert "DATABASE_URL=<masked>" in before and "DATABASE_URL=<masked, new value>" in after
    assert not any(line.startswith("NEW_FLAG") for line in before) and "NEW_FLAG=<masked, new value>" in after
    assert "HYPERDX_API_KEY=<masked>" in before and "HYPERDX_API_KEY=<masked>" in after
    assert "moved" not in run.output


def test_a_file_with_the_wrong_mode_is_rewritten(ansible: AnsibleRunner, op_sandbox: OnePasswordSandbox, tmp_path: Path) -> None:
    dest = tmp_path / "app.env"
    sync(ansible, op_sandbox, dest=str(dest))
    dest.chmod(0o644)
    result, _run = sync(ansible, op_sandbox, dest=str(dest))
    assert result.changed
    assert dest.stat().st_mode & 0o777 == 0o600


def test_a_file_we_did_not_write_is_replaced_and_said_so(ansible: AnsibleRunner, op_sandbox: OnePasswordSandbox, tmp_path: Path) -> None:
    dest = tmp_path / "app.env"
    dest.write_text("HAND_WRITTEN=secret-by-hand # comment\nOTHER=1\n")
    planned, run = sync(ansible, op_sandbox, dest=str(dest), _check=True)
    assert planned["diff"]["before"] == "(a file not written by the collection's env-file renderer, 2 lines)\n"
    assert "secret-by-hand" not in run.output


def failing_cases(op: OnePasswordSandbox) -> dict[str, tuple[dict[str, Any], str]]:
    bad_name = op.add_item("Production", "my secret", "v")
    first = op.add_item("Production", "TWIN", "a")
    second = op.add_item("Production", "TWIN", "b", tags=["BF_PRIVATE_SECRET", "OTHER"])
    return {
        "bad name": (
            {"tag": "BF_PRIVATE_SECRET"},
            f"item 'my secret' ({bad_name}) in vault 'Production': its title is not a valid variable name (letters, digits and _, not starting with a digit)",
        ),
        "duplicate": (
            {"exclude_names": [*EXCLUDED, "my secret"]},
            f"2 items tagged BF_PRIVATE_SECRET in vault 'Production' are titled TWIN ({first}, {second})",
        ),
    }


def test_bad_names_and_duplicates_name_the_items(ansible: AnsibleRunner, op_sandbox: OnePasswordSandbox, tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    dest = tmp_path / "out" / "app.env"
    dest.write_text("KEEP=me\n")
    for args, message in failing_cases(op_sandbox).values():
        result, _run = sync(ansible, op_sandbox, dest=str(dest), **args)
        assert result.failed
        assert result.msg.startswith(message), result.msg
    assert dest.read_text() == "KEEP=me\n"
    assert sorted(p.name for p in dest.parent.iterdir()) == ["app.env"]


def test_values_no_env_file_can_carry_and_missing_fields_are_named(ansible: AnsibleRunner, op_sandbox: OnePasswordSandbox, tmp_path: Path) -> None:
    op_sandbox.add_item("Production", "WINDOWS_LINE", "one\r\ntwo", tags=["CR_TAG"])
    cr, run = sync(ansible, op_sandbox, tag="CR_TAG", dest=str(tmp_path / "app.env"))
    assert cr.msg == "secret WINDOWS_LINE cannot be written to an env file: the value contains a carriage return, which the dotenv gem reads as a line feed"
    assert "one\r" not in run.output and not (tmp_path / "app.env").exists()
    with op_sandbox.edit() as state:
        production = next(v for v in state["vaults"] if v["title"] == "Production")
        notes = next(i for i in production["items"] if i["title"] == "Ops notes")
        notes["title"], notes["tags"] = "OPS_NOTES", ["NOTES_TAG"]
    missing, _run = sync(ansible, op_sandbox, tag="NOTES_TAG")
    assert missing.msg.startswith("item 'OPS_NOTES' (") and missing.msg.endswith(") in vault 'Production' has no field 'password' to take the value from")
    nowhere, _run = sync(ansible, op_sandbox, dest=str(tmp_path / "missing" / "app.env"))
    assert nowhere.msg == f"cannot write {tmp_path}/missing/app.env: the directory {tmp_path}/missing does not exist"


def test_ci_token_syncs_ci_and_cannot_see_production(ansible: AnsibleRunner, op_sandbox: OnePasswordSandbox, tmp_path: Path) -> None:
    ci, _run = sync(ansible, op_sandbox, "ci", vault="CI", dest=str(tmp_path / "ci.env"))
    assert read_back(tmp_path / "ci.env") == op_sandbox.app_secrets("CI", infra=tuple(EXCLUDED))
    assert ci["vault"]["title"] == "CI"
    refused, _run = sync(ansible, op_sandbox, "ci")
    assert refused.msg == "vault 'Production' was not found or is not shared with this service account (it can see: 'CI')"


# -- the property: whatever the values, the file reads back exactly ------------------------
NAMES = st.from_regex(r"[A-Z_][A-Z0-9_]{0,11}", fullmatch=True).filter(lambda name: name != "DOTENV_LINEBREAK_MODE")
HOSTILE_PIECES = ["'", '"', "$", "$word", "${X}", "$(id)", "`id`", "#", " #", "\\", "\\n", "\n", "=", " ", "é", "✓", "🚀", "{{ x }}", "\t"]
VALUES = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\r\0"), max_size=30),
    st.lists(st.sampled_from(HOSTILE_PIECES) | st.text("abc", max_size=3), max_size=8).map("".join),
)


def carried(value: str) -> bool:
    try:
        quote("NAME", value)
    except DotenvError:
        return False
    return True


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(secrets=st.dictionaries(NAMES, VALUES.filter(carried), min_size=1, max_size=25))
def test_any_values_round_trip_through_the_env_file(ansible: AnsibleRunner, secrets: dict[str, str]) -> None:
    assume(not set(secrets) & set(EXCLUDED))
    with tempfile.TemporaryDirectory(prefix="bf-op-property-") as work:
        vault_file = Path(work, "vault.json")
        shutil.copyfile(SEED_VAULT, vault_file)
        op = OnePasswordSandbox(vault_file=vault_file, tokens={}, env={"BF_ONEPASSWORD_SANDBOX": str(vault_file), "PYTHONPATH": str(REPO_ROOT)})
        op.tokens = {account["name"]: account["token"] for account in op.state()["service_accounts"]}
        for name, value in secrets.items():
            op.add_item("Production", name, value, tags=["PROPERTY"])
        dest = Path(work, "app.env")
        result, _run = sync(ansible, op, tag="PROPERTY", dest=str(dest))
        assert result["names"] == sorted(secrets)
        assert read_back(dest) == secrets
        assert os.stat(dest).st_mode & 0o777 == 0o600
