"""Waiting for the whole fleet to serve a generation, and naming the processes that lag."""

from __future__ import annotations

import asyncio

from follow_support import Recorder, commit_text, converge, run_sql, stop

from bot.fleet.connect import connect
from bot.fleet.convergence import lagging_processes, wait_for_fleet
from bot.fleet.follower import FollowerConfig, GenerationFollower
from bot.fleet.processes import ProcessInfo


def _start(url: str, name: str, recorder: Recorder) -> tuple[GenerationFollower, asyncio.Task]:
    follower = GenerationFollower(FollowerConfig(url, ProcessInfo(name), 0.2), recorder)
    return follower, asyncio.create_task(follower.run())


def _wait(url: str, generation: int, timeout: float) -> list[str]:
    with connect(url) as conn:
        return wait_for_fleet(conn, "c", generation, timeout, silent_after=1.0)


async def test_the_wait_ends_when_every_process_serves_it_or_names_those_that_lag(pg_url):
    commit_text(pg_url, "c", "first")
    healthy, one = _start(pg_url, "healthy", Recorder())
    stuck, two = _start(pg_url, "stuck", Recorder(fail_from=2))  # its later builds fail
    try:
        await converge(healthy, "c", 1, within=10)
        await converge(stuck, "c", 1, within=10)
        assert await asyncio.to_thread(_wait, pg_url, 1, 5) == []
        generation = await asyncio.to_thread(commit_text, pg_url, "c", "second")
        assert await asyncio.to_thread(_wait, pg_url, generation, 1.0) == ["stuck"]
        assert dict(healthy.served) == {"c": 2}
    finally:
        await stop(one)
        await stop(two)


def test_a_silent_process_is_not_waited_for(pg_url):
    commit_text(pg_url, "c", "first")
    run_sql(
        pg_url,
        "INSERT INTO processes (name, heartbeat_at) VALUES ('gone', now() - interval '1 hour')",
    )
    run_sql(pg_url, "INSERT INTO processes (name) VALUES ('alive')")
    with connect(pg_url) as conn:
        assert lagging_processes(conn, "c", 1, silent_after=60) == ["alive"]


async def test_a_process_busy_applying_keeps_beating_and_is_named_as_lagging(pg_url):
    class Slow(Recorder):
        async def __call__(self, collection: str, generation: int) -> None:
            await asyncio.sleep(3.0 if generation > 1 else 0)
            await super().__call__(collection, generation)

    commit_text(pg_url, "c", "first")
    busy, task = _start(pg_url, "busy", Slow())
    beat = "SELECT heartbeat_at FROM processes WHERE name = 'busy'"
    try:
        await converge(busy, "c", 1, within=10)
        generation = await asyncio.to_thread(commit_text, pg_url, "c", "a long rebuild")
        await asyncio.sleep(0.5)  # the apply has begun
        [(before,)] = await asyncio.to_thread(run_sql, pg_url, beat)
        await asyncio.sleep(1.0)  # five poll intervals: silent, if nothing beat meanwhile
        [(after,)] = await asyncio.to_thread(run_sql, pg_url, beat)
        assert after > before and dict(busy.served) == {"c": 1}
        lagging = await asyncio.to_thread(_wait, pg_url, generation, 0.0)
        assert lagging == ["busy"]
        await converge(busy, "c", generation, within=10)
    finally:
        await stop(task)
