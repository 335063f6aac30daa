"""The client layer over onepassword-sdk: the calls it makes, its sentences, and the seam to the simulated core."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from onepassword import Client, Item, RateLimitExceededException
from pydantic import ValidationError

from ansible_collections.boltfoundry.infra.plugins.module_utils import onepassword as layer
from tests.fixtures.onepassword import OnePasswordSandbox


def test_integration_version_is_the_collections(repo_root: Path) -> None:
    galaxy = yaml.safe_load((repo_root / "galaxy.yml").read_text())
    assert layer.INTEGRATION_VERSION == galaxy["version"]
    assert layer.INTEGRATION_NAME == f"{galaxy['namespace']}.{galaxy['name']}"


def test_without_the_variable_the_native_core_is_used(op_sandbox: OnePasswordSandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    # A sandbox token given to the real SDK core is refused locally, before any request: the seam is off by default.
    monkeypatch.delenv(layer.SANDBOX_ENV, raising=False)
    with pytest.raises(layer.OnePasswordError) as raised:
        layer.Session(op_sandbox.tokens["production"]).vaults()
    assert raised.value.kind == "auth"
    assert "deserialization failed" in raised.value.details
    assert op_sandbox.log() == []


def test_the_sandbox_client_is_wired_like_the_sdks_own(op_env: OnePasswordSandbox) -> None:
    # We restate Client.authenticate's wiring for the simulated core: every API the SDK's Client declares must be there.
    client = layer.Session(op_env.tokens["production"]).client
    assert isinstance(client, Client)
    assert set(Client.__annotations__) == {"secrets", "items", "vaults", "environments", "groups"}
    assert all(getattr(client, name).inner_client.core.core.__class__.__name__ == "SimulatedCore" for name in Client.__annotations__)


def test_no_token_is_one_sentence(op_env: OnePasswordSandbox) -> None:
    with pytest.raises(layer.OnePasswordError, match=r"^no 1Password service account token: set the token option or the OP_SERVICE_ACCOUNT_TOKEN"):
        layer.Session("")


def test_a_vault_file_that_is_not_one_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(layer.SANDBOX_ENV, str(tmp_path / "missing.json"))
    with pytest.raises(layer.OnePasswordError, match=r"does not name a usable sandbox vault file: .*does not exist"):
        layer.Session("ops_x").vaults()
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"vaults": []}))
    monkeypatch.setenv(layer.SANDBOX_ENV, str(other))
    with pytest.raises(layer.OnePasswordError, match="is not a sandbox vault file"):
        layer.Session("ops_x").vaults()


def test_the_seam_fails_loudly_outside_a_source_checkout(op_sandbox: OnePasswordSandbox, collections_path: str) -> None:
    # As in a built collection: the collection importable, the checkout (and its sandbox package) not.
    script = (
        "import sys\n"
        f"sys.path = [p for p in sys.path if p not in ('', {str(Path.cwd())!r})]\n"
        f"sys.path.insert(0, {collections_path!r})\n"
        "from ansible_collections.boltfoundry.infra.plugins.module_utils.onepassword import Session, OnePasswordError\n"
        "try:\n"
        f"    Session({op_sandbox.tokens['production']!r}).vaults()\n"
        "except OnePasswordError as exc:\n"
        "    print(exc.kind, exc)\n"
    )
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env[layer.SANDBOX_ENV] = str(op_sandbox.vault_file)
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd="/", check=True)
    assert completed.stdout.startswith("sandbox BF_ONEPASSWORD_SANDBOX is set to ")
    assert "cannot be imported: unset BF_ONEPASSWORD_SANDBOX to use 1Password, or put the checkout on PYTHONPATH" in completed.stdout


def test_vaults_by_id_title_or_title_ignoring_case_from_one_list(op_env: OnePasswordSandbox) -> None:
    session = layer.Session(op_env.tokens["production"])
    production = op_env.vault("Production")
    assert session.vault(production["id"]).title == "Production"
    assert session.vault("Production").id == production["id"]
    assert session.vault("production").id == production["id"]
    assert op_env.invocations() == ["VaultsList"]


def test_unknown_vault_names_what_the_token_can_see(op_env: OnePasswordSandbox) -> None:
    with pytest.raises(layer.OnePasswordError) as raised:
        layer.Session(op_env.tokens["ci"]).vault("Production")
    assert str(raised.value) == "vault 'Production' was not found or is not shared with this service account (it can see: 'CI')"
    assert raised.value.kind == "vault_not_found"


def test_two_vaults_with_one_title_are_ambiguous(op_env: OnePasswordSandbox) -> None:
    with op_env.edit() as state:
        copy = dict(state["vaults"][1], id="zzzzzzzzzzzzzzzzzzzzzzzzzz", title="PRODUCTION", items=[])
        state["vaults"].append(copy)
        state["service_accounts"][1]["vaults"]["PRODUCTION"] = ["read_items"]
    session = layer.Session(op_env.tokens["production"])
    assert session.vault("Production").title == "Production"  # an exact title wins
    with pytest.raises(layer.OnePasswordError, match="vault 'production' is ambiguous: 2 vaults have that title"):
        session.vault("production")


def test_items_are_fetched_in_batches_of_fifty(op_env: OnePasswordSandbox) -> None:
    for number in range(110):
        op_env.add_item("CI", f"BULK_{number:03d}", f"value {number}")
    session = layer.Session(op_env.tokens["ci"])
    vault = session.vault("CI")
    tagged = session.tagged(session.list_items(vault), "BF_PRIVATE_SECRET")
    items = session.get_items(vault, [item.id for item in tagged])
    assert [item.id for item in items] == [item.id for item in tagged]
    batches = [entry["item_count"] for entry in op_env.log() if entry.get("invocation") == "ItemsGetAll"]
    assert batches == [50, 50, len(tagged) - 100]
    assert session.batches(len(tagged)) == 3


def test_an_item_gone_between_list_and_get_is_named(op_env: OnePasswordSandbox) -> None:
    session = layer.Session(op_env.tokens["ci"])
    vault = session.vault("CI")
    with pytest.raises(layer.OnePasswordError, match="item nosuchitem of vault 'CI' could not be read"):
        session.get_items(vault, ["nosuchitem"])


def test_rate_limit_sentence_names_the_limit_the_call_counts_against() -> None:
    read = layer.translate(RateLimitExceededException("rate limit exceeded"), "listing vaults")
    write = layer.translate(RateLimitExceededException("rate limit exceeded"), "updating item 'X'", write=True)
    assert read.kind == write.kind == "rate_limit"
    assert "this read counts against the service account token's hourly read limit" in str(read)
    assert "this write counts against the service account token's hourly write limit" in str(write)
    assert "1,000 reads and 100 writes on Teams" in str(read) and "daily" in str(read)


def test_a_malformed_answer_is_reported_without_its_content() -> None:
    with pytest.raises(ValidationError) as raised:
        Item.model_validate({"id": "x", "title": "t", "category": "Password", "fields": [{"value": "hunter2-secret"}]})
    error = layer.translate(raised.value, "reading item x")
    assert "hunter2-secret" not in str(error)
    assert "fields.0" in str(error)


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("invalid user input: encountered the following errors: service account token had invalid format", "auth"),
        ("authentication error: bad service account token, please rotate it: you are not authenticated", "auth"),
        ("you do not have the right permissions to perform this action: nope", "permission"),
        ("The submitted item is not up to date. Refetch the item and retry the request.", "conflict"),
        ("vault couldn't be found", "vault_not_found"),
        ("item couldn't be found", "item_not_found"),
        ("something new", "error"),
    ],
)
def test_sdk_messages_become_one_sentence_of_a_kind(message: str, kind: str) -> None:
    error = layer.translate(Exception(message), "doing X")
    assert error.kind == kind
    assert error.details == message
    assert "\n" not in str(error)


def test_a_forked_worker_gets_its_own_loop_and_clients(op_env: OnePasswordSandbox) -> None:
    layer.Session(op_env.tokens["production"]).vaults()
    parent = layer._state()
    assert parent.clients

    def child(queue: multiprocessing.Queue) -> None:
        state = layer._state()
        queue.put((state is parent, len(state.clients), [v.title for v in layer.Session(op_env.tokens["production"]).vaults()]))

    queue = multiprocessing.get_context("fork").Queue()
    process = multiprocessing.get_context("fork").Process(target=child, args=(queue,))
    process.start()
    answer = queue.get(timeout=60)
    process.join()
    assert answer == (False, 0, ["Production"])
