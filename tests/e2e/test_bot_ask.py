"""Asking: /ask in a server and in DMs, DM questions, mentions, and what the bot ignores."""

from __future__ import annotations

import pytest
from bot_fixtures import (
    EPHEMERAL,
    KEEPER_QUESTION,
    answered_dm,
    assert_acked_in_time,
    callback_flags,
    cited_titles,
    embed_text,
    footer,
    replies_to,
    write_many_articles,
)
from fake_discord import FakeDiscord

from bot.discord_app.asking import USAGE_HINT


async def assert_nothing_else_sent(fake: FakeDiscord, sent_before: int) -> None:
    """Two full question round trips (from a user who asked nothing) pass, and the only new
    messages are their replies: anything the bot would have sent earlier has come by now."""
    for _ in range(2):
        await answered_dm(fake, fake.owner)
    assert len(fake.messages_sent()) == sent_before + 2
    assert {m.channel_id for m in fake.messages_sent()[sent_before:]} == {
        fake.dm_channel(fake.owner).id
    }


async def test_slash_ask_in_a_server_is_answered_publicly_with_cited_passages(
    fake_discord, start_bot, lighthouses
):
    async with start_bot(lighthouses):
        interaction = await fake_discord.send_slash_command(
            "ask", {"question": KEEPER_QUESTION}, user=fake_discord.alice
        )
        message = await interaction.content(timeout=5)
    assert_acked_in_time(interaction)
    assert interaction.callback["type"] == 5  # deferred: answering may take a while
    assert not callback_flags(interaction) & EPHEMERAL and not message.ephemeral
    assert message.channel_id == fake_discord.channel.id
    first = message.embeds[0]["fields"][0]["value"]
    assert "lighthouse keeper" in first
    assert "— Mara Quill, 26 Jan 2022, ¶" in first
    assert cited_titles(message) == ["Keepers of the light"] * 3
    assert message.payload["allowed_mentions"] == {"parse": []}


async def test_slash_ask_in_a_dm_is_answered_in_the_dm(fake_discord, start_bot, lighthouses):
    async with start_bot(lighthouses):
        interaction = await fake_discord.send_slash_command(
            "ask", {"question": KEEPER_QUESTION}, user=fake_discord.bob, guild=None
        )
        message = await interaction.content(timeout=5)
    assert_acked_in_time(interaction)
    assert "guild_id" not in interaction.payload
    assert message.channel_id == fake_discord.dm_channel(fake_discord.bob).id
    assert cited_titles(message) == ["Keepers of the light"] * 3


async def test_dm_question_is_answered_with_a_reply_in_the_dm(fake_discord, start_bot, lighthouses):
    async with start_bot(lighthouses):
        reply = await answered_dm(fake_discord, fake_discord.alice)
    assert reply.message["type"] == 19
    assert "lighthouse keeper" in embed_text(reply)
    assert cited_titles(reply) == ["Keepers of the light"] * 3
    assert reply.payload["allowed_mentions"]["parse"] == []
    assert [b["label"] for b in reply.components[0]["components"]] == ["◀", "1/3", "▶"]


@pytest.mark.parametrize("mention", ["<@{id}> {q}", "{q} <@!{id}>"])
async def test_mention_in_a_server_channel_is_answered_as_a_reply(
    fake_discord, start_bot, lighthouses, mention
):
    content = mention.format(id=fake_discord.bot.id, q=KEEPER_QUESTION)
    async with start_bot(lighthouses):
        asked = await fake_discord.send_message(content)
        reply = await fake_discord.wait_for_message(fake_discord.channel.id, timeout=5)
    assert replies_to(reply) == asked["id"]
    assert reply.embeds[0]["title"] == "Who was the lighthouse keeper?"
    assert cited_titles(reply) == ["Keepers of the light"] * 3
    assert reply.payload["allowed_mentions"]["parse"] == []


async def test_server_message_without_a_mention_is_ignored(fake_discord, start_bot, lighthouses):
    async with start_bot(lighthouses):
        await fake_discord.send_message(KEEPER_QUESTION)
        await assert_nothing_else_sent(fake_discord, 0)
    assert fake_discord.messages_sent(fake_discord.channel.id) == []


@pytest.mark.parametrize("where", ["mention", "dm"])
async def test_messages_from_other_bots_are_ignored(fake_discord, start_bot, lighthouses, where):
    async with start_bot(lighthouses):
        if where == "mention":
            await fake_discord.send_message(
                f"{fake_discord.bot.mention} {KEEPER_QUESTION}", bot_author=True
            )
        else:
            await fake_discord.send_message(KEEPER_QUESTION, bot_author=True, guild=None)
        await assert_nothing_else_sent(fake_discord, 0)


