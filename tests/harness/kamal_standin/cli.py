"""The STAND-IN ``kamal`` program (see the package docstring): NOT Kamal, a test double that answers like Kamal 2.12."""

from __future__ import annotations

import datetime
import json
import os
import re
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tests.harness import dotenv_gem

KAMAL_VERSION = "2.12.0"
ERB_TAG = re.compile(r"<%(?!%)")
LOCK_MESSAGE = "Automatic deploy lock"


class KamalError(Exception):
    """What bin/kamal prints as ``ERROR (kind): message`` before exiting 1."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


def say(text: str = "") -> None:
    print(text, flush=True)


def uuid() -> str:
    return secrets.token_hex(4)


def ran(command: str, host: str, seconds: float = 0.2) -> None:
    """SSHKit's pretty log of a command that succeeded."""
    tag = uuid()
    say(f"  INFO [{tag}] Running {command} on {host}")
    say(f"  INFO [{tag}] Finished in {seconds:.3f} seconds with exit status 0 (successful).")


def failed(command: str, host: str, stderr: str, remote: bool) -> KamalError:
    """SSHKit's log of a command that failed, and the error bin/kamal reports for it."""
    say(f"  INFO [{uuid()}] Running {command} on {host}")
    executable = command.split(maxsplit=1)[0]
    message = f"{executable} exit status: 1\n{executable} stdout: Nothing written\n{executable} stderr: {stderr}"
    if remote:
        message = f"Exception while executing on host {host}: {message}"
    return KamalError("SSHKit::Command::Failed", message)


@dataclass
class Options:
    command: list[str] = field(default_factory=list)
    version: str | None = None
    destination: str | None = None
    config_file: str = "config/deploy.yml"
    skip_push: bool = False
    quiet: bool = False


def parse_arguments(argv: list[str]) -> Options:
    options = Options()
    index = 0
    with_value = {"--version": "version", "-d": "destination", "--destination": "destination", "-c": "config_file", "--config-file": "config_file"}
    while index < len(argv):
        argument = argv[index]
        name, _sep, inline = argument.partition("=")
        if name in with_value:
            if inline:
                value = inline
            elif index + 1 < len(argv):
                index += 1
                value = argv[index]
            else:
                raise KamalError("Thor::MalformattedArgumentError", f"No value provided for option '{name}'")
            setattr(options, with_value[name], value)
        elif argument in ("--skip-push", "-P"):
            options.skip_push = True
        elif argument in ("-q", "--quiet"):
            options.quiet = True
        elif argument in ("-v", "--verbose"):
            pass
        elif argument.startswith("-"):
            raise KamalError("Thor::UnknownArgumentError", f'Unknown switches "{argument}"')
        else:
            options.command.append(argument)
        index += 1
    return options


