# Copyright: Bolt Foundry
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Files written whole or not at all, with their final mode from the first byte.

A reader (Kamal, Docker, a human) must never see half a file, and a failed
write must leave the previous file as it was. So the content goes to a
temporary file in the same directory, created with its final mode (0600 for
secrets) before a byte is written, flushed to disk, then renamed over the
target, and the directory is synced so the rename survives a crash.
"""

from __future__ import annotations

import os
import stat
import tempfile
from typing import Optional

PRIVATE_MODE = 0o600


class FileWriteError(OSError):
    """The file cannot be read or written; the message names the path, never the content."""


def read_text(path: str) -> Optional[str]:
    """The file's text, or None when it does not exist."""
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return handle.read()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise FileWriteError(f"cannot read {path}: {exc.__class__.__name__}: {getattr(exc, 'strerror', None) or exc}") from None


def mode_of(path: str) -> Optional[int]:
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return None


def ensure_directory(path: str, mode: int) -> bool:
    """Create ``path`` (and parents) with ``mode`` when missing; True when something was created."""
    if os.path.isdir(path):
        return False
    try:
        os.makedirs(path, mode=mode, exist_ok=True)
        os.chmod(path, mode)
    except OSError as exc:
        raise FileWriteError(f"cannot create the directory {path}: {exc.strerror}") from None
    return True


def write_atomic(path: str, content: str, mode: int = PRIVATE_MODE) -> None:
    """Replace ``path`` with ``content`` in one rename; the file has ``mode`` from its first byte."""
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise FileWriteError(f"cannot write {path}: the directory {directory} does not exist")
    try:
        fd, temporary = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    except OSError as exc:
        raise FileWriteError(f"cannot write {path}: {exc.strerror}") from None
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
        directory_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(directory_fd)
        finally:
            os.close(directory_fd)
    except OSError as exc:
        raise FileWriteError(f"cannot write {path}: {exc.strerror}") from None
    except UnicodeEncodeError:
        # The codec's message quotes the offending character: say where, not what.
        raise FileWriteError(f"cannot write {path}: the content is not valid Unicode text (a lone surrogate)") from None
    finally:
        # Only a failed write leaves the temporary file behind: remove it, keep the old file.
        if os.path.exists(temporary):
            os.unlink(temporary)
