"""The per-user question rate limit."""

from bot.cooldown import Cooldown


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_questions_within_the_allowance_pass_then_wait_is_reported():
    clock = FakeClock()
    cooldown = Cooldown(questions=2, seconds=10, clock=clock)
    assert cooldown.retry_after(1) == 0
    clock.now += 1
    assert cooldown.retry_after(1) == 0
    clock.now += 1
    assert cooldown.retry_after(1) == 8.0


def test_window_slides_and_users_are_independent():
    clock = FakeClock()
    cooldown = Cooldown(questions=1, seconds=5, clock=clock)
    assert cooldown.retry_after(1) == 0
    assert cooldown.retry_after(2) == 0
    assert cooldown.retry_after(1) > 0
    clock.now += 5
    assert cooldown.retry_after(1) == 0


def test_refused_questions_do_not_extend_the_wait():
    clock = FakeClock()
    cooldown = Cooldown(questions=1, seconds=5, clock=clock)
    cooldown.retry_after(1)
    for _ in range(10):
        clock.now += 0.4
        cooldown.retry_after(1)
    clock.now += 1.1  # 5.1 s after the only counted question
    assert cooldown.retry_after(1) == 0


def test_zero_disables_the_limit():
    cooldown = Cooldown(questions=0, seconds=30)
    assert all(cooldown.retry_after(1) == 0 for _ in range(100))
