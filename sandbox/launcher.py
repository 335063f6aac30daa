"""``python -m sandbox up | down | status``: the offline world in the background.

``up`` starts every simulator in ``SIMULATORS`` as its own process on free
loopback ports (or reuses the one that already runs), keeps each one's state
in ``.sandbox/<name>.json`` between runs, records the processes in
``.sandbox/processes.json`` and writes their addresses and sandbox credentials
to ``.sandbox/endpoints.env``. ``status`` says what runs where; ``down`` stops
them all and checks that nothing is left listening. Each simulator also stops
by itself after ``DEFAULT_IDLE_EXIT`` seconds without a request, so a
forgotten sandbox does not run for ever.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIR = REPO_ROOT / ".sandbox"
DEFAULT_IDLE_EXIT = 4 * 3600  # seconds: a working day's pause, not a forgotten weekend
START_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0


@dataclass(frozen=True)
class Simulator:
    """One line of the table: how to run a simulator and what to tell its users.

    ``endpoints`` names what the process prints: one endpoint prints its URL,
    several print ``<name> <url>`` lines. ``env`` values are ``str.format``
    templates over ``url`` (the only or first endpoint), ``urls`` (by name)
    and ``module`` (the imported simulator package, for its sandbox tokens).
    ``args`` are more command-line arguments, templates over ``directory``
    (the sandbox folder).
    """

    name: str
    module: str
    env: dict[str, str]
    endpoints: tuple[str, ...] = ("api",)
    args: tuple[str, ...] = ()

    def env_lines(self, urls: dict[str, str]) -> dict[str, str]:
        module = importlib.import_module(self.module)
        first = urls[self.endpoints[0]]
        return {key: template.format(url=first, urls=urls, module=module) for key, template in self.env.items()}


SIMULATORS: tuple[Simulator, ...] = (
    Simulator(
        name="hcloud",
        module="sandbox.hcloud",
        # Attached volumes appear there for the stand-in host of make sandbox (sandbox/standins.py).
        args=("--device-links", "{directory}/standins/devices"),
        env={
            "HCLOUD_ENDPOINT": "{url}/v1",
            "HCLOUD_TOKEN": "{module.SANDBOX_TOKENS[production]}",
            "HCLOUD_CI_TOKEN": "{module.SANDBOX_TOKENS[ci]}",
        },
    ),
    Simulator(
        name="cloudflare",
        module="sandbox.cloudflare",
        env={
            "CLOUDFLARE_BASE_URL": "{url}/client/v4",
            "CLOUDFLARE_API_TOKEN": "{module.SANDBOX_TOKENS[dns_edit]}",
            "CLOUDFLARE_ZONE": "{module.SANDBOX_ZONE}",
        },
    ),
    Simulator(
        name="s3",
        module="sandbox.s3",
        endpoints=("fsn1", "nbg1", "hel1"),
        env={
            "S3_ENDPOINT_FSN1": "{urls[fsn1]}",
            "S3_ENDPOINT_NBG1": "{urls[nbg1]}",
            "S3_ENDPOINT_HEL1": "{urls[hel1]}",
            "S3_PRODUCTION_ACCESS_KEY": "{module.SANDBOX_KEYS[production][access_key]}",
            "S3_PRODUCTION_SECRET_KEY": "{module.SANDBOX_KEYS[production][secret_key]}",
            "S3_CI_ACCESS_KEY": "{module.SANDBOX_KEYS[ci][access_key]}",
            "S3_CI_SECRET_KEY": "{module.SANDBOX_KEYS[ci][secret_key]}",
        },
    ),
)


@dataclass(frozen=True)
class FileWorld:
    """A stand-in with no process: its world is a file under the sandbox folder.

    ``prepare`` names a function ``(folder) -> env lines`` that creates the
    world when it is missing (keeping it between runs) and says how to reach it.
    """

    name: str
    module: str
    prepare: str
    note: str = ""

    def env_lines(self, directory: Path) -> dict[str, str]:
        function = getattr(importlib.import_module(self.module), self.prepare)
        return dict(function(directory / self.name))


# 1Password's SDK talks to a native core in-process, not over HTTP: the
# simulated core reads and writes a vault file the plugins are pointed at.
FILE_WORLDS: tuple[FileWorld, ...] = (
    FileWorld(name="onepassword", module="sandbox.onepassword.demo", prepare="prepare"),
    # What make sandbox deploys with and to: an app checkout, a deploy key, the
    # STAND-IN kamal and the names of the stand-in host (sandbox/standins.py).
    FileWorld(
        name="standins",
        module="sandbox.standins",
        prepare="prepare",
        note="kamal here is a STAND-IN (tests/harness/kamal_standin), NOT Kamal: a deploy is recorded, nothing is built or started",
    ),
)


@dataclass
class Running:
    name: str
    pid: int
    urls: dict[str, str]
    module: str
    started: float = field(default_factory=time.time)


class LauncherError(RuntimeError):
    """Something the user has to look at; the message says what and where."""


# -- processes ---------------------------------------------------------------------------
def _alive(pid: int, module: str) -> bool:
    """The process exists and is the simulator we started (not a reused pid)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return module.encode() in cmdline


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/__sandbox__/health", timeout=2) as answer:  # noqa: S310 - loopback
            return answer.status == 200
    except (OSError, urllib.error.URLError):
        return False


