"""``python -m sandbox up | down | status``: run the offline world in the background (see sandbox/launcher.py)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sandbox import launcher


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description="Start, inspect and stop the offline simulators.")
    parser.add_argument("command", choices=("up", "down", "status"))
    parser.add_argument("--dir", type=Path, default=launcher.DEFAULT_DIR, help="where state, logs and endpoints.env live (default: .sandbox/)")
    parser.add_argument(
        "--idle-exit",
        type=float,
        default=launcher.DEFAULT_IDLE_EXIT,
        metavar="SECONDS",
        help=f"each simulator stops by itself after this long without a request (default: {launcher.DEFAULT_IDLE_EXIT} s)",
    )
    args = parser.parse_args(argv)
    try:
        if args.command == "up":
            return launcher.up(args.dir, args.idle_exit)
        if args.command == "status":
            return launcher.status(args.dir)
        return launcher.down(args.dir)
    except launcher.LauncherError as exc:
        sys.stderr.write(f"sandbox {args.command}: {exc}\n")
        return 1


if __name__ == "__main__":
    sys.exit(main())
