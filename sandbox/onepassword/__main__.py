"""``python -m sandbox.onepassword``: set up the simulated 1Password world and look at its invocation log.

python -m sandbox.onepassword init DIR [--token production]   copy the seed to DIR/vault.json, print env lines
python -m sandbox.onepassword log FILE                         count the logged invocations by name
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from sandbox.onepassword import SANDBOX_ENV, SEED_VAULT
from sandbox.onepassword.store import VaultFile, load

REPO_ROOT = Path(__file__).resolve().parents[2]


def init(directory: Path, token: str, force: bool) -> int:
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / "vault.json"
    if target.exists() and not force:
        print(f"{target} exists; keeping it (use --force to start again from the seed)", file=sys.stderr)
    else:
        shutil.copyfile(SEED_VAULT, target)
        VaultFile(target).log_path.unlink(missing_ok=True)
    accounts = {account["name"]: account["token"] for account in load(target)["service_accounts"]}
    if token not in accounts:
        print(f"no service account {token!r} in {target}; there are: {', '.join(sorted(accounts))}", file=sys.stderr)
        return 2
    print(f"{SANDBOX_ENV}={target.resolve()}")
    print(f"PYTHONPATH={REPO_ROOT}")
    print(f"OP_SERVICE_ACCOUNT_TOKEN={accounts[token]}")
    return 0


def show_log(vault_file: Path) -> int:
    entries = VaultFile(vault_file).read_log()
    counts = Counter(f"{e['call']} {e.get('invocation', '')} {e.get('outcome')}".strip() for e in entries)
    for line, count in sorted(counts.items()):
        print(f"{count:6d}  {line}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sandbox.onepassword", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    init_parser = commands.add_parser("init", help="copy the seed vault file into DIR and print the environment that selects it")
    init_parser.add_argument("directory", type=Path)
    init_parser.add_argument("--token", default="production", help="which service account's token to print (default: production)")
    init_parser.add_argument("--force", action="store_true", help="replace an existing vault file with the seed")
    log_parser = commands.add_parser("log", help="count a vault file's logged invocations")
    log_parser.add_argument("vault_file", type=Path)
    args = parser.parse_args(argv)
    if args.command == "init":
        return init(args.directory, args.token, args.force)
    return show_log(args.vault_file)


if __name__ == "__main__":
    sys.exit(main())