async def test_the_bots_own_messages_are_ignored(fake_discord, start_bot, lighthouses):
    bot = fake_discord.bot
    async with start_bot(lighthouses):
        await fake_discord.send_message(f"{bot.mention} {KEEPER_QUESTION}", author=bot)
        await fake_discord.send_message(
            KEEPER_QUESTION, author=bot, channel=fake_discord.dm_channel(fake_discord.alice)
        )
        await assert_nothing_else_sent(fake_discord, 0)


async def test_question_nothing_answers_gets_the_no_answer_embed(
    fake_discord, start_bot, lighthouses
):
    async with start_bot(lighthouses):
        interaction = await fake_discord.send_slash_command(
            "ask", {"question": "What is the recipe for banana bread?"}
        )
        message = await interaction.content(timeout=5)
    assert_acked_in_time(interaction)
    embed = message.embeds[0]
    assert embed["title"] == "What is the recipe for banana bread?"
    assert embed["description"].startswith("Nothing in the articles answers this.")
    assert "fields" not in embed and message.components == []


async def test_empty_mention_gets_a_usage_hint(fake_discord, start_bot, lighthouses):
    async with start_bot(lighthouses):
        asked = await fake_discord.send_message(fake_discord.bot.mention)
        reply = await fake_discord.wait_for_message(fake_discord.channel.id, timeout=5)
    assert replies_to(reply) == asked["id"]
    assert reply.embeds[0]["description"] == USAGE_HINT


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("", [f"Harbour report {n:02d}" for n in range(1, 26)]),
        ("harbour", [f"Harbour report {n:02d}" for n in range(1, 26)]),
        ("MOUNTAIN", [f"Mountain diary {n}" for n in range(27, 33)]),
        ("report 1", [f"Harbour report {n}" for n in range(10, 20)]),
    ],
)
async def test_article_autocomplete_offers_at_most_25_matching_titles(
    fake_discord, start_bot, corpus_dir, write_article, typed, expected
):
    write_many_articles(write_article, 32)
    async with start_bot(corpus_dir):
        interaction = await fake_discord.send_autocomplete(
            "ask", {"question": "weather", "article": typed}, focused="article"
        )
        response = await interaction.response()
    assert_acked_in_time(interaction)
    assert response["type"] == 8
    choices = response["data"]["choices"]
    assert [c["name"] for c in choices] == expected
    assert all(c["value"].startswith("article-") for c in choices)


async def test_ask_about_an_article_typed_by_hand_that_does_not_exist_is_refused_privately(
    fake_discord, start_bot, lighthouses
):
    async with start_bot(lighthouses):
        interaction = await fake_discord.send_slash_command(
            "ask", {"question": KEEPER_QUESTION, "article": "Atlantis gazette"}
        )
        message = await interaction.content(timeout=5)
    assert_acked_in_time(interaction)
    assert interaction.callback["type"] == 4 and message.ephemeral
    assert message.embeds[0]["description"] == "No indexed article matches “Atlantis gazette”."


@pytest.mark.parametrize("article", ["harbour", "Harbour gossip"])
async def test_ask_limited_to_one_article_quotes_only_that_article(
    fake_discord, start_bot, lighthouses, article
):
    async with start_bot(lighthouses):
        everywhere = await fake_discord.send_slash_command("ask", {"question": KEEPER_QUESTION})
        unrestricted = await everywhere.content(timeout=5)
        limited = await fake_discord.send_slash_command(
            "ask", {"question": KEEPER_QUESTION, "article": article}
        )
        message = await limited.content(timeout=5)
    assert_acked_in_time(limited)
    assert "Harbour gossip" not in cited_titles(unrestricted)
    assert cited_titles(message) == ["Harbour gossip"]
    assert "grows leeks behind the harbour wall" in embed_text(message)


@pytest.mark.parametrize(("results", "pages"), [(1, 3), (2, 3), (5, 2)])
async def test_results_option_sets_the_passages_per_page(
    fake_discord, start_bot, lighthouses, results, pages
):
    async with start_bot(lighthouses):
        interaction = await fake_discord.send_slash_command(
            "ask", {"question": KEEPER_QUESTION, "results": results}
        )
        message = await interaction.content(timeout=5)
    assert_acked_in_time(interaction)
    assert len(message.embeds[0]["fields"]) == results
    assert footer(message).startswith(f"Page 1/{pages} ")
    context = [b for row in message.components for b in row["components"]]
    assert sum(b["label"].startswith("Context") for b in context) == results


async def test_private_ask_is_answered_ephemerally(fake_discord, start_bot, lighthouses):
    async with start_bot(lighthouses):
        interaction = await fake_discord.send_slash_command(
            "ask", {"question": KEEPER_QUESTION, "private": True}
        )
        message = await interaction.content(timeout=5)
    assert_acked_in_time(interaction)
    assert interaction.callback["type"] == 5
    assert callback_flags(interaction) & EPHEMERAL
    assert message.ephemeral
    assert cited_titles(message) == ["Keepers of the light"] * 3
