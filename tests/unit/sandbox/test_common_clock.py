"""Simulated time: speed factor, freezing, jumps, and a state that survives a restart."""

from __future__ import annotations

import time

import pytest

from sandbox.common.clock import SimClock, rfc3339


def test_runs_at_the_speed_factor() -> None:
    clock = SimClock(speed=100, start=0)
    time.sleep(0.05)
    assert 4 <= clock.now() < 20


def test_speed_zero_freezes_and_advance_moves_it() -> None:
    clock = SimClock(speed=0, start=1000)
    time.sleep(0.02)
    assert clock.now() == 1000
    clock.advance(30)
    assert clock.now() == 1030
    with pytest.raises(ValueError, match="zero or more"):
        clock.advance(-1)


def test_changing_speed_does_not_jump() -> None:
    clock = SimClock(speed=0, start=500)
    clock.set_speed(1000)
    assert 500 <= clock.now() < 550
    clock.set_speed(0)
    frozen = clock.now()
    time.sleep(0.02)
    assert clock.now() == frozen
    with pytest.raises(ValueError, match="zero or more"):
        SimClock(speed=-1)


def test_restored_clock_counts_the_time_it_was_down() -> None:
    first = SimClock(speed=10, start=0)
    saved = first.snapshot()
    time.sleep(0.05)
    second = SimClock(speed=1)
    second.restore(saved)
    assert second.speed == 10
    assert second.now() >= 0.5  # 50 ms of wall time at 10x


def test_rfc3339_is_utc_with_whole_seconds() -> None:
    assert rfc3339(0) == "1970-01-01T00:00:00+00:00"
    assert rfc3339(1700000000.9) == "2023-11-14T22:13:20+00:00"
