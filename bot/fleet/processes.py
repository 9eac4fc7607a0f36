"""The processes table: who is in the fleet, on which shards, serving which generations.

A follower registers on every (re)connect, beats its heartbeat on every poll, and records
each generation once it serves it; `citebot fleet status` reads it all back.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from dataclasses import dataclass

import psycopg

from bot.fleet.connect import AsyncConnection, Connection, connect_async, first_line
from bot.fleet.model import ProcessStatus

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProcessInfo:
    """What a process says about itself: its name and the shards it runs (None: all)."""

    name: str
    shard_ids: tuple[int, ...] | None = None
    shard_count: int | None = None


def process_info(
    configured: str | None, shard_ids: tuple[int, ...] | None = None, shard_count: int | None = None
) -> ProcessInfo:
    """This process as the fleet knows it: the configured name (`CITEBOT_PROCESS_NAME`), else
    host name and process id, which are unique across machines at any one time."""
    name = configured or f"{socket.gethostname()}:{os.getpid()}"
    return ProcessInfo(name, shard_ids, shard_count)


async def register(conn: AsyncConnection, info: ProcessInfo) -> None:
    """Enter (or re-enter) the fleet, claiming to serve nothing until told otherwise."""
    async with conn.transaction():
        await conn.execute(
            "INSERT INTO processes (name, shard_ids, shard_count) VALUES (%s, %s, %s)"
            " ON CONFLICT (name) DO UPDATE SET shard_ids = EXCLUDED.shard_ids,"
            " shard_count = EXCLUDED.shard_count, heartbeat_at = now()",
            (info.name, list(info.shard_ids) if info.shard_ids else None, info.shard_count),
        )


async def forget_served(conn: AsyncConnection, name: str) -> None:
    """A process starting afresh serves nothing yet: drop what an earlier run recorded."""
    await conn.execute("DELETE FROM served WHERE process = %s", (name,))
    await conn.execute("UPDATE processes SET started_at = now() WHERE name = %s", (name,))


async def heartbeat(conn: AsyncConnection, info: ProcessInfo) -> None:
    """Say this process is alive (re-registering it if an operator removed its row)."""
    await register(conn, info)


async def beat_forever(url: str, info: ProcessInfo, every: float, timeout: float) -> None:
    """Beat the heartbeat every `every` seconds on a connection of its own, until cancelled.
    Apart from following, so that a process busy applying a long generation still shows as
    alive (and lagging), not as gone; a lost connection is opened again at the next beat."""
    while True:
        try:
            async with await connect_async(url, f"citebot heartbeat {info.name}"[:63]) as conn:
                while True:
                    async with asyncio.timeout(timeout):
                        await heartbeat(conn, info)
                    await asyncio.sleep(every)
        except (psycopg.Error, OSError, TimeoutError) as exc:
            log.debug("fleet: heartbeat lost PostgreSQL (%s)", first_line(exc))
        await asyncio.sleep(every)


async def record_served(conn: AsyncConnection, name: str, collection: str, generation: int) -> None:
    """Record the generation this process now serves; a recorded generation never goes down."""
    await conn.execute(
        "INSERT INTO served (process, collection, generation) VALUES (%s, %s, %s)"
        " ON CONFLICT (process, collection) DO UPDATE"
        " SET generation = EXCLUDED.generation, served_at = now()"
        " WHERE served.generation < EXCLUDED.generation",
        (name, collection, generation),
    )


def forget_process(conn: Connection, name: str) -> bool:
    """Remove a process (stopped for good) from the fleet's tables; False if unknown."""
    return conn.execute("DELETE FROM processes WHERE name = %s", (name,)).rowcount > 0


def fleet_status(conn: Connection) -> list[ProcessStatus]:
    """Every process with its shards, heartbeat and served generations, by name."""
    rows = conn.execute(
        "SELECT p.name, p.shard_ids, p.shard_count, p.started_at, p.heartbeat_at,"
        " coalesce(array_agg(s.collection ORDER BY s.collection)"
        "   FILTER (WHERE s.collection IS NOT NULL), '{}'),"
        " coalesce(array_agg(s.generation ORDER BY s.collection)"
        "   FILTER (WHERE s.collection IS NOT NULL), '{}')"
        " FROM processes p LEFT JOIN served s ON s.process = p.name"
        " GROUP BY p.name ORDER BY p.name"
    ).fetchall()
    return [
        ProcessStatus(
            name,
            tuple(shards) if shards is not None else None,
            count,
            started,
            beat,
            tuple(zip(collections, (int(g) for g in generations), strict=True)),
        )
        for name, shards, count, started, beat, collections, generations in rows
    ]
