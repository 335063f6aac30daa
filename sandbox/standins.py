"""What ``make sandbox`` deploys with and to, besides the simulators: stand-ins, made once and kept.

- ``app/``: an application checkout with one git commit (its HEAD is the
  version Kamal deploys);
- ``ssh/deploy`` and ``ssh/deploy.pub``: the deploy key provisioning puts on
  the server;
- ``kamal/kamal``: a STAND-IN for Kamal (``tests/harness/kamal_standin``), NOT
  Kamal, which cannot be installed here: it checks the config and secrets as
  Kamal reads them and records in its state file what a deploy would do;
- ``devices/``: where the Hetzner simulator puts the links of attached volumes
  (``sandbox/hcloud/devices.py``), which the stand-in host mounts;
- the name of the stand-in host, a local container that ``tools/standin``
  creates for the server the simulator "creates" (one per checkout).
"""

from __future__ import annotations

import hashlib
import shlex
import subprocess
import sys
from pathlib import Path

from tests.harness.kamal_standin import install

REPO_ROOT = Path(__file__).resolve().parent.parent


def container_name(checkout: Path = REPO_ROOT) -> str:
    """One stand-in host per checkout, so that two checkouts on a machine do not share one."""
    return "bf-sandbox-" + hashlib.sha1(str(checkout).encode(), usedforsecurity=False).hexdigest()[:10]


def _git(directory: Path, *arguments: str) -> None:
    identity = ["-c", "user.name=Sandbox", "-c", "user.email=sandbox@boltfoundry.test", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", *identity, *arguments], cwd=directory, check=True, capture_output=True, text=True)


def _app(directory: Path) -> Path:
    if not (directory / ".git").is_dir():
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "Dockerfile").write_text("# The sandbox's app: the stand-in kamal never builds it.\nFROM scratch\n")
        _git(directory, "init", "--quiet", "--initial-branch=main")
        _git(directory, "add", "Dockerfile")
        _git(directory, "commit", "--quiet", "-m", "The sandbox's app")
    return directory


def _deploy_key(directory: Path) -> Path:
    key = directory / "deploy"
    if not key.exists():
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "boltfoundry-sandbox", "-f", str(key)], check=True, capture_output=True)
    return key.with_suffix(".pub")


def _kamal(directory: Path) -> Path:
    executable = directory / "kamal"
    # Installing again would forget what was deployed (its state file): keep it.
    return executable if executable.exists() else install(directory).executable


def names(directory: Path) -> dict[str, str]:
    """The env lines that name it all (nothing is made)."""
    directory = directory.resolve()
    return {
        "BF_SANDBOX_APP_DIR": str(directory / "app"),
        "BF_SANDBOX_SSH_PUBLIC_KEY": str(directory / "ssh" / "deploy.pub"),
        "BF_SANDBOX_KAMAL": str(directory / "kamal" / "kamal"),
        "BF_SANDBOX_STANDIN": container_name(),
        "BF_SANDBOX_STANDIN_VOLUME": str(directory / "volume"),
        "BF_SANDBOX_DEVICES": str(directory / "devices"),
    }


def prepare(directory: Path) -> dict[str, str]:
    """Make what is missing under ``directory``; return the env lines that name it all."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "devices").mkdir(exist_ok=True)
    _app(directory / "app")
    _deploy_key(directory / "ssh")
    _kamal(directory / "kamal")
    return names(directory)


def main(argv: list[str] | None = None) -> int:
    """``python -m sandbox.standins [DIR]``: the names as shell assignments (for make sandbox-down, with or without simulators)."""
    arguments = sys.argv[1:] if argv is None else argv
    directory = Path(arguments[0]) if arguments else REPO_ROOT / ".sandbox" / "standins"
    for key, value in names(directory).items():
        print(f"{key}={shlex.quote(value)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