class App:
    """One run of the stand-in in the current directory, reading config and secrets as Kamal does."""

    def __init__(self, options: Options, state: dict[str, Any]) -> None:
        self.options = options
        self.state = state
        self.cwd = Path.cwd()
        self.config = self.load_config()
        self.secrets_paths = self.secrets_file_names()
        self._secrets: dict[str, str] | None = None

    # -- files -----------------------------------------------------------------------
    def load_config(self) -> dict[str, Any]:
        path = self.cwd / self.options.config_file
        files = [path] + ([path.with_suffix(f".{self.options.destination}.yml")] if self.options.destination else [])
        config: dict[str, Any] = {}
        for file in files:
            if not file.exists():
                raise KamalError("RuntimeError", f"Configuration file not found in {file}")
            text = file.read_text()
            if ERB_TAG.search(text):
                raise KamalError("StandInError", f"{file} holds an ERB tag; the stand-in cannot evaluate Ruby (and our files must never hold one)")
            loaded = yaml.safe_load(text.replace("<%%", "<%")) or {}
            config.update(loaded)
        for key in ("service", "registry"):
            if not config.get(key):
                raise KamalError("Kamal::ConfigurationError", f"Missing required configuration for {key}")
        if not config.get("image"):
            raise KamalError("Kamal::ConfigurationError", "Missing required configuration for image")
        if not (config.get("builder") or {}).get("arch"):
            raise KamalError("Kamal::ConfigurationError", "builder: Builder arch not set")
        if not self.hosts_of(config):
            raise KamalError("Kamal::ConfigurationError", "No servers specified for the web primary_role")
        return config

    @staticmethod
    def hosts_of(config: dict[str, Any]) -> list[str]:
        servers = config.get("servers") or []
        entries = servers if isinstance(servers, list) else servers.get("web") or []
        if isinstance(entries, dict):
            entries = entries.get("hosts") or []
        return [next(iter(entry)) if isinstance(entry, dict) else str(entry) for entry in entries]

    @property
    def hosts(self) -> list[str]:
        return self.hosts_of(self.config)

    def secrets_file_names(self) -> list[str]:
        base = self.config.get("secrets_path") or ".kamal/secrets"
        return [f"{base}-common", f"{base}.{self.options.destination}" if self.options.destination else base]

    def secrets(self) -> dict[str, str]:
        """Kamal::Secrets: the files read with the dotenv gem (oracle); commands are recorded, never run."""
        if self._secrets is None:
            self._secrets = {}
            for name in self.secrets_paths:
                path = self.cwd / name
                if path.exists():
                    reading = dotenv_gem.parse(path.read_text(), environ=dict(os.environ))
                    self.state["commands_seen"].extend(reading.commands)
                    self._secrets.update(reading.values)
        return self._secrets

    def secret(self, key: str) -> str:
        values = self.secrets()
        if key in values:
            return values[key]
        existing = [name for name in self.secrets_paths if (self.cwd / name).exists()]
        if existing:
            raise KamalError("Kamal::ConfigurationError", f"Secret '{key}' not found in {', '.join(existing)}")
        raise KamalError("Kamal::ConfigurationError", f"Secret '{key}' not found, no secret files ({', '.join(self.secrets_paths)}) provided")

    def version(self) -> str:
        if self.options.version:
            return self.options.version
        git = subprocess.run(["git", "rev-parse", "HEAD"], cwd=self.cwd, capture_output=True, text=True, check=False)
        if git.returncode != 0:
            raise KamalError("RuntimeError", f"Can't use commit hash as version, no git repository found in {self.cwd}")
        return git.stdout.strip()

    # -- what Kamal computes -------------------------------------------------------------
    @property
    def repository(self) -> str:
        server = (self.config.get("registry") or {}).get("server")
        return "/".join(part for part in (server, self.config["image"]) if part)

    def registry_credential(self, key: str) -> str:
        value = self.config["registry"].get(key)
        return self.secret(value[0]) if isinstance(value, list) else str(value)

    def container_environment(self) -> dict[str, str]:
        """What the app container sees: env.clear, then env.secret through Kamal's env file and Docker's --env-file."""
        env = self.config.get("env") or {}
        clear = env.get("clear", {} if ("secret" in env or "tags" in env) else env)
        aliased = {}
        for entry in env.get("secret", []):
            name, _sep, alias = entry.partition(":")
            aliased[name] = self.secret(alias or name)
        env_file = "".join(dotenv_gem.kamal_env_file_line(name, value) for name, value in aliased.items())
        seen = {str(key): str(value) for key, value in clear.items()}
        seen.update(dotenv_gem.docker_env_file(env_file))
        return seen

    def host_state(self, host: str) -> dict[str, Any]:
        return self.state["hosts"].setdefault(host, {"running": "", "containers": [], "env": {}})

    # -- the lock -----------------------------------------------------------------------
    def lock_lines(self) -> str:
        lock = self.state["lock"]
        return f"Locked by: {lock['by']} at {lock['at']}\nVersion: {lock['version']}\nMessage: {lock['message']}"

    def acquire_lock(self, version: str) -> None:
        say("Acquiring the deploy lock...")
        if self.state["lock"]:
            say("Deploy lock already in place!")
            say(self.lock_lines())
            raise KamalError("Kamal::Cli::LockError", "Deploy lock found. Run 'kamal lock help' for more information")
        at = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.state["lock"] = {"by": "Stand-in Deployer", "at": at, "version": version, "message": LOCK_MESSAGE}

    def release_lock(self) -> None:
        say("Releasing the deploy lock...")
        self.state["lock"] = None

    # -- commands ---------------------------------------------------------------------------
    def login(self, host: str, remote: bool) -> None:
        server = self.config["registry"].get("server") or ""
        username, password = self.registry_credential("username"), self.registry_credential("password")
        command = f"docker login {server} -u [REDACTED] -p [REDACTED]".replace("  ", " ")
        if self.state["scenario"].get("registry_login") == "refused" or not username or not password:
            target = server or "registry-1.docker.io"
            raise failed(command, host, f'Error response from daemon: Get "https://{target}/v2/": denied: denied', remote)
        ran(command, host)

    def deploy(self, redeploy: bool = False) -> int:
        scenario = self.state["scenario"]
        version = self.version()
        image = f"{self.repository}:{version}"
        started = time.monotonic()
        try:
            if self.options.skip_push:
                say("Pull app image...")
            else:
                say("Build and push app image...")
                self.login("localhost", remote=False)
                if scenario.get("hang_seconds"):
                    time.sleep(float(scenario["hang_seconds"]))
                ran(
                    f"docker buildx build --push --platform linux/amd64 -t {image} -t {self.repository}:latest "
                    f'--label service="{self.config["service"]}" --file Dockerfile .',
                    "localhost",
                    12.4,
                )
            for host in self.hosts:
                self.login(host, remote=True)
                ran(f"docker pull {image}", host, 3.1)
            self.acquire_lock(version)
            try:
                for line in scenario.get("hook_output", []):
                    say(line.format(**self.secrets()))
                if not redeploy:
                    say("Ensure kamal-proxy is running...")
                    for host in self.hosts:
                        ran(
                            "docker container start kamal-proxy || docker run --name kamal-proxy --network kamal --detach "
                            "--restart unless-stopped basecamp/kamal-proxy:v0.9.2",
                            host,
                        )
                say("Detect stale containers...")
                say(f"Start container with version {version} (or reboot if already running)...")
                environment = self.container_environment()
                for host in self.hosts:
                    self.boot(host, version, environment)
                if not redeploy:
                    say("Prune old containers and images...")
            finally:
                self.release_lock()
        finally:
            say(f"  Finished all in {time.monotonic() - started + 20:.1f} seconds")
        return 0

    def boot(self, host: str, version: str, environment: dict[str, str]) -> None:
        service = self.config["service"]
        container = f"{service}-web-{version}"
        clear = " ".join(f'--env {name}="{value}"' for name, value in (self.config.get("env") or {}).get("clear", {}).items())
        volumes = " ".join(f"--volume {volume}" for volume in self.config.get("volumes", []))
        ran(
            f"docker run --detach --restart unless-stopped --name {container} --network kamal {clear} "
            f"--env-file .kamal/apps/{service}/env/roles/web.env {volumes} {self.repository}:{version}",
            host,
            1.2,
        )
        if self.state["scenario"].get("healthcheck") == "fail":
            say(f'  INFO [{uuid()}] Running docker exec kamal-proxy kamal-proxy deploy {service}-web --target="{container[:12]}:80" on {host}')
            say(f" ERROR Failed to boot web on {host}")
            say(f"  INFO First web container is unhealthy on {host}, not booting any other roles")
            for line in self.state["scenario"].get("app_logs", []):
                say(f" ERROR {line.format(**environment)}")
            raise KamalError(
                "SSHKit::Command::Failed",
                f"Exception while executing on host {host}: docker exit status: 1\ndocker stdout: Nothing written\n"
                "docker stderr: Error: target failed to become healthy within configured timeout (30s)",
            )
        ran(f'docker exec kamal-proxy kamal-proxy deploy {service}-web --target="{container[:12]}:80"', host, 4.2)
        record = self.host_state(host)
        record.update(running=version, env=environment)
        if version not in record["containers"]:
            record["containers"].append(version)

    def rollback(self, version: str) -> int:
        self.acquire_lock(version)
        try:
            missing = [host for host in self.hosts if version not in self.host_state(host)["containers"]]
            if missing:
                say(f"Error looking for container version {version}: Exception while executing on host {missing[0]}: Container not found")
                say(f"The app version '{version}' is not available as a container (use 'kamal app containers' for available versions)")
                return 0
            environment = self.container_environment()
            for host in self.hosts:
                self.boot(host, version, environment)
        finally:
            self.release_lock()
        return 0

    def app_version(self) -> int:
        for host in self.hosts:
            ran(f"sh -c 'docker ps --latest --format '\\''{{{{.Names}}}}'\\'' --filter label=service={self.config['service']}' | head -1", host)
            if not self.options.quiet:
                say(f"App Host: {host}")
            say(f"{self.host_state(host)['running']}\n")
        return 0

    def show_config(self) -> int:
        version = self.version()
        hosts = self.hosts
        shown = {
            ":roles": ["web"],
            ":hosts": hosts,
            ":primary_host": hosts[0],
            ":version": version,
            ":repository": self.repository,
            ":absolute_image": f"{self.repository}:{version}",
            ":service_with_version": f"{self.config['service']}-{version}",
            ":volume_args": [part for volume in self.config.get("volumes", []) for part in ("--volume", volume)],
            ":ssh_options": {":user": "root", ":port": 22, ":keepalive": True, ":keepalive_interval": 30, ":log_level": ":fatal"},
            ":sshkit": {},
            ":builder": self.config.get("builder", {}),
            ":logging": ["--log-opt", "max-size=10m"],
        }
        say(yaml.safe_dump(shown, sort_keys=False).rstrip())
        return 0


