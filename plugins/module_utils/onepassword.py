# Copyright: Bolt Foundry
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one layer between our plugins and onepassword-sdk.

It authenticates with a service account token under our integration name,
runs the SDK's coroutines on one event loop per process, keeps one
authenticated client per token (Ansible evaluates a lookup every time a
variable is used, and authenticating is the slow part), and turns every
failure into one sentence that says what is wrong and never holds a secret.

The calls are the ones the issue's call budgets count: a vault by name or id
is one ``vaults.list``; "every item tagged X in vault V" is one
``items.list`` filtered here plus ``items.get_all`` in batches of at most 50;
a set of references is one ``secrets.resolve_all``.

The simulated core. When ``BF_ONEPASSWORD_SANDBOX`` names a sandbox vault
file, the SDK's ``UniffiCore`` is given the simulated native core from the
source checkout's ``sandbox/onepassword`` instead of the native library, and
everything above it (the SDK's Client, Secrets, Items, Vaults, its types and
error mapping) runs unchanged. Only tests and ``make sandbox`` set the
variable; the simulated core is not part of the built collection, accepts
only its own sandbox tokens, and every plugin says in its output when it ran
against it.
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib
import math
import os
import traceback
import weakref
from typing import Any, Dict, Iterable, List, Optional, Tuple

try:
    from onepassword import (
        Client,
        ItemCategory,
        ItemCreateParams,
        ItemField,
        ItemFieldType,
        RateLimitExceededException,
    )
    from onepassword.core import InnerClient, UniffiCore
    from onepassword.defaults import new_default_config
    from onepassword.environments import Environments
    from onepassword.groups import Groups
    from onepassword.items import Items
    from onepassword.secrets import Secrets
    from onepassword.vaults import Vaults
    from pydantic import ValidationError
except ImportError:
    HAS_SDK = False
    SDK_IMPORT_ERROR: Optional[str] = traceback.format_exc()
else:
    HAS_SDK = True
    SDK_IMPORT_ERROR = None

INTEGRATION_NAME = "boltfoundry.infra"
INTEGRATION_VERSION = "0.1.0"  # the collection's version (galaxy.yml); a test keeps them equal
TOKEN_ENV = "OP_SERVICE_ACCOUNT_TOKEN"  # noqa: S105 - the variable's name, not a token

SANDBOX_ENV = "BF_ONEPASSWORD_SANDBOX"
SANDBOX_CORE_MODULE = "sandbox.onepassword.core"

DEFAULT_TAG = "BF_PRIVATE_SECRET"
DEFAULT_FIELD = "password"
MAX_BATCH = 50  # items.get_all refuses more

# What 1Password's service account limits are, for the rate-limit sentence.
RATE_LIMITS = (
    "1Password limits each service account token per hour (1,000 reads and 100 writes on Teams and Families, "
    "10,000 reads and 1,000 writes on Business) and each account per day across all its service accounts "
    "(5,000 requests on Teams, 50,000 on Business)"
)

# Words of the core's messages that say the token itself was refused.
AUTH_MARKERS = (
    "service account token",
    "authentication error",
    "not authenticated",
    "bad credentials",
    "session expired",
)


