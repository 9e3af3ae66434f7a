"""Cooldowns: discord.py's rule (rate uses per window from the first use), at a constant cost per use."""

from __future__ import annotations

from bot.utils.checks import Cooldowns


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_key_gets_rate_uses_per_window_then_waits_for_its_end() -> None:
    clock = Clock()
    windows = Cooldowns(2, 30.0, clock)

    assert [windows.hit(1), windows.hit(1)] == [0.0, 0.0]
    clock.now += 10
    assert windows.hit(1) == 20.0
    assert windows.hit(2) == 0.0  # per key
    clock.now += 20
    assert windows.hit(1) == 0.0  # a new window


def test_expired_windows_are_swept_so_memory_follows_the_recent_users() -> None:
    clock = Clock()
    windows = Cooldowns(5, 30.0, clock)
    for user in range(1000):
        windows.hit(user)
    assert len(windows) == 1000

    clock.now += 31
    windows.hit(5000)

    assert len(windows) == 1
