"""Per-user question rate limit: at most N questions in any window of S seconds."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable


class Cooldown:
    """A sliding-window limiter keyed by user id."""

    def __init__(
        self, questions: int, seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._questions = questions
        self._seconds = seconds
        self._clock = clock
        self._recent: dict[int, deque[float]] = {}

    def retry_after(self, user_id: int) -> float:
        """0 and the question is counted, or the seconds to wait before asking again."""
        if self._questions <= 0 or self._seconds <= 0:
            return 0.0
        now = self._clock()
        recent = self._recent.setdefault(user_id, deque())
        while recent and now - recent[0] >= self._seconds:
            recent.popleft()
        if len(recent) >= self._questions:
            return self._seconds - (now - recent[0])
        recent.append(now)
        self._forget_idle(now)
        return 0.0

    def _forget_idle(self, now: float) -> None:
        # Keep memory flat on a busy public bot: drop users with nothing in the window.
        if len(self._recent) > 10_000:
            idle = [u for u, r in self._recent.items() if not r or now - r[-1] >= self._seconds]
            for user_id in idle:
                del self._recent[user_id]
