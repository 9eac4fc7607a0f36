"""The actions waiting for their button (bot/discord_app/pending.py): expiry, one press, and
the bounds that keep a flood of /add repeats from holding unbounded memory."""

from __future__ import annotations

from bot.collections import Overrides, Source
from bot.discord_app import pending
from bot.discord_app.pending import PENDING_SECONDS, PendingActions, Remove, Replace


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def replace_of(size: int) -> Replace:
    return Replace(Source(b"x" * size, ".txt", "page"), Overrides(), "page")


def test_an_action_is_taken_once_and_expires():
    clock = Clock()
    waiting = PendingActions(clock)
    first = waiting.put(1, 10, Remove("a", "A"))
    second = waiting.put(1, 10, Remove("b", "B"))
    taken = waiting.take(first)
    assert taken is not None and taken.action == Remove("a", "A") and taken.owner_id == 1
    assert waiting.take(first) is None  # a double click runs nothing the second time
    clock.now = PENDING_SECONDS
    assert waiting.get(second) is None


def test_the_oldest_replace_goes_when_the_byte_budget_is_full(monkeypatch):
    monkeypatch.setattr(pending, "MAX_PENDING_BYTES", 1000)
    waiting = PendingActions(Clock())
    old = waiting.put(1, 10, replace_of(600))
    removal = waiting.put(1, 10, Remove("a", "A"))
    new = waiting.put(2, 10, replace_of(600))
    assert waiting.get(old) is None
    assert waiting.get(removal) is not None and waiting.get(new) is not None
