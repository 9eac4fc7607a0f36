"""Unexpected failures: the user sees a short apology, the log has the traceback."""

from __future__ import annotations

import logging

from bot_fixtures import assert_acked_in_time

import bot.library
from bot.discord_app.messages import APOLOGY


def explode(*args, **kwargs):
    raise RuntimeError("index on fire")


async def test_failing_slash_answer_replaces_the_thinking_message_with_an_apology(
    fake_discord, start_bot, lighthouses, monkeypatch, caplog
):
    monkeypatch.setattr(bot.library, "answer", explode)
    caplog.set_level(logging.ERROR)
    async with start_bot(lighthouses):
        interaction = await fake_discord.send_slash_command(
            "ask", {"question": "lighthouse keeper"}
        )
        apology = await interaction.content(timeout=5)
    assert_acked_in_time(interaction)
    assert interaction.callback["type"] == 5
    assert apology.embeds[0]["description"] == APOLOGY
    failure = next(r for r in caplog.records if r.exc_info)
    assert "index on fire" in str(failure.exc_info[1])


async def test_failing_dm_answer_apologises_in_the_dm(
    fake_discord, start_bot, lighthouses, monkeypatch
):
    monkeypatch.setattr(bot.library, "answer", explode)
    async with start_bot(lighthouses):
        dm = fake_discord.dm_channel(fake_discord.alice)
        await fake_discord.send_message("lighthouse keeper", author=fake_discord.alice, guild=None)
        reply = await fake_discord.wait_for_message(channel_id=dm.id, timeout=5)
    assert reply.embeds[0]["description"] == APOLOGY
