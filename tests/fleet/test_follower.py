"""Following generations against a real PostgreSQL: NOTIFY is fast, the table is the truth,
lost connections and restarts converge, stale or forged hints never move a process back."""

from __future__ import annotations

import asyncio

import pytest
from follow_support import Recorder, commit_text, converge, run_sql, stop

from bot.fleet.follower import FollowerConfig, GenerationFollower
from bot.fleet.processes import ProcessInfo

LISTENER = (
    "SELECT pid FROM pg_stat_activity"
    " WHERE application_name = 'citebot follower p1' AND datname = current_database()"
)


@pytest.fixture
async def follow(pg_url):
    """start(poll_seconds, recorder) -> a running follower named p1 (stopped afterwards);
    collection `c` is at generation 1 before it starts."""
    tasks: list[asyncio.Task] = []
    commit_text(pg_url, "c", "first")

    async def start(poll_seconds: float, recorder: Recorder | None = None, query_timeout=10.0):
        recorder = recorder or Recorder()
        info = ProcessInfo("p1", (0, 1), 6)
        config = FollowerConfig(pg_url, info, poll_seconds, query_timeout)
        follower = GenerationFollower(config, recorder)
        tasks.append(asyncio.create_task(follower.run()))
        await converge(follower, "c", 1, within=10)
        return follower, recorder

    yield start
    for task in tasks:
        await stop(task)


async def test_a_commit_is_served_within_a_second_through_notify(follow, pg_url):
    follower, recorder = await follow(poll_seconds=10)
    generation = await asyncio.to_thread(commit_text, pg_url, "c", "second")
    elapsed = await converge(follower, "c", generation, within=5)
    # The poll interval is 10 s: only the hint explains a move this quick (it takes
    # milliseconds; the margin is for a loaded machine).
    assert elapsed < 3.0
    assert recorder.applied == [("c", 1), ("c", 2)] and follower.reconnects == 0


async def test_a_generation_committed_without_a_hint_is_found_by_the_timer(follow, pg_url):
    follower, recorder = await follow(poll_seconds=0.5)
    await asyncio.to_thread(run_sql, pg_url, "INSERT INTO generations VALUES ('c', 2)")
    await converge(follower, "c", 2, within=2 * 0.5 + 1)
    assert recorder.applied == [("c", 1), ("c", 2)] and follower.reconnects == 0


def _kill_listener_then_commit(url: str) -> tuple[int, int]:
    (pid,) = run_sql(url, LISTENER)[0]
    run_sql(url, "SELECT pg_terminate_backend(%s)", pid)
    return pid, commit_text(url, "c", "committed while nobody listened")


async def test_a_killed_listener_converges_within_the_poll_interval(follow, pg_url):
    poll_seconds = 3.0
    follower, recorder = await follow(poll_seconds)
    old_pid, generation = await asyncio.to_thread(_kill_listener_then_commit, pg_url)
    await converge(follower, "c", generation, within=poll_seconds)
    assert follower.reconnects == 1
    assert [pid for (pid,) in await asyncio.to_thread(run_sql, pg_url, LISTENER)] != [old_pid]
    assert recorder.applied == [("c", 1), ("c", 2)]


async def test_a_restarted_postgresql_converges(follow, pg_server, pg_url):
    if pg_server.local is None:
        pytest.skip("CITEBOT_TEST_PG_DSN names a server these tests cannot restart")
    poll_seconds = 1.0
    follower, recorder = await follow(poll_seconds)
    await asyncio.to_thread(pg_server.restart)
    generation = await asyncio.to_thread(commit_text, pg_url, "c", "after the restart")
    # Retries while the server is down back off up to the poll interval: the next one after
    # its return comes within one interval, and catching up takes milliseconds.
    await converge(follower, "c", generation, within=2 * poll_seconds)
    assert follower.reconnects >= 1
    assert recorder.applied == [("c", 1), ("c", 2)]


HINTS = [
    '{"collection": "c", "generation": 1}',  # stale
    '{"collection": "c", "generation": 2}',  # duplicate
    '{"collection": "c", "generation": 9}',  # never committed
    '{"collection": "nope", "generation": 3}',  # no such collection
    '{"collection": "c", "generation": "9"}',  # not a number
    "not json",
    "[]",
]


async def test_duplicate_out_of_order_and_forged_hints_never_move_it_back(follow, pg_url):
    follower, recorder = await follow(poll_seconds=0.5)
    await converge(follower, "c", await asyncio.to_thread(commit_text, pg_url, "c", "2"), 5)
    for payload in HINTS:
        await asyncio.to_thread(
            run_sql, pg_url, "SELECT pg_notify('citebot_generations', %s)", payload
        )
    generation = await asyncio.to_thread(commit_text, pg_url, "c", "3")
    await converge(follower, "c", generation, within=5)
    # The truth itself going back (a restored backup) does not move it back either.
    await asyncio.to_thread(run_sql, pg_url, "DELETE FROM generations WHERE generation = 3")
    await asyncio.sleep(3 * 0.5)
    assert recorder.applied == [("c", 1), ("c", 2), ("c", 3)]
    assert dict(follower.served) == {"c": 3} and follower.reconnects == 0


async def test_a_failed_apply_is_retried_at_the_next_poll(follow, pg_url):
    follower, recorder = await follow(poll_seconds=0.3, recorder=Recorder(failures=1))
    assert recorder.attempts == 2 and recorder.applied == [("c", 1)]


async def test_the_process_records_its_shards_generation_and_heartbeat(follow, pg_url):
    follower, _ = await follow(poll_seconds=0.3)
    query = (
        "SELECT p.shard_ids, p.shard_count, s.collection, s.generation, p.heartbeat_at"
        " FROM processes p JOIN served s ON s.process = p.name WHERE p.name = 'p1'"
    )
    [(shards, count, collection, generation, first_beat)] = run_sql(pg_url, query)
    assert (shards, count, collection, generation) == ([0, 1], 6, "c", 1)
    await asyncio.sleep(1.0)
    [(*_, later_beat)] = run_sql(pg_url, query)
    assert later_beat > first_beat


async def test_a_follower_started_on_an_empty_database_serves_the_first_import(pg_url):
    info = ProcessInfo("early", None, None)
    follower = GenerationFollower(FollowerConfig(pg_url, info, 0.5), Recorder())
    task = asyncio.create_task(follower.run())
    try:
        await asyncio.sleep(0.5)  # it creates the schema and listens
        generation = await asyncio.to_thread(commit_text, pg_url, "c", "first")
        await converge(follower, "c", generation, within=5)
        assert follower.reconnects == 0
    finally:
        await stop(task)


async def test_applying_may_take_longer_than_any_database_exchange(follow, pg_url):
    class Slow(Recorder):
        async def __call__(self, collection: str, generation: int) -> None:
            await asyncio.sleep(1.5 if generation > 1 else 0)
            await super().__call__(collection, generation)

    follower, recorder = await follow(poll_seconds=0.2, recorder=Slow(), query_timeout=0.5)
    generation = await asyncio.to_thread(commit_text, pg_url, "c", "a long rebuild")
    await converge(follower, "c", generation, within=10)
    assert recorder.attempts == 2 and follower.reconnects == 0
