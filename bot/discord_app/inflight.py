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
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")

# Answering is CPU-bound Python: more threads than this only share the same GIL more thinly.
ANSWER_WORKERS = 4


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
