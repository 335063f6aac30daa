"""The simulated 1Password world for ``make sandbox``: a copy of the seed and the environment that selects it."""

from __future__ import annotations

import shutil
from pathlib import Path

from sandbox.onepassword import SANDBOX_ENV, SEED_VAULT
from sandbox.onepassword.store import VaultFile, load

REPO_ROOT = Path(__file__).resolve().parents[2]


def prepare(directory: Path, *, force: bool = False) -> dict[str, str]:
    """Copy the seed to ``directory/vault.json`` (kept if it exists, unless ``force``); return the env lines.

    ``BF_ONEPASSWORD_SANDBOX`` selects the simulated core, ``PYTHONPATH`` lets the
    plugins import it from this checkout, and the two service-account tokens are
    the production one (as ``OP_SERVICE_ACCOUNT_TOKEN``, what the plugins read)
    and the CI one.
    """
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / "vault.json"
    if force or not target.exists():
        shutil.copyfile(SEED_VAULT, target)
        VaultFile(target).log_path.unlink(missing_ok=True)
    tokens = {account["name"]: account["token"] for account in load(target)["service_accounts"]}
    return {
        SANDBOX_ENV: str(target.resolve()),
        "PYTHONPATH": str(REPO_ROOT),
        "OP_SERVICE_ACCOUNT_TOKEN": tokens["production"],
        "OP_CI_SERVICE_ACCOUNT_TOKEN": tokens["ci"],
    }
