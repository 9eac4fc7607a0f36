"""Settings and feeds in fleet mode, end to end (issue #14 item 1): real `citebot run`
processes, one fake Discord, one PostgreSQL.

p1 (shard 1) starts first and is elected the feed poller; p0 (shard 0) serves the server
G0. Through p0, G0's admin sets `/settings results:1` and follows a feed with `/feed add`;
p1, not p0, runs the feed, committing its article as a generation that both processes
serve, and p0 answers from it. Then p0 stops and a new process p2 takes shard 0 over: it
answers G0 with the setting made through p0 (kept in PostgreSQL, not in p0's files). Last,
the poller p1 is killed: p2 takes the feeds over and adds the next entry.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import psycopg
import pytest
from bot_fixtures import KEEPER_QUESTION, embed_text, guild_on_shard
from fake_discord import FakeDiscord, FakeGuild
from fleet_postgres import fresh_database
from test_fleet_processes import LAUNCHER, citebot, citebot_env, status, wait_for

from bot.collections import SHARED
from bot.fleet.connect import connect
from bot.fleet.store import latest_generations

sys.path.insert(0, str(Path(__file__).parent.parent / "feeds"))
from feed_site import serving

pytestmark = pytest.mark.slow

SHARDS = 2
GLACIER_QUESTION = "How much ice did the glacier lose since the last survey?"
BAKERY_QUESTION = "Which bakery won the regional rye bread contest?"


def start(env: dict[str, str], tmp_path: Path, name: str, shard: int) -> subprocess.Popen[bytes]:
    """`citebot run` on one shard, with its own name, cache, files and log."""
    mine = env | {
        "CITEBOT_PROCESS_NAME": name,
        "CITEBOT_FLEET_CACHE": str(tmp_path / f"cache-{name}"),
        "CITEBOT_DB": str(tmp_path / name / "citebot.db"),
    }
    (tmp_path / name).mkdir()
    log = open(tmp_path / f"{name}.log", "wb")  # noqa: SIM115 (closed with the process)
    command = [sys.executable, str(LAUNCHER), "run", "--shard-ids", str(shard)]
    command += ["--shard-count", str(SHARDS)]
    return subprocess.Popen(command, env=mine, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen[bytes], how: signal.Signals = signal.SIGINT) -> None:
    if process.poll() is None:
        process.send_signal(how)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def logged(tmp_path: Path, name: str) -> str:
    return (tmp_path / f"{name}.log").read_text(encoding="utf-8", errors="replace")


async def slash(fake: FakeDiscord, guild: FakeGuild, name: str, options: Any) -> tuple[str, int]:
    """A slash command by the server's owner: its reply's text and passage count."""
    sent = await fake.send_slash_command(name, options, user=fake.owner, guild=guild)
    message = await sent.content(timeout=20)
    return embed_text(message), len(message.embeds[0].get("fields") or [])


def feed(action: str, **options: str) -> list[dict[str, Any]]:
    given = [{"type": 3, "name": k, "value": v} for k, v in options.items()]
    return [{"type": 1, "name": action, "options": given}]


def _generation(url: str, name: str) -> int:
    with connect(url) as conn:
        return latest_generations(conn).get(name, 0)


def _serves(env: dict[str, str], name: str) -> bool:
    return status(env).get(name, {}).get("served", {}).get(SHARED) == 1


def _feeds(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM feeds").fetchone()
        return int(row[0]) if row else 0


def _due_now(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("UPDATE feeds SET next_due_at = '2000-01-01T00:00:00Z'")


def _holds(tmp_path: Path, name: str) -> bool:
    return "citebot feed poller: this process now holds the job" in logged(tmp_path, name)


async def test_settings_and_feeds_are_shared_by_the_fleet(lighthouses, tmp_path, pg_admin_url):
    async with FakeDiscord() as fake:
        fake.world.guilds = [guild_on_shard(fake, k, 3000) for k in range(SHARDS)]
        g0 = fake.world.guilds[0]
        with serving() as site, fresh_database(pg_admin_url) as url:
            env = citebot_env(fake, url, tmp_path, lighthouses)
            env |= {"CITEBOT_FEED_MINUTES": "30", "CITEBOT_FETCH_ALLOW_PRIVATE": "true"}
            citebot(env, "import")
            running = {"p1": start(env, tmp_path, "p1", 1)}
            try:
                await wait_for(lambda: _holds(tmp_path, "p1"), 60, "p1 is the feed poller")
                running["p0"] = start(env, tmp_path, "p0", 0)
                await wait_for(lambda: len(fake.gateway.identified) == SHARDS, 60, "shards up")
                await wait_for(lambda: _serves(env, "p0"), 60, "p0 serves the library")
                await _settings_and_feed_through_p0(fake, g0, site, url, tmp_path)
                stop(running.pop("p0"))
                running["p2"] = start(env, tmp_path, "p2", 0)
                await wait_for(lambda: len(fake.gateway.identified) == 3, 60, "p2 up")
                await wait_for(lambda: _serves(env, "p2"), 60, "p2 serves the library")
                await _p2_answers_with_the_setting(fake, g0)
                stop(running.pop("p1"), signal.SIGKILL)
                site.publish("bakery")
                await asyncio.to_thread(_due_now, url)
                await wait_for(lambda: _holds(tmp_path, "p2"), 30, "p2 takes the feeds over")
                await _answered(fake, g0, BAKERY_QUESTION, "Mill Street", 30)
                text, _ = await slash(fake, g0, "feed", feed("remove", url=site.url("/feed.xml")))
                assert "Feed removed" in text, text
                assert await asyncio.to_thread(_feeds, url) == 0
            finally:
                for process in running.values():
                    stop(process)


async def _settings_and_feed_through_p0(fake, g0, site, url, tmp_path) -> None:
    text, shown = await slash(fake, g0, "ask", {"question": KEEPER_QUESTION})
    assert shown == 3, text  # the default
    text, _ = await slash(fake, g0, "settings", {"results": 1})
    assert "Settings changed" in text, text
    text, shown = await slash(fake, g0, "ask", {"question": KEEPER_QUESTION})
    assert shown == 1, text
    site.publish("glacier")
    text, _ = await slash(fake, g0, "feed", feed("add", url=site.url("/feed.xml")))
    assert "Feed added" in text, text
    collection = f"server-{g0.id}"
    await wait_for(lambda: _generation(url, collection) == 1, 30, "the feed's generation")
    assert "1 added" in logged(tmp_path, "p1")  # the poller ran it, not p0
    assert "feed http" not in logged(tmp_path, "p0")
    await _answered(fake, g0, GLACIER_QUESTION, "forty metres of ice", 30)
    text, _ = await slash(fake, g0, "feed", feed("list"))
    assert "ok, 1 added" in text, text


async def _p2_answers_with_the_setting(fake, g0) -> None:
    text, shown = await slash(fake, g0, "ask", {"question": KEEPER_QUESTION})
    assert shown == 1, text  # chosen through p0, stored in PostgreSQL
    text, _ = await slash(fake, g0, "settings", None)
    assert "1 (this server)" in text, text
    text, _ = await slash(fake, g0, "feed", feed("list"))
    assert "ok, 1 added" in text, text  # the feed added through p0, run by p1
    await _answered(fake, g0, GLACIER_QUESTION, "forty metres of ice", 30)


async def _answered(fake, guild, question: str, words: str, within: float) -> None:
    """`/ask` until the answer has these words (a new generation is being served)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        text, _ = await slash(fake, guild, "ask", {"question": question})
        if words in text:
            return
        assert loop.time() < deadline, f"not answered within {within} s: {text}"
        await asyncio.sleep(0.5)
