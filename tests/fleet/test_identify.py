"""IDENTIFY pacing through PostgreSQL: one IDENTIFY per bucket per window, across sessions."""

from __future__ import annotations

import asyncio
import itertools
import time

from bot.fleet.identify import IdentifyPacer

WINDOW = 0.6


async def turns(pacers: list[IdentifyPacer], shards: list[int], concurrency: int) -> list[float]:
    """When each (pacer, shard) got its turn, seconds from the start, all asked at once."""
    started = time.monotonic()

    async def one(pacer: IdentifyPacer, shard: int) -> float:
        await pacer.wait_turn(shard, concurrency)
        return time.monotonic() - started

    return sorted(await asyncio.gather(*(one(p, s) for p, s in zip(pacers, shards, strict=True))))


async def test_processes_take_turns_in_one_bucket(pg_url: str) -> None:
    pacers = [IdentifyPacer(pg_url, window=WINDOW) for _ in range(3)]
    try:
        times = await turns(pacers, [0, 1, 2], concurrency=1)
    finally:
        for pacer in pacers:
            await pacer.close()
    assert all(later - earlier >= WINDOW * 0.95 for earlier, later in itertools.pairwise(times))


async def test_shards_of_one_process_take_turns_too(pg_url: str) -> None:
    pacer = IdentifyPacer(pg_url, window=WINDOW)
    try:
        times = await turns([pacer, pacer], [0, 1], concurrency=1)
    finally:
        await pacer.close()
    assert times[1] - times[0] >= WINDOW * 0.95


async def test_buckets_do_not_wait_for_each_other(pg_url: str) -> None:
    pacers = [IdentifyPacer(pg_url, window=WINDOW) for _ in range(2)]
    try:
        times = await turns(pacers, [0, 1], concurrency=2)
    finally:
        for pacer in pacers:
            await pacer.close()
    assert times[1] < WINDOW / 2


async def test_a_closed_process_frees_its_bucket(pg_url: str) -> None:
    first, second = IdentifyPacer(pg_url, window=30), IdentifyPacer(pg_url, window=WINDOW)
    try:
        await first.wait_turn(0, 1)
        await first.close()  # as a process that dies: its session and lock end
        started = time.monotonic()
        await second.wait_turn(0, 1)
        assert time.monotonic() - started < WINDOW
    finally:
        await second.close()


async def test_without_postgresql_it_waits_the_window_itself() -> None:
    pacer = IdentifyPacer("postgresql://nobody@127.0.0.1:1/none", window=WINDOW)
    started = time.monotonic()
    await pacer.wait_turn(0, 1)
    assert time.monotonic() - started >= WINDOW * 0.95
    await pacer.close()
