"""The per-server rate limit on adding articles and feeds (/add, /feed add).

Adding fetches a page from the network and indexes it: a server may do it at most
ADDS_PER_WINDOW times in any ADD_WINDOW_SECONDS, counted per server id with the same
sliding-window limiter that limits questions per user (bot/cooldown.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from bot.cooldown import Cooldown

ADDS_PER_WINDOW = 10
ADD_WINDOW_SECONDS = 600.0


def add_limiter(
    adds: int = ADDS_PER_WINDOW,
    seconds: float = ADD_WINDOW_SECONDS,
    clock: Callable[[], float] = time.monotonic,
) -> Cooldown:
    """A limiter keyed by server id: `retry_after(server_id)` is 0 when an add may go ahead."""
    return Cooldown(adds, seconds, clock)
