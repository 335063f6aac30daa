"""``python -m sandbox.onepassword``: set up the simulated 1Password world and look at its invocation log.

python -m sandbox.onepassword init DIR [--force]   copy the seed to DIR/vault.json (kept if there), print env lines
python -m sandbox.onepassword log FILE             count a vault file's logged invocations
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from sandbox.onepassword.demo import prepare
from sandbox.onepassword.store import VaultFile


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
    init_parser.add_argument("--force", action="store_true", help="replace an existing vault file with the seed")
    log_parser = commands.add_parser("log", help="count a vault file's logged invocations")
    log_parser.add_argument("vault_file", type=Path)
    args = parser.parse_args(argv)
    if args.command == "init":
        for key, value in prepare(args.directory, force=args.force).items():
            print(f"{key}={value}")
        return 0
    return show_log(args.vault_file)


if __name__ == "__main__":
    sys.exit(main())
