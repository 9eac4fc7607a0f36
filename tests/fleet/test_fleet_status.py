"""`citebot fleet status`, and the whole path: `citebot import` -> NOTIFY -> a follower."""

from __future__ import annotations

import asyncio
import contextlib
import json
from datetime import UTC, datetime

import pytest
from follow_support import Recorder, converge, stop
from support import front_matter_article, isolate_environment

from bot.cli import main
from bot.fleet.follower import FollowerConfig, GenerationFollower
from bot.fleet.model import ProcessStatus
from bot.fleet.processes import ProcessInfo
from bot.fleet.status import shard_text


@pytest.fixture
def env(tmp_path, monkeypatch, pg_url):
    isolate_environment(monkeypatch, tmp_path)
    monkeypatch.setenv("CITEBOT_DATABASE_URL", pg_url)
    monkeypatch.setenv("CITEBOT_FLEET_POLL_SECONDS", "0.2")
    corpus = tmp_path / "library" / "corpus"
    corpus.mkdir(parents=True)
    return corpus


def _write(corpus, name: str, text: str) -> None:
    (corpus / f"{name}.txt").write_text(front_matter_article(name, [text]), encoding="utf-8")


@contextlib.asynccontextmanager
async def _running(pg_url: str, name: str, shards: tuple[int, ...] | None, apply=None):
    info = ProcessInfo(name, shards, 6 if shards else None)
    follower = GenerationFollower(FollowerConfig(pg_url, info, 0.2), apply or Recorder())
    task = asyncio.create_task(follower.run())
    try:
        yield follower
    finally:
        await stop(task)


async def test_an_import_reaches_a_running_follower(env, pg_url, tmp_path, capsys):
    _write(env, "one", "The first article.")
    assert await asyncio.to_thread(main, ["import", str(tmp_path / "library")]) == 0
    async with _running(pg_url, "web-1", (0, 1, 2)) as follower:
        await converge(follower, "shared", 1, within=10)
        _write(env, "two", "The second article.")
        assert await asyncio.to_thread(main, ["import", str(tmp_path / "library")]) == 0
        await converge(follower, "shared", 2, within=10)
    capsys.readouterr()


async def test_status_lists_processes_shards_generations_and_who_lags(
    env, pg_url, tmp_path, capsys
):
    _write(env, "one", "The first article.")
    assert await asyncio.to_thread(main, ["import", str(tmp_path / "library")]) == 0
    async with _running(pg_url, "web-1", (0, 1, 2)) as one, _running(pg_url, "web-2", None) as two:
        await converge(one, "shared", 1, within=10)
        await converge(two, "shared", 1, within=10)
    _write(env, "two", "The second article.")  # committed while nobody runs
    assert await asyncio.to_thread(main, ["import", str(tmp_path / "library")]) == 0
    await asyncio.sleep(1.0)  # five poll intervals without a heartbeat
    capsys.readouterr()
    assert await asyncio.to_thread(main, ["fleet", "status"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "newest generations: shared 2"
    assert lines[1].startswith("web-1: shards 0-2 of 6, serving shared 1, heartbeat ")
    assert lines[1].endswith(" s ago (behind on shared; silent)")
    assert lines[2].startswith("web-2: shards all, serving shared 1, heartbeat ")
    assert await asyncio.to_thread(main, ["fleet", "status", "--json"]) == 0
    first = json.loads(capsys.readouterr().out.splitlines()[0])
    assert (first["process"], first["shard_ids"], first["served"], first["behind"]) == (
        "web-1",
        [0, 1, 2],
        {"shared": 1},
        ["shared"],
    )


def test_status_of_an_empty_fleet_says_so(env, capsys):
    assert main(["fleet", "status"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "newest generations: none",
        "no processes have joined the fleet",
    ]


@pytest.mark.parametrize(
    ("shards", "count", "shown"),
    [
        ((0, 1, 2, 5), 6, "0-2,5 of 6"),
        ((3,), 6, "3 of 6"),
        ((1, 3, 4), 8, "1,3-4 of 8"),
        (None, None, "all"),
    ],
)
def test_shards_are_shown_as_ranges(shards, count, shown):
    at = datetime(2026, 1, 1, tzinfo=UTC)
    assert shard_text(ProcessStatus("p", shards, count, at, at, ())) == shown


async def test_import_wait_returns_once_every_live_process_serves_it(env, pg_url, tmp_path, capsys):
    _write(env, "one", "The first article.")
    assert await asyncio.to_thread(main, ["import", str(tmp_path / "library")]) == 0
    applied = Recorder()
    async with _running(pg_url, "web-1", None, applied) as follower:
        await converge(follower, "shared", 1, within=10)
        _write(env, "two", "The second article.")
        command = ["import", str(tmp_path / "library"), "--wait", "10"]
        assert await asyncio.to_thread(main, command) == 0
        # Served means applied: the follower records it in PostgreSQL only after that (and
        # announces it in its own `served` a moment later, when its task next runs).
        assert applied.applied[-1] == ("shared", 2)
    assert capsys.readouterr().out.endswith("served by every live process\n")


async def test_import_wait_names_the_processes_that_lag(env, pg_url, tmp_path, capsys):
    _write(env, "one", "The first article.")
    assert await asyncio.to_thread(main, ["import", str(tmp_path / "library")]) == 0
    async with _running(pg_url, "web-1", None, Recorder(fail_from=2)) as follower:
        await converge(follower, "shared", 1, within=10)
        _write(env, "two", "The second article.")
        command = ["import", str(tmp_path / "library"), "--wait", "0.5"]
        assert await asyncio.to_thread(main, command) == 1
    assert capsys.readouterr().err == "citebot: not served yet by web-1\n"


async def test_a_stopped_process_can_be_forgotten(env, pg_url, tmp_path, capsys):
    _write(env, "one", "The first article.")
    assert await asyncio.to_thread(main, ["import", str(tmp_path / "library")]) == 0
    async with _running(pg_url, "old-box", None) as follower:
        await converge(follower, "shared", 1, within=10)
    assert await asyncio.to_thread(main, ["fleet", "forget", "old-box"]) == 0
    assert await asyncio.to_thread(main, ["fleet", "forget", "old-box"]) == 1
    assert await asyncio.to_thread(main, ["fleet", "status"]) == 0
    out, err = capsys.readouterr()
    assert "forgot old-box" in out and out.endswith("no processes have joined the fleet\n")
    assert err == "citebot: no process named 'old-box' (see `citebot fleet status`)\n"
