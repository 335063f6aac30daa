# Copyright: Bolt Foundry
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the ``kamal`` command line, keep its whole output (masked) in a log file, and read what happened.

Kamal prints its progress with SSHKit's log lines (``  INFO [1a2b3c4d]
Running docker login ... on localhost``), its own messages as plain lines,
and on failure ends with ``  ERROR (Class): message`` (bin/kamal, in red).
The readers below look for the failures users meet, worded as Kamal and
kamal-proxy word them in Kamal 2.12.
"""

from __future__ import annotations

import datetime
import os
import re
import signal
import subprocess
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from ansible_collections.boltfoundry.infra.plugins.module_utils.files import FileWriteError, ensure_directory
from ansible_collections.boltfoundry.infra.plugins.module_utils.infra_secrets import INFRA_NAMES

MASK = "********"
# Any 1Password service account token (the environment's, the CI vault's for run records, ...).
_OP_TOKEN = re.compile(r"^OP_\w*SERVICE_ACCOUNT_TOKEN$")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_ERROR = re.compile(r"^\s*ERROR \((?P<kind>[\w:]+)\): (?P<message>.*)", re.MULTILINE | re.DOTALL)
_RUNNING = re.compile(r"^\s*(?:INFO|DEBUG)\s+\[(?P<uuid>\w+)\] Running (?P<command>.*?) (?:on |as \S+@)(?P<host>\S+)\s*$", re.MULTILINE)
_FINISHED = re.compile(r"^\s*(?:INFO|DEBUG)\s+\[(?P<uuid>\w+)\] Finished in", re.MULTILINE)
_LOCK_DETAILS = re.compile(r"^Locked by: (?P<by>.*) at (?P<at>\S+)\s*\nVersion: (?P<version>.*)\nMessage: (?P<message>.*)$", re.MULTILINE)
_FAILED_BOOT = re.compile(r"Failed to boot (?P<role>\S+) on (?P<host>\S+)")
_HEALTH = re.compile(r"(?P<detail>target failed to become healthy[^\n]*|container not ready after \d+ seconds[^\n]*)")
_FINISHED_ALL = re.compile(r"Finished all in (?P<seconds>[0-9.]+) seconds")
_APP_HOST = re.compile(r"^App Host: (?P<host>\S+)\s*$")
_LOG_LEVEL_LINE = re.compile(r"^\s*(?:DEBUG|INFO|WARN|ERROR|FATAL)\b")


@dataclass
class Completed:
    argv: List[str]
    rc: Optional[int]
    output: str
    timed_out: bool
    seconds: float


class Masker:
    """Replaces every known secret value (and each line of a multi-line one) with ``********``."""

    def __init__(self, values: Iterable[str]) -> None:
        pieces = set()
        for value in values:
            if not value:
                continue
            pieces.add(value)
            pieces.update(line for line in value.splitlines() if line.strip())
        # Longest first, so a value is masked whole before any part of it.
        self._pieces = sorted(pieces, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for piece in self._pieces:
            if piece in text:
                text = text.replace(piece, MASK)
        return text

    def data(self, value: Any) -> Any:
        """Mask every string inside ``value``."""
        if isinstance(value, str):
            return self(value)
        if isinstance(value, Mapping):
            return {key: self.data(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.data(item) for item in value]
        return value


def strip_ansi(text: str) -> str:
    return _ANSI.sub("", text)


def default_log_path(app_dir: str, command: str) -> str:
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
    return os.path.join(app_dir, ".kamal", "logs", f"{command.replace(' ', '-')}-{stamp}.log")


def kamal_environment(base: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
    """The environment Kamal runs with: ours without the provisioning credentials.

    Kamal reads its secrets from ``.kamal/secrets``; a hook or a tool it starts
    that prints its environment must not find the infra tokens there, which
    the output masking would not know to hide.
    """
    source = os.environ if base is None else base
    return {name: value for name, value in source.items() if name not in INFRA_NAMES and not _OP_TOKEN.match(name)}


def prepare_log(log_path: str) -> None:
    """Make sure the log can be written before Kamal runs, so a bad path fails before a deploy, not after."""
    try:
        ensure_directory(os.path.dirname(os.path.abspath(log_path)), 0o700)
        descriptor = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.fchmod(descriptor, 0o600)  # an existing log keeps unmasked lines at times: owner only
        finally:
            os.close(descriptor)
    except FileWriteError as exc:
        raise FileWriteError(f"log_path {log_path} cannot be written: {exc}") from None
    except OSError as exc:
        raise FileWriteError(f"log_path {log_path} cannot be written: {exc.strerror}") from None


def run(argv: List[str], cwd: str, *, timeout: float, log_path: Optional[str], mask: Masker, env: Optional[Dict[str, str]] = None) -> Completed:
    """Run ``argv`` in ``cwd`` (stdout and stderr in order, in one stream); on timeout stop its whole process group.

    The masked output is appended to ``log_path`` (mode 0600) unless it is None
    (check mode writes nothing). The environment never carries the infra tokens.
    """
    if log_path is not None:
        prepare_log(log_path)
    started = time.monotonic()
    process = subprocess.Popen(
        argv,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, so a timeout stops kamal's children too
        env=kamal_environment(env),
    )
    timed_out = False
    try:
        raw, _ignored = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        _stop_group(process)
        raw, _ignored = process.communicate()
    output = strip_ansi(raw.decode("utf-8", errors="replace"))
    completed = Completed(argv, None if timed_out else process.returncode, output, timed_out, time.monotonic() - started)
    if log_path is not None:
        _append_log(log_path, completed, mask)
    return completed


def _stop_group(process: subprocess.Popen) -> None:
    """SIGTERM to Kamal's whole process group, then SIGKILL to whatever of it is left (ssh, docker)."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
    try:
        # Kamal may be gone while a child that ignored SIGTERM lives on in its group.
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    process.wait(timeout=5)


