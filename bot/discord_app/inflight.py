"""Answering fairly: one question in flight per user, on a bounded pool of worker threads.

A question can be slow (a huge paragraph, a pathological index), and answers run in threads
that share one interpreter. With no limit, one member asking five slow questions filled the
event loop's default executor (and its GIL time) and left everyone else's answers waiting.
Now a member's next question is turned away while their previous one is being answered, so
each member holds at most one worker, and answers do not share a pool with reindexing.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")

# Answering is CPU-bound Python: more threads than this only share the same GIL more thinly.
ANSWER_WORKERS = 4

# CPython hands the GIL to a waiting thread only after the running one has held it this long
# (5 ms by default). While answer threads grind through slow questions, every step of the
# event loop (a gateway read, an HTTP reply) and of a quick answer waits that long to get
# back in: a warm answer reached Discord after 0.6-0.9 s behind two slow ones, 0.1-0.3 s at
# 1 ms (tests/e2e/test_bot_fairness.py). What it costs: python -m benchmarks.switch_interval.
SWITCH_INTERVAL = 0.001


def share_the_interpreter_finely() -> None:
    """Switch threads every SWITCH_INTERVAL at most, for the whole process (never coarser
    than an interval already set finer). Kept when the bot closes: it is the process's
    setting, and other clients in it may still be running."""
    if sys.getswitchinterval() > SWITCH_INTERVAL:
        sys.setswitchinterval(SWITCH_INTERVAL)


class AnswerSlots:
    """Who has a question in flight, and the worker threads that answer."""

    def __init__(self, workers: int = ANSWER_WORKERS) -> None:
        self._busy: set[int] = set()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="citebot-answer")

    def busy(self, user_id: int) -> bool:
        """Whether this user's previous question is still being answered."""
        return user_id in self._busy

    @contextlib.contextmanager
    def held(self, user_id: int) -> Iterator[None]:
        """Marks the user's question in flight for the block (answering and replying)."""
        self._busy.add(user_id)
        try:
            yield
        finally:
            self._busy.discard(user_id)

    async def run(self, work: Callable[..., T], *args: object) -> T:
        """`work(*args)` on one of the answer threads."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, functools.partial(work, *args))

    def close(self) -> None:
        """Stop taking work; threads end when their current answer is done."""
        self._pool.shutdown(wait=False, cancel_futures=True)