def run(options: Options, state: dict[str, Any]) -> int:
    command = options.command
    if command == ["version"]:
        say(KAMAL_VERSION)
        return 0
    known = (["deploy"], ["redeploy"], ["config"], ["app", "version"], ["lock", "status"], ["lock", "release"])
    if command not in known and not (command[:1] == ["rollback"] and len(command) == 2):
        if command[:1] == ["rollback"]:
            raise KamalError("Thor::InvocationError", '"kamal rollback" was called with wrong arguments. Usage: "kamal rollback [VERSION]"')
        raise KamalError("Thor::UndefinedCommandError", f'Could not find command "{" ".join(command)}".')
    app = App(options, state)
    if command == ["lock", "status"]:
        say(app.lock_lines() if state["lock"] else "There is no deploy lock")
        return 0
    if command == ["lock", "release"]:
        if not state["lock"]:
            say("There is no deploy lock")
            return 0
        state["lock"] = None
        say("Released the deploy lock")
        return 0
    if command == ["config"]:
        return app.show_config()
    if command == ["app", "version"]:
        return app.app_version()
    if command[0] == "rollback":
        return app.rollback(command[1])
    return app.deploy(redeploy=command == ["redeploy"])


def main(argv: list[str], state_path: str) -> int:
    path = Path(state_path)
    state = json.loads(path.read_text())
    # The names (never values) of the environment Kamal was started with.
    state["calls"].append({"argv": list(argv), "cwd": os.getcwd(), "env_names": sorted(os.environ)})
    path.write_text(json.dumps(state, indent=2))
    try:
        code = run(parse_arguments(argv), state)
    except KamalError as exc:
        say(f"  \x1b[31mERROR ({exc.kind}): {exc.message}\x1b[0m")
        code = 1
    path.write_text(json.dumps(state, indent=2))
    sys.stdout.flush()
    return code