def _append_log(log_path: str, completed: Completed, mask: Masker) -> None:
    descriptor = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    status = "timed out" if completed.timed_out else f"exit status {completed.rc}"
    stamp = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
        handle.write(mask(f"$ {' '.join(completed.argv)}   # {stamp}\n"))
        handle.write(mask(completed.output))
        if completed.output and not completed.output.endswith("\n"):
            handle.write("\n")
        handle.write(f"# {status} after {completed.seconds:.1f} seconds\n\n")


# -- reading Kamal's output ------------------------------------------------------


def error(output: str) -> Optional[Dict[str, str]]:
    """bin/kamal's last words: ``ERROR (Class): message``."""
    matches = list(_ERROR.finditer(output))
    if not matches:
        return None
    found = matches[-1]
    return {"kind": found.group("kind"), "message": found.group("message").strip()}


def lock_details(output: str) -> Optional[Dict[str, str]]:
    """The holder of the deploy lock as ``kamal lock status`` (and a refused deploy) print it."""
    found = _LOCK_DETAILS.search(output)
    if not found:
        return None
    return {key: found.group(key).strip() for key in ("by", "at", "version", "message")}


def lock_held(output: str) -> Optional[Dict[str, str]]:
    """Who holds the deploy lock, when a command was refused because of it."""
    if "Deploy lock already in place!" not in output and "Deploy lock found" not in output:
        return None
    return lock_details(output) or {"by": "someone", "at": "an unknown time", "version": "unknown", "message": ""}


def _unfinished_commands(output: str) -> List[Dict[str, str]]:
    finished = {match.group("uuid") for match in _FINISHED.finditer(output)}
    return [match.groupdict() for match in _RUNNING.finditer(output) if match.group("uuid") not in finished]


def registry_login_refused(output: str) -> Optional[Dict[str, str]]:
    """The registry and the daemon's answer when ``docker login`` failed."""
    failure = error(output)
    if not failure:
        return None
    logins = [command for command in _unfinished_commands(output) if re.match(r"docker login\b", command["command"])]
    if not logins:
        return None
    parts = logins[-1]["command"].split()
    server = parts[2] if len(parts) > 2 and not parts[2].startswith("-") else "Docker Hub"
    reason = re.search(r"stderr: (?P<reason>.+)", failure["message"])
    return {"server": server, "host": logins[-1]["host"], "reason": reason.group("reason").strip() if reason else failure["message"]}


def health_check_failed(output: str) -> Optional[Dict[str, str]]:
    """The role, host and kamal-proxy's (or Kamal's) words when a new container never became healthy."""
    failure = error(output)
    if not failure:
        return None
    detail = _HEALTH.search(failure["message"]) or _HEALTH.search(output)
    if not detail:
        return None
    boot = _FAILED_BOOT.search(output)
    return {
        "role": boot.group("role") if boot else "unknown",
        "host": boot.group("host") if boot else "unknown",
        "detail": detail.group("detail").strip(),
    }


def not_available_version(output: str) -> Optional[str]:
    """The version ``kamal rollback`` could not find as a container (Kamal prints this and exits 0)."""
    found = re.search(r"The app version '(?P<version>[^']*)' is not available as a container", output)
    return found.group("version") if found else None


def finished_seconds(output: str) -> Optional[float]:
    found = _FINISHED_ALL.search(output)
    return float(found.group("seconds")) if found else None


def app_versions(output: str) -> Dict[str, str]:
    """host -> version from ``kamal app version`` (an empty string: nothing runs there)."""
    versions: Dict[str, str] = {}
    lines = output.splitlines()
    for index, line in enumerate(lines):
        found = _APP_HOST.match(line)
        if not found:
            continue
        following = [text for text in lines[index + 1 :] if not _LOG_LEVEL_LINE.match(text)]
        value = following[0].strip() if following else ""
        versions[found.group("host")] = "" if _APP_HOST.match(value) else value
    return versions


def config_output(output: str) -> Dict[str, Any]:
    """``kamal config`` prints its configuration as YAML with Ruby symbol keys (``:roles:``); keys come back without the colon."""
    lines = [line for line in output.splitlines() if not _LOG_LEVEL_LINE.match(line)]
    start = next((index for index, line in enumerate(lines) if line.startswith("---") or line.startswith(":")), None)
    if start is None:
        return {}
    import yaml  # noqa: PLC0415 - PyYAML comes with ansible-core on the controller; imported here so a bare target can import this file

    data = yaml.safe_load("\n".join(lines[start:]))
    return _strip_symbols(data) if isinstance(data, dict) else {}


def _strip_symbols(value: Any) -> Any:
    if isinstance(value, dict):
        return {(key[1:] if isinstance(key, str) and key.startswith(":") else key): _strip_symbols(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_strip_symbols(item) for item in value]
    return value
