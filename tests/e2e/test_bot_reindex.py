"""/reindex and DM `reindex`: who may run it, what it reports, and answering while it runs."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from bot_fixtures import (
    EPHEMERAL,
    KEEPER_QUESTION,
    answered_dm,
    assert_acked_in_time,
    callback_flags,
    cited_titles,
)
from fake_discord import ADMINISTRATOR, FakeDiscord, FakeUser, SentMessage

import bot.library
from bot.discord_app.access import REFUSAL

MILL_QUESTION = "Who was the millwright?"
ADDED = "Added: 1 (tidal-mills)"


def add_mill_article(write_article) -> None:
    write_article(
        "tidal-mills",
        "Tidal mills",
        [
            "The millwright at Eling rebuilt the wheel after the great storm.",
            "Water was held back behind the sluice until the tide turned.",
        ],
        author="Ada Penn",
    )


async def ask(fake: FakeDiscord, question: str, user: FakeUser | None = None) -> SentMessage:
    interaction = await fake.send_slash_command("ask", {"question": question}, user=user)
    message = await interaction.content(timeout=5)
    assert_acked_in_time(interaction)
    return message


def answered(message: SentMessage) -> bool:
    return bool(message.embeds[0].get("fields"))


async def slash_reindex(fake: FakeDiscord, user: FakeUser, timeout: float = 5) -> SentMessage:
    interaction = await fake.send_slash_command("reindex", user=user)
    message = await interaction.content(timeout=timeout)
    assert_acked_in_time(interaction)
    assert callback_flags(interaction) & EPHEMERAL and message.ephemeral
    return message


async def dm_reindex(fake: FakeDiscord, user: FakeUser) -> list[SentMessage]:
    """DM `reindex`; the bot's replies once the last one (summary or refusal) has come."""
    channel = fake.dm_channel(user).id
    await fake.send_message("reindex", author=user, guild=None)
    await fake.wait_for_message(
        channel, lambda m: "Reindexing" not in (m.embeds[0].get("description") or ""), timeout=5
    )
    return fake.messages_sent(channel)


def make_server_admin(fake: FakeDiscord, user: FakeUser) -> None:
    admin_role = next(role for role in fake.guild.roles if role.permissions & ADMINISTRATOR)
    fake.guild.member(user.id).roles.append(admin_role.id)


async def test_admin_reindex_reports_the_added_article_which_then_answers(
    fake_discord, start_bot, lighthouses, write_article
):
    alice = fake_discord.alice
    async with start_bot(lighthouses, admin_ids=frozenset({alice.id})) as client:
        assert not answered(await ask(fake_discord, MILL_QUESTION))
        generation = client.library.index.generation
        add_mill_article(write_article)
        summary = await slash_reindex(fake_discord, alice)
        after = await ask(fake_discord, MILL_QUESTION)
    embed = summary.embeds[0]
    assert embed["title"] == "Reindex complete"
    assert ADDED in embed["description"]
    assert "**6** articles" in embed["description"]
    assert client.library.index.generation == generation + 1
    assert cited_titles(after) == ["Tidal mills"]


async def test_server_administrator_not_on_the_allow_list_cannot_reindex(
    fake_discord, start_bot, lighthouses, write_article
):
    bob = fake_discord.bob
    make_server_admin(fake_discord, bob)
    async with start_bot(lighthouses, admin_ids=frozenset({fake_discord.alice.id})) as client:
        generation = client.library.index.generation
        add_mill_article(write_article)
        interaction = await fake_discord.send_slash_command("reindex", user=bob)
        refusal = await interaction.content()
        assert not answered(await ask(fake_discord, MILL_QUESTION))
    assert_acked_in_time(interaction)
    assert int(interaction.payload["member"]["permissions"]) & ADMINISTRATOR
    assert interaction.callback["type"] == 4 and refusal.ephemeral
    assert refusal.embeds[0]["description"] == REFUSAL
    assert client.library.index.generation == generation


async def test_application_owner_may_reindex(fake_discord, start_bot, lighthouses, write_article):
    async with start_bot(lighthouses) as client:
        generation = client.library.index.generation
        add_mill_article(write_article)
        summary = await slash_reindex(fake_discord, fake_discord.owner)
    assert summary.embeds[0]["title"] == "Reindex complete"
    assert ADDED in summary.embeds[0]["description"]
    assert client.library.index.generation == generation + 1


async def test_dm_reindex_by_an_admin_replies_with_the_summary(
    fake_discord, start_bot, lighthouses, write_article
):
    alice = fake_discord.alice
    async with start_bot(lighthouses, admin_ids=frozenset({alice.id})) as client:
        generation = client.library.index.generation
        add_mill_article(write_article)
        working, summary = await dm_reindex(fake_discord, alice)
        after = await answered_dm(fake_discord, alice, MILL_QUESTION)
    assert working.embeds[0]["description"].startswith("Reindexing")
    assert summary.embeds[0]["title"] == "Reindex complete"
    assert ADDED in summary.embeds[0]["description"]
    assert client.library.index.generation == generation + 1
    assert cited_titles(after) == ["Tidal mills"]


