"""The simulated core under onepassword-sdk's own Python layer: what each invocation answers.

Every call here goes through the SDK's Client, Secrets, Items, Vaults and
Environments, its pydantic types (every answer is parsed by them) and its
error mapping; only the native library underneath is the simulated one.
Where the native library answers locally (configuration checks), it is the
oracle.
"""

from __future__ import annotations

import asyncio
import json
import platform
import re
import time

import onepassword
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from onepassword import (
    ItemCategory,
    ItemCreateParams,
    ItemField,
    ItemFieldType,
    ItemListFilterByState,
    ItemListFilterByStateInner,
    ItemSection,
    RateLimitExceededException,
)
from onepassword.defaults import new_default_config

from ansible_collections.boltfoundry.infra.plugins.module_utils import onepassword as layer
from sandbox.onepassword import fields
from sandbox.onepassword.core import SimulatedCore, make_token
from tests.fixtures.onepassword import OnePasswordSandbox

if platform.machine().lower() in ("aarch64", "arm64"):
    import onepassword.lib.aarch64.op_uniffi_core as native
else:
    import onepassword.lib.x86_64.op_uniffi_core as native


def client(op: OnePasswordSandbox, account: str = "production"):
    return layer.Session(op.tokens[account]).client


def call(coroutine):
    return layer.run(coroutine)


def vault_id(op: OnePasswordSandbox, title: str) -> str:
    return op.vault(title)["id"]


def item_id(op: OnePasswordSandbox, vault: str, title: str) -> str:
    (item,) = op.items(vault, title)
    return item["id"]


# -- authentication -------------------------------------------------------------
CONFIGS = [
    {"token": "", "name": "bf", "version": "1"},
    {"token": "not-a-token", "name": "bf", "version": "1"},
    {"token": "not-a-token", "name": "", "version": "1"},
    {"token": "", "name": "", "version": ""},
    {"token": "ops_x", "name": "bf", "version": ""},
]


@pytest.mark.parametrize("config", CONFIGS)
def test_configuration_errors_are_the_native_cores(op_env: OnePasswordSandbox, config: dict[str, str]) -> None:
    payload = json.dumps(new_default_config(config["token"], config["name"], config["version"]))

    def answer(core) -> dict[str, str]:
        with pytest.raises(Exception) as raised:  # both cores raise their own Error class
            asyncio.run(core.init_client(payload))
        return json.loads(raised.value.msg)

    assert answer(SimulatedCore(op_env.vault_file)) == answer(native)


def test_native_core_refuses_sandbox_tokens_before_any_network_call(op_sandbox: OnePasswordSandbox) -> None:
    payload = json.dumps(new_default_config(op_sandbox.tokens["production"], "bf", "1"))
    started = time.monotonic()
    with pytest.raises(native.Error) as raised:
        asyncio.run(asyncio.wait_for(native.init_client(payload), timeout=20))
    assert json.loads(raised.value.msg)["name"] == "ServiceAccountTokenParsing"
    assert time.monotonic() - started < 5


def test_simulated_core_refuses_tokens_that_are_not_its_own(op_env: OnePasswordSandbox) -> None:
    real_looking = "ops_eyJzaWduSW5BZGRyZXNzIjoibXkuMXBhc3N3b3JkLmNvbSJ9"
    with pytest.raises(layer.OnePasswordError) as raised:
        layer.Session(real_looking).client  # noqa: B018 - authenticating is the point
    assert raised.value.kind == "auth"
    assert "sandbox tokens" in raised.value.details
    unknown = make_token("nobody", "x")
    with pytest.raises(layer.OnePasswordError, match="malformed, expired or revoked"):
        layer.Session(unknown).client  # noqa: B018


def test_expired_token_is_refused(op_env: OnePasswordSandbox) -> None:
    with pytest.raises(layer.OnePasswordError) as raised:
        client(op_env, "expired")
    assert raised.value.kind == "auth"


def test_init_client_logs_the_integration_and_never_the_token(op_env: OnePasswordSandbox) -> None:
    client(op_env)
    (entry,) = op_env.log()
    assert entry["integration"] == f"{layer.INTEGRATION_NAME}/{layer.INTEGRATION_VERSION}"
    assert op_env.tokens["production"] not in op_env.vault_file.with_suffix(".invocations.jsonl").read_text()


# -- vault access -----------------------------------------------------------------
def test_each_token_sees_only_its_vaults(op_env: OnePasswordSandbox) -> None:
    assert [v.title for v in call(client(op_env, "ci").vaults.list())] == ["CI"]
    production = call(client(op_env).vaults.list())
    assert [v.title for v in production] == ["Production"]
    assert production[0].active_item_count == len([i for i in op_env.vault("Production")["items"] if i.get("state", "active") == "active"])


