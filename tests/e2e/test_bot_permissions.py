"""Mentions where the bot may not speak, threads, and questions deleted before the answer
(issue 11, item 15): permissions are checked before sending, never learned from 403s."""

from __future__ import annotations

import logging

import pytest
from bot_fixtures import KEEPER_QUESTION, answered_dm, replies_to
from fake_discord import FakeChannel, FakeDiscord
from fake_discord.payloads import (
    READ_MESSAGE_HISTORY,
    SEND_MESSAGES,
    SEND_MESSAGES_IN_THREADS,
    VIEW_CHANNEL,
    FakeOverwrite,
)


def add_channel(fake: FakeDiscord, name: str, deny: int = 0, thread_of: int | None = None):
    """A channel (or a thread of `thread_of`) in the fake's guild; `deny` is taken from
    @everyone by an overwrite (on the parent, for a thread)."""
    guild = fake.guild
    if thread_of is not None:
        channel = FakeChannel(fake.ids.next(), name, 11, guild.id, parent_id=thread_of)
    else:
        overwrite = [FakeOverwrite(guild.id, 0, deny=deny)] if deny else []
        channel = FakeChannel(fake.ids.next(), name, 0, guild.id, overwrites=overwrite)
    guild.channels.append(channel)
    return channel


async def mention(fake: FakeDiscord, channel: FakeChannel) -> dict:
    content = f"<@{fake.bot.id}> {KEEPER_QUESTION}"
    return await fake.send_message(content, author=fake.alice, channel=channel)


def posts_to(fake: FakeDiscord, channel: FakeChannel) -> list:
    return fake.requests_to(f"POST /channels/{channel.id}/messages")


async def settle(fake: FakeDiscord) -> None:
    """Two full question round trips from another user: whatever the bot was going to send
    for earlier messages has been sent by then."""
    for _ in range(2):
        await answered_dm(fake, fake.owner)


async def test_a_mention_where_the_bot_may_not_send_costs_no_request_and_raises_nothing(
    fake_discord, start_bot, lighthouses, caplog
):
    muted = add_channel(fake_discord, "muted", deny=SEND_MESSAGES)
    caplog.set_level(logging.INFO)
    async with start_bot(lighthouses):
        await mention(fake_discord, muted)
        await settle(fake_discord)
    assert posts_to(fake_discord, muted) == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text


async def test_a_thread_needs_send_messages_in_threads_not_send_messages(
    fake_discord, start_bot, lighthouses
):
    # The parent denies Send Messages but not Send Messages in Threads: threads may be used.
    parent = add_channel(fake_discord, "forum-ish", deny=SEND_MESSAGES)
    open_thread = add_channel(fake_discord, "open", thread_of=parent.id)
    closed_parent = add_channel(fake_discord, "no-threads", deny=SEND_MESSAGES_IN_THREADS)
    closed_thread = add_channel(fake_discord, "closed", thread_of=closed_parent.id)
    async with start_bot(lighthouses):
        asked = await mention(fake_discord, open_thread)
        reply = await fake_discord.wait_for_message(
            open_thread.id, lambda m: replies_to(m) == asked["id"], timeout=5
        )
        await mention(fake_discord, closed_thread)
        await settle(fake_discord)
    assert "lighthouse keeper" in reply.embeds[0]["fields"][0]["value"]
    assert posts_to(fake_discord, closed_thread) == []


async def test_without_read_message_history_the_answer_is_sent_without_a_reply(
    fake_discord, start_bot, lighthouses
):
    no_history = add_channel(fake_discord, "no-history", deny=READ_MESSAGE_HISTORY)
    async with start_bot(lighthouses):
        await mention(fake_discord, no_history)
        answer = await fake_discord.wait_for_message(no_history.id, timeout=5)
    assert replies_to(answer) is None
    assert "lighthouse keeper" in answer.embeds[0]["fields"][0]["value"]
    assert [r.status for r in posts_to(fake_discord, no_history)] == [200]


@pytest.mark.parametrize("where", ["mention", "dm"])
async def test_a_question_deleted_before_the_answer_still_gets_its_answer(
    fake_discord, start_bot, lighthouses, where
):
    async with start_bot(lighthouses):
        if where == "mention":
            asked = await mention(fake_discord, fake_discord.channel)
        else:
            asked = await fake_discord.send_message(KEEPER_QUESTION, guild=None)
        # Deleted before the bot can have answered: nothing runs between these two awaits.
        await fake_discord.delete_user_message(asked)
        channel_id = int(asked["channel_id"])
        answer = await fake_discord.wait_for_message(channel_id, timeout=5)
    assert replies_to(answer) is None
    assert "lighthouse keeper" in answer.embeds[0]["fields"][0]["value"]
    assert [r.status for r in fake_discord.requests_to(f"POST /channels/{channel_id}/*")] == [200]


async def test_the_fake_sends_no_events_from_a_channel_the_bot_cannot_view(
    fake_discord, start_bot, lighthouses
):
    hidden = add_channel(fake_discord, "hidden", deny=VIEW_CHANNEL)
    async with start_bot(lighthouses):
        await mention(fake_discord, hidden)
        await settle(fake_discord)
    assert fake_discord.messages_sent(hidden.id) == []
    assert [r.status for r in posts_to(fake_discord, hidden)] == []
