"""Buttons of answers sent before the bot restarted (issue 11, item 13).

Their state lives in the custom_id (discord.py `DynamicItem`s registered at start-up), so a
click on an earlier answer gets a response from the restarted bot: Context still shows the
paragraphs, and ◀ ▶ (whose pages were in the old process's memory) turn the answer's buttons
off and say to ask again, instead of "This interaction failed" on buttons that look live.
"""

from __future__ import annotations

import pytest
from bot_fixtures import (
    EPHEMERAL,
    KEEPER_PLACES,
    KEEPER_QUESTION,
    answered_dm,
    assert_acked_in_time,
    button_id,
    buttons,
    callback_flags,
)
from fake_discord import FakeDiscord, FakeUser, SentMessage

from bot.discord_app.views import EXPIRED, NOT_YOURS


async def click(fake: FakeDiscord, message: SentMessage, label: str, user: FakeUser):
    interaction = await fake.click_button(message, button_id(message, label), user=user)
    await interaction.response(timeout=3)
    assert_acked_in_time(interaction)
    return interaction


async def ask(fake: FakeDiscord, user: FakeUser, where: str) -> SentMessage:
    if where == "dm":
        return await answered_dm(fake, user)
    interaction = await fake.send_slash_command("ask", {"question": KEEPER_QUESTION}, user=user)
    return await interaction.content(timeout=5)


@pytest.mark.parametrize("where", ["slash", "dm"])
async def test_buttons_of_an_answer_from_before_a_restart_still_respond(
    fake_discord, start_bot, lighthouses, where
):
    fake, alice = fake_discord, fake_discord.alice
    async with start_bot(lighthouses):
        message = await ask(fake, alice, where)
    async with start_bot(lighthouses):  # a new process: nothing of the old one in memory
        shown = await click(fake, message, "Context [1]", alice)
        assert shown.callback["type"] == 4 and callback_flags(shown) & EPHEMERAL
        assert any(place in shown.original.embeds[0]["description"] for place in KEEPER_PLACES)
        turned = await click(fake, message, "▶", alice)
        note = await turned.followup()
    assert turned.callback["type"] == 7  # the answer itself is updated: buttons off
    assert all(b.get("disabled") for b in buttons(message))
    assert note.ephemeral and note.content == EXPIRED


async def test_paging_is_still_only_for_the_asker_and_survives_many_clicks(
    fake_discord, start_bot, lighthouses
):
    fake = fake_discord
    async with start_bot(lighthouses):
        message = await ask(fake, fake.alice, "slash")
        note = await click(fake, message, "▶", fake.bob)
        assert note.callback["data"]["content"] == NOT_YOURS
        for label in ("▶", "▶", "◀"):
            await click(fake, message, label, fake.alice)
    fields = message.embeds[0]["fields"]
    assert [f["name"] for f in fields] == ["[4]", "[5]", "[6]"]
    assert len({b["custom_id"] for b in buttons(message)}) == len(buttons(message)) <= 25
    assert all(len(b["custom_id"]) <= 100 for b in buttons(message))


async def test_context_of_an_article_with_a_long_id_works_after_a_restart(
    fake_discord, start_bot, corpus_dir, write_article
):
    long_id = "archive/" + "very-long-folder-name/" * 4 + "the-lighthouse-keepers-of-the-north"
    write_article(
        long_id,
        "Keepers of the north",
        ["The lighthouse keeper rowed out to the rock each spring.", "Gulls nest there."],
    )
    write_article("filler", "Gardening", ["Tomatoes ripen slowly.", "Beans climb canes."])
    async with start_bot(corpus_dir):
        message = await ask(fake_discord, fake_discord.alice, "slash")
    context_ids = [b["custom_id"] for b in buttons(message) if b["label"].startswith("Context")]
    assert len(long_id) > 100 and all(len(c) <= 100 for c in context_ids)
    async with start_bot(corpus_dir):
        shown = await click(fake_discord, message, "Context [1]", fake_discord.bob)
    assert "rowed out to the rock" in shown.original.embeds[0]["description"]
