"""A STAND-IN for Kamal 2.12's ``kamal`` command line, written for the tests. It is NOT Kamal.

Kamal cannot be installed on our machines (RubyGems is not reachable), so
``kamal_deploy`` is tested against this program. It does what a test needs
from Kamal and nothing more, and answers as Kamal 2.12 documents and prints:

- it checks its arguments (the subcommands and options ``kamal_deploy`` uses;
  anything else is refused as Thor refuses it) and its files
  (``config/deploy.yml`` read through ERB-unescaping and YAML,
  ``.kamal/secrets-common`` and ``.kamal/secrets`` read with the dotenv-gem
  oracle of ``tests.harness.dotenv_gem``, whose ``$(...)`` commands are
  recorded and never run);
- it "deploys" into a JSON state file instead of servers: per host, the
  running version, the containers kept, and the environment the container
  would see (computed through the whole oracle chain: dotenv gem, Kamal's
  env file, Docker's ``--env-file``);
- it prints Kamal's progress lines and, for the failures the state file asks
  for (deploy lock held, registry login refused, health check failed, a hang),
  Kamal's and kamal-proxy's own wording, ending like bin/kamal with
  ``  ERROR (Class): message`` in red.

It does not validate a config the way Kamal does (that is
``kamal_validator``'s job, tested against Kamal's reference files), does not
build, connect to hosts or run containers.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[3]

WRAPPER = """#!{python}
# STAND-IN for Kamal 2.12 written for the boltfoundry.infra tests: NOT Kamal.
import sys
sys.path.insert(0, {repo!r})
from tests.harness.kamal_standin.cli import main
sys.exit(main(sys.argv[1:], state_path={state!r}))
"""


class StandIn:
    """The installed stand-in: its executable and its state file."""

    def __init__(self, executable: Path, state_path: Path) -> None:
        self.executable = executable
        self.state_path = state_path

    def state(self) -> dict[str, Any]:
        return json.loads(self.state_path.read_text())

    def update(self, **changes: Any) -> None:
        state = self.state()
        state.update(changes)
        self.state_path.write_text(json.dumps(state, indent=2))

    def scenario(self, **scenario: Any) -> None:
        """Ask for a failure or an app behaviour: registry_login="refused", healthcheck="fail", hang_seconds=N, app_logs=[...]."""
        self.update(scenario=scenario)

    def calls(self) -> list[list[str]]:
        return [call["argv"] for call in self.state()["calls"]]

    def environment_names(self) -> list[list[str]]:
        """For each call, the names of the environment variables the stand-in was started with."""
        return [call["env_names"] for call in self.state()["calls"]]


def install(directory: Path) -> StandIn:
    """Write the ``kamal`` stand-in and an empty state into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    state_path = directory / "kamal-standin-state.json"
    state_path.write_text(json.dumps({"hosts": {}, "lock": None, "scenario": {}, "calls": [], "commands_seen": []}, indent=2))
    executable = directory / "kamal"
    executable.write_text(WRAPPER.format(python=sys.executable, repo=str(REPO_ROOT), state=str(state_path)))
    executable.chmod(0o755)
    return StandIn(executable, state_path)
