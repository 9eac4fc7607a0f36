"""The per-server limit on adding articles and feeds."""

from __future__ import annotations

from bot.fetch import add_limiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_server_is_limited_per_window_and_others_are_not():
    clock = Clock()
    limiter = add_limiter(adds=2, seconds=60, clock=clock)
    server_a, server_b = 111, 222
    assert limiter.retry_after(server_a) == 0
    clock.now += 10
    assert limiter.retry_after(server_a) == 0
    assert limiter.retry_after(server_a) == 50  # the first add leaves the window in 50 s
    assert limiter.retry_after(server_b) == 0
    clock.now += 50
    assert limiter.retry_after(server_a) == 0


def test_the_default_limit_is_ten_adds_in_ten_minutes():
    clock = Clock()
    limiter = add_limiter(clock=clock)
    assert all(limiter.retry_after(1) == 0 for _ in range(10))
    assert limiter.retry_after(1) == 600
