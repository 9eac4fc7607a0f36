"""A first end-to-end check: the real bot answers /ask through the fake Discord."""

from __future__ import annotations

from pathlib import Path

from fake_discord.harness import run_client

from bot.config import Settings
from bot.discord_app import create_client


async def test_slash_ask_answers_with_a_cited_embed(fake_discord, bundled_corpus, tmp_path: Path):
    settings = Settings(
        corpus=bundled_corpus, db=tmp_path / "e2e.db", discord_token=fake_discord.token
    )
    client = create_client(settings)
    async with run_client(client, fake_discord):
        interaction = await fake_discord.send_slash_command(
            "ask", {"question": "Who delivered the US response in Moscow?"}, user=fake_discord.alice
        )
        message = await interaction.content(timeout=5)
    field = message.embeds[0]["fields"][0]["value"]
    assert "John Sullivan" in field
    assert (
        "[1] US made no concessions to Russia over Ukraine… — Alex Woodward, 26 Jan 2022, ¶7"
        in field
    )
    assert message.payload["allowed_mentions"] == {"parse": []}