def test_ci_token_cannot_read_the_production_vault(op_env: OnePasswordSandbox) -> None:
    ci = client(op_env, "ci")
    with pytest.raises(Exception, match="vault couldn't be found"):
        call(ci.items.list(vault_id(op_env, "Production")))
    answer = call(ci.secrets.resolve_all(["op://Production/DATABASE_URL/password"]))
    assert answer.individual_responses["op://Production/DATABASE_URL/password"].error.type.value == "vaultNotFound"


def test_read_only_token_cannot_write(op_env: OnePasswordSandbox) -> None:
    readonly = client(op_env, "production-readonly")
    params = ItemCreateParams(category=ItemCategory.PASSWORD, vault_id=vault_id(op_env, "Production"), title="X", fields=[])
    with pytest.raises(Exception, match="right permissions"):
        call(readonly.items.create(params))
    assert call(readonly.items.list(vault_id(op_env, "Production")))


# -- items --------------------------------------------------------------------------
def test_list_answers_active_items_unless_filtered_by_state(op_env: OnePasswordSandbox) -> None:
    sdk = client(op_env)
    production = vault_id(op_env, "Production")
    active = {i.title for i in call(sdk.items.list(production))}
    assert "RETIRED_SECRET" not in active
    assert {"DATABASE_URL", "HCLOUD_TOKEN", "Admin console"} <= active
    archived = call(sdk.items.list(production, ItemListFilterByState(content=ItemListFilterByStateInner(active=False, archived=True))))
    assert [i.title for i in archived] == ["RETIRED_SECRET"]


def test_get_all_takes_at_most_fifty_and_answers_per_item(op_env: OnePasswordSandbox) -> None:
    sdk = client(op_env)
    production = vault_id(op_env, "Production")
    ids = [i.id for i in call(sdk.items.list(production))]
    with pytest.raises(Exception, match="you can only retrieve up to 50 items at once"):
        call(sdk.items.get_all(production, ids + ["x"] * (51 - len(ids))))
    answer = call(sdk.items.get_all(production, [ids[0], "nosuchitem"]))
    assert answer.individual_responses[0].content.id == ids[0]
    assert answer.individual_responses[1].error.type.value == "itemNotFound"


def test_put_checks_the_version_and_persists(op_env: OnePasswordSandbox) -> None:
    sdk = client(op_env)
    item = call(sdk.items.get(vault_id(op_env, "Production"), item_id(op_env, "Production", "DATABASE_URL")))
    item.fields[0].value = "changed"
    saved = call(sdk.items.put(item))
    assert saved.version == item.version + 1
    assert op_env.value("Production", "DATABASE_URL") == "changed"
    with pytest.raises(Exception, match=re.escape("The submitted item is not up to date. Refetch the item and retry the request.")):
        call(sdk.items.put(item))


def test_create_and_delete_persist(op_env: OnePasswordSandbox) -> None:
    sdk = client(op_env)
    production = vault_id(op_env, "Production")
    params = ItemCreateParams(
        category=ItemCategory.PASSWORD,
        vault_id=production,
        title="NEW_SECRET",
        fields=[ItemField(id="password", title="password", field_type=ItemFieldType.CONCEALED, value="v")],
        tags=["BF_PRIVATE_SECRET"],
    )
    created = call(sdk.items.create(params))
    assert (created.version, created.tags) == (1, ["BF_PRIVATE_SECRET"])
    assert op_env.value("Production", "NEW_SECRET") == "v"
    call(sdk.items.delete(production, created.id))
    assert op_env.items("Production", "NEW_SECRET") == []
    with pytest.raises(Exception, match="item couldn't be found"):
        call(sdk.items.get(production, created.id))


def test_fields_must_name_existing_sections(op_env: OnePasswordSandbox) -> None:
    params = ItemCreateParams(
        category=ItemCategory.LOGIN,
        vault_id=vault_id(op_env, "Production"),
        title="x",
        fields=[ItemField(id="f", title="f", section_id="nope", field_type=ItemFieldType.TEXT, value="v")],
        sections=[ItemSection(id="s", title="S")],
    )
    with pytest.raises(Exception, match="no section found with given section ID"):
        call(client(op_env).items.create(params))


# -- secret references ------------------------------------------------------------
def resolve(op: OnePasswordSandbox, *refs: str, account: str = "production") -> dict[str, object]:
    answer = call(client(op, account).secrets.resolve_all(list(refs)))
    return {ref: (r.content.secret if r.content else r.error.type.value) for ref, r in answer.individual_responses.items()}


