"""Secret files are written whole or not at all, mode 0600 from their first byte."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from ansible_collections.boltfoundry.infra.plugins.module_utils.files import FileWriteError, mode_of, read_text, write_atomic


def test_new_file_is_private_whatever_the_umask(tmp_path: Path) -> None:
    target = tmp_path / "app.env"
    previous = os.umask(0)
    try:
        write_atomic(str(target), "A='1'\n")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert read_text(str(target)) == "A='1'\n"


def test_replacing_keeps_no_temporary_files_and_fixes_the_mode(tmp_path: Path) -> None:
    target = tmp_path / "app.env"
    target.write_text("old\n")
    target.chmod(0o644)
    write_atomic(str(target), "new\r\nkept as is\n")
    assert target.read_bytes() == b"new\r\nkept as is\n"
    assert mode_of(str(target)) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["app.env"]


def test_a_failed_write_leaves_the_old_file_and_no_trace(tmp_path: Path) -> None:
    target = tmp_path / "app.env"
    target.write_text("old\n")
    with pytest.raises(FileWriteError) as raised:
        write_atomic(str(target), "SECRET=abc\udcffdef\n")
    assert "udcff" not in str(raised.value) and "abc" not in str(raised.value)
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["app.env"]


def test_missing_directory_is_named(tmp_path: Path) -> None:
    with pytest.raises(FileWriteError, match=r"directory .*nope does not exist"):
        write_atomic(str(tmp_path / "nope" / "app.env"), "x")


def test_readers_never_see_half_a_file(tmp_path: Path) -> None:
    target = tmp_path / "app.env"
    versions = ["A=" + "a" * 2_000_000 + "\n", "B=" + "b" * 1_500_000 + "\n"]
    write_atomic(str(target), versions[0])
    seen: set[int] = set()
    done = threading.Event()
    torn: list[int] = []

    def read_forever() -> None:
        while not done.is_set():
            content = target.read_text()
            if content not in versions:
                torn.append(len(content))
            seen.add(versions.index(content) if content in versions else -1)

    reader = threading.Thread(target=read_forever)
    reader.start()
    try:
        for round_number in range(20):
            write_atomic(str(target), versions[round_number % 2])
    finally:
        done.set()
        reader.join()
    assert torn == []
    assert seen == {0, 1}
