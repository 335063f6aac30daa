"""A playbook using every 1Password plugin and the secrets role at -vvvv prints no secret value."""

from __future__ import annotations

import json
from pathlib import Path

from tests.fixtures.onepassword import OnePasswordSandbox
from tests.harness import AnsibleRunner

LOOKUP = "boltfoundry.infra.onepassword"
INFRA_TAG = "BF_INFRA_SECRET"
ROTATED = "rotated-value-7d41c2 with 'quotes' and $(dollar)"


def spellings(value: str) -> set[str]:
    """The ways a value could show up in output: as is, JSON-escaped, ASCII-escaped, and each longer line of it."""
    forms = {value, json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=True)[1:-1]}
    forms |= {line for line in value.splitlines() if len(line) >= 8}
    return {form for form in forms if len(form) >= 4}


def test_nothing_secret_is_printed_at_vvvv(ansible: AnsibleRunner, op_sandbox: OnePasswordSandbox, tmp_path: Path) -> None:
    env_file = tmp_path / "app.env"
    plays = [
        {
            "name": "every 1Password plugin, verbosely",
            "hosts": "localhost",
            "connection": "local",
            "gather_facts": False,
            "vars": {"infra": "{{ query('" + LOOKUP + "', 'HCLOUD_TOKEN', 'CLOUDFLARE_API_TOKEN', 'S3_SECRET_ACCESS_KEY', vault='Production') }}"},
            "tasks": [
                {"name": "keep an infra token for later", "ansible.builtin.set_fact": {"hcloud_token": "{{ infra[0] }}"}, "no_log": True},
                {
                    "name": "secret set from a looked-up value",
                    "boltfoundry.infra.onepassword_secret": {"name": "COPIED_TOKEN", "value": "{{ hcloud_token }}", "vault": "Production", "tags": [INFRA_TAG]},
                },
                {
                    "name": "a failing lookup names the reference only",
                    "ansible.builtin.debug": {"msg": "{{ lookup('" + LOOKUP + "', 'op://Production/DATABASE_URL/nope', 'DATABASE_URL', vault='Production') }}"},
                    "ignore_errors": True,
                },
                {
                    "name": "the secrets role: secret set, then sync",
                    "ansible.builtin.include_role": {"name": "boltfoundry.infra.secrets"},
                    "vars": {
                        "secrets_environment": "production",
                        "secrets_env_file": str(env_file),
                        "secrets_set": [{"name": "ROTATED_KEY", "value": "{{ rotated_value }}"}, {"name": "HYPERDX_API_KEY", "state": "absent"}],
                    },
                },
                {"name": "the names are fine to show", "ansible.builtin.debug": {"var": "secrets_app_secret_names"}},
            ],
        }
    ]
    run = ansible.playbook(plays, extra_vars={"rotated_value": ROTATED}, diff=True, verbosity=4, env=op_sandbox.environment())
    assert run.rc == 0, run.output
    assert run.task("a failing lookup names the reference only").status == "ignored"
    assert "ROTATED_KEY" in run.task("the names are fine to show")["secrets_app_secret_names"]
    assert "went to the simulated 1Password core" in run.output
    secrets = [*op_sandbox.all_values(), ROTATED]
    assert op_sandbox.value("Production", "COPIED_TOKEN") == op_sandbox.value("Production", "HCLOUD_TOKEN")
    leaked = sorted({form for value in secrets for form in spellings(value) if form in run.output})
    assert leaked == []
    assert len(run.output) > 20_000  # -vvvv really was verbose
