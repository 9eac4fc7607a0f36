"""What keeps the bot safe to run in public: inert article text, Discord's size limits,
question length, and the per-user cooldown."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bot_fixtures import (
    EPHEMERAL,
    KEEPER_QUESTION,
    answered_dm,
    assert_acked_in_time,
    button_id,
    embed_text,
    write_filler,
)
from fake_discord import SentMessage

REGATTA = (
    "The harbour master told @everyone, <@&123> and <@123456789012345678> to read **x**, "
    "||y|| and `z` before the regatta."
)
REGATTA_QUESTION = "What did the harbour master say about the regatta?"
GLACIER_QUESTION = "How did the survey team measure the glacier ice depth?"


@pytest.fixture
def hostile(corpus_dir: Path, write_article) -> Path:
    write_article(
        "notices",
        "Harbour notices",
        [REGATTA, "Moorings are free for visiting boats in May.", "The quay is closed at night."],
    )
    write_filler(write_article)
    return corpus_dir


def long_paragraph(station: int) -> str:
    sentences = [
        f"At station {station}-{n} the survey team measured the glacier ice depth with radar "
        f"and recorded {n * 7} metres in the log."
        for n in range(1, 60)
    ]
    return " ".join(sentences)[:5000]


@pytest.fixture
def glacier(corpus_dir: Path, write_article) -> Path:
    write_article(
        "glacier",
        "A season on the ice",
        [long_paragraph(1), long_paragraph(2), long_paragraph(3)],
        author="Ines " + "Longname " * 30,
    )
    write_filler(write_article)
    return corpus_dir


def assert_inert(text: str) -> None:
    assert "@everyone" not in text
    assert "<@&123>" not in text and "<@123456789012345678>" not in text
    assert "**x**" not in text and "\\*\\*x\\*\\*" in text
    assert "||y||" not in text and "\\|\\|y\\|\\|" in text
    assert "`z`" not in text and "\\`z\\`" in text


async def test_mentions_and_markdown_from_articles_are_sent_inert(fake_discord, start_bot, hostile):
    async with start_bot(hostile):
        interaction = await fake_discord.send_slash_command("ask", {"question": REGATTA_QUESTION})
        answer = await interaction.content(timeout=5)
        context = await fake_discord.click_button(answer, button_id(answer, "Context [1]"))
        await context.response()
        reply = await answered_dm(fake_discord, fake_discord.bob, REGATTA_QUESTION)
    assert_acked_in_time(interaction)
    assert_acked_in_time(context)
    assert "harbour master told" in embed_text(answer)
    for message in (answer, context.original, reply):
        assert message.payload["allowed_mentions"]["parse"] == []
        assert_inert(embed_text(message))


async def test_long_paragraphs_are_trimmed_to_fit_discord_limits(fake_discord, start_bot, glacier):
    async with start_bot(glacier, results=5):
        interaction = await fake_discord.send_slash_command("ask", {"question": GLACIER_QUESTION})
        answer = await interaction.content(timeout=5)
        context = await fake_discord.click_button(answer, button_id(answer, "Context [1]"))
        await context.response()
        reply = await answered_dm(fake_discord, fake_discord.alice, GLACIER_QUESTION)
    assert_acked_in_time(interaction)
    assert_acked_in_time(context)
    for message in (answer, context.original, reply):
        embed = message.embeds[0]
        assert len(embed_text(message)) <= 6000
        assert all(len(f["value"]) <= 1024 for f in embed.get("fields", []))
        assert len(embed.get("description") or "") <= 4096
    fields = answer.embeds[0]["fields"]
    assert len(fields) == 3  # the three long paragraphs, each cut to fit
    assert all("…" in f["value"] and "survey team measured" in f["value"] for f in fields)
    # Nothing the bot sent was rejected (start_bot checks every recorded request on exit).


async def test_over_long_slash_question_is_refused_privately_with_the_limit(
    fake_discord, start_bot, glacier
):
    question = ("Why " + "really " * 1000)[:6000]
    async with start_bot(glacier):
        interaction = await fake_discord.send_slash_command("ask", {"question": question})
        refusal = await interaction.content()
    assert_acked_in_time(interaction)
    assert interaction.callback["type"] == 4 and refusal.ephemeral
    assert refusal.embeds[0]["description"] == (
        "That question is 6000 characters long; please keep it under 500."
    )


async def test_over_long_dm_question_gets_the_limit_in_reply(fake_discord, start_bot, glacier):
    question = ("Why " + "really " * 300)[:1900]
    async with start_bot(glacier, max_question_chars=300):
        reply = await answered_dm(fake_discord, fake_discord.alice, question)
    assert reply.embeds[0]["description"] == (
        "That question is 1900 characters long; please keep it under 300."
    )


def wait_seconds(message: SentMessage) -> int:
    match = re.search(r"try again in (\d+) s", message.embeds[0]["description"])
    assert match, message.embeds[0]["description"]
    return int(match.group(1))


async def test_asking_too_often_by_slash_gets_a_private_try_again_later(
    fake_discord, start_bot, lighthouses
):
    async with start_bot(lighthouses, cooldown_questions=2, cooldown_seconds=60):
        answers = []
        for _ in range(3):
            interaction = await fake_discord.send_slash_command(
                "ask", {"question": KEEPER_QUESTION}, user=fake_discord.alice
            )
            answers.append(await interaction.content(timeout=5))
            assert_acked_in_time(interaction)
        bob = await fake_discord.send_slash_command(
            "ask", {"question": KEEPER_QUESTION}, user=fake_discord.bob
        )
        bobs = await bob.content(timeout=5)
    assert [bool(a.embeds[0].get("fields")) for a in answers] == [True, True, False]
    assert interaction.callback["type"] == 4
    assert interaction.callback["data"]["flags"] & EPHEMERAL and answers[2].ephemeral
    assert 55 <= wait_seconds(answers[2]) <= 60
    assert bobs.embeds[0]["fields"]  # the limit is per user


async def test_asking_too_often_by_dm_gets_a_try_again_later_reply(
    fake_discord, start_bot, lighthouses
):
    async with start_bot(lighthouses, cooldown_questions=2, cooldown_seconds=60):
        replies = [await answered_dm(fake_discord, fake_discord.alice) for _ in range(3)]
    assert [bool(r.embeds[0].get("fields")) for r in replies] == [True, True, False]
    assert not replies[2].ephemeral and replies[2].message["type"] == 19
    assert 55 <= wait_seconds(replies[2]) <= 60
