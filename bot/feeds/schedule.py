"""The bot's feed schedule: a background task that runs due feeds, one at a time, each in a
worker thread, and survives anything a run throws.

Every `tick_seconds` it asks the store which feeds are due (each feed is due
CITEBOT_FEED_MINUTES after its last run, or sooner after a failure that may pass) and runs
them in turn. After a run adds articles it awaits `on_added(collection_name)`, with which
the bot makes its served indexes pick the new articles up; the core knows nothing of how
they are served.

In fleet mode several processes share the feeds, and only one may run them: with a
`leader` the scheduler runs due feeds only while `leader.holds()` (bot/fleet/election.py),
asked again at every tick, so when the process holding it dies another takes over within
one tick.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from bot.config import Settings
from bot.feeds.run import RunResult, run_feed
from bot.feeds.storage import FeedStorage, Leader
from bot.feeds.store import FeedStore

log = logging.getLogger(__name__)

OnAdded = Callable[[str], Awaitable[object]]
TICK_SECONDS = 60.0


class FeedScheduler:
    """Runs due feeds in the background while the bot runs (off when CITEBOT_FEED_MINUTES
    is 0)."""

    def __init__(
        self,
        settings: Settings,
        on_added: OnAdded | None = None,
        *,
        store: FeedStorage | None = None,
        tick_seconds: float = TICK_SECONDS,
        leader: Leader | None = None,
        open_store: Callable[[], FeedStorage] | None = None,
    ) -> None:
        """`open_store` opens the subscriptions (default: the SQLite state file; the bot
        passes bot.stores' choice)."""
        self._settings = settings
        self._on_added = on_added
        self._store = store
        self._tick = tick_seconds
        self._leader = leader
        self._open_store = open_store or (lambda: FeedStore(settings.state_path))
        self._task: asyncio.Task[None] | None = None
        self._stopping = threading.Event()
        self._woken = asyncio.Event()

    @property
    def enabled(self) -> bool:
        """Whether feeds run on a schedule at all."""
        return self._settings.feed_minutes > 0

    def start(self) -> None:
        """Start the background task (in the running event loop); nothing if feeds are off."""
        if self.enabled and self._task is None:
            self._stopping.clear()
            self._task = asyncio.create_task(self._loop(), name="citebot-feeds")

    async def stop(self) -> None:
        """Stop the task. A run in its worker thread ends after the entry it is adding (each
        article is added whole or not at all, so stopping never leaves half an article)."""
        if self._task is None:
            return
        self._stopping.set()  # a run in its thread ends after its current entry
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None
        if self._leader is not None:
            await asyncio.to_thread(self._leader.close)

    async def run_due(self) -> list[RunResult]:
        """Run every feed due now, one at a time; returns what each run did."""
        store = await asyncio.to_thread(self.store)
        due = await asyncio.to_thread(store.due, datetime.now(UTC))
        results = []
        for sub in due:
            if self._stopping.is_set():
                break
            result = await asyncio.to_thread(
                run_feed, self._settings, store, sub, None, self._stopping
            )
            results.append(result)
            if result.added and self._on_added is not None:
                try:
                    await self._on_added(sub.collection)
                except Exception:  # the articles are saved and indexed: the next reload serves them
                    log.exception("could not reload collection %s after its feed", sub.collection)
        return results

    def store(self) -> FeedStorage:
        """The subscriptions file, opened on first use (blocking: call it in a worker thread,
        as the /feed commands do). Opened late so that an unusable file is logged by the
        loop and tried again at the next tick, never a reason for the bot not to start."""
        if self._store is None:
            self._store = self._open_store()
        return self._store

    def wake(self) -> None:
        """Check for due feeds now rather than at the next tick (after /feed add: a new
        feed is due at once)."""
        self._woken.set()

    async def _loop(self) -> None:
        while True:
            self._woken.clear()
            try:
                if await self._leads():
                    await self.run_due()
            except Exception:
                log.exception("feed check failed; trying again in %g s", self._tick)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._woken.wait(), self._tick)

    async def _leads(self) -> bool:
        """Whether this process runs the feeds now (always, without a leader)."""
        if self._leader is None:
            return True
        return await asyncio.to_thread(self._leader.holds)
