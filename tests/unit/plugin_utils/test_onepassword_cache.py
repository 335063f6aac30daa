"""The lookup's run cache: shared by forked workers, unreadable without the token."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from ansible_collections.boltfoundry.infra.plugins.plugin_utils.onepassword_cache import RunCache

TOKEN = "ops_token-one"
REFERENCE = "op://Production/DATABASE_URL/password"
VALUE = "postgres://user:very-secret-password@db/app"


def _put_in_child(directory: str) -> None:
    RunCache(directory, TOKEN, "1password").put({REFERENCE: VALUE})


def test_a_value_put_by_one_worker_is_read_by_the_next(tmp_path: Path) -> None:
    child = multiprocessing.get_context("fork").Process(target=_put_in_child, args=(str(tmp_path),))
    child.start()
    child.join()
    assert child.exitcode == 0
    assert RunCache(str(tmp_path), TOKEN, "1password").get([REFERENCE, "op://x/y/z"]) == {REFERENCE: VALUE}


def test_values_are_encrypted_and_bound_to_token_and_backend(tmp_path: Path) -> None:
    RunCache(str(tmp_path), TOKEN, "1password").put({REFERENCE: VALUE})
    (cache_file,) = [p for p in tmp_path.iterdir() if p.suffix == ".cache"]
    assert cache_file.stat().st_mode & 0o777 == 0o600
    data = cache_file.read_bytes()
    assert VALUE.encode() not in data and b"DATABASE_URL" not in data
    assert RunCache(str(tmp_path), "ops_token-two", "1password").get([REFERENCE]) == {}
    assert RunCache(str(tmp_path), TOKEN, "/tmp/sandbox/vault.json").get([REFERENCE]) == {}


def test_a_damaged_file_is_a_miss_not_an_error(tmp_path: Path) -> None:
    RunCache(str(tmp_path), TOKEN, "1password").put({REFERENCE: VALUE})
    (cache_file,) = [p for p in tmp_path.iterdir() if p.suffix == ".cache"]
    cache_file.write_bytes(b"\0" * 40)

    def fresh_process_view() -> dict[str, str]:
        queue = multiprocessing.get_context("fork").Queue()
        process = multiprocessing.get_context("fork").Process(target=lambda: queue.put(RunCache(str(tmp_path), TOKEN, "1password").get([REFERENCE])))
        process.start()
        found = queue.get(timeout=30)
        process.join()
        return found

    assert fresh_process_view() == {}


def test_without_a_directory_only_this_process_remembers(tmp_path: Path) -> None:
    cache = RunCache(None, TOKEN, "memory-only")
    cache.put({REFERENCE: VALUE})
    assert RunCache(None, TOKEN, "memory-only").get([REFERENCE]) == {REFERENCE: VALUE}
    assert list(tmp_path.iterdir()) == []
