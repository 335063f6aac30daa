"""1Password: secret sync and lookups over the simulated core, in-process and through ansible-playbook.

Figures for the layers this collection owns (client layer, env-file rendering,
the Ansible run around them); the simulated core stands in for 1Password's
servers, so network time is not in them.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sandbox.onepassword import SANDBOX_ENV, SEED_VAULT
from sandbox.onepassword.store import VaultFile

REPO = Path(__file__).resolve().parent.parent
ITEMS = 200
ROUNDS = 5


def _add_items(vault_file: Path, count: int) -> None:
    with VaultFile(vault_file).transaction() as state:
        production = next(v for v in state["vaults"] if v["title"] == "Production")
        for number in range(count):
            production["items"].append(
                {
                    "id": f"bench{number:021d}",
                    "title": f"BENCH_{number:03d}",
                    "category": "Password",
                    "vaultId": production["id"],
                    "fields": [{"id": "password", "title": "password", "sectionId": None, "fieldType": "Concealed", "value": f"value {number} $x 'q' \"d\""}],
                    "sections": [],
                    "notes": "",
                    "tags": ["BF_PRIVATE_SECRET"],
                    "websites": [],
                    "version": 1,
                    "files": [],
                    "document": None,
                    "createdAt": "2026-01-15T09:00:00Z",
                    "updatedAt": "2026-01-15T09:00:00Z",
                    "state": "active",
                }
            )


def _timed(function, rounds: int = ROUNDS) -> tuple[float, object]:
    durations, result = [], None
    for _round in range(rounds):
        started = time.perf_counter()
        result = function()
        durations.append(time.perf_counter() - started)
    return statistics.median(durations), result


def main() -> None:
    sys.path.insert(0, tempfile.mkdtemp(prefix="bf-bench-collections-"))
    link = Path(sys.path[0], "ansible_collections", "boltfoundry", "infra")
    link.parent.mkdir(parents=True)
    link.symlink_to(REPO, target_is_directory=True)
    from ansible_collections.boltfoundry.infra.plugins.module_utils import onepassword as layer  # noqa: PLC0415 - needs the path above
    from ansible_collections.boltfoundry.infra.plugins.module_utils.dotenv import render  # noqa: PLC0415

    with tempfile.TemporaryDirectory(prefix="bf-bench-op-") as work:
        vault_file = Path(work, "vault.json")
        shutil.copyfile(SEED_VAULT, vault_file)
        _add_items(vault_file, ITEMS)
        os.environ[SANDBOX_ENV] = str(vault_file)
        token = next(a["token"] for a in json.loads(vault_file.read_text())["service_accounts"] if a["name"] == "production")

        started = time.perf_counter()
        session = layer.Session(token)
        session.client  # noqa: B018 - authenticate once, as a module does
        print(f"  first authentication (SDK warm-up included): {1000 * (time.perf_counter() - started):8.1f} ms")

        def sync() -> int:
            fresh = layer.Session(token)
            vault = fresh.vault("Production")
            tagged = fresh.tagged(fresh.list_items(vault), "BF_PRIVATE_SECRET")
            return len(fresh.get_items(vault, [item.id for item in tagged]))

        seconds, count = _timed(sync)
        print(f"  list + get_all of {count} tagged items:       {1000 * seconds:8.1f} ms  ({1000 * seconds / count:.2f} ms per item)")

        references = [f"op://Production/BENCH_{number:03d}/password" for number in range(50)]
        seconds, _answer = _timed(lambda: layer.Session(token).resolve_all(references))
        print(f"  resolve_all of {len(references)} references:              {1000 * seconds:8.1f} ms")

        values = [(f"BENCH_{number:03d}", f"value {number} $x 'q' \"d\"\nline two") for number in range(ITEMS)]
        seconds, _text = _timed(lambda: render(values, header="bench"), rounds=20)
        print(f"  render {ITEMS} variables to an env file:          {1000 * seconds:8.2f} ms")

        collections = Path(sys.path[0])
        playbook = Path(work, "sync.yml")
        playbook.write_text(
            json.dumps(
                [
                    {
                        "hosts": "localhost",
                        "connection": "local",
                        "gather_facts": False,
                        "tasks": [{"boltfoundry.infra.onepassword_env": {"vault": "Production", "dest": str(Path(work, "app.env"))}}],
                    }
                ]
            )
        )
        env = {key: value for key, value in os.environ.items() if not key.startswith("ANSIBLE_")}
        env.update(
            {
                "ANSIBLE_COLLECTIONS_PATH": str(collections),
                "ANSIBLE_HOME": str(Path(work, "ansible-home")),
                "PYTHONPATH": str(REPO),
                "OP_SERVICE_ACCOUNT_TOKEN": token,
                "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
            }
        )
        command = [str(Path(sys.executable).parent / "ansible-playbook"), str(playbook), "-i", "localhost,"]

        def playbook_run() -> None:
            subprocess.run(command, env=env, check=True, capture_output=True)

        seconds, _none = _timed(playbook_run, rounds=3)
        print(f"  ansible-playbook running onepassword_env:    {seconds:8.2f} s  (the same vault, whole run, median of 3)")
    shutil.rmtree(collections, ignore_errors=True)


if __name__ == "__main__":
    main()
