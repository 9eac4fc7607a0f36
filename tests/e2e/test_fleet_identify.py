"""Fleet mode (issue #14): processes on disjoint shards pace their IDENTIFYs through PostgreSQL.

Discord starts one gateway session per `max_concurrency` bucket every 5 seconds and
answers a faster IDENTIFY with op 9; the fake does the same here (`identify_window=5.0`).
Three bots on shards 0, 1 and 2 of 3 start together, as separate processes of one bot
would. Without a shared database each paces only its own shards, so the fake refuses some
of their IDENTIFYs; with CITEBOT_DATABASE_URL they take turns through an advisory lock and
none is refused. Every server's question is answered once, by its shard's bot; a DM once.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from bot_fixtures import KEEPER_QUESTION, answered_dm, embed_text, guild_on_shard, replies_to
from fake_discord import FakeDiscord
from fake_discord.harness import point_discord_at, run_client
from fleet_postgres import fresh_database

from bot.config import Settings
from bot.discord_app import CitebotClient, create_client
from bot.discord_app.shards import Shards

SHARDS = 3
WINDOW = 5.0

pytestmark = pytest.mark.slow


@pytest.fixture
async def paced_fake(monkeypatch) -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(identify_window=WINDOW) as fake:
        fake.world.guilds = [guild_on_shard(fake, k, 3000) for k in range(SHARDS)]
        point_discord_at(fake, monkeypatch)
        yield fake


@contextlib.asynccontextmanager
async def fleet(
    fake: FakeDiscord, corpus: Path, tmp_path: Path, database_url: str | None
) -> AsyncIterator[list[CitebotClient]]:
    """One bot per shard, all started at once (as separate processes would be)."""
    clients = []
    for k in range(SHARDS):
        settings = Settings(
            corpus=corpus,
            db=tmp_path / f"p{k}.db",
            discord_token=fake.token,
            database_url=database_url,
            fleet_cache=tmp_path / f"cache{k}",
        )
        client = create_client(settings, Shards((k,), SHARDS))
        client._connection.guild_ready_timeout = 0.05
        clients.append(client)
    async with contextlib.AsyncExitStack() as stack:
        await asyncio.gather(
            *(stack.enter_async_context(run_client(c, fake, timeout=60)) for c in clients)
        )
        yield clients


async def test_shards_in_several_processes_take_turns_to_identify(
    paced_fake, lighthouses, tmp_path, pg_admin_url
):
    fake = paced_fake
    with fresh_database(pg_admin_url) as url:
        import_corpus(url, lighthouses, tmp_path)  # served from PostgreSQL in fleet mode
        async with fleet(fake, lighthouses, tmp_path, url) as clients:
            for client, guild in zip(clients, fake.world.guilds, strict=True):
                assert [g.id for g in client.guilds] == [guild.id]
                asked = await fake.send_message(
                    f"<@{fake.bot.id}> {KEEPER_QUESTION}", channel=guild.text_channel
                )
                reply = await fake.wait_for_message(
                    guild.text_channel.id, lambda m, a=asked: replies_to(m) == a["id"], 5
                )
                assert "lighthouse keeper" in embed_text(reply)
            await answered_dm(fake, fake.alice)  # DMs arrive on shard 0 only: one process
            dms = fake.messages_sent(fake.dm_channel(fake.alice).id)
    assert fake.gateway.count("IDENTIFY_REFUSED") == 0
    started = [at for at, _ in fake.gateway.identified]
    assert sorted(shard for _, shard in fake.gateway.identified) == [(k, SHARDS) for k in range(3)]
    assert all(b - a >= WINDOW for a, b in itertools.pairwise(started)), started
    assert len(dms) == 1
    for guild in fake.world.guilds:
        replies = [m for m in fake.messages_sent(guild.text_channel.id) if replies_to(m)]
        assert len(replies) == 1


def import_corpus(url: str, corpus: Path, tmp_path: Path) -> None:
    """`citebot import` of the corpus as the shared collection."""
    from bot.fleet.connect import connect
    from bot.fleet.folders import read_library
    from bot.fleet.transfer import import_library

    with connect(url) as conn:
        settings = Settings(corpus=corpus, collections=tmp_path / "no-collections")
        import_library(conn, read_library(settings))


async def test_without_a_shared_database_the_processes_identify_too_fast(
    paced_fake, lighthouses, tmp_path
):
    fake = paced_fake
    async with fleet(fake, lighthouses, tmp_path, None):
        pass
    # Each bot retried after the refusal and got in, but Discord saw the rule broken.
    assert fake.gateway.count("IDENTIFY_REFUSED") >= 1
