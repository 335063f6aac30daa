"""Start-up shared by every simulator: ``python -m sandbox.<name> --port 0``.

Prints the URL it serves as the first line on stdout, then serves until
SIGTERM/SIGINT, or until it has been idle for ``--idle-exit`` seconds so that
a forgotten simulator stops by itself. A simulator with several endpoints of
one world (S3: one per location) uses ``serve_group`` and prints one
``<name> <url>`` line per endpoint instead.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import signal
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence

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


def _parse(
    description: str,
    argv: Sequence[str] | None,
    add_arguments: Callable[[argparse.ArgumentParser], None] | None,
) -> argparse.Namespace:
    parser = build_parser(description)
    if add_arguments is not None:
        add_arguments(parser)
    return parser.parse_args(argv)


def _add_start_faults(server: SimServer, args: argparse.Namespace) -> None:
    if args.faults:
        for rule in json.loads(args.faults):
            server.faults.add(rule)


def _run(servers: Sequence[SimServer], args: argparse.Namespace, announce: Callable[[], None]) -> int:
    stop = threading.Event()

    def _stop(*_: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    for server in servers:
        server.start()
    announce()
    while not stop.wait(0.5):
        if args.idle_exit and time.monotonic() - max(server.last_activity for server in servers) > args.idle_exit:
            sys.stderr.write(f"{servers[0].service.name} simulator: idle for {args.idle_exit:g}s, stopping\n")
            break
    for server in servers:
        server.stop()
        server.save_state()
    return 0


def serve(
    description: str,
    make_service: Callable[[argparse.Namespace], Service],
    argv: Sequence[str] | None = None,
    add_arguments: Callable[[argparse.ArgumentParser], None] | None = None,
) -> int:
    args = _parse(description, argv, add_arguments)
    server = SimServer(make_service(args), args.host, args.port, seed=args.seed, state_file=args.state)
    _add_start_faults(server, args)
    return _run([server], args, lambda: print(server.url, flush=True))


def serve_group(
    description: str,
    make_services: Callable[[argparse.Namespace], Mapping[str, Service]],
    argv: Sequence[str] | None = None,
    add_arguments: Callable[[argparse.ArgumentParser], None] | None = None,
) -> int:
    """Serve several named endpoints of one world, each on its own port.

    With ``--port 0`` every endpoint gets a free port; with ``--port N`` they
    get N, N+1, ... in order. The services keep their shared state themselves
    (``--state`` is passed on to ``make_services``), and ``--faults`` applies
    to every endpoint.
    """
    args = _parse(description, argv, add_arguments)
    services = make_services(args)
    servers: dict[str, SimServer] = {}
    for offset, (name, service) in enumerate(services.items()):
        port = args.port + offset if args.port else 0
        servers[name] = SimServer(service, args.host, port, seed=args.seed)
        _add_start_faults(servers[name], args)

    def announce() -> None:
        for name, server in servers.items():
            print(f"{name} {server.url}", flush=True)

    return _run(list(servers.values()), args, announce)