def _listening(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 80), timeout=1):
            return True
    except OSError:
        return False


def _is_running(entry: Running) -> bool:
    return _alive(entry.pid, entry.module) and all(_healthy(url) for url in entry.urls.values())


def _start(simulator: Simulator, directory: Path, idle_exit: float) -> Running:
    out_path = directory / f"{simulator.name}.out"
    command = [
        sys.executable,
        "-m",
        simulator.module,
        "--port",
        "0",
        "--state",
        str(directory / f"{simulator.name}.json"),
        "--idle-exit",
        str(idle_exit),
        *(arg.format(directory=directory) for arg in simulator.args),
    ]
    with open(out_path, "w", encoding="utf-8") as out, open(directory / f"{simulator.name}.log", "a", encoding="utf-8") as log:
        # Its own session: the simulator outlives this command and a Ctrl-C in the terminal.
        process = subprocess.Popen(command, stdout=out, stderr=log, stdin=subprocess.DEVNULL, cwd=REPO_ROOT, start_new_session=True)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        lines = out_path.read_text(encoding="utf-8").splitlines()
        if len(lines) >= len(simulator.endpoints):
            return Running(simulator.name, process.pid, _parse_urls(simulator, lines), simulator.module)
        if process.poll() is not None:
            raise LauncherError(f"{simulator.name} simulator exited with {process.returncode} while starting; see {directory / (simulator.name + '.log')}")
        time.sleep(0.05)
    process.kill()
    raise LauncherError(f"{simulator.name} simulator did not print its address within {START_TIMEOUT:g}s; see {directory / (simulator.name + '.log')}")


def _parse_urls(simulator: Simulator, lines: list[str]) -> dict[str, str]:
    if len(simulator.endpoints) == 1:
        return {simulator.endpoints[0]: lines[0].strip()}
    urls = dict(line.split(maxsplit=1) for line in lines[: len(simulator.endpoints)])
    missing = set(simulator.endpoints) - set(urls)
    if missing:
        raise LauncherError(f"{simulator.name} simulator did not announce endpoint(s) {', '.join(sorted(missing))}")
    return {name: urls[name].strip() for name in simulator.endpoints}


