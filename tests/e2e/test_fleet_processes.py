"""Fleet mode end to end (issue #14): real `citebot run` processes follow the generations.

Two processes on disjoint shards of one bot (shard 0 and shard 1 of 2) run against one
fake Discord and one real PostgreSQL. After `citebot import`, each server is answered by
its shard's process; after a second `citebot import` with a new article, both move to the
new generation (`citebot fleet status`) and each answers a question only the new article
answers. Every answer's log line names its generation, and every paragraph it cites is
an article of that generation in PostgreSQL. A DM `reindex` commits the corpus folder
as generation 3 and answers once both processes serve it. A killed process shows as silent.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path

import pytest
from bot_fixtures import KEEPER_QUESTION, embed_text, guild_on_shard, replies_to
from fake_discord import FakeDiscord, FakeGuild
from fleet_postgres import fresh_database

from bot.collections import SHARED
from bot.fleet.connect import connect
from bot.fleet.store import articles_at

LAUNCHER = Path(__file__).parent / "fleet_launcher.py"
SHARDS = 2
POLL = 1.0
NEW_QUESTION = "Why do comets grow a tail?"
NEW_TEXT = "Comets grow a bright tail of gas and dust when their orbit brings them near the sun."
ANSWER_LINE = re.compile(
    r"fleet answer: process=(\S+) collection=(\S+) generation=(\S+) paragraphs=\d+ cited=(\S+)"
)

pytestmark = pytest.mark.slow


def citebot_env(fake: FakeDiscord, url: str, tmp_path: Path, corpus: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CITEBOT_", "DISCORD_"))}
    empty = tmp_path / "no-collections"
    empty.mkdir(exist_ok=True)
    return env | {
        "DISCORD_TOKEN": fake.token,
        "CITEBOT_DATABASE_URL": url,
        "CITEBOT_CORPUS": str(corpus),
        "CITEBOT_COLLECTIONS": str(empty),
        "CITEBOT_FLEET_POLL_SECONDS": str(POLL),
        "CITEBOT_FEED_MINUTES": "0",
        "CITEBOT_LOG_LEVEL": "INFO",
        "CITEBOT_TEST_DISCORD_URL": fake.base_url,
        "CITEBOT_TEST_GATEWAY_URL": fake.gateway_url,
        "CITEBOT_TEST_CWD": str(tmp_path),  # no stray .env is read
    }


def citebot(env: dict[str, str], *args: str) -> str:
    """Run one terminal command to the end; its output."""
    done = subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=env,
        cwd=env["CITEBOT_TEST_CWD"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@contextlib.contextmanager
def processes(
    env: dict[str, str],
    tmp_path: Path,
    ranges: Sequence[str] = tuple(str(k) for k in range(SHARDS)),
    shard_count: int = SHARDS,
) -> Iterator[list[subprocess.Popen[bytes]]]:
    """One `citebot run` per shard range (default: per shard), each with its own name,
    cache and log file."""
    started = []
    for k, shards in enumerate(ranges):
        mine = env | {
            "CITEBOT_PROCESS_NAME": f"p{k}",
            "CITEBOT_FLEET_CACHE": str(tmp_path / f"cache{k}"),
            "CITEBOT_DB": str(tmp_path / f"p{k}" / "citebot.db"),
        }
        (tmp_path / f"p{k}").mkdir()
        args = ["run", "--shard-ids", shards, "--shard-count", str(shard_count)]
        log = open(tmp_path / f"p{k}.log", "wb")  # noqa: SIM115 (closed with the process)
        command = [sys.executable, str(LAUNCHER), *args]
        started.append(
            subprocess.Popen(command, env=mine, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT)
        )
    try:
        yield started
    finally:
        for process in started:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def status(env: dict[str, str]) -> dict[str, dict]:
    lines = citebot(env, "fleet", "status", "--json").splitlines()
    return {p["process"]: p for p in map(json.loads, lines)}


async def wait_for(check, within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while not await asyncio.to_thread(check):
        assert time.monotonic() < deadline, f"not within {within} s: {what}"
        await asyncio.sleep(0.3)


async def ask(fake: FakeDiscord, guild: FakeGuild, question: str) -> str:
    asked = await fake.send_message(f"<@{fake.bot.id}> {question}", channel=guild.text_channel)
    reply = await fake.wait_for_message(
        guild.text_channel.id, lambda m: replies_to(m) == asked["id"], 20
    )
    return embed_text(reply)


async def dm_reindex(fake: FakeDiscord) -> str:
    """The owner DMs `reindex` (DMs arrive on shard 0: one process); the final reply."""
    channel = fake.dm_channel(fake.owner).id
    await fake.send_message("reindex", author=fake.owner, guild=None)
    reply = await fake.wait_for_message(
        channel, lambda m: "Reindexing" not in (m.embeds[0].get("description") or ""), 60
    )
    return embed_text(reply)


def logged_answers(tmp_path: Path) -> list[tuple[str, str, str, str]]:
    found = []
    for k in range(SHARDS):
        text = (tmp_path / f"p{k}.log").read_text(encoding="utf-8", errors="replace")
        found += [m.groups() for m in ANSWER_LINE.finditer(text)]
    return found


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as served:
        served.world.guilds = [guild_on_shard(served, k, 3000) for k in range(SHARDS)]
        yield served


async def test_processes_follow_each_generation_and_answer_from_it(
    fake, lighthouses, write_article, tmp_path, pg_admin_url
):
    with fresh_database(pg_admin_url) as url:
        env = citebot_env(fake, url, tmp_path, lighthouses)
        citebot(env, "import")
        with processes(env, tmp_path) as running:
            await wait_for(lambda: _serving(env, 1), 60, "both processes serve generation 1")
            await wait_for(lambda: len(fake.gateway.identified) == SHARDS, 30, "both shards up")
            for guild in fake.world.guilds:
                assert "keeper" in (await ask(fake, guild, KEEPER_QUESTION)).lower()
            write_article("comets", "Comets", [NEW_TEXT])
            citebot(env, "import")
            await wait_for(lambda: _serving(env, 2), 30, "both processes serve generation 2")
            for guild in fake.world.guilds:
                assert "bright tail of gas" in await ask(fake, guild, NEW_QUESTION)
            write_article("tides", "Tides", ["The moon's pull raises the tides twice a day."])
            reindexed = await dm_reindex(fake)
            assert "generation **3** committed" in reindexed, reindexed
            assert "Served by every live process" in reindexed
            assert _serving(env, 3)  # /reindex answered only once both processes serve it
            running[1].kill()
            running[1].wait()
            await wait_for(lambda: _silent(env, "p1"), 3 * POLL + 15, "p1 shows as silent")
        _check_cited(url, logged_answers(tmp_path))


def _serving(env: dict[str, str], generation: int) -> bool:
    found = status(env)
    return len(found) == SHARDS and all(
        p["served"].get(SHARED) == generation for p in found.values()
    )


def _silent(env: dict[str, str], name: str) -> bool:
    return "silent" in next(
        line for line in citebot(env, "fleet", "status").splitlines() if line.startswith(name)
    )


def _check_cited(url: str, answers: list[tuple[str, str, str, str]]) -> None:
    """Each process answered its own server's two questions (one per generation), once;
    every cited article is in its answer's generation."""
    assert sorted((p, g) for p, _, g, _ in answers) == sorted(
        (f"p{k}", g) for k in range(SHARDS) for g in ("1", "2")
    )
    with connect(url) as conn:
        for _, collection, generation, cited in answers:
            assert generation != "None", answers
            ids = {a.article_id for a in articles_at(conn, collection, int(generation))}
            for item in cited.split(",") if cited != "-" else []:
                assert item.split("#")[0] in ids, (generation, item)
    by_generation = {(g, c.split("#")[0]) for _, _, g, c in answers if c != "-"}
    assert any(g == "2" and a == "comets" for g, a in by_generation), answers
