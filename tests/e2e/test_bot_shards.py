"""Sharding (issue 11, item 17): the bot shards as Discord requires, and several processes
can share one bot by running disjoint shards.

The fake requires sharding from SHARDING_AT guilds per connection (2,500 on Discord) and
recommends a shard per two guilds; its four guilds have ids that put guild k on shard k of 4
(and k % 2 of 2), since Discord routes a guild's events to `(guild_id >> 22) % shard_count`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import discord
import pytest
from bot_fixtures import KEEPER_QUESTION, answered_dm, guild_on_shard, rejected, replies_to
from fake_discord import FakeDiscord, FakeGuild
from fake_discord.harness import point_discord_at, run_client

from bot.cli import main
from bot.config import Settings
from bot.discord_app import CitebotClient, create_client
from bot.discord_app.runner import TOO_FEW_SHARDS
from bot.discord_app.shards import ShardError, Shards, parse_shards

SHARDING_AT = 3


@pytest.fixture
async def sharded_fake(monkeypatch) -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(sharding_required_at=SHARDING_AT, guilds_per_shard=2) as fake:
        fake.world.guilds = [guild_on_shard(fake, k, 4000) for k in range(4)]
        point_discord_at(fake, monkeypatch)
        yield fake


@contextlib.asynccontextmanager
async def bot_on(
    fake: FakeDiscord, corpus: Path, db: Path, shards: Shards | None
) -> AsyncIterator[CitebotClient]:
    client = create_client(Settings(corpus=corpus, db=db, discord_token=fake.token), shards)
    client._connection.guild_ready_timeout = 0.05
    async with run_client(client, fake, timeout=10):
        yield client


async def mention_answered(fake: FakeDiscord, guild: FakeGuild) -> list:
    """Mention the bot in the guild; every reply to it once one has come."""
    asked = await fake.send_message(
        f"<@{fake.bot.id}> {KEEPER_QUESTION}", channel=guild.text_channel
    )
    await fake.wait_for_message(guild.text_channel.id, lambda m: replies_to(m) == asked["id"], 5)
    return [m for m in fake.messages_sent() if replies_to(m) == asked["id"]]


async def test_a_bot_in_more_servers_than_one_connection_may_hold_shards_by_itself(
    sharded_fake, lighthouses, tmp_path
):
    fake = sharded_fake
    async with bot_on(fake, lighthouses, tmp_path / "c.db", None) as client:
        assert sorted(client.shards) == [0, 1]  # Discord's recommendation for four guilds
        for guild in fake.world.guilds:
            assert len(await mention_answered(fake, guild)) == 1
    identified = [d["shard"] for op, d in fake.gateway.ops if op == "IDENTIFY"]
    assert sorted(identified) == [[0, 2], [1, 2]]
    assert rejected(fake.requests) == []


async def test_two_processes_on_disjoint_shards_share_one_bot(sharded_fake, lighthouses, tmp_path):
    fake = sharded_fake
    db = tmp_path / "shared.db"
    low, high = Shards((0, 1), 4), Shards((2, 3), 4)
    async with (
        bot_on(fake, lighthouses, db, low) as first,
        bot_on(fake, lighthouses, db, high) as second,
    ):
        guilds = fake.world.guilds
        assert {g.id for g in first.guilds} == {guilds[0].id, guilds[1].id}
        assert {g.id for g in second.guilds} == {guilds[2].id, guilds[3].id}
        for guild in guilds:  # each server's question is answered once, by its shard's process
            assert len(await mention_answered(fake, guild)) == 1
        await answered_dm(fake, fake.alice)  # DMs arrive on shard 0 only
        slash = await fake.send_slash_command("ask", {"question": KEEPER_QUESTION}, guild=guilds[3])
        await slash.content(timeout=5)
        dms = fake.messages_sent(fake.dm_channel(fake.alice).id)
    assert len(dms) == 1
    assert rejected(fake.requests) == []  # a second answer to one interaction would be a 400
    identified = sorted(d["shard"] for op, d in fake.gateway.ops if op == "IDENTIFY")
    assert identified == [[0, 4], [1, 4], [2, 4], [3, 4]]


async def test_the_fake_closes_an_unsharded_connection_holding_too_many_guilds(sharded_fake):
    fake = sharded_fake

    client = discord.Client(intents=discord.Intents.none())
    with pytest.raises(discord.ConnectionClosed) as closed:
        async with run_client(client, fake):
            pass
    assert closed.value.code == 4011


@pytest.mark.parametrize(
    ("ids", "count", "expected"),
    [("0-3", 8, (0, 1, 2, 3)), ("0,2,5", 8, (0, 2, 5)), ("1-2,0", 3, (0, 1, 2)), (None, 2, (0, 1))],
)
def test_shard_options_are_parsed(ids, count, expected):
    assert parse_shards(ids, count) == Shards(expected, count)


@pytest.mark.parametrize(
    ("ids", "count"), [("0-3", None), ("8", 8), ("3-1", 8), ("a", 8), ("0-3", 0)]
)
def test_bad_shard_options_are_one_clear_error(ids, count):
    with pytest.raises(ShardError):
        parse_shards(ids, count)


@pytest.mark.parametrize(
    ("shard_args", "message"),
    [(["--shard-ids", "0", "--shard-count", "1"], TOO_FEW_SHARDS), (["--shard-ids", "0-3"], None)],
    ids=["too-few-shards", "ids-without-count"],
)
async def test_citebot_run_with_unusable_shard_options_exits_with_one_clear_line(
    sharded_fake, lighthouses, tmp_path, monkeypatch, capsys, shard_args, message
):
    monkeypatch.chdir(tmp_path)  # no .env from the developer's checkout
    monkeypatch.setenv("DISCORD_TOKEN", sharded_fake.token)
    argv = ["run", "--corpus", str(lighthouses), "--db", str(tmp_path / "c.db"), *shard_args]
    code = await asyncio.to_thread(main, argv)  # `run` owns its event loop
    err = capsys.readouterr().err
    assert code == 1 and len(err.strip().splitlines()) == 1, err
    assert err.startswith("citebot: ") and (message is None or message in err)
