"""Every edit through an interaction token happens while the token lives (issue 11, item 14).

The fake expires tokens after `token_lifetime` seconds (401, code 50027, as Discord does
after 15 minutes); the bot's own notion of that lifetime (`pager.EDITABLE_FOR`) is shortened
to match, so the test takes seconds. `start_bot` fails the test on any rejected request.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from bot_fixtures import KEEPER_QUESTION, button_id, buttons
from fake_discord import FakeDiscord

import bot.library
from bot.discord_app import asking, pager

LIFETIME = 2.0  # seconds; long enough that a loaded machine still edits in time


def short_tokens(fake: FakeDiscord, monkeypatch, answer_timeout: float) -> None:
    fake.token_lifetime = LIFETIME
    monkeypatch.setattr(pager, "EDITABLE_FOR", LIFETIME * 0.7, raising=False)
    monkeypatch.setattr(asking, "ANSWER_TIMEOUT", answer_timeout)


async def test_clicks_do_not_push_the_buttons_expiry_past_the_token(
    fake_discord, start_bot, lighthouses, monkeypatch
):
    fake = fake_discord
    short_tokens(fake, monkeypatch, answer_timeout=LIFETIME * 0.6)
    async with start_bot(lighthouses):
        asked = await fake.send_slash_command("ask", {"question": KEEPER_QUESTION})
        message = await asked.content(timeout=5)
        for _ in range(3):  # keep clicking: a timeout restarted by each click outlives the token
            await asyncio.sleep(LIFETIME * 0.2)
            label = "▶" if not buttons(message)[2].get("disabled") else "◀"
            click = await fake.click_button(message, button_id(message, label))
            await click.response()
        await fake.wait_for_message(
            message.channel_id,
            lambda m: m is message and all(b.get("disabled") for b in buttons(m)),
            timeout=2 * LIFETIME,
        )
        await asyncio.sleep(LIFETIME)  # anything still scheduled would hit the dead token now
    expired = [r for r in fake.requests if r.status == 401]
    assert expired == []


async def test_a_reindex_longer_than_the_token_reports_by_direct_message(
    fake_discord, start_bot, lighthouses, monkeypatch
):
    fake, admin = fake_discord, fake_discord.alice
    short_tokens(fake, monkeypatch, answer_timeout=LIFETIME)
    real = bot.library.reindex

    def slow(corpus: Path, db: Path, progress=None):
        time.sleep(LIFETIME * 1.5)
        return real(corpus, db, progress)

    async with start_bot(lighthouses, admin_ids=frozenset({admin.id})):
        monkeypatch.setattr(bot.library, "reindex", slow)
        asked = await fake.send_slash_command("reindex", user=admin)
        dm = fake.dm_channel(admin).id
        report = await fake.wait_for_message(dm, lambda m: m.embeds, timeout=5 * LIFETIME)
    assert report.embeds[0]["title"] == "Reindex complete"
    note = asked.original
    assert note is not None and "direct message" in note.embeds[0]["description"]
    assert [r.status for r in fake.requests if r.status >= 400] == []
