"""The smaller commands: /help, /articles and /source answer at once, within limits."""

from __future__ import annotations

import pytest
from bot_fixtures import KEEPER_PLACES, assert_acked_in_time, write_many_articles


@pytest.mark.parametrize(
    ("name", "options", "expected"),
    [
        ("help", {}, "I answer questions about a set of articles"),
        ("articles", {}, "Harbour report 01"),
        ("articles", {"page": 4}, "Mountain diary 32"),
        ("source", {"article": "article-07", "paragraph": 1}, "Entry 7: the weather was calm"),
        ("source", {"article": "article-07", "paragraph": 9}, "paragraphs 1 to 2"),
        ("source", {"article": "Atlantis", "paragraph": 1}, "No indexed article matches that"),
    ],
)
async def test_command_answers_at_once(
    fake_discord, start_bot, corpus_dir, write_article, name, options, expected
):
    write_many_articles(write_article, 32)
    async with start_bot(corpus_dir):
        interaction = await fake_discord.send_slash_command(name, options, guild=None)
        message = await interaction.content()
    assert_acked_in_time(interaction)
    assert interaction.callback["type"] == 4
    embed = message.embeds[0]
    text = (embed.get("description") or "") + "".join(f["value"] for f in embed.get("fields", []))
    assert expected in text


async def test_source_shows_the_paragraph_publicly_with_its_citation(
    fake_discord, start_bot, lighthouses
):
    async with start_bot(lighthouses):
        interaction = await fake_discord.send_slash_command(
            "source", {"article": "Keepers of the light", "paragraph": 3}
        )
        message = await interaction.content()
    assert_acked_in_time(interaction)
    assert not message.ephemeral
    assert KEEPER_PLACES[2] in message.embeds[0]["description"]
    assert message.embeds[0]["fields"][0]["value"].endswith("Mara Quill, 26 Jan 2022, ¶3")
