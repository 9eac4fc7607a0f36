"""Follow the generations table: move each collection to newer generations, never back.

NOTIFY is only the hint; the generations table is the truth. The follower re-reads the
table after every (re)connect (hints sent while it was away are lost), after each hint
that names a newer generation than it serves, and on a timer (the poll interval, which
bounds how long a lost hint can delay a change). It moves a collection only to a
generation the table holds and only upwards, so duplicate, late, out-of-order or forged
hints can never move it back or to a generation that was not committed.

Applying runs in the follower's own loop: while a generation is being applied, hints wait
(psycopg keeps them); the heartbeat has a task and a connection of its own, so a process
busy applying shows as alive and lagging.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TypeVar

import psycopg

from bot.fleet.connect import AsyncConnection, FleetError, connect, connect_async, first_line
from bot.fleet.hints import CHANNEL, Hint, decode_hint
from bot.fleet.processes import (
    ProcessInfo,
    beat_forever,
    forget_served,
    record_served,
    register,
)

log = logging.getLogger(__name__)

T = TypeVar("T")

# Called with (collection, generation) to start serving that generation; when it raises,
# the collection stays where it was and the move is tried again at the next poll.
Apply = Callable[[str, int], Awaitable[None]]

# The first reconnect waits this long, each further one twice as long, up to the poll interval.
FIRST_RETRY_SECONDS = 0.1


@dataclass(frozen=True)
class FollowerConfig:
    """Where the fleet's database is, who this process is, and how often to poll."""

    url: str
    process: ProcessInfo
    poll_seconds: float = 5.0
    # The longest one exchange with PostgreSQL may take before the connection is presumed
    # dead (a cut network drops packets silently). Applying a generation is not bounded.
    query_timeout: float = 10.0


class GenerationFollower:
    """Keeps a process on the newest committed generation of every collection."""

    def __init__(self, config: FollowerConfig, apply: Apply) -> None:
        self._config = config
        self._apply = apply
        self._served: dict[str, int] = {}
        self._moved = asyncio.Condition()
        self._first_session = True
        self._connected = False
        # How many times the connection was lost (for tests and status).
        self.reconnects = 0

    @property
    def served(self) -> Mapping[str, int]:
        """Collection -> the generation this process serves (read-only view)."""
        return MappingProxyType(self._served)

    async def wait_until(self, collection: str, generation: int) -> None:
        """Return once `collection` is served at `generation` or newer."""
        async with self._moved:
            await self._moved.wait_for(lambda: self._served.get(collection, 0) >= generation)

    async def run(self) -> None:
        """Follow until cancelled, reconnecting whenever the connection is lost; the
        heartbeat runs beside it."""
        config = self._config
        beat = beat_forever(config.url, config.process, config.poll_seconds, config.query_timeout)
        beating = asyncio.create_task(beat)
        try:
            await self._follow_forever()
        finally:
            beating.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beating

    async def _follow_forever(self) -> None:
        failures = 0
        while True:
            self._connected = False
            try:
                await self._session()
            except (psycopg.Error, FleetError, OSError, TimeoutError) as exc:
                log.warning("fleet: lost PostgreSQL (%s); reconnecting", first_line(exc))
            # Back off only while PostgreSQL stays unreachable: a dropped connection to a
            # healthy server is retried at once.
            failures = 0 if self._connected else failures + 1
            self.reconnects += 1
            await asyncio.sleep(self._retry_delay(failures))

    def _retry_delay(self, failures: int) -> float:
        return min(self._config.poll_seconds, FIRST_RETRY_SECONDS * 2.0**failures)

    async def _session(self) -> None:
        """One connection's life: listen, register, catch up, then hints and polls."""
        name = self._config.process.name
        if self._first_session:  # a process may start before anything was imported
            await asyncio.to_thread(_ensure_schema, self._config.url)
        conn = await connect_async(self._config.url, f"citebot follower {name}"[:63])
        async with conn:
            await self._db(conn.execute(f"LISTEN {CHANNEL}"))
            await self._db(self._register(conn))
            await self._catch_up(conn)
            self._connected = True
            await self._follow(conn)

    async def _db(self, exchange: Awaitable[T]) -> T:
        """One exchange with PostgreSQL, bounded (TimeoutError ends the session).
        Not asyncio.wait_for: on Python 3.11 it can swallow a cancellation that arrives as
        the exchange completes, and the follower would then never stop."""
        async with asyncio.timeout(self._config.query_timeout):
            return await exchange

    async def _register(self, conn: AsyncConnection) -> None:
        await register(conn, self._config.process)
        if self._first_session:
            await forget_served(conn, self._config.process.name)
            self._first_session = False
        for collection, generation in self._served.items():
            await record_served(conn, self._config.process.name, collection, generation)

    async def _follow(self, conn: AsyncConnection) -> None:
        loop = asyncio.get_running_loop()
        next_poll = loop.time() + self._config.poll_seconds
        while True:
            hints = await self._hints(conn, max(0.0, next_poll - loop.time()))
            if loop.time() >= next_poll:
                await self._catch_up(conn)
                next_poll = loop.time() + self._config.poll_seconds
            elif any(self._is_news(h) for h in hints):
                await self._catch_up(conn)

    async def _hints(self, conn: AsyncConnection, timeout: float) -> list[Hint]:
        """The hints that arrive within `timeout` seconds (returns at the first)."""
        received = [n async for n in conn.notifies(timeout=timeout, stop_after=1)]
        return [h for n in received if n.channel == CHANNEL and (h := decode_hint(n.payload))]

    def _is_news(self, hint: Hint) -> bool:
        return hint.generation > self._served.get(hint.collection, 0)

    async def _catch_up(self, conn: AsyncConnection) -> None:
        """Read the truth and move every collection that is behind; again after a move,
        since applying may take long and a commit made meanwhile need not wait for its hint."""
        while await self._move_all(conn, await self._db(_latest_generations(conn))):
            pass

    async def _move_all(self, conn: AsyncConnection, truth: dict[str, int]) -> bool:
        moved = False
        for collection, generation in sorted(truth.items()):
            if generation > self._served.get(collection, 0):
                moved = await self._move(conn, collection, generation) or moved
        return moved

    async def _move(self, conn: AsyncConnection, collection: str, generation: int) -> bool:
        try:
            await self._apply(collection, generation)
        except Exception:
            log.exception("fleet: could not serve %s generation %d", collection, generation)
            return False
        # Recorded in PostgreSQL before it is announced here: whoever learns of the move from
        # this process (a test, /reindex's wait in this process) then finds it there too.
        # (If recording fails, this process serves it all the same: the next session's
        # registration records it.)
        try:
            await self._db(record_served(conn, self._config.process.name, collection, generation))
        finally:
            async with self._moved:
                self._served[collection] = generation
                self._moved.notify_all()
        log.info("fleet: serving %s generation %d", collection, generation)
        return True


def _ensure_schema(url: str) -> None:
    connect(url, "citebot migrate").close()


async def _latest_generations(conn: AsyncConnection) -> dict[str, int]:
    cursor = await conn.execute(
        "SELECT collection, max(generation) FROM generations GROUP BY collection"
    )
    return {name: int(generation) for name, generation in await cursor.fetchall()}
