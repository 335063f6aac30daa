# Copyright: Bolt Foundry
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Resolved secrets, kept for the rest of one ansible-playbook run.

Ansible evaluates a lookup each time a variable that holds it is used, and it
does so in a worker process forked for each task, so a cache in memory lasts
one task. This one lasts the run: values are kept in memory for the task, and
in a file in the run's own temporary directory (``DEFAULT_LOCAL_TMP``, which
ansible-playbook creates for the run and removes when it exits), encrypted
with AES-GCM under a key derived from the service account token. Whoever can
read that file and decrypt it already holds the token, which reads the same
secrets from 1Password; without the token the file is noise.
"""

from __future__ import annotations

import fcntl
import json
import os
from typing import Dict, Iterable, Optional

try:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF
except ImportError:  # ansible-core requires cryptography; without it only the in-memory cache works
    HAS_CRYPTOGRAPHY = False
else:
    HAS_CRYPTOGRAPHY = True

from ansible_collections.boltfoundry.infra.plugins.module_utils.onepassword import token_fingerprint

_MEMORY: Dict[str, Dict[str, str]] = {}


class RunCache:
    """Values by reference for one token and one backend (1Password or a sandbox vault file)."""

    def __init__(self, directory: Optional[str], token: str, backend: str) -> None:
        self.scope = f"{token_fingerprint(token)}:{backend}"
        self.path: Optional[str] = None
        if directory and HAS_CRYPTOGRAPHY and os.path.isdir(directory):
            self.path = os.path.join(directory, f"boltfoundry-onepassword-{token_fingerprint(token + backend)}.cache")
            info = f"boltfoundry.infra onepassword run cache {backend}".encode()
            self._cipher = AESGCM(HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(token.encode()))
        self._memory = _MEMORY.setdefault(f"{os.getpid()}:{self.scope}", {})

    def get(self, references: Iterable[str]) -> Dict[str, str]:
        wanted = list(references)
        if any(reference not in self._memory for reference in wanted) and self.path:
            self._memory.update(self._read())
        return {reference: self._memory[reference] for reference in wanted if reference in self._memory}

    def put(self, values: Dict[str, str]) -> None:
        self._memory.update(values)
        if not values or not self.path:
            return
        with open(self.path + ".lock", "a", encoding="utf-8") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            merged = {**self._read(), **values}
            nonce = os.urandom(12)
            sealed = nonce + self._cipher.encrypt(nonce, json.dumps(merged).encode(), self.scope.encode())
            temporary = f"{self.path}.{os.getpid()}.tmp"
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(sealed)
            os.replace(temporary, self.path)

    def _read(self) -> Dict[str, str]:
        if not self.path:
            return {}
        try:
            with open(self.path, "rb") as handle:
                sealed = handle.read()
            return json.loads(self._cipher.decrypt(sealed[:12], sealed[12:], self.scope.encode()))
        except (FileNotFoundError, InvalidTag, ValueError):
            return {}
