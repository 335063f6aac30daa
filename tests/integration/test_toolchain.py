"""The Makefile's promises about the toolchain."""

from __future__ import annotations

import subprocess
from pathlib import Path


def test_venv_is_up_to_date_so_make_test_does_not_rebuild_it(repo_root: Path) -> None:
    # `make -q` exits 0 only when the target is up to date: `make test` will not reinstall.
    completed = subprocess.run(["make", "-q", "venv"], cwd=repo_root, capture_output=True, text=True, check=False)
    assert completed.returncode == 0, "make venv would rebuild the venv although no requirement file changed"


def test_no_sanity_ignore_files(repo_root: Path) -> None:
    assert not list((repo_root / "tests").glob("sanity/ignore-*.txt")), "we fix sanity findings instead of ignoring them"
