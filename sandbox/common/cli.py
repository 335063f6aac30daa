"""Start-up shared by every simulator: ``python -m sandbox.<name> --port 0``.

Prints the URL it serves as the first line on stdout, then serves until
SIGTERM/SIGINT, or until it has been idle for ``--idle-exit`` seconds so that
a forgotten simulator stops by itself.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence

from sandbox.common.server import Service, SimServer


def _loopback(host: str) -> str:
    try:
        if not ipaddress.ip_address(host).is_loopback:
            raise argparse.ArgumentTypeError(f"--host must be a loopback address, got {host}")
    except ValueError as exc:
        if host != "localhost":
            raise argparse.ArgumentTypeError(f"--host must be a loopback address, got {host}") from exc
    return host


def build_parser(description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--host", type=_loopback, default="127.0.0.1", help="loopback address to listen on")
    parser.add_argument("--port", type=int, default=0, help="port; 0 picks a free one")
    parser.add_argument("--state", metavar="FILE", help="keep the state in this JSON file between runs")
    parser.add_argument("--seed", type=int, default=0, help="seed of the fault-injection random source")
    parser.add_argument("--faults", metavar="JSON", help='fault rules at start, e.g. \'[{"status": 503, "count": 2}]\'')
    parser.add_argument("--idle-exit", type=float, default=0, metavar="SECONDS", help="stop after this long without a request (0: never)")
    return parser


def serve(
    description: str,
    make_service: Callable[[argparse.Namespace], Service],
    argv: Sequence[str] | None = None,
    add_arguments: Callable[[argparse.ArgumentParser], None] | None = None,
) -> int:
    parser = build_parser(description)
    if add_arguments is not None:
        add_arguments(parser)
    args = parser.parse_args(argv)
    server = SimServer(make_service(args), args.host, args.port, seed=args.seed, state_file=args.state)
    if args.faults:
        for rule in json.loads(args.faults):
            server.faults.add(rule)

    stop = threading.Event()

    def _stop(*_: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    server.start()
    print(server.url, flush=True)
    while not stop.wait(0.5):
        if args.idle_exit and time.monotonic() - server.last_activity > args.idle_exit:
            sys.stderr.write(f"{server.service.name} simulator: idle for {args.idle_exit:g}s, stopping\n")
            break
    server.stop()
    server.save_state()
    return 0