def _stop(entry: Running) -> None:
    if not _alive(entry.pid, entry.module):
        return
    os.kill(entry.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    while time.monotonic() < deadline:
        if not _alive(entry.pid, entry.module):
            return
        time.sleep(0.05)
    os.kill(entry.pid, signal.SIGKILL)


# -- the record under .sandbox/ -------------------------------------------------------------
def _write_private(path: Path, text: str) -> None:
    """Atomically, readable by the owner only: the file may hold credentials."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def _load(directory: Path) -> dict[str, Running]:
    path = directory / "processes.json"
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {name: Running(**item) for name, item in data.items()}


def _save(directory: Path, running: dict[str, Running]) -> None:
    payload = {name: entry.__dict__ for name, entry in running.items()}
    _write_private(directory / "processes.json", json.dumps(payload, indent=2) + "\n")


def _write_env(directory: Path, running: dict[str, Running], simulators: Sequence[Simulator], worlds: dict[str, dict[str, str]]) -> Path:
    lines = ["# Written by `python -m sandbox up`: addresses and sandbox credentials of the running simulators."]
    for simulator in simulators:
        if simulator.name in running:
            lines += [f"{key}={value}" for key, value in simulator.env_lines(running[simulator.name].urls).items()]
    for env in worlds.values():
        lines += [f"{key}={value}" for key, value in env.items()]
    path = directory / "endpoints.env"
    _write_private(path, "\n".join(lines) + "\n")
    return path


# -- the commands ----------------------------------------------------------------------------------
def up(
    directory: Path = DEFAULT_DIR,
    idle_exit: float = DEFAULT_IDLE_EXIT,
    simulators: Sequence[Simulator] = SIMULATORS,
    out: TextIO = sys.stdout,
    file_worlds: Sequence[FileWorld] = FILE_WORLDS,
) -> int:
    directory.mkdir(parents=True, exist_ok=True)
    recorded = _load(directory)
    running: dict[str, Running] = {}
    for simulator in simulators:
        if importlib.util.find_spec(simulator.module) is None:
            out.write(f"{simulator.name:<11} skipped: {simulator.module} is not importable (not in this checkout yet)\n")
            continue
        previous = recorded.get(simulator.name)
        if previous is not None and _is_running(previous):
            running[simulator.name] = previous
            out.write(f"{simulator.name:<11} reused   pid {previous.pid:<7} {' '.join(previous.urls.values())}\n")
            continue
        if previous is not None:
            _stop(previous)  # half-dead (e.g. stopped answering): replace it
        entry = _start(simulator, directory, idle_exit)
        running[simulator.name] = entry
        _save(directory, {**recorded, **running})
        out.write(f"{simulator.name:<11} started  pid {entry.pid:<7} {' '.join(entry.urls.values())}\n")
    _save(directory, running)
    worlds = {}
    for world in file_worlds:
        worlds[world.name] = world.env_lines(directory)
        out.write(f"{world.name:<11} ready    (no process) {directory / world.name}\n")
        if world.note:
            out.write(f"{'':<11} {world.note}\n")
    env = _write_env(directory, running, simulators, worlds)
    out.write(f"wrote {env} (load it with: set -a; . {env}; set +a)\n")
    return 0


def status(
    directory: Path = DEFAULT_DIR,
    simulators: Sequence[Simulator] = SIMULATORS,
    out: TextIO = sys.stdout,
    file_worlds: Sequence[FileWorld] = FILE_WORLDS,
) -> int:
    recorded = _load(directory)
    for simulator in simulators:
        entry = recorded.get(simulator.name)
        if importlib.util.find_spec(simulator.module) is None:
            out.write(f"{simulator.name:<11} not importable ({simulator.module})\n")
        elif entry is None:
            out.write(f"{simulator.name:<11} stopped\n")
        elif _is_running(entry):
            urls = "  ".join(f"{name}={url}" for name, url in entry.urls.items())
            out.write(f"{simulator.name:<11} running  pid {entry.pid:<7} {urls}  state {directory / (simulator.name + '.json')}\n")
        else:
            out.write(f"{simulator.name:<11} gone     (pid {entry.pid} no longer answers; `up` starts it again)\n")
    for world in file_worlds:
        state = "ready   " if (directory / world.name).is_dir() else "stopped "
        out.write(f"{world.name:<11} {state} (no process) {directory / world.name}\n")
    return 0


def down(directory: Path = DEFAULT_DIR, out: TextIO = sys.stdout) -> int:
    recorded = _load(directory)
    for entry in recorded.values():
        _stop(entry)
        out.write(f"{entry.name:<11} stopped  pid {entry.pid}\n")
    still = [url for entry in recorded.values() for url in entry.urls.values() if _listening(url)]
    for name in ("processes.json", "endpoints.env"):
        (directory / name).unlink(missing_ok=True)
    if still:
        raise LauncherError(f"still listening after down: {', '.join(still)}")
    return 0
