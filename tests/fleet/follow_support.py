"""Helpers for the follower tests: committing from another connection, and waiting."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from bot.fleet.connect import connect
from bot.fleet.follower import GenerationFollower
from bot.fleet.model import StoredArticle
from bot.fleet.store import commit_collection


@dataclass
class Recorder:
    """An apply callback that records every (collection, generation) it is asked to serve,
    failing the first `failures` calls, and every call for a generation >= `fail_from`."""

    failures: int = 0
    fail_from: int | None = None
    applied: list[tuple[str, int]] = field(default_factory=list)
    attempts: int = 0

    async def __call__(self, collection: str, generation: int) -> None:
        self.attempts += 1
        if self.attempts <= self.failures or generation >= (self.fail_from or generation + 1):
            raise RuntimeError("index build failed")
        self.applied.append((collection, generation))


def commit_text(url: str, collection: str, text: str) -> int:
    """Commit a one-article collection holding `text`; returns the new generation."""
    article = StoredArticle("a", "a.txt", text.encode(), "A")
    with connect(url) as conn:
        generation = commit_collection(conn, collection, [article]).generation
    assert generation is not None
    return generation


def run_sql(url: str, sql: str, *params: object) -> list[tuple]:
    """Run one statement on a connection of its own; returns its rows, if any."""
    with connect(url) as conn:
        cursor = conn.execute(sql, params or None)
        return cursor.fetchall() if cursor.description else []


async def converge(
    follower: GenerationFollower, collection: str, generation: int, within: float
) -> float:
    """Seconds until the follower serves `generation`; fails after `within` seconds."""
    start = time.monotonic()
    async with asyncio.timeout(within):
        await follower.wait_until(collection, generation)
    return time.monotonic() - start


async def stop(task: asyncio.Task) -> None:
    """Cancel a follower's task and make sure it ends (a follower that ignored cancellation
    would otherwise hang the suite instead of failing it)."""
    task.cancel()
    done, _ = await asyncio.wait({task}, timeout=10)
    assert task in done, "the follower did not stop when cancelled"
    assert task.cancelled()
