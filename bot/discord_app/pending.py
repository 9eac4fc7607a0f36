"""Actions waiting for their button: Replace after a repeat /add, Remove after /remove.

What the button would do lives in this process, under a random key that the button's
custom_id carries; only the member who ran the command may press it. An action waits at
most `PENDING_SECONDS` (a button of an older or another process's action says to run the
command again), and a press takes it, so a double click cannot run it twice.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from bot.collections import Overrides, Source

# An interaction token edits its message for 15 minutes: an action never outlives that.
PENDING_SECONDS = 14 * 60.0
# A flood of commands never holds more than this many actions, nor more than this many
# bytes of fetched pages and files waiting for Replace (the oldest go first).
MAX_PENDING = 1000
MAX_PENDING_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Replace:
    """Add this source again, replacing the article it repeats."""

    source: Source
    overrides: Overrides
    existing_id: str


@dataclass(frozen=True)
class Remove:
    """Remove this article of the server's collection."""

    article_id: str
    title: str


Action = Replace | Remove


@dataclass(frozen=True)
class Pending:
    """An action, whose it is, and where."""

    owner_id: int
    guild_id: int
    action: Action
    expires: float


class PendingActions:
    """The actions waiting for a press in this process, by key."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._waiting: dict[str, Pending] = {}

    def put(self, owner_id: int, guild_id: int, action: Action) -> str:
        """Keep the action for its owner; returns the key its button carries."""
        self._forget_expired()
        room = MAX_PENDING_BYTES - _size(action)
        while self._waiting and (len(self._waiting) >= MAX_PENDING or self._bytes() > room):
            self._waiting.pop(next(iter(self._waiting)))  # the oldest goes first
        key = secrets.token_hex(8)
        expires = self._clock() + PENDING_SECONDS
        self._waiting[key] = Pending(owner_id, guild_id, action, expires)
        return key

    def get(self, key: str) -> Pending | None:
        """The waiting action with this key, or None (expired, taken, or never here)."""
        found = self._waiting.get(key)
        if found is not None and found.expires <= self._clock():
            del self._waiting[key]
            return None
        return found

    def take(self, key: str) -> Pending | None:
        """The waiting action with this key, no longer waiting."""
        found = self.get(key)
        self._waiting.pop(key, None)
        return found

    def _bytes(self) -> int:
        return sum(_size(p.action) for p in self._waiting.values())

    def _forget_expired(self) -> None:
        now = self._clock()
        for key in [k for k, p in self._waiting.items() if p.expires <= now]:
            del self._waiting[key]


def _size(action: Action) -> int:
    return len(action.source.data) if isinstance(action, Replace) else 0