class OnePasswordError(Exception):
    """One sentence for the user (``str``), a ``kind`` for code, and the SDK's own words in ``details``."""

    def __init__(self, message: str, kind: str = "error", details: Optional[str] = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.details = details

    def as_result(self) -> Dict[str, Any]:
        """What a module puts beside ``msg``: the kind and the SDK's message."""
        return {"kind": self.kind, "details": self.details}


def require_sdk() -> None:
    if not HAS_SDK:
        raise OnePasswordError(
            "the Python package onepassword-sdk (0.4.2) is not installed for the Python that runs this plugin: "
            "pip install onepassword-sdk==0.4.2 (it needs glibc 2.32 or newer)",
            kind="sdk_missing",
            details=SDK_IMPORT_ERROR,
        )


# -- the simulated core seam --------------------------------------------------
def sandbox_vault_file() -> Optional[str]:
    """The sandbox vault file when the simulated core is selected, else None."""
    value = os.environ.get(SANDBOX_ENV, "").strip()
    return value or None


def sandbox_notice(path: str) -> str:
    return f"{SANDBOX_ENV} is set: these 1Password calls went to the simulated 1Password core over the sandbox vault file {path}, not to 1Password"


def _simulated_native_core(path: str) -> Any:
    try:
        module = importlib.import_module(SANDBOX_CORE_MODULE)
    except ImportError as exc:
        raise OnePasswordError(
            f"{SANDBOX_ENV} is set to {path}, but the simulated 1Password core (package sandbox.onepassword of a "
            f"boltfoundry.infra source checkout, never part of the built collection) cannot be imported: unset "
            f"{SANDBOX_ENV} to use 1Password, or put the checkout on PYTHONPATH",
            kind="sandbox",
            details=str(exc),
        ) from None
    store = importlib.import_module("sandbox.onepassword.store")
    try:
        store.load(path)
    except store.VaultFileError as exc:
        raise OnePasswordError(f"{SANDBOX_ENV} does not name a usable sandbox vault file: {exc}", kind="sandbox") from None
    return module.SimulatedCore(path)


# -- one event loop and one client per token, per process ---------------------
class _ProcessState:
    """Forked Ansible workers must not reuse their parent's loop or clients."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.loop: Optional[asyncio.AbstractEventLoop] = None
        self.clients: Dict[Tuple[str, Optional[str]], Any] = {}
        self.cores: Dict[str, Any] = {}


_STATE = _ProcessState()


def _state() -> _ProcessState:
    global _STATE  # noqa: PLW0603 - one state per process, replaced after a fork
    if _STATE.pid != os.getpid():
        _STATE = _ProcessState()
    return _STATE


def run(coroutine: Any) -> Any:
    """Run one SDK coroutine on this process's event loop."""
    state = _state()
    if state.loop is None or state.loop.is_closed():
        state.loop = asyncio.new_event_loop()
    return state.loop.run_until_complete(coroutine)


def token_fingerprint(token: str) -> str:
    """A short, non-reversible name for a token (cache keys, never shown)."""
    return hashlib.sha256(token.encode()).hexdigest()[:16]


async def _authenticate_with(native: Any, token: str) -> Any:
    """``Client.authenticate`` with ``native`` where UniffiCore loads the native library; nothing else differs."""

    class SimulatedUniffiCore(UniffiCore):
        def __init__(self, module: Any) -> None:  # pylint: disable=super-init-not-called
            self.core = module  # the SDK's own UniffiCore code serializes, sends and maps errors

    core = SimulatedUniffiCore(native)
    config = new_default_config(auth=token, integration_name=INTEGRATION_NAME, integration_version=INTEGRATION_VERSION)
    client_id = int(await core.init_client(config))
    inner = InnerClient(client_id, core, config)
    client = Client()
    client.secrets = Secrets(inner)
    client.items = Items(inner)
    client.vaults = Vaults(inner)
    client.environments = Environments(inner)
    client.groups = Groups(inner)
    weakref.finalize(client, core.release_client, client_id)
    return client


def _client(token: str) -> Any:
    state = _state()
    sandbox = sandbox_vault_file()
    key = (token_fingerprint(token), sandbox)
    if key not in state.clients:
        if sandbox is None:
            coroutine = Client.authenticate(auth=token, integration_name=INTEGRATION_NAME, integration_version=INTEGRATION_VERSION)
        else:
            if sandbox not in state.cores:
                state.cores[sandbox] = _simulated_native_core(sandbox)
            coroutine = _authenticate_with(state.cores[sandbox], token)
        try:
            state.clients[key] = run(coroutine)
        except Exception as exc:  # noqa: BLE001 - every SDK failure becomes one sentence
            raise translate(exc, "authenticating the service account token") from None
    return state.clients[key]


# -- errors -------------------------------------------------------------------
def translate(exc: BaseException, action: str, *, write: bool = False) -> OnePasswordError:
    """One sentence for an SDK failure during ``action``; the SDK's message goes to ``details``."""
    if isinstance(exc, OnePasswordError):
        return exc
    if HAS_SDK and isinstance(exc, RateLimitExceededException):
        counted = "write" if write else "read"
        return OnePasswordError(
            f"1Password refused {action}: rate limit exceeded; this {counted} counts against the service account "
            f"token's hourly {counted} limit and the account's daily request limit ({RATE_LIMITS}); "
            f"see `op service-account ratelimit`, then retry after the window resets",
            kind="rate_limit",
            details=str(exc),
        )
    if HAS_SDK and isinstance(exc, ValidationError):
        # pydantic's own message quotes the input, which can hold secrets: keep only where it failed.
        places = sorted({".".join(str(part) for part in error["loc"]) for error in exc.errors()})
        return OnePasswordError(
            f"1Password's answer to {action} does not have the shape onepassword-sdk expects (at {', '.join(places) or 'the top level'})",
            kind="error",
        )
    message = str(exc)
    lowered = message.lower()
    if any(marker in lowered for marker in AUTH_MARKERS):
        return OnePasswordError(
            f"1Password did not accept the service account token (the token option or {TOKEN_ENV}) while {action}: "
            f"it is malformed, expired or revoked ({message})",
            kind="auth",
            details=message,
        )
    if "right permissions" in lowered:
        return OnePasswordError(f"the service account may not do this ({action}): 1Password said: {message}", kind="permission", details=message)
    if "not up to date" in lowered:
        return OnePasswordError(
            f"the item changed in 1Password while {action}; run again to apply the change to the new version", kind="conflict", details=message
        )
    if "vault couldn't be found" in lowered:
        return OnePasswordError(f"the vault was not found, or is not shared with this service account, while {action}", kind="vault_not_found", details=message)
    if "item couldn't be found" in lowered:
        return OnePasswordError(f"the item was not found while {action} (it was deleted or archived meanwhile)", kind="item_not_found", details=message)
    return OnePasswordError(f"1Password failed while {action}: {message or type(exc).__name__}", kind="error", details=message)


REFERENCE_ERRORS = {
    "vaultNotFound": "no vault matched: it does not exist or is not shared with this service account",
    "tooManyVaults": "more than one vault matched: use the vault's id",
    "itemNotFound": "no item matched in that vault",
    "tooManyItems": "more than one item matched: use the item's id",
    "noMatchingSections": "the item has no section of that name or id",
    "fieldNotFound": "the item has no field of that name or id",
    "tooManyMatchingFields": "more than one field matched: name the section or use the field's id",
    "incompatibleTOTPQueryParameterField": "attribute=otp/totp only applies to one-time password fields",
    "incompatibleSshKeyQueryParameterField": "ssh-format only applies to SSH private key fields",
}


def reference_error(reference: str, error: Any) -> OnePasswordError:
    kind = getattr(getattr(error, "type", None), "value", str(getattr(error, "type", "other")))
    detail = getattr(error, "message", None)
    if kind == "parsing":
        return OnePasswordError(f"{reference} is not a valid secret reference: {detail}", kind="invalid_reference", details=detail)
    text = REFERENCE_ERRORS.get(kind, detail or kind)
    mapped = {"vaultNotFound": "vault_not_found", "itemNotFound": "item_not_found", "fieldNotFound": "field_not_found", "noMatchingSections": "field_not_found"}
    ambiguous = kind.startswith("tooMany")
    return OnePasswordError(f"{reference}: {text}", kind="ambiguous" if ambiguous else mapped.get(kind, "error"), details=detail or kind)


# -- the calls ----------------------------------------------------------------
class Session:
    """The calls our plugins make, for one token; vaults are listed once per session."""

    def __init__(self, token: Optional[str]) -> None:
        require_sdk()
        if not token:
            raise OnePasswordError(f"no 1Password service account token: set the token option or the {TOKEN_ENV} environment variable", kind="auth")
        self.token = token
        self.sandbox = sandbox_vault_file()
        self._vaults: Optional[List[Any]] = None

    @property
    def client(self) -> Any:
        return _client(self.token)

    def _call(self, action: str, coroutine_factory: Any, *, write: bool = False) -> Any:
        client = self.client
        try:
            return run(coroutine_factory(client))
        except Exception as exc:  # noqa: BLE001 - every SDK failure becomes one sentence
            raise translate(exc, action, write=write) from None

    def vaults(self) -> List[Any]:
        if self._vaults is None:
            self._vaults = self._call("listing vaults", lambda c: c.vaults.list())
        return self._vaults

    def vault(self, wanted: str) -> Any:
        """A vault by id or title (exact first, then ignoring case), from one ``vaults.list``."""
        vaults = self.vaults()
        for vault in vaults:
            if vault.id == wanted:
                return vault
        for match in (lambda v: v.title == wanted, lambda v: v.title.casefold() == wanted.casefold()):
            found = [v for v in vaults if match(v)]
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                ids = ", ".join(v.id for v in found)
                raise OnePasswordError(f"vault {wanted!r} is ambiguous: {len(found)} vaults have that title ({ids}); give the vault's id", kind="ambiguous")
        visible = ", ".join(sorted(repr(v.title) for v in vaults)) or "none"
        raise OnePasswordError(
            f"vault {wanted!r} was not found or is not shared with this service account (it can see: {visible})",
            kind="vault_not_found",
        )

    def list_items(self, vault: Any) -> List[Any]:
        return self._call(f"listing the items of vault {vault.title!r}", lambda c: c.items.list(vault.id))

    @staticmethod
    def tagged(overviews: Iterable[Any], tag: str) -> List[Any]:
        return [item for item in overviews if tag in item.tags]

    def get_items(self, vault: Any, item_ids: List[str]) -> List[Any]:
        """Full items in ``item_ids`` order, ``items.get_all`` in batches of at most 50."""
        found: List[Any] = []
        for start in range(0, len(item_ids), MAX_BATCH):
            batch = item_ids[start : start + MAX_BATCH]
            answer = self._call(f"reading {len(batch)} items of vault {vault.title!r}", lambda c, b=batch: c.items.get_all(vault.id, b))
            if len(answer.individual_responses) != len(batch):
                raise OnePasswordError(f"1Password answered {len(answer.individual_responses)} items for the {len(batch)} asked of vault {vault.title!r}")
            for item_id, response in zip(batch, answer.individual_responses, strict=True):
                if response.error is not None:
                    raise OnePasswordError(
                        f"item {item_id} of vault {vault.title!r} could not be read ({getattr(response.error.type, 'value', response.error.type)}): "
                        "it was deleted or archived meanwhile; run again",
                        kind="item_not_found",
                    )
                found.append(response.content)
        return found

    @staticmethod
    def batches(count: int) -> int:
        return math.ceil(count / MAX_BATCH)

    def get_item(self, vault: Any, item_id: str) -> Any:
        return self._call(f"reading item {item_id} of vault {vault.title!r}", lambda c: c.items.get(vault.id, item_id))

    def create_item(self, vault: Any, params: Any) -> Any:
        return self._call(f"creating item {params.title!r} in vault {vault.title!r}", lambda c: c.items.create(params), write=True)

    def put_item(self, vault: Any, item: Any) -> Any:
        return self._call(f"updating item {item.title!r} in vault {vault.title!r}", lambda c: c.items.put(item), write=True)

    def delete_item(self, vault: Any, item: Any) -> None:
        self._call(f"deleting item {item.title!r} from vault {vault.title!r}", lambda c: c.items.delete(vault.id, item.id), write=True)

    def resolve_all(self, refs: List[str]) -> Dict[str, Tuple[Optional[str], Optional[OnePasswordError]]]:
        """Every reference in one ``secrets.resolve_all``: value or error per reference."""
        answer = self._call(f"resolving {len(refs)} secret reference(s)", lambda c: c.secrets.resolve_all(refs))
        results: Dict[str, Tuple[Optional[str], Optional[OnePasswordError]]] = {}
        for ref in refs:
            response = answer.individual_responses.get(ref)
            if response is None:
                results[ref] = (None, OnePasswordError(f"{ref}: 1Password gave no answer for this reference", kind="error"))
            elif response.error is not None:
                results[ref] = (None, reference_error(ref, response.error))
            else:
                results[ref] = (response.content.secret, None)
        return results


def field_value(item: Any, field: str) -> Optional[str]:
    """The value of the field with this id or title (id first), or None."""
    for match in (lambda f: f.id == field, lambda f: f.title == field):
        for candidate in item.fields:
            if match(candidate):
                return candidate.value
    return None


def secret_item_params(*, vault_id: str, title: str, field: str, value: str, tags: List[str], notes: str) -> Any:
    """A new secret: a Password item whose one concealed field holds the value."""
    return ItemCreateParams(
        category=ItemCategory.PASSWORD,
        vault_id=vault_id,
        title=title,
        fields=[ItemField(id=field, title=field, field_type=ItemFieldType.CONCEALED, value=value)],
        sections=[],
        notes=notes,
        tags=tags,
    )


def new_concealed_field(field: str, value: str) -> Any:
    return ItemField(id=field, title=field, field_type=ItemFieldType.CONCEALED, value=value)