async def test_dm_reindex_by_someone_else_is_refused(
    fake_discord, start_bot, lighthouses, write_article
):
    async with start_bot(lighthouses, admin_ids=frozenset({fake_discord.alice.id})) as client:
        generation = client.library.index.generation
        add_mill_article(write_article)
        replies = await dm_reindex(fake_discord, fake_discord.bob)
    assert [m.embeds[0]["description"] for m in replies] == [REFUSAL]
    assert client.library.index.generation == generation


async def test_dm_asking_how_to_reindex_is_a_question_not_a_reindex(
    fake_discord, start_bot, lighthouses, write_article
):
    alice = fake_discord.alice
    async with start_bot(lighthouses, admin_ids=frozenset({alice.id})) as client:
        generation = client.library.index.generation
        add_mill_article(write_article)
        reply = await answered_dm(fake_discord, alice, "how do I reindex the bot?")
    assert reply.embeds[0]["title"] == "how do I reindex the bot?"
    assert reply.embeds[0]["description"].startswith("Nothing in the articles answers this.")
    assert len(fake_discord.messages_sent()) == 1
    assert client.library.index.generation == generation


class SlowReindex:
    """Stands in for `bot.library.reindex`: the worker thread waits for `release` first."""

    def __init__(self) -> None:
        self.real = bot.library.reindex
        self.started = threading.Event()
        self.release = threading.Event()
        self.calls = 0

    def __call__(self, corpus: Path, db: Path, progress=None):
        self.calls += 1
        self.started.set()
        assert self.release.wait(10), "the test never released the reindex"
        return self.real(corpus, db, progress)

    async def wait_started(self) -> None:
        assert await asyncio.to_thread(self.started.wait, 5), "reindex never started"


@pytest.fixture
def slow_reindex() -> Iterator[SlowReindex]:
    """A SlowReindex, released at teardown; install it after the bot built its first index."""
    slow = SlowReindex()
    yield slow
    slow.release.set()  # never leave a worker thread waiting after a failed test


async def test_questions_during_a_slow_reindex_are_answered_from_the_old_index(
    fake_discord, start_bot, lighthouses, write_article, monkeypatch, slow_reindex
):
    alice, slow = fake_discord.alice, slow_reindex
    async with start_bot(lighthouses, admin_ids=frozenset({alice.id})) as client:
        monkeypatch.setattr(bot.library, "reindex", slow)
        generation = client.library.index.generation
        add_mill_article(write_article)
        running = await fake_discord.send_slash_command("reindex", user=alice)
        await slow.wait_started()
        old_keeper = await ask(fake_discord, KEEPER_QUESTION, fake_discord.bob)
        old_mill = await ask(fake_discord, MILL_QUESTION, fake_discord.bob)
        assert client.library.reindexing and running.content_at is None
        slow.release.set()
        summary = await running.content(timeout=10)
        new_mill = await ask(fake_discord, MILL_QUESTION, fake_discord.bob)
    assert_acked_in_time(running)
    assert cited_titles(old_keeper) == ["Keepers of the light"] * 3
    assert not answered(old_mill)
    assert ADDED in summary.embeds[0]["description"]
    assert cited_titles(new_mill) == ["Tidal mills"]
    assert client.library.index.generation == generation + 1


async def test_a_second_reindex_joins_the_running_one(
    fake_discord, start_bot, lighthouses, write_article, monkeypatch, slow_reindex
):
    alice, owner, slow = fake_discord.alice, fake_discord.owner, slow_reindex
    async with start_bot(lighthouses, admin_ids=frozenset({alice.id})) as client:
        monkeypatch.setattr(bot.library, "reindex", slow)
        generation = client.library.index.generation
        add_mill_article(write_article)
        first = await fake_discord.send_slash_command("reindex", user=alice)
        await slow.wait_started()
        second = await fake_discord.send_slash_command("reindex", user=owner)
        await second.response()
        slow.release.set()
        summaries = [await first.content(timeout=10), await second.content(timeout=10)]
    assert slow.calls == 1
    assert [ADDED in s.embeds[0]["description"] for s in summaries] == [True, True]
    assert client.library.index.generation == generation + 1


async def test_failed_reindex_is_reported_and_the_old_index_keeps_answering(
    fake_discord, start_bot, lighthouses, write_article, monkeypatch
):
    alice = fake_discord.alice
    real = bot.library.reindex

    def failing(corpus: Path, db: Path, progress=None):
        def explode(done: int, total: int) -> None:
            if done == 3:  # part-way through reading the articles
                raise OSError("disk read error on article 3")

        return real(corpus, db, explode)

    async with start_bot(lighthouses, admin_ids=frozenset({alice.id})) as client:
        generation = client.library.index.generation
        add_mill_article(write_article)
        monkeypatch.setattr(bot.library, "reindex", failing)
        failed = await slash_reindex(fake_discord, alice)
        keeper = await ask(fake_discord, KEEPER_QUESTION)
        mill = await ask(fake_discord, MILL_QUESTION)
        assert client.library.index.generation == generation
        monkeypatch.setattr(bot.library, "reindex", real)
        retried = await slash_reindex(fake_discord, alice)
    assert failed.embeds[0]["title"] == "Reindex failed"
    assert "disk read error on article 3" in failed.embeds[0]["description"]
    assert "previous index is still serving" in failed.embeds[0]["description"]
    assert cited_titles(keeper) == ["Keepers of the light"] * 3
    assert not answered(mill)
    assert ADDED in retried.embeds[0]["description"]
