"""The answer's buttons: ◀ ▶ paging (the asker only), Context (anyone), and expiry."""

from __future__ import annotations

import re

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
    footer,
)
from fake_discord import FakeDiscord, FakeUser, SentMessage

from bot.discord_app import asking
from bot.discord_app.views import NOT_YOURS, STALE


def ranks(message: SentMessage) -> list[str]:
    return [item["name"] for item in message.embeds[0]["fields"]]


def disabled(message: SentMessage) -> dict[str, bool]:
    return {b["label"]: bool(b.get("disabled")) for b in buttons(message)}


async def click(fake: FakeDiscord, message: SentMessage, label: str, user: FakeUser):
    interaction = await fake.click_button(message, button_id(message, label), user=user)
    await interaction.response()
    assert_acked_in_time(interaction)
    return interaction


async def ask(fake: FakeDiscord, user: FakeUser) -> SentMessage:
    interaction = await fake.send_slash_command("ask", {"question": KEEPER_QUESTION}, user=user)
    message = await interaction.content(timeout=5)
    assert_acked_in_time(interaction)
    return message


async def test_asker_pages_forward_and_back_through_the_answer(
    fake_discord, start_bot, lighthouses
):
    alice = fake_discord.alice
    async with start_bot(lighthouses):
        message = await ask(fake_discord, alice)
        assert (ranks(message), footer(message)[:8]) == (["[1]", "[2]", "[3]"], "Page 1/3")
        assert disabled(message) == {
            "◀": True,
            "1/3": True,
            "▶": False,
            "Context [1]": False,
            "Context [2]": False,
            "Context [3]": False,
        }
        turned = await click(fake_discord, message, "▶", alice)
        assert turned.callback["type"] == 7  # the shared message itself changes
        assert (ranks(message), footer(message)[:8]) == (["[4]", "[5]", "[6]"], "Page 2/3")
        assert disabled(message)["◀"] is False and "Context [4]" in disabled(message)
        await click(fake_discord, message, "▶", alice)
        assert (ranks(message), footer(message)[:8]) == (["[7]", "[8]", "[9]"], "Page 3/3")
        assert disabled(message)["▶"] is True
        await click(fake_discord, message, "◀", alice)
        assert ranks(message) == ["[4]", "[5]", "[6]"]


async def test_paging_works_on_an_answer_to_a_dm(fake_discord, start_bot, lighthouses):
    async with start_bot(lighthouses):
        reply = await answered_dm(fake_discord, fake_discord.bob)
        await click(fake_discord, reply, "▶", fake_discord.bob)
    assert ranks(reply) == ["[4]", "[5]", "[6]"]


async def test_someone_else_paging_gets_a_private_note_and_the_answer_stays(
    fake_discord, start_bot, lighthouses
):
    async with start_bot(lighthouses):
        message = await ask(fake_discord, fake_discord.alice)
        before = (message.embeds, message.components, len(message.edits))
        for label in ("▶", "◀"):
            note = await click(fake_discord, message, label, fake_discord.bob)
            assert note.callback["type"] == 4
            assert callback_flags(note) & EPHEMERAL
            assert note.callback["data"]["content"] == NOT_YOURS
        assert (message.embeds, message.components, len(message.edits)) == before
        await click(fake_discord, message, "▶", fake_discord.alice)  # still the asker's
    assert ranks(message) == ["[4]", "[5]", "[6]"]


@pytest.mark.parametrize("who", ["alice", "bob"])
async def test_context_shows_the_paragraphs_around_a_passage_privately_to_anyone(
    fake_discord, start_bot, lighthouses, who
):
    async with start_bot(lighthouses):
        message = await ask(fake_discord, fake_discord.alice)
        cited = int(re.findall(r"¶(\d+)", message.embeds[0]["fields"][1]["value"])[-1])
        before = (message.embeds, len(message.edits))
        shown = await click(fake_discord, message, "Context [2]", getattr(fake_discord, who))
        context = shown.original
    assert shown.callback["type"] == 4 and context.ephemeral
    assert (message.embeds, len(message.edits)) == before
    description = context.embeds[0]["description"]
    numbers = [n for n in (cited - 1, cited, cited + 1) if 1 <= n <= len(KEEPER_PLACES)]
    assert re.findall(r"¶(\d+)", description) == [str(n) for n in numbers]
    assert f"¶{cited}  **" in description  # the cited paragraph is the bold one
    for n in numbers:
        assert KEEPER_PLACES[n - 1] in description
    assert "Keepers of the light" in context.embeds[0]["fields"][0]["value"]


@pytest.mark.parametrize("where", ["slash", "dm"])
async def test_buttons_are_disabled_when_the_answer_times_out(
    fake_discord, start_bot, lighthouses, monkeypatch, where
):
    monkeypatch.setattr(asking, "ANSWER_TIMEOUT", 0.3)
    async with start_bot(lighthouses):
        if where == "slash":
            message = await ask(fake_discord, fake_discord.alice)
        else:
            message = await answered_dm(fake_discord, fake_discord.alice)
        assert not all(disabled(message).values())
        await fake_discord.wait_for_message(
            message.channel_id, lambda m: m is message and all(disabled(m).values()), timeout=5
        )
    assert ranks(message) == ["[1]", "[2]", "[3]"]  # only the buttons changed
    assert list(message.edits[-1]) != [] and "embeds" not in message.edits[-1]


async def test_context_after_a_reindex_uses_the_new_index_while_the_paragraph_is_unchanged(
    fake_discord, start_bot, lighthouses
):
    async with start_bot(lighthouses) as client:
        message = await ask(fake_discord, fake_discord.alice)
        old = client.library.index
        await client.library.reindex()  # nothing changed on disk: same paragraphs
        assert client.library.index is not old
        shown = await click(fake_discord, message, "Context [1]", fake_discord.alice)
    assert "Keepers of the light" in shown.original.embeds[0]["fields"][0]["value"]


async def test_context_of_a_paragraph_changed_by_a_reindex_asks_to_ask_again(
    fake_discord, start_bot, lighthouses
):
    async with start_bot(lighthouses) as client:
        message = await ask(fake_discord, fake_discord.alice)
        article = lighthouses / "lighthouses.txt"
        article.write_text(article.read_text().replace("trimmed the wick", "polished the lens"))
        await client.library.reindex()
        shown = await click(fake_discord, message, "Context [1]", fake_discord.alice)
    assert shown.original.content == STALE and shown.original.ephemeral
