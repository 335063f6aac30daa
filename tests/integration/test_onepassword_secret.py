"""boltfoundry.infra.onepassword_secret ("secret set") through real ansible-playbook, against the simulated core."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fixtures.onepassword import OnePasswordSandbox
from tests.harness import AnsibleRunner
from tests.harness.ansible import PlaybookRun, TaskResult

MODULE = "boltfoundry.infra.onepassword_secret"
READ_ONLY = ["VaultsList", "ItemsList", "ItemsGet"]


def secret(ansible: AnsibleRunner, op: OnePasswordSandbox, account: str | None = "production", **args: Any) -> tuple[TaskResult, PlaybookRun]:
    op.reset_log()
    check, diff = args.pop("_check", False), args.pop("_diff", True)
    return ansible.module(MODULE, {"vault": "Production", **args}, check=check, diff=diff, env=op.environment(account))


def test_create_in_check_mode_then_for_real_then_nothing_to_do(ansible: AnsibleRunner, op_sandbox: OnePasswordSandbox) -> None:
    value = "new 'secret' $value\nwith a second line ✓"
    planned, run = secret(ansible, op_sandbox, name="NEW_SECRET", value=value, _check=True)
    assert (planned.changed, planned["action"], planned["item"]) == (True, "created", None)
    assert planned["diff"] == {
        "before": "",
        "after": "vault: Production\nitem: NEW_SECRET\npassword: ******** (new value)\ntags: BF_PRIVATE_SECRET\n",
    }
    assert op_sandbox.invocations() == ["VaultsList", "ItemsList"]
    assert op_sandbox.items("Production", "NEW_SECRET") == []
    assert "new 'secret'" not in run.output
    assert "simulated 1Password core" in " ".join(planned.get("warnings", []))

    created, _run = secret(ansible, op_sandbox, name="NEW_SECRET", value=value)
    assert (created.changed, created["action"], created["item"]["tags"], created["item"]["version"]) == (True, "created", ["BF_PRIVATE_SECRET"], 1)
    assert op_sandbox.invocations() == ["VaultsList", "ItemsList", "ItemsCreate"]
    (item,) = op_sandbox.items("Production", "NEW_SECRET")
    assert (item["category"], item["fields"][0]["fieldType"], item["fields"][0]["value"]) == ("Password", "Concealed", value)
    assert item["notes"] == "Managed by boltfoundry.infra (onepassword_secret)."

    again, _run = secret(ansible, op_sandbox, name="NEW_SECRET", value=value)
    assert (again.changed, again["action"], again["changed_fields"]) == (False, "unchanged", [])
    assert op_sandbox.invocations() == READ_ONLY


def test_update_value_names_the_field_and_masks_the_value(ansible: AnsibleRunner, op_sandbox: OnePasswordSandbox) -> None:
    old = op_sandbox.value("Production", "DATABASE_URL")
    planned, run = secret(ansible, op_sandbox, name="DATABASE_URL", value="sqlite3:///elsewhere", _check=True)
    assert (planned.changed, planned["action"], planned["changed_fields"]) == (True, "updated", ["password"])
    assert planned["diff"]["before"].splitlines()[2] == "password: ******** (current value)"
    assert planned["diff"]["after"].splitlines()[2] == "password: ******** (new value)"
    assert old not in run.output and "elsewhere" not in run.output
    assert op_sandbox.invocations() == READ_ONLY

    updated, _run = secret(ansible, op_sandbox, name="DATABASE_URL", value="sqlite3:///elsewhere")
    assert updated["item"]["version"] == 2
    assert op_sandbox.invocations() == [*READ_ONLY, "ItemsPut"]
    assert op_sandbox.value("Production", "DATABASE_URL") == "sqlite3:///elsewhere"


def test_tags_are_added_and_purged_on_request(ansible: AnsibleRunner, op_sandbox: OnePasswordSandbox) -> None:
    value = op_sandbox.value("Production", "HCLOUD_TOKEN")
    added, _run = secret(ansible, op_sandbox, name="HCLOUD_TOKEN", value=value, tags=["BF_INFRA_SECRET"])
    assert (added["changed_fields"], added["item"]["tags"]) == (["tags"], ["BF_PRIVATE_SECRET", "BF_INFRA_SECRET"])
    purged, _run = secret(ansible, op_sandbox, name="HCLOUD_TOKEN", value=value, tags=["BF_INFRA_SECRET"], purge_tags=True)
    assert purged["item"]["tags"] == ["BF_INFRA_SECRET"]
    assert purged["diff"]["before"].endswith("tags: BF_INFRA_SECRET, BF_PRIVATE_SECRET\n")
    assert purged["diff"]["after"].endswith("tags: BF_INFRA_SECRET\n")
    again, _run = secret(ansible, op_sandbox, name="HCLOUD_TOKEN", value=value, tags=["BF_INFRA_SECRET"], purge_tags=True)
    assert not again.changed


def test_absent_removes_once(ansible: AnsibleRunner, op_sandbox: OnePasswordSandbox) -> None:
    planned, _run = secret(ansible, op_sandbox, name="HYPERDX_API_KEY", state="absent", _check=True)
    assert (planned.changed, planned["action"], planned["diff"]["after"]) == (True, "deleted", "")
    assert op_sandbox.invocations() == ["VaultsList", "ItemsList"]
    removed, _run = secret(ansible, op_sandbox, name="HYPERDX_API_KEY", state="absent")
    assert removed.changed
    assert op_sandbox.invocations() == ["VaultsList", "ItemsList", "ItemsDelete"]
    assert op_sandbox.items("Production", "HYPERDX_API_KEY") == []
    gone, _run = secret(ansible, op_sandbox, name="HYPERDX_API_KEY", state="absent")
    assert (gone.changed, gone["action"]) == (False, "unchanged")


def test_empty_value_is_a_value(ansible: AnsibleRunner, op_sandbox: OnePasswordSandbox) -> None:
    result, _run = secret(ansible, op_sandbox, name="DATABASE_URL", value="")
    assert result.changed
    assert op_sandbox.value("Production", "DATABASE_URL") == ""
    again, _run = secret(ansible, op_sandbox, name="EMPTY_VALUE", value="")
    assert not again.changed


def test_an_edit_between_read_and_write_is_retried_once(ansible: AnsibleRunner, op_sandbox: OnePasswordSandbox) -> None:
    op_sandbox.add_fault(invocation="ItemsGet", concurrent_edit=True, count=1)
    result, _run = secret(ansible, op_sandbox, name="DATABASE_URL", value="after the race")
    assert result.changed and not result.failed
    assert [(e["invocation"], e["outcome"]) for e in op_sandbox.log() if e["call"] == "invoke"][2:] == [
        ("ItemsGet", "ok"),
        ("ItemsPut", "ItemApi"),
        ("ItemsGet", "ok"),
        ("ItemsPut", "ok"),
    ]
    assert op_sandbox.value("Production", "DATABASE_URL") == "after the race"
    op_sandbox.add_fault(invocation="ItemsGet", concurrent_edit=True, count=2)
    raced, _run = secret(ansible, op_sandbox, name="DATABASE_URL", value="lost the race")
    assert raced.failed
    assert raced.msg == (
        "the item changed in 1Password while updating item 'DATABASE_URL' in vault 'Production'; run again to apply the change to the new version"
    )
    assert raced["kind"] == "conflict"


@pytest.mark.parametrize(
    "case",
    [
        (
            "production",
            {"name": "my secret", "value": "x"},
            "invalid",
            "name 'my secret' is not a valid variable name (letters, digits and _, not starting with a digit)",
        ),
        (
            "ci",
            {"name": "DATABASE_URL", "value": "x"},
            "vault_not_found",
            "vault 'Production' was not found or is not shared with this service account (it can see: 'CI')",
        ),
        (
            "production-readonly",
            {"name": "DATABASE_URL", "value": "x"},
            "permission",
            "the service account may not do this (updating item 'DATABASE_URL' in vault 'Production'): 1Password said: "
            "you do not have the right permissions to perform this action: you don't have the right permissions to access this resource",
        ),
        ("expired", {"name": "DATABASE_URL", "value": "x"}, "auth", "1Password did not accept the service account token"),
        (None, {"name": "DATABASE_URL", "value": "x"}, "auth", "no 1Password service account token"),
        ("production", {"name": "DATABASE_URL"}, None, "state is present but all of the following are missing: value"),
    ],
)
def test_failures_are_one_sentence(ansible: AnsibleRunner, op_sandbox: OnePasswordSandbox, case: tuple[str | None, dict[str, Any], str | None, str]) -> None:
    account, args, kind, message = case
    result, run = secret(ansible, op_sandbox, account, **args)
    assert result.failed
    assert result.msg.startswith(message), result.msg
    assert result.get("kind") == kind
    assert "Traceback" not in run.output


def test_two_items_with_the_name_are_ambiguous(ansible: AnsibleRunner, op_sandbox: OnePasswordSandbox) -> None:
    second = op_sandbox.add_item("Production", "DATABASE_URL", "other")
    (first,) = [i["id"] for i in op_sandbox.vault("Production")["items"] if i["title"] == "DATABASE_URL" and i["id"] != second]
    # A longer value: Ansible masks every occurrence of a no_log value in the output, even inside an id.
    result, _run = secret(ansible, op_sandbox, name="DATABASE_URL", value="a-longer-value")
    assert result.msg == (f"name 'DATABASE_URL' is ambiguous: 2 items in vault 'Production' have that title ({first}, {second}); remove or rename all but one")


def test_module_defaults_group_sets_the_token(ansible: AnsibleRunner, op_sandbox: OnePasswordSandbox) -> None:
    plays = [
        {
            "name": "group",
            "hosts": "localhost",
            "connection": "local",
            "gather_facts": False,
            "module_defaults": {"group/boltfoundry.infra.onepassword": {"token": op_sandbox.tokens["ci"]}},
            "tasks": [
                {"name": "set", MODULE: {"name": "GROUP_SET", "value": "v", "vault": "CI"}},
                {"name": "sync", "boltfoundry.infra.onepassword_env": {"vault": "CI"}},
            ],
        }
    ]
    run = ansible.playbook(plays, env=op_sandbox.environment(None)).assert_ok()
    assert run.task("set").changed
    assert "GROUP_SET" in run.task("sync")["names"]
