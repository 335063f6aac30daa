#!/usr/bin/python
# Copyright: Bolt Foundry
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: kamal_deploy
short_description: Run C(kamal deploy), C(redeploy), C(rollback) or the deploy lock commands, and say plainly what went wrong
version_added: 0.1.0
description:
  - Runs the Kamal 2 command line in the application directory with an explicit C(--version) (the git HEAD of
    O(app_dir) unless O(version) is given) and a timeout.
  - The whole output goes to a log file (mode C(0600)); what the module returns is the tail of it. In both, every
    secret value found in C(.kamal/secrets) (and C(.kamal/secrets-common)) is replaced by C(********).
  - The failures users meet are reported in one sentence - deploy lock held (by whom, since when and why),
    registry login refused, health check failed, no git repository and no version - and any other Kamal error
    with Kamal's own message.
  - Kamal runs without the provisioning credentials in its environment (the infra-only names of
    P(boltfoundry.infra.kamal_config#module)'s O(boltfoundry.infra.kamal_config#module:infra_secrets) default) and
    without any 1Password service account token (C(OP_*SERVICE_ACCOUNT_TOKEN)), so a hook that prints its
    environment shows none of them.
  - A deploy is skipped (C(changed=false)) when every app host already runs the requested version, unless
    O(force=true).
  - In check mode it runs only Kamal's read-only commands - C(kamal config) (which checks the configuration
    without changing anything) and, unless O(force=true), C(kamal app version) (to know whether the version
    already runs) - and reports the deploy it would start; for O(command=lock_status) and O(command=lock_release)
    it runs C(kamal lock status).
author:
  - Bolt Foundry (@boltfoundry)
attributes:
  check_mode:
    description: Runs only read-only Kamal commands (C(kamal config), C(kamal app version), C(kamal lock status)) and reports what it would do.
    support: full
  diff_mode:
    description: A deploy has no before/after text to show.
    support: none
  platform:
    description: Runs on the controller, where Kamal runs.
    support: full
    platforms: posix
options:
  app_dir:
    description: The application directory holding C(config/deploy.yml) and C(.kamal/secrets).
    type: path
    required: true
  command:
    description: What to run.
    type: str
    choices: [deploy, redeploy, rollback, lock_status, lock_release]
    default: deploy
  version:
    description:
      - The version to deploy (an image tag), or to roll back to (required for O(command=rollback)).
      - Defaults to the git HEAD commit of O(app_dir); without a git repository it must be given.
    type: str
  force:
    description: Deploy even when every app host already runs this version (for example after the config or secrets changed).
    type: bool
    default: false
  skip_push:
    description: Pull the image that is already in the registry instead of building and pushing it (C(--skip-push)).
    type: bool
    default: false
  destination:
    description: Kamal's destination (C(-d)); its secrets come from C(.kamal/secrets.<destination>).
    type: str
  timeout:
    description: Seconds after which the Kamal process (and everything it started) is stopped and the task fails.
    type: int
    default: 1800
  log_path:
    description:
      - Where to append the full (masked) output, mode 0600. Defaults to C(<app_dir>/.kamal/logs/<command>-<UTC time>.log).
      - Checked before Kamal runs. Check mode writes no log.
    type: path
  executable:
    description: The C(kamal) command, a name looked up on E(PATH) or a path.
    type: str
    default: kamal
notes:
  - Kamal cannot be installed on the machines this collection is tested on; the tests run this module against a
    stand-in C(kamal) that answers as Kamal 2.12 documents.
  - Kamal only reads C(.kamal/secrets) when it needs a secret; a secrets file that was not written by
    P(boltfoundry.infra.kamal_config#module) cannot be read for masking, and then no output is returned (only the log path).
seealso:
  - module: boltfoundry.infra.kamal_config
"""

EXAMPLES = r"""
- name: Deploy the checked-out commit
  boltfoundry.infra.kamal_deploy:
    app_dir: /srv/app

- name: Deploy a given version even if it already runs
  boltfoundry.infra.kamal_deploy:
    app_dir: /srv/app
    version: 3f2a9c1
    force: true

- name: Roll back
  boltfoundry.infra.kamal_deploy:
    app_dir: /srv/app
    command: rollback
    version: 1b7e0d4

- name: Who holds the deploy lock?
  boltfoundry.infra.kamal_deploy:
    app_dir: /srv/app
    command: lock_status
  register: lock
"""

RETURN = r"""
command:
  description: The Kamal command line that was run last (or would run, in check mode).
  returned: always
  type: list
  elements: str
  sample: [kamal, deploy, --version, 3f2a9c1]
version:
  description: The version deployed, rolled back to, or found already running.
  returned: when a version applies
  type: str
  sample: 3f2a9c1
log_path:
  description: The log file holding the whole (masked) output.
  returned: when Kamal ran, not in check mode
  type: str
stdout_lines:
  description: The last 200 lines of Kamal's output, secret values masked.
  returned: when Kamal ran and the secret values could be read for masking
  type: list
  elements: str
runtime_seconds:
  description: How long Kamal said the command took.
  returned: when Kamal printed it
  type: float
app_versions:
  description: Host to running version, as C(kamal app version) printed it before a deploy.
  returned: when asked before a deploy
  type: dict
  sample: {203.0.113.10: 3f2a9c1}
lock:
  description: The deploy lock, when one is held (C(by), C(at), C(version), C(message)).
  returned: for lock commands, and when a deploy was refused because of the lock
  type: dict
  sample: {by: Jane Doe, at: "2026-11-20T10:00:00Z", version: 3f2a9c1, message: Hotfix in progress}
locked:
  description: Whether the deploy lock is held.
  returned: for lock commands
  type: bool
config:
  description: The configuration as C(kamal config) printed it (keys without Ruby's leading colon).
  returned: in check mode
  type: dict
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.boltfoundry.infra.plugins.module_utils import dotenv, files, kamal_runner

TAIL_LINES = 200


class KamalDeploy:
    def __init__(self, module: AnsibleModule) -> None:
        self.module = module
        self.params = module.params
        self.app_dir = self.params["app_dir"]
        self.result: dict = {"changed": False, "command": []}
        self.masking_problem = None
        self.mask = kamal_runner.Masker([])
        # Check mode writes nothing, not even a log.
        self.log_path = None if module.check_mode else self.params["log_path"] or kamal_runner.default_log_path(self.app_dir, self.params["command"])

    # -- plumbing ---------------------------------------------------------------
    def fail(self, msg: str, completed: kamal_runner.Completed | None = None) -> None:
        if completed is not None:
            self.add_output(completed)
        self.module.fail_json(msg=self.mask(msg), **self.result)

    def add_output(self, completed: kamal_runner.Completed) -> None:
        if self.log_path:
            self.result["log_path"] = self.log_path
        if self.masking_problem is None:
            self.result["stdout_lines"] = self.mask(completed.output).splitlines()[-TAIL_LINES:]
        seconds = kamal_runner.finished_seconds(completed.output)
        if seconds is not None:
            self.result["runtime_seconds"] = seconds

    def executable(self) -> str:
        name = self.params["executable"]
        if os.sep in name:
            if not (os.path.isfile(name) and os.access(name, os.X_OK)):
                self.fail(f"executable {name} is not an executable file.")
            return name
        found = self.module.get_bin_path(name)
        if not found:
            self.fail(f"{name} was not found on PATH; install Kamal 2 on the controller (gem install kamal) or set executable to its path.")
        return found

    def secrets_files(self) -> list:
        base = os.path.join(self.app_dir, ".kamal", "secrets")
        destination = self.params["destination"]
        return [f"{base}-common", f"{base}.{destination}" if destination else base]

    def load_mask(self) -> None:
        values = []
        for path in self.secrets_files():
            text = files.read_text(path)
            if text is None:
                continue
            try:
                values.extend(dotenv.parse(text).values())
            except dotenv.DotenvParseError as exc:
                self.masking_problem = f"{path} was not written by boltfoundry.infra ({exc}), so its values cannot be masked"
        self.mask = kamal_runner.Masker(values)
        if self.masking_problem:
            where = f"only in {self.log_path}" if self.log_path else "not kept (check mode)"
            self.module.warn(f"{self.masking_problem}; Kamal's output is {where}, unmasked lines are not returned.")

    def kamal(self, *arguments: str) -> kamal_runner.Completed:
        argv = [self.executable(), *arguments]
        if self.params["destination"]:
            argv += ["-d", self.params["destination"]]
        self.result["command"] = argv
        return kamal_runner.run(argv, self.app_dir, timeout=self.params["timeout"], log_path=self.log_path, mask=self.mask)

    def git_version(self) -> str:
        rc, out, _err = self.module.run_command(["git", "-C", self.app_dir, "rev-parse", "--verify", "HEAD"])
        if rc != 0 or not out.strip():
            self.fail(f"No version was given and {self.app_dir} is not a git repository with a commit, so Kamal has no version to deploy; set version.")
        return out.strip()

    # -- failures ---------------------------------------------------------------------
    def explain(self, completed: kamal_runner.Completed, what: str) -> str:
        """One sentence for a failed Kamal run."""
        output = completed.output
        log = f"full output in {self.log_path}" if self.log_path else "check mode keeps no log"
        if completed.timed_out:
            return (
                f"kamal {what} did not finish within {self.params['timeout']} seconds and was stopped; "
                f"the deploy lock may still be held (see command lock_status); {log}."
            )
        lock = kamal_runner.lock_held(output)
        if lock:
            self.result["lock"] = self.mask.data(lock)
            return (
                f"The deploy lock is held by {lock['by']} since {lock['at']} (version {lock['version']}, message: {lock['message']!r}); "
                "wait for that deploy to finish, or release the lock with command lock_release if it is stale."
            )
        refused = kamal_runner.registry_login_refused(output)
        if refused:
            return (
                f"The registry {refused['server']} refused the login from {refused['host']} ({refused['reason']}); "
                "check registry.username and the secret named by registry.password."
            )
        health = kamal_runner.health_check_failed(output)
        if health:
            return (
                f"The new container for role {health['role']} on {health['host']} failed its health check ({health['detail']}); "
                f"Kamal stopped it and the previous version keeps running; {log}."
            )
        failure = kamal_runner.error(output)
        if failure:
            message = failure["message"].splitlines()[0] if failure["message"] else ""
            if "no git repository found" in message:
                return f"Kamal found no git repository in {self.app_dir} and no version was given: {message}; set version."
            if failure["kind"].endswith("ConfigurationError"):
                return f"Kamal refused the configuration: {message}."
            return f"kamal {what} failed: {failure['kind']}: {message}; {log}."
        return f"kamal {what} exited with status {completed.rc}; {log}."

    def check(self, completed: kamal_runner.Completed, what: str) -> None:
        if completed.timed_out or completed.rc != 0:
            self.fail(self.explain(completed, what), completed)

    # -- commands -------------------------------------------------------------------------
    def already_running(self, version: str) -> bool:
        """Whether every app host runs ``version`` already, as ``kamal app version`` (read-only) says."""
        if self.params["force"]:
            return False
        completed = self.kamal("app", "version")
        versions = kamal_runner.app_versions(completed.output) if completed.rc == 0 else {}
        if versions:
            self.result["app_versions"] = versions
        if versions and all(running == version for running in versions.values()):
            self.add_output(completed)
            return True
        return False

    def deploy(self, command: str) -> None:
        version = self.params["version"] or self.git_version()
        self.result["version"] = version
        if self.module.check_mode:
            if not os.path.exists(os.path.join(self.app_dir, "config", "deploy.yml")):
                self.result.update(changed=True, msg=f"Would {command} version {version}; config/deploy.yml is not written yet, so kamal config was not run.")
                return
            completed = self.kamal("config", "--version", version)
            self.check(completed, "config")
            self.add_output(completed)
            self.result["config"] = self.mask.data(kamal_runner.config_output(completed.output))
            if self.already_running(version):
                self.result["msg"] = f"Version {version} already runs on every app host; nothing would be deployed."
            else:
                self.result.update(changed=True, msg=f"Would {command} version {version}.")
            return
        if self.already_running(version):
            hosts = ", ".join(sorted(self.result["app_versions"]))
            self.result["msg"] = f"Version {version} already runs on every app host ({hosts}); nothing deployed."
            return
        arguments = [command, "--version", version]
        if self.params["skip_push"]:
            arguments.append("--skip-push")
        completed = self.kamal(*arguments)
        self.check(completed, command)
        self.add_output(completed)
        self.result.update(changed=True, msg=f"Deployed version {version}.")

    def rollback(self) -> None:
        version = self.params["version"]
        if not version:
            self.fail("command rollback needs version: the version to roll back to.")
        self.result["version"] = version
        if self.module.check_mode:
            completed = self.kamal("config", "--version", version)
            self.check(completed, "config")
            self.add_output(completed)
            self.result.update(changed=True, config=self.mask.data(kamal_runner.config_output(completed.output)), msg=f"Would roll back to {version}.")
            return
        completed = self.kamal("rollback", version)
        self.check(completed, "rollback")
        missing = kamal_runner.not_available_version(completed.output)
        if missing is not None:
            self.fail(f"Version {missing} is not available as a container on the app hosts, so nothing was rolled back; see kamal app containers.", completed)
        self.add_output(completed)
        self.result.update(changed=True, msg=f"Rolled back to {version}.")

    def lock_status(self) -> dict | None:
        completed = self.kamal("lock", "status")
        self.check(completed, "lock status")
        self.add_output(completed)
        lock = kamal_runner.lock_details(completed.output)
        if lock is None and "There is no deploy lock" not in completed.output:
            self.fail("kamal lock status answered neither with a lock nor with 'There is no deploy lock'.", completed)
        self.result.update(locked=lock is not None, lock=self.mask.data(lock) if lock else {})
        return lock

    def lock_release(self) -> None:
        if self.module.check_mode:
            self.result["changed"] = self.lock_status() is not None
            return
        completed = self.kamal("lock", "release")
        self.check(completed, "lock release")
        self.add_output(completed)
        released = "Released the deploy lock" in completed.output
        if not released and "There is no deploy lock" not in completed.output:
            self.fail("kamal lock release answered neither 'Released the deploy lock' nor 'There is no deploy lock'.", completed)
        self.result.update(changed=released, locked=False)

    def run(self) -> None:
        if not os.path.isdir(self.app_dir):
            self.fail(f"app_dir {self.app_dir} is not a directory.")
        self.load_mask()
        command = self.params["command"]
        if command in ("deploy", "redeploy"):
            self.deploy(command)
        elif command == "rollback":
            self.rollback()
        elif command == "lock_status":
            self.lock_status()
        else:
            self.lock_release()
        self.module.exit_json(**self.result)


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "app_dir": {"type": "path", "required": True},
            "command": {"type": "str", "default": "deploy", "choices": ["deploy", "redeploy", "rollback", "lock_status", "lock_release"]},
            "version": {"type": "str"},
            "force": {"type": "bool", "default": False},
            "skip_push": {"type": "bool", "default": False},
            "destination": {"type": "str"},
            "timeout": {"type": "int", "default": 1800},
            "log_path": {"type": "path"},
            "executable": {"type": "str", "default": "kamal"},
        },
        required_if=[("command", "rollback", ("version",))],
        supports_check_mode=True,
    )
    try:
        KamalDeploy(module).run()
    except files.FileWriteError as exc:
        module.fail_json(msg=str(exc))


if __name__ == "__main__":
    main()
