# Copyright: Bolt Foundry
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Files written whole or not at all, with their final mode from the first byte."""

from __future__ import annotations

import os
import stat
import tempfile
from typing import Optional


def read_text(path: str) -> Optional[str]:
    """The file's text, or None when it does not exist."""
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def mode_of(path: str) -> Optional[int]:
    """The permission bits of ``path``, or None when it does not exist."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return None


def ensure_directory(path: str, mode: int) -> bool:
    """Create ``path`` (and parents) with ``mode`` when missing; True when something was created."""
    if os.path.isdir(path):
        return False
    os.makedirs(path, mode=mode, exist_ok=True)
    os.chmod(path, mode)
    return True


def write_atomic(path: str, content: str, mode: int) -> None:
    """Replace ``path`` with ``content`` in one rename; the temporary file has ``mode`` before any byte is written.

    A reader sees the old file or the new one, never a half-written one, and a
    secret never sits in a file more open than ``mode``.
    """
    directory = os.path.dirname(os.path.abspath(path))
    descriptor, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
    try:
        os.fchmod(descriptor, mode)
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    directory_descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(directory_descriptor)
    finally:
        os.close(directory_descriptor)
