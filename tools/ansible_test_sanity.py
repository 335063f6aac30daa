"""Run ``ansible-test sanity`` offline, from a temporary collection tree.

ansible-test insists on a real ``ansible_collections/<ns>/<name>`` directory
(a symlink to the checkout is refused), and a copy inside a git-ignored folder
of the repository makes it see no files and pass silently. So the tracked and
untracked-but-not-ignored files are copied into a temporary folder outside the
repository, and the run fails if ansible-test reports that it skipped
everything.

ansible-test's virtual environments have no pip and fetch a get-pip script
from a host our machines cannot reach; ``ensure_pip_bootstrap`` puts an
offline stand-in for that script into ansible-test's cache.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import ansible_test

REPO = Path(__file__).resolve().parent.parent
NAMESPACE, NAME = "boltfoundry", "infra"
PYTHON_VERSION = f"{sys.version_info.major}.{sys.version_info.minor}"

BOOTSTRAP = '''"""Offline stand-in for get-pip.py, written by tools/ansible_test_sanity.py."""
import os
import sys

WHEEL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "{wheel}")
sys.path.insert(0, WHEEL)
from pip._internal.cli.main import main  # noqa: E402

# ansible-test passes "pip==<version>": install it from the wheel beside us.
# --no-setuptools/--no-wheel are get-pip's own options, not pip's.
OWN_OPTIONS = {{"--no-setuptools", "--no-wheel"}}
args = [WHEEL if arg.startswith("pip==") else arg for arg in sys.argv[1:] if arg not in OWN_OPTIONS]
sys.exit(main(["install", "--no-index", "--find-links", os.path.dirname(WHEEL), *args]))
'''


def ansible_test_pip_version() -> str:
    source = Path(ansible_test.__file__).parent / "_internal" / "python_requirements.py"
    match = re.search(r"pip='([0-9.]+)'", source.read_text())
    if not match:
        sys.exit(f"cannot find the pip version ansible-test pins in {source}; update tools/ansible_test_sanity.py")
    return match.group(1)


def ensure_pip_bootstrap() -> None:
    version = ansible_test_pip_version()
    cache = Path.home() / ".ansible" / "test" / "cache"
    script = cache / f"get_pip_{version.replace('.', '_')}.py"
    wheel = cache / f"pip-{version}-py3-none-any.whl"
    cache.mkdir(parents=True, exist_ok=True)
    if not wheel.exists():
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary", ":all:", "-d", str(cache), f"pip=={version}"],
            check=True,
        )
    content = BOOTSTRAP.format(wheel=wheel.name)
    if not script.exists() or script.read_text() != content:
        script.write_text(content)


def collection_files() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=REPO, check=True, capture_output=True, text=True).stdout
    return [name for name in listed.split("\0") if name and (REPO / name).is_file()]


def main() -> int:
    ensure_pip_bootstrap()
    with tempfile.TemporaryDirectory(prefix="bf-sanity-") as work:
        tree = Path(work, "ansible_collections", NAMESPACE, NAME)
        for name in collection_files():
            target = tree / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, target, follow_symlinks=False)
        ansible_test = str(Path(sys.executable).parent / "ansible-test")
        command = [ansible_test, "sanity", "--venv", "--python", PYTHON_VERSION, "--color", "no", *sys.argv[1:]]
        print("+", " ".join(command), f"(in {tree})", flush=True)
        process = subprocess.run(command, cwd=tree, capture_output=True, text=True, check=False)
        sys.stdout.write(process.stdout)
        sys.stderr.write(process.stderr)
        if "All targets skipped" in process.stdout + process.stderr:
            print("ansible-test saw no files: the tree was not copied correctly", file=sys.stderr)
            return 1
        return process.returncode


if __name__ == "__main__":
    sys.exit(main())
