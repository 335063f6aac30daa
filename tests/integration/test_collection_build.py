"""The built collection ships the plugins and nothing of the test world."""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import yaml

BIN = Path(sys.executable).parent
PLUGIN_DIRS = {"modules": "module", "lookup": "lookup", "filter": "filter", "inventory": "inventory", "callback": "callback"}
NEVER_SHIPPED = ("sandbox/", "tests/", ".venv/", "benchmarks/", "tools/", ".ci/", "Makefile", "requirements/dev.txt", ".sandbox/")


def run(*command: str, cwd: Path | None = None, env: dict | None = None) -> str:
    completed = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=300)
    assert completed.returncode == 0, f"{' '.join(command)} failed:\n{completed.stdout}\n{completed.stderr}"
    return completed.stdout


def plugins_in_tree(repo_root: Path) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for directory, plugin_type in PLUGIN_DIRS.items():
        for path in (repo_root / "plugins" / directory).glob("*.py"):
            if path.name != "__init__.py":
                found.setdefault(plugin_type, set()).add(f"boltfoundry.infra.{path.stem}")
    return found


@pytest.fixture(scope="module")
def tarball(repo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("build")
    run(str(BIN / "ansible-galaxy"), "collection", "build", str(repo_root), "--output-path", str(out))
    galaxy = yaml.safe_load((repo_root / "galaxy.yml").read_text())
    return out / f"boltfoundry-infra-{galaxy['version']}.tar.gz"


def test_tarball_leaves_out_simulators_tests_and_tooling(tarball: Path) -> None:
    with tarfile.open(tarball) as archive:
        names = archive.getnames()
    leaked = sorted(name for name in names for prefix in NEVER_SHIPPED if name == prefix.rstrip("/") or name.startswith(prefix))
    assert not leaked, f"shipped but should not be: {leaked[:20]}"
    hidden = sorted(name for name in names if any(part.startswith(".") for part in Path(name).parts))
    assert not hidden, f"caches or tool settings shipped: {hidden[:20]}"
    assert "galaxy.yml" not in names  # built collections carry MANIFEST.json instead
    assert {"MANIFEST.json", "FILES.json", "README.md", "meta/runtime.yml"} <= set(names)
    assert any(name.startswith("plugins/module_utils/") for name in names)


def test_installed_tarball_lists_every_plugin_of_the_tree(tarball: Path, repo_root: Path, tmp_path: Path) -> None:
    collections = tmp_path / "collections"
    env = {"ANSIBLE_HOME": str(tmp_path / "home"), "PATH": str(BIN), "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false"}
    # --no-deps: no machine here reaches Galaxy; dependencies are checked by the tests that need them.
    run(str(BIN / "ansible-galaxy"), "collection", "install", "--no-deps", "-p", str(collections), str(tarball), env=env)
    env["ANSIBLE_COLLECTIONS_PATH"] = str(collections)
    expected = plugins_in_tree(repo_root)
    assert expected, "the tree has no plugins to list"
    for plugin_type, names in expected.items():
        listed = json.loads(run(str(BIN / "ansible-doc"), "-t", plugin_type, "-l", "boltfoundry.infra", "--json", env=env))
        assert set(listed) == names, f"ansible-doc -t {plugin_type} lists {sorted(listed)}, the tree has {sorted(names)}"