def test_references_follow_1passwords_matching_rules(op_env: OnePasswordSandbox) -> None:
    login = op_env.items("Production", "Admin console")[0]
    section_field = next(f for f in login["fields"] if f["title"] == "email")
    answers = resolve(
        op_env,
        "op://production/admin CONSOLE/password",  # names ignore case; the default section wins over a named one
        "op://Production/Admin console/Admin/password",
        f"op://{login['vaultId']}/{login['id']}/{section_field['id']}",
        "op://Production/Admin console/email",  # only in a section: found anywhere
        "op://Production/Admin console/Nope/email",
        "op://Production/Admin console/nope",
        "op://Production/Nope/password",
        "op://Production/Ops notes/notesPlain",
        "op://Production/DATABASE_URL/password?attribute=otp",
        "op://Production/DATABASE_URL/password?ssh-format=openssh",
        "op://Production/Admin console/password?foo=bar",
    )
    assert answers == {
        "op://production/admin CONSOLE/password": "sandbox-production-admin-console-password",
        "op://Production/Admin console/Admin/password": "sandbox-production-admin-section-password",
        f"op://{login['vaultId']}/{login['id']}/{section_field['id']}": "ops-production@example.com",
        "op://Production/Admin console/email": "ops-production@example.com",
        "op://Production/Admin console/Nope/email": "noMatchingSections",
        "op://Production/Admin console/nope": "fieldNotFound",
        "op://Production/Nope/password": "itemNotFound",
        "op://Production/Ops notes/notesPlain": op_env.items("Production", "Ops notes")[0]["notes"],
        "op://Production/DATABASE_URL/password?attribute=otp": "incompatibleTOTPQueryParameterField",
        "op://Production/DATABASE_URL/password?ssh-format=openssh": "incompatibleSshKeyQueryParameterField",
        "op://Production/Admin console/password?foo=bar": "parsing",
    }


def test_two_items_with_one_title_are_ambiguous(op_env: OnePasswordSandbox) -> None:
    op_env.add_item("Production", "DATABASE_URL", "second")
    assert resolve(op_env, "op://Production/DATABASE_URL/password") == {"op://Production/DATABASE_URL/password": "tooManyItems"}


def test_resolve_reports_errors_as_the_sdk_documents(op_env: OnePasswordSandbox) -> None:
    sdk = client(op_env)
    assert call(sdk.secrets.resolve("op://Production/HCLOUD_TOKEN/password")) == op_env.value("Production", "HCLOUD_TOKEN")
    with pytest.raises(Exception, match=r"^error resolving secret reference: no item matched the secret reference query$"):
        call(sdk.secrets.resolve("op://Production/Nope/password"))
    # The SDK's own test expects exactly this message from the real core.
    expected = 'error resolving secret reference: the secret reference could not be parsed: secret reference is not prefixed with "op://"'
    with pytest.raises(Exception) as raised:
        call(sdk.secrets.resolve("invalid_reference"))
    assert str(raised.value) == expected


def test_totp_codes_follow_rfc_6238() -> None:
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # RFC 6238's SHA-1 seed "12345678901234567890"
    assert fields.totp_code(f"otpauth://totp/x?secret={secret}&digits=8", now=59) == "94287082"
    assert fields.totp_code(f"otpauth://totp/x?secret={secret}&digits=8", now=1111111109) == "07081804"


def test_otp_attribute_answers_the_current_code(op_env: OnePasswordSandbox) -> None:
    value = next(f["value"] for f in op_env.items("Production", "Admin console")[0]["fields"] if f["fieldType"] == "Totp")
    before = fields.totp_code(value)
    code = resolve(op_env, "op://Production/Admin console/one-time password?attribute=totp")["op://Production/Admin console/one-time password?attribute=totp"]
    assert code in {before, fields.totp_code(value)}
    item = call(client(op_env).items.get(vault_id(op_env, "Production"), item_id(op_env, "Production", "Admin console")))
    otp = next(f for f in item.fields if f.field_type == ItemFieldType.TOTP)
    assert otp.details.content.code is not None


