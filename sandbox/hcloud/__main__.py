"""``python -m sandbox.hcloud --port 0 [--state FILE] [--speed F] [--project NAME=TOKEN] [--device-links DIR]``: serve the simulator."""

from __future__ import annotations

import argparse
import sys

from sandbox.common.cli import serve
from sandbox.hcloud.service import SANDBOX_TOKENS, HcloudService


def _project(value: str) -> tuple[str, str]:
    name, equals, token = value.partition("=")
    if not equals or not name or not token:
        raise argparse.ArgumentTypeError(f"--project takes NAME=TOKEN, got {value!r}")
    return name, token


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--speed", type=float, default=None, help="simulated seconds per wall-clock second (default 1, or the state file's)")
    parser.add_argument("--device-links", metavar="DIR", default=None, help="keep links of attached volumes for stand-in hosts in DIR/<project>/<server name>")
    parser.add_argument("--project", type=_project, action="append", default=[], metavar="NAME=TOKEN", help="an extra project and its token")


def make_service(args: argparse.Namespace) -> HcloudService:
    if args.speed is not None and args.speed < 0:
        raise SystemExit("--speed must be zero or more")
    return HcloudService({**SANDBOX_TOKENS, **dict(args.project)}, speed=args.speed, device_links=args.device_links)


def main(argv: list[str] | None = None) -> int:
    return serve("Hetzner Cloud API simulator (API under /v1)", make_service, argv, add_arguments)


if __name__ == "__main__":
    sys.exit(main())
