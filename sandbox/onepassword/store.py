"""The sandbox's 1Password world: one JSON vault file, shared by every process that uses it.

A module run, a lookup in an Ansible worker and a test all open the same file,
so each invocation takes an exclusive ``flock`` on ``<name>.lock``, reads the
file, and writes it back atomically only when it changed. Every invocation is
appended to ``<name>.invocations.jsonl`` beside it: the log tests hold call
budgets on, and the record the rate limits are counted from.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

FORMAT = "boltfoundry.infra/onepassword-sandbox-vault/v1"
ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"
# 1Password Teams/Families limits; a vault file may set its own.
DEFAULT_LIMITS = {"reads_per_hour": 1000, "writes_per_hour": 100, "requests_per_day": 5000}


class VaultFileError(ValueError):
    """The file is missing or is not a sandbox vault file."""


def new_id() -> str:
    """A 26-character id in 1Password's alphabet."""
    return "".join(secrets.choice(ID_ALPHABET) for position in range(26))


def now_rfc3339() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def log_path(vault_path: str | os.PathLike[str]) -> Path:
    return Path(vault_path).with_suffix(".invocations.jsonl")


def load(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read and check a vault file (no lock: for tools and tests that only look)."""
    try:
        with open(path, encoding="utf-8") as handle:
            state = json.load(handle)
    except FileNotFoundError as exc:
        raise VaultFileError(f"the sandbox vault file {path} does not exist") from exc
    except json.JSONDecodeError as exc:
        raise VaultFileError(f"the sandbox vault file {path} is not JSON: {exc}") from exc
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise VaultFileError(f"{path} is not a sandbox vault file (its 'format' is not {FORMAT!r})")
    return state


def save(path: str | os.PathLike[str], state: dict[str, Any]) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".vault-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(state, handle, indent=1, ensure_ascii=False)
            handle.write("\n")
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


class VaultFile:
    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.lock_path = self.path.with_suffix(".lock")
        self.log_path = log_path(self.path)

    @contextmanager
    def transaction(self) -> Iterator[dict[str, Any]]:
        """The state under an exclusive lock; written back if the block changed it."""
        with open(self.lock_path, "a", encoding="utf-8") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                state = load(self.path)
                before = json.dumps(state, sort_keys=True)
                yield state
                if json.dumps(state, sort_keys=True) != before:
                    save(self.path, state)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def append_log(self, entry: dict[str, Any]) -> None:
        """Append one record; called inside ``transaction`` so records never interleave."""
        entry = {"time": time.time(), "pid": os.getpid(), **entry}
        with open(self.log_path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, ensure_ascii=False) + "\n")

    def read_log(self) -> list[dict[str, Any]]:
        try:
            with open(self.log_path, encoding="utf-8") as handle:
                return [json.loads(line) for line in handle if line.strip()]
        except FileNotFoundError:
            return []
