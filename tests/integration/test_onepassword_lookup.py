"""The lookup boltfoundry.infra.onepassword through real ansible-playbook, against the simulated core."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.fixtures.onepassword import OnePasswordSandbox
from tests.harness import AnsibleRunner

LOOKUP = "boltfoundry.infra.onepassword"


def play(tasks: list[dict[str, Any]], **extra: Any) -> list[dict[str, Any]]:
    return [{"name": "lookup", "hosts": "localhost", "connection": "local", "gather_facts": False, **extra, "tasks": tasks}]


def test_k_references_are_one_request_and_reuse_in_the_run_is_free(ansible: AnsibleRunner, op_sandbox: OnePasswordSandbox) -> None:
    refs = ["op://Production/DATABASE_URL/password", "op://Production/SECRET_KEY_BASE/password", "op://Production/Admin console/Admin/email"]
    plays = play(
        [
            {"name": "first use", "ansible.builtin.debug": {"var": "app_secrets"}},
            {"name": "second use", "ansible.builtin.debug": {"var": "app_secrets"}},
            {"name": "third use", "ansible.builtin.debug": {"msg": "{{ app_secrets[2] }}"}},
        ],
        vars={"app_secrets": "{{ query('" + LOOKUP + "', " + ", ".join(repr(r) for r in refs) + ") }}"},
    )
    run = ansible.playbook(plays, env=op_sandbox.environment()).assert_ok()
    expected = [op_sandbox.value("Production", "DATABASE_URL"), op_sandbox.value("Production", "SECRET_KEY_BASE"), "ops-production@example.com"]
    assert run.task("first use")["app_secrets"] == expected
    assert run.task("second use")["app_secrets"] == expected
    assert run.task("third use")["msg"] == expected[2]
    assert op_sandbox.invocations() == ["SecretsResolveAll"]
    assert [e["call"] for e in op_sandbox.log()] == ["init_client", "invoke"]
    assert "went to the simulated 1Password core over the sandbox vault file" in run.output


def test_cache_false_asks_again(ansible: AnsibleRunner, op_sandbox: OnePasswordSandbox) -> None:
    term = "lookup('" + LOOKUP + "', 'op://Production/DATABASE_URL/password', cache=false)"
    tasks = [{"name": f"use {n}", "ansible.builtin.debug": {"msg": "{{ " + term + " }}"}} for n in (1, 2)]
    ansible.playbook(play(tasks), env=op_sandbox.environment()).assert_ok()
    assert op_sandbox.invocations() == ["SecretsResolveAll", "SecretsResolveAll"]


def test_relative_terms_take_the_vault_and_field_options(ansible: AnsibleRunner, op_sandbox: OnePasswordSandbox) -> None:
    term = "query('" + LOOKUP + "', 'HCLOUD_TOKEN', 'Admin console/username', 'admin console/admin/email', vault='Production')"
    run = ansible.playbook(play([{"name": "relative", "ansible.builtin.debug": {"msg": "{{ " + term + " }}"}}]), env=op_sandbox.environment()).assert_ok()
    assert run.task("relative")["msg"] == [op_sandbox.value("Production", "HCLOUD_TOKEN"), "admin-production", "ops-production@example.com"]
    assert op_sandbox.log()[-1]["references"] == [
        "op://Production/HCLOUD_TOKEN/password",
        "op://Production/Admin console/username",
        "op://Production/admin console/admin/email",
    ]


def test_hostile_values_come_back_exactly_and_are_never_templated(ansible: AnsibleRunner, op_sandbox: OnePasswordSandbox, tmp_path: Path) -> None:
    names = sorted(op_sandbox.app_secrets("CI"))  # CI's app secrets hold every kind of hostile value
    markers = [Path("/tmp/bf-sandbox-pwned-ci"), Path("/tmp/bf-sandbox-pwned-jinja-ci")]
    for marker in markers:
        marker.unlink(missing_ok=True)
    tasks = [
        {
            "name": f"write {name}",
            "ansible.builtin.copy": {"content": "{{ lookup('" + LOOKUP + "', '" + name + "', vault='CI') }}", "dest": str(tmp_path / name), "mode": "0600"},
        }
        for name in names
    ]
    ansible.playbook(play(tasks), env=op_sandbox.environment("ci")).assert_ok()
    for name in names:
        assert (tmp_path / name).read_text(encoding="utf-8") == op_sandbox.value("CI", name), name
    assert [marker for marker in markers if marker.exists()] == []
    assert op_sandbox.invocations() == ["SecretsResolveAll"] * len(names)


def test_each_unresolvable_reference_is_named_with_its_reason(ansible: AnsibleRunner, op_sandbox: OnePasswordSandbox) -> None:
    op_sandbox.add_item("Production", "TWICE", "a")
    op_sandbox.add_item("Production", "TWICE", "b")
    cases = {
        "item": ("op://Production/NOPE/password", "op://Production/NOPE/password: no item matched in that vault"),
        "field": ("op://Production/DATABASE_URL/nope", "op://Production/DATABASE_URL/nope: the item has no field of that name or id"),
        "section": ("op://Production/Admin console/Nope/email", "op://Production/Admin console/Nope/email: the item has no section of that name or id"),
        "ambiguous": ("op://Production/TWICE/password", "op://Production/TWICE/password: more than one item matched: use the item's id"),
        "invalid": (
            "op://Production/DATABASE_URL/password?attribute=type",
            "op://Production/DATABASE_URL/password?attribute=type is not a valid secret reference: secret reference has invalid query parameter value}",
        ),
        "other vault": (
            "op://CI/DATABASE_URL/password",
            "op://CI/DATABASE_URL/password: no vault matched: it does not exist or is not shared with this service account",
        ),
    }
    tasks = [
        {"name": case, "ansible.builtin.debug": {"msg": "{{ lookup('" + LOOKUP + "', '" + ref + "') }}"}, "ignore_errors": True}
        for case, (ref, _message) in cases.items()
    ]
    run = ansible.playbook(play(tasks), env=op_sandbox.environment())
    for case, (_ref, message) in cases.items():
        result = run.task(case)
        assert result.status == "ignored", case
        assert message in result.msg, (case, result.msg)


def test_on_missing_warn_and_skip_leave_the_term_out(ansible: AnsibleRunner, op_sandbox: OnePasswordSandbox) -> None:
    def term(**options: str) -> str:
        extra = "".join(f", {key}='{value}'" for key, value in options.items())
        return "{{ query('" + LOOKUP + "', 'op://Production/NOPE/password', 'op://Production/HCLOUD_TOKEN/password'" + extra + ") }}"

    tasks = [
        {"name": "warn", "ansible.builtin.debug": {"msg": term(on_missing="warn")}},
        {"name": "skip", "ansible.builtin.debug": {"msg": term(on_missing="skip")}},
        {"name": "error", "ansible.builtin.debug": {"msg": term()}, "ignore_errors": True},
        {"name": "ansible errors=ignore", "ansible.builtin.debug": {"msg": term(errors="ignore")}},
    ]
    run = ansible.playbook(play(tasks), env=op_sandbox.environment())
    token = op_sandbox.value("Production", "HCLOUD_TOKEN")
    assert run.task("warn")["msg"] == run.task("skip")["msg"] == [token]
    assert run.task("error").status == "ignored"
    assert "op://Production/NOPE/password: no item matched in that vault" in run.task("error").msg
    assert run.task("ansible errors=ignore")["msg"] == []  # Ansible's own option drops the whole call
    warnings = [line for line in run.output.splitlines() if "WARNING" in line and "NOPE" in line]
    assert len(warnings) == 1, warnings


def test_every_failing_reference_is_named_in_one_error(ansible: AnsibleRunner, op_sandbox: OnePasswordSandbox) -> None:
    term = "{{ query('" + LOOKUP + "', 'op://Production/NOPE/password', 'op://Production/HCLOUD_TOKEN/nope', 'op://Production/HCLOUD_TOKEN/password') }}"
    run = ansible.playbook(play([{"name": "two bad", "ansible.builtin.debug": {"msg": term}}]), env=op_sandbox.environment())
    message = run.task("two bad").msg
    assert "2 secret references did not resolve: op://Production/NOPE/password: no item matched in that vault; " in message
    assert "op://Production/HCLOUD_TOKEN/nope: the item has no field of that name or id" in message
    assert op_sandbox.value("Production", "HCLOUD_TOKEN") not in run.output


def test_refused_tokens_and_rate_limits_fail_even_with_on_missing_skip(ansible: AnsibleRunner, op_sandbox: OnePasswordSandbox) -> None:
    task = {"name": "read", "ansible.builtin.debug": {"msg": "{{ lookup('" + LOOKUP + "', 'op://Production/DATABASE_URL/password', on_missing='skip') }}"}}
    expired = ansible.playbook(play([task]), env=op_sandbox.environment("expired"))
    assert expired.task("read").failed
    assert "1Password did not accept the service account token (the token option or OP_SERVICE_ACCOUNT_TOKEN)" in expired.task("read").msg
    missing = ansible.playbook(play([task]), env=op_sandbox.environment(None))
    assert "no 1Password service account token: set the token option or the OP_SERVICE_ACCOUNT_TOKEN environment variable" in missing.task("read").msg
    op_sandbox.set_rate_limits(reads_per_hour=0)
    limited = ansible.playbook(play([task]), env=op_sandbox.environment())
    message = limited.task("read").msg
    assert "rate limit exceeded; this read counts against the service account token's hourly read limit" in message
    assert "10,000 reads and 1,000 writes on Business" in message


def test_token_option_and_ci_token_scope(ansible: AnsibleRunner, op_sandbox: OnePasswordSandbox) -> None:
    ci_value = "{{ lookup('" + LOOKUP + "', 'op://CI/DATABASE_URL/password', token=ci_token) }}"
    run = ansible.playbook(
        play([{"name": "ci", "ansible.builtin.debug": {"msg": ci_value}}], vars={"ci_token": op_sandbox.tokens["ci"]}),
        env=op_sandbox.environment(None),
    ).assert_ok()
    assert run.task("ci")["msg"] == op_sandbox.value("CI", "DATABASE_URL")
    assert [e["serviceAccount"] for e in op_sandbox.log()] == ["ci", "ci"]
