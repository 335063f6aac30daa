"""Run a playbook or one module through the real ``ansible-playbook``.

The collection is found on a collections path whose
``ansible_collections/boltfoundry/infra`` links to this checkout, so tests run
exactly the files in the tree. Results come back through the test-only
``boltfoundry_test_results`` callback as structured data; stdout and stderr
are kept whole so tests can also check what a user would see (and that no
secret is in it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

CALLBACK_DIR = Path(__file__).parent / "callback_plugins"
ANSIBLE_PLAYBOOK = str(Path(sys.executable).parent / "ansible-playbook")


@dataclass
class TaskResult:
    play: str
    task: str
    action: str
    host: str
    status: str
    changed: bool
    result: dict[str, Any]

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    @property
    def msg(self) -> str:
        return str(self.result.get("msg", ""))

    def __getitem__(self, key: str) -> Any:
        return self.result[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.result.get(key, default)


@dataclass
class PlaybookRun:
    command: list[str]
    rc: int
    stdout: str
    stderr: str
    tasks: list[TaskResult] = field(default_factory=list)
    stats: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def task(self, name: str) -> TaskResult:
        """The one result of the task with this name (fails the test if there are none or several)."""
        found = [t for t in self.tasks if t.task == name]
        assert len(found) == 1, f"expected one result for task {name!r}, got {len(found)}:\n{self.output}"
        return found[0]

    def changed(self, host: str | None = None) -> int:
        return sum(s.get("changed", 0) for h, s in self.stats.items() if host in (None, h))

    def failures(self, host: str | None = None) -> int:
        return sum(s.get("failures", 0) + s.get("unreachable", 0) for h, s in self.stats.items() if host in (None, h))

    def assert_ok(self) -> PlaybookRun:
        assert self.rc == 0, f"ansible-playbook exited {self.rc}:\n{self.output}"
        return self


class AnsibleRunner:
    """Runs playbooks with the collection under test on the collections path."""

    def __init__(self, collections_path: str, workdir: str | Path, env: dict[str, str] | None = None) -> None:
        self.collections_path = collections_path
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.env = dict(env or {})
        self._runs = 0

    def base_env(self) -> dict[str, str]:
        home = self.workdir / "ansible-home"
        env = {
            key: value
            for key, value in os.environ.items()
            # A developer's own Ansible settings must not change what the tests see.
            if not key.startswith("ANSIBLE_")
        }
        env.update(
            {
                "ANSIBLE_HOME": str(home),
                "ANSIBLE_LOCAL_TEMP": str(home / "tmp"),
                "ANSIBLE_REMOTE_TEMP": str(home / "remote-tmp"),
                "ANSIBLE_COLLECTIONS_PATH": self.collections_path,
                "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
                "ANSIBLE_CALLBACK_PLUGINS": str(CALLBACK_DIR),
                "ANSIBLE_CALLBACKS_ENABLED": "boltfoundry_test_results",
                "ANSIBLE_NOCOLOR": "1",
                "ANSIBLE_FORCE_COLOR": "0",
                "ANSIBLE_RETRY_FILES_ENABLED": "false",
                "ANSIBLE_HOST_KEY_CHECKING": "false",
                "ANSIBLE_DEPRECATION_WARNINGS": "false",
                "ANSIBLE_LOCALHOST_WARNING": "false",
                "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
                "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
            }
        )
        env.update(self.env)
        return env

    def playbook(
        self,
        playbook: str | Path | list[dict[str, Any]],
        *,
        extra_vars: dict[str, Any] | None = None,
        inventory: str | None = None,
        check: bool = False,
        diff: bool = False,
        verbosity: int = 0,
        tags: list[str] | None = None,
        env: dict[str, str] | None = None,
        timeout: float = 900,
    ) -> PlaybookRun:
        """Run a playbook given as a path, or as plays (a list, written to a file for the run)."""
        self._runs += 1
        run_dir = Path(tempfile.mkdtemp(prefix=f"run{self._runs}-", dir=self.workdir))
        if isinstance(playbook, list):
            path = run_dir / "playbook.yml"
            path.write_text(yaml.safe_dump(playbook, sort_keys=False))
        else:
            path = Path(playbook)
        results_file = run_dir / "results.jsonl"
        command = [ANSIBLE_PLAYBOOK, str(path), "-i", inventory or "localhost,"]
        if extra_vars:
            vars_file = run_dir / "extra-vars.json"
            vars_file.write_text(json.dumps(extra_vars))
            command += ["-e", f"@{vars_file}"]
        if check:
            command.append("--check")
        if diff:
            command.append("--diff")
        if verbosity:
            command.append("-" + "v" * verbosity)
        if tags:
            command += ["--tags", ",".join(tags)]
        run_env = self.base_env()
        run_env["BF_TEST_RESULTS_FILE"] = str(results_file)
        run_env.update(env or {})
        completed = subprocess.run(command, cwd=run_dir, env=run_env, capture_output=True, text=True, timeout=timeout, check=False)
        run = PlaybookRun(command, completed.returncode, completed.stdout, completed.stderr)
        if results_file.exists():
            for line in results_file.read_text().splitlines():
                record = json.loads(line)
                if record.pop("event") == "stats":
                    run.stats = record["hosts"]
                else:
                    run.tasks.append(TaskResult(**record))
        return run

    def module(
        self,
        name: str,
        args: dict[str, Any] | None = None,
        *,
        check: bool = False,
        diff: bool = False,
        env: dict[str, str] | None = None,
        module_env: dict[str, str] | None = None,
        verbosity: int = 0,
    ) -> tuple[TaskResult, PlaybookRun]:
        """Run one module once on localhost; ``module_env`` goes to the task's environment."""
        task: dict[str, Any] = {"name": "module under test", name: args or {}}
        if module_env:
            task["environment"] = module_env
        plays = [{"name": "run one module", "hosts": "localhost", "connection": "local", "gather_facts": False, "tasks": [task]}]
        run = self.playbook(plays, check=check, diff=diff, env=env, verbosity=verbosity)
        return run.task("module under test"), run
