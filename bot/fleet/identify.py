"""IDENTIFY pacing across processes and machines, through PostgreSQL's advisory locks.

Discord lets a bot start at most `max_concurrency` gateway sessions every 5 seconds: one per
bucket, a shard's bucket being `shard_id % max_concurrency`, whichever process starts it.
discord.py paces only the shards of its own process (it sleeps 5 s between them), so
processes on disjoint shard ranges would IDENTIFY together and be refused.

Here a shard takes its bucket's advisory lock before its IDENTIFY and keeps it for the
5 seconds after, so at most one IDENTIFY per bucket starts in any 5 s window across the
fleet. A lock is the session's: when a process dies its locks go with it, and nothing is
left to clean up. A second shard of the same process and bucket waits on an asyncio lock
first, because PostgreSQL's advisory locks are re-entrant within one session. When
PostgreSQL cannot be reached the pacer falls back to waiting the 5 seconds itself (as
discord.py does): a bot must start even when pacing cannot be shared.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field

import psycopg

from bot.fleet.connect import AsyncConnection, connect_async

log = logging.getLogger(__name__)

# Discord's window for `max_concurrency` IDENTIFYs, plus a margin for clocks and latency.
IDENTIFY_WINDOW = 5.0
MARGIN = 0.25
# First key of the advisory locks (the second is the bucket): "cbid" in ASCII.
LOCK_NAMESPACE = 0x63626964


@dataclass
class IdentifyPacer:
    """Waits for a shard's turn to IDENTIFY; one per process (see the module's text)."""

    url: str
    window: float = IDENTIFY_WINDOW + MARGIN
    _connections: dict[int, AsyncConnection] = field(default_factory=dict, repr=False)
    _local: dict[int, asyncio.Lock] = field(default_factory=dict, repr=False)
    _releases: set[asyncio.Task[None]] = field(default_factory=set, repr=False)

    async def wait_turn(self, shard_id: int, max_concurrency: int) -> None:
        """Return when this shard may IDENTIFY; its bucket stays taken for the window."""
        bucket = shard_id % max(1, max_concurrency)
        local = self._local.setdefault(bucket, asyncio.Lock())
        await local.acquire()
        try:
            conn = await self._take(bucket)
        except (psycopg.Error, OSError) as exc:
            log.warning("IDENTIFY pacing without PostgreSQL (%s): waiting %.0f s", exc, self.window)
            conn = None
        task = asyncio.create_task(self._release_later(bucket, conn, local))
        self._releases.add(task)
        task.add_done_callback(self._releases.discard)
        if conn is None:
            await task  # pace by waiting, as discord.py would

    async def _take(self, bucket: int) -> AsyncConnection:
        conn = self._connections.get(bucket)
        if conn is None or conn.closed:
            conn = self._connections[bucket] = await connect_async(self.url, "citebot identify")
        await conn.execute("SELECT pg_advisory_lock(%s, %s)", (LOCK_NAMESPACE, bucket))
        return conn

    async def _release_later(
        self, bucket: int, conn: AsyncConnection | None, local: asyncio.Lock
    ) -> None:
        try:
            await asyncio.sleep(self.window)
            if conn is not None and not conn.closed:
                with contextlib.suppress(psycopg.Error):
                    await conn.execute(
                        "SELECT pg_advisory_unlock(%s, %s)", (LOCK_NAMESPACE, bucket)
                    )
        finally:
            local.release()

    async def close(self) -> None:
        """Let go of every lock and connection (closing a session frees its locks)."""
        for task in list(self._releases):
            task.cancel()
        for conn in self._connections.values():
            with contextlib.suppress(psycopg.Error):
                await conn.close()
        self._connections.clear()
