"""Fixtures every test can use.

The collection is put on a temporary collections path (a symlink to this
checkout) before tests are collected, so unit tests can import
``ansible_collections.boltfoundry.infra`` and playbooks run the tree as it is.
Fixtures for each simulator live in ``tests/fixtures/<name>.py`` and are
loaded here.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

from tests.harness import AnsibleRunner
from tests.harness.required import unavailable

REPO_ROOT = Path(__file__).resolve().parent.parent

pytest_plugins = sorted(f"tests.fixtures.{path.stem}" for path in (Path(__file__).parent / "fixtures").glob("*.py") if not path.name.startswith("_"))

# One temporary collections tree per test session, made when pytest starts.
_SESSION: dict[str, str] = {}


def pytest_configure(config: pytest.Config) -> None:
    collections = _SESSION["collections"] = tempfile.mkdtemp(prefix="bf-collections-")
    link = Path(collections, "ansible_collections", "boltfoundry", "infra")
    link.parent.mkdir(parents=True, exist_ok=True)
    if not link.exists():
        link.symlink_to(REPO_ROOT, target_is_directory=True)
    if collections not in sys.path:
        sys.path.insert(0, collections)


def pytest_unconfigure(config: pytest.Config) -> None:
    if "collections" in _SESSION:
        shutil.rmtree(_SESSION.pop("collections"), ignore_errors=True)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def collections_path() -> str:
    return _SESSION["collections"]


@pytest.fixture
def ansible(collections_path: str, tmp_path: Path) -> AnsibleRunner:
    """Runs playbooks and modules with this checkout as boltfoundry.infra."""
    return AnsibleRunner(collections_path, tmp_path / "ansible")


@pytest.fixture(scope="session")
def specs_dir() -> Path:
    """The published reference files (hcloud OpenAPI spec, Kamal reference); skip when absent."""
    value = os.environ.get("BF_SPECS_DIR", "")
    if not value or not Path(value).is_dir():
        unavailable(
            "BF_SPECS_DIR is not set to the reference specs folder (the Makefile sets it when ../shared/specs exists); "
            "see docs/development.md for where the public files come from"
        )
    return Path(value)