def test_ssh_keys_get_attributes_and_the_openssh_format(op_env: OnePasswordSandbox) -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    sdk = client(op_env)
    params = ItemCreateParams(
        category=ItemCategory.SSHKEY,
        vault_id=vault_id(op_env, "Production"),
        title="deploy key",
        fields=[ItemField(id="private_key", title="private key", field_type=ItemFieldType.SSHKEY, value=pem)],
    )
    created = call(sdk.items.create(params))
    attributes = created.fields[0].details.content
    public = key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()
    assert (attributes.public_key, attributes.key_type) == (public, "Ed25519")
    assert attributes.fingerprint.startswith("SHA256:")
    openssh = call(sdk.secrets.resolve("op://Production/deploy key/private key?ssh-format=openssh"))
    assert openssh.startswith("-----BEGIN OPENSSH PRIVATE KEY-----")
    loaded = serialization.load_ssh_private_key(openssh.encode(), password=None)
    assert loaded.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode() == public


# -- limits, faults, environments, the log ------------------------------------------
def test_rate_limits_raise_the_sdks_own_exception(op_env: OnePasswordSandbox) -> None:
    op_env.set_rate_limits(reads_per_hour=2, writes_per_hour=1)
    sdk = client(op_env)
    production = vault_id(op_env, "Production")
    call(sdk.vaults.list())
    call(sdk.items.list(production))
    with pytest.raises(RateLimitExceededException, match="rate limit exceeded"):
        call(sdk.items.list(production))
    # Writes are counted apart from reads, per token.
    call(sdk.items.delete(production, item_id(op_env, "Production", "DATABASE_URL")))
    with pytest.raises(RateLimitExceededException):
        call(sdk.items.delete(production, item_id(op_env, "Production", "HCLOUD_TOKEN")))
    assert call(client(op_env, "production-readonly").vaults.list())
    op_env.set_rate_limits(requests_per_day=len([e for e in op_env.log() if e["outcome"] == "ok" and e["call"] == "invoke"]))
    with pytest.raises(RateLimitExceededException):
        call(client(op_env, "ci").vaults.list())


def test_faults_answer_an_error_or_edit_behind_the_callers_back(op_env: OnePasswordSandbox) -> None:
    sdk = client(op_env)
    production = vault_id(op_env, "Production")
    op_env.add_fault(invocation="VaultsList", count=1, error={"name": "Internal", "message": "boom"})
    with pytest.raises(Exception, match=r"^boom$"):
        call(sdk.vaults.list())
    assert call(sdk.vaults.list())
    op_env.add_fault(invocation="ItemsGet", concurrent_edit=True)
    item = call(sdk.items.get(production, item_id(op_env, "Production", "DATABASE_URL")))
    with pytest.raises(Exception, match="not up to date"):
        call(sdk.items.put(item))


def test_environments_answer_their_variables_to_granted_tokens(op_env: OnePasswordSandbox) -> None:
    environment = op_env.state()["environments"][0]
    answer = call(client(op_env).environments.get_variables(environment["id"]))
    assert {v.name: v.value for v in answer.variables} == {v["name"]: v["value"] for v in environment["variables"]}
    with pytest.raises(Exception, match="environment couldn't be found"):
        call(client(op_env, "ci").environments.get_variables(environment["id"]))


def test_unknown_clients_and_unimplemented_invocations_are_internal_errors(op_env: OnePasswordSandbox) -> None:
    sdk = client(op_env)
    with pytest.raises(Exception, match="does not implement ItemsArchive"):
        call(sdk.items.archive(vault_id(op_env, "Production"), "x"))
    core = SimulatedCore(op_env.vault_file)
    envelope = {"invocation": {"clientId": 99, "parameters": {"name": "VaultsList", "parameters": {"params": None}}}}
    with pytest.raises(Exception) as raised:
        asyncio.run(core.invoke(json.dumps(envelope)))
    internal = "an internal error occurred, please contact 1Password at support@1password.com or https://developer.1password.com/joinslack: "
    assert json.loads(raised.value.msg) == {"name": "Internal", "message": internal + "invalid client id"}


def test_the_log_names_invocations_and_never_holds_a_value(op_env: OnePasswordSandbox) -> None:
    sdk = client(op_env)
    production = vault_id(op_env, "Production")
    ids = [i.id for i in call(sdk.items.list(production))]
    call(sdk.items.get_all(production, ids))
    call(sdk.secrets.resolve_all(["op://Production/DATABASE_URL/password"]))
    assert op_env.invocations() == ["ItemsList", "ItemsGetAll", "SecretsResolveAll"]
    assert op_env.log()[2]["item_count"] == len(ids)
    text = op_env.vault_file.with_suffix(".invocations.jsonl").read_text()
    leaked = [value for value in op_env.all_values() if len(value) >= 6 and value in text]
    assert leaked == []


def test_sdk_version_is_the_one_the_protocol_was_read_from() -> None:
    assert onepassword.build_number.SDK_BUILD_NUMBER.startswith("00402")
