"""/add and /remove (issue 13, items 1-3): a server's own collection, managed from Discord,
searched with the shared one by that server's questions only, kept across a restart."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bot_fixtures import (
    EPHEMERAL,
    KEEPER_QUESTION,
    answered_dm,
    assert_acked_in_time,
    button_id,
    buttons,
    callback_flags,
    cited_titles,
    embed_text,
)
from fake_discord import (
    DEFAULT,
    FakeChannel,
    FakeDiscord,
    FakeGuild,
    FakeMember,
    FakeRole,
    SentMessage,
)
from local_pages import GLASS_QUESTION, GLASS_TITLE, Pages, serve_pages
from support import front_matter_article

import bot.watch
from bot.collections import collection
from bot.discord_app.collections_commands import EDITORS_ONLY, NOT_YOURS
from bot.fetch import add_limiter


@pytest.fixture
def pages() -> Iterator[Pages]:
    with serve_pages() as site:
        yield site


def library(tmp_path: Path, allow_private: bool = True) -> dict[str, Any]:
    """Settings for the bot: collections in the test's folder; 127.0.0.1 may be fetched."""
    return {"collections": tmp_path / "collections", "fetch_allow_private": allow_private}


def second_guild(fake: FakeDiscord) -> FakeGuild:
    """Server B, with the owner, alice and the bot."""
    other = FakeGuild(fake.ids.next(), "Other", fake.owner.id)
    other.channels.append(FakeChannel(fake.ids.next(), "general", 0, other.id))
    everyone = next(r for r in fake.guild.roles if r.id == fake.guild.id)
    other.roles.append(FakeRole(other.id, "@everyone", everyone.permissions))
    other.members += [FakeMember(u) for u in (fake.owner, fake.alice, fake.bot)]
    fake.world.guilds.append(other)
    return other


async def command(fake: FakeDiscord, name: str, options: dict, **kw: Any) -> SentMessage:
    """Run a command (as the owner unless `user=`); its ephemeral reply."""
    interaction = await fake.send_slash_command(name, options, user=kw.pop("user", fake.owner))
    message = await interaction.content(timeout=10)
    assert_acked_in_time(interaction)
    assert callback_flags(interaction) & EPHEMERAL and message.ephemeral
    return message


async def ask(
    fake: FakeDiscord, question: str = GLASS_QUESTION, guild: Any = DEFAULT, **options: Any
) -> SentMessage:
    given = {"question": question, **options}
    interaction = await fake.send_slash_command("ask", given, guild=guild)
    return await interaction.content(timeout=5)


async def click(fake: FakeDiscord, message: SentMessage, label: str, user: Any) -> SentMessage:
    """Press the button; the message it edits (the same one) or its ephemeral reply."""
    interaction = await fake.click_button(message, button_id(message, label), user=user)
    shown = await interaction.content(timeout=10)
    assert_acked_in_time(interaction)
    return shown


async def confirm(fake: FakeDiscord, message: SentMessage, label: str) -> SentMessage:
    """The owner presses the button; the message once the action is done (it says "Working…"
    at once, then what happened)."""
    interaction = await fake.click_button(message, button_id(message, label), user=fake.owner)
    done = await interaction.changes.wait_for(
        lambda: interaction.original if len(interaction.responses) >= 2 else None, 10, "done"
    )
    assert_acked_in_time(interaction)
    return done


def field(message: SentMessage, name: str) -> str:
    found = [f["value"] for f in message.embeds[0].get("fields") or [] if f["name"] == name]
    assert found, f"no field {name!r} in {embed_text(message)}"
    return found[0]


def passages(message: SentMessage) -> int:
    return len(message.embeds[0].get("fields") or [])


async def test_an_added_page_is_answerable_in_its_server_only(
    fake_discord, start_bot, lighthouses, pages, tmp_path
):
    fake = fake_discord
    other = second_guild(fake)
    async with start_bot(lighthouses, **library(tmp_path)):
        before = await ask(fake)
        added = await command(fake, "add", {"url": f"<{pages.url('/glass')}>"})
        here = await ask(fake)
        there = await ask(fake, guild=other)
        in_dm = await answered_dm(fake, fake.alice, GLASS_QUESTION)
        keeper = await ask(fake, KEEPER_QUESTION)  # the shared collection is still searched
        context = await click(fake, here, "Context [1]", fake.alice)
    assert passages(before) == 0
    assert added.embeds[0]["title"] == "Added to this server"
    assert field(added, "Title") == GLASS_TITLE
    assert (field(added, "Author"), field(added, "Date")) == ("Lucia Verre", "2024-03-06")
    assert field(added, "Paragraphs") == "5"
    assert "Marco Serena" in added.embeds[0]["description"]  # the first paragraph
    assert cited_titles(here)[0] == GLASS_TITLE
    assert passages(there) == 0 and passages(in_dm) == 0
    assert passages(keeper) == 3 and GLASS_TITLE not in cited_titles(keeper)
    assert context.ephemeral and "glassblower" in embed_text(context)


async def test_a_member_who_is_not_an_editor_is_refused_and_nothing_changes(
    fake_discord, start_bot, lighthouses, pages, tmp_path
):
    fake = fake_discord
    async with start_bot(lighthouses, **library(tmp_path)):
        refused = await command(fake, "add", {"url": pages.url("/glass")}, user=fake.alice)
        answer = await ask(fake)
        await command(fake, "add", {"url": pages.url("/glass")})
        removal = await command(fake, "remove", {"article": GLASS_TITLE}, user=fake.alice)
        still = await ask(fake)
    assert refused.embeds[0]["description"] == EDITORS_ONLY
    assert removal.embeds[0]["description"] == EDITORS_ONLY and not buttons(removal)
    assert pages.asked == ["/glass"]  # the refused add fetched nothing
    assert passages(answer) == 0
    assert cited_titles(still)[0] == GLASS_TITLE


async def test_a_repeat_offers_replace_to_the_member_who_added_it(
    fake_discord, start_bot, lighthouses, pages, tmp_path
):
    fake = fake_discord
    async with start_bot(lighthouses, **library(tmp_path)):
        await command(fake, "add", {"url": pages.url("/glass")})
        repeat = await command(fake, "add", {"url": pages.url("/glass"), "author": "L. Verre"})
        offered = dict(repeat.embeds[0])
        not_theirs = await click(fake, repeat, "Replace", fake.alice)
        replaced = await confirm(fake, repeat, "Replace")
        answer = await ask(fake)
    assert offered["title"] == "Already added" and GLASS_TITLE in offered["description"]
    assert not_theirs.content == NOT_YOURS and not_theirs.ephemeral
    assert replaced.embeds[0]["title"] == "Replaced in this server's articles"
    assert field(replaced, "Author") == "L. Verre"  # the override was written
    assert not buttons(replaced)
    assert cited_titles(answer)[0] == GLASS_TITLE
    folder = tmp_path / "collections" / f"server-{fake.guild.id}"
    assert len([p for p in folder.iterdir() if not p.name.startswith(".")]) == 1


async def test_remove_asks_for_confirmation_then_the_article_is_gone(
    fake_discord, start_bot, lighthouses, pages, tmp_path
):
    fake = fake_discord
    async with start_bot(lighthouses, **library(tmp_path)):
        await command(fake, "add", {"url": pages.url("/glass")})
        typed = await fake.send_autocomplete("remove", {"article": "glass"}, user=fake.owner)
        choices = (await typed.response())["data"]["choices"]
        offer = await command(fake, "remove", {"article": choices[0]["value"]})
        offered = dict(offer.embeds[0])
        still_there = await ask(fake)
        not_theirs = await click(fake, offer, "Remove", fake.alice)
        removed = await confirm(fake, offer, "Remove")
        gone = await ask(fake)
    assert choices == [{"name": GLASS_TITLE, "value": choices[0]["value"]}]
    assert offered["title"] == "Remove this article?"
    assert cited_titles(still_there)[0] == GLASS_TITLE  # nothing happens before the click
    assert not_theirs.content == NOT_YOURS
    assert removed.embeds[0]["title"] == "Removed" and "citebot restore" in embed_text(removed)
    assert passages(gone) == 0


async def test_an_added_article_survives_a_restart(
    fake_discord, start_bot, lighthouses, pages, tmp_path
):
    fake = fake_discord
    async with start_bot(lighthouses, **library(tmp_path)):
        await command(fake, "add", {"url": pages.url("/glass")})
        before = await ask(fake)
    async with start_bot(lighthouses, **library(tmp_path)):  # a new process
        answer = await ask(fake)
        context = await click(fake, before, "Context [1]", fake.alice)  # an older answer's
    assert cited_titles(answer)[0] == GLASS_TITLE
    assert "glassblower" in embed_text(context)


async def test_a_failed_add_says_why_and_changes_nothing(
    fake_discord, start_bot, lighthouses, pages, tmp_path
):
    fake = fake_discord
    async with start_bot(lighthouses, **library(tmp_path, allow_private=False)):
        private = await command(fake, "add", {"url": pages.url("/glass")})
    async with start_bot(lighthouses, **library(tmp_path)):
        missing = await command(fake, "add", {"url": pages.url("/nowhere")})
        neither = await command(fake, "add", {"title": "A title"})
        answer = await ask(fake)
    for message in (private, missing):
        assert message.embeds[0]["description"].startswith("Nothing was added: ")
        assert not buttons(message)
    assert "url:" in neither.embeds[0]["description"]
    assert pages.asked == ["/nowhere"]  # the private address was refused before connecting
    assert passages(answer) == 0


FERRY_TITLE = "The last ferry captain"
FERRY_FILE = front_matter_article(
    FERRY_TITLE,
    [
        "Captain Ines Harrow steered the night ferry across the firth for thirty winters.",
        "The crossing took forty minutes when the swell was low and twice that in a gale.",
        "Passengers remember the brass bell she rang before every departure.",
    ],
    author="Owen Tarr",
    date="2019-11-05",
).encode()


def attached(fake: FakeDiscord, name: str, data: bytes, **options: str) -> list[dict]:
    """/add's options: a file attached as Discord sends it (an id, resolved to its CDN url)."""
    upload = fake.upload(name, data)
    given = [{"name": k, "type": 3, "value": v} for k, v in options.items()]
    return [{"name": "file", "type": 11, "value": upload["id"]}, *given]


async def test_an_attached_file_is_added_and_answerable(
    fake_discord, start_bot, lighthouses, tmp_path
):
    fake = fake_discord
    async with start_bot(lighthouses, **library(tmp_path)):
        added = await command(fake, "add", attached(fake, "ferry.txt", FERRY_FILE))
        answer = await ask(fake, "Who was the ferry captain?")
        image = await command(fake, "add", attached(fake, "photo.png", b"\x89PNG\r\n"))
        dated = await command(
            fake, "add", attached(fake, "ferry-2.txt", FERRY_FILE, date="not a date")
        )
    assert field(added, "Title") == FERRY_TITLE and field(added, "Paragraphs") == "3"
    assert cited_titles(answer)[0] == FERRY_TITLE
    assert len(fake.uploads.served) == 1  # the image and the wrong date: refused unfetched
    for refused in (image, dated):
        assert refused.embeds[0]["description"].startswith("Nothing was added: ")


async def test_adding_is_rate_limited_per_server(
    fake_discord, start_bot, lighthouses, pages, tmp_path
):
    fake = fake_discord
    other = second_guild(fake)
    async with start_bot(lighthouses, **library(tmp_path)) as client:
        client.add_limits = add_limiter(adds=1, seconds=600)
        first = await command(fake, "add", {"url": pages.url("/glass")})
        second = await command(fake, "add", {"url": pages.url("/glass")})
        elsewhere = await fake.send_slash_command(
            "add", {"url": pages.url("/glass")}, user=fake.owner, guild=other
        )
        there = await elsewhere.content(timeout=10)
    assert first.embeds[0]["title"] == "Added to this server"
    assert "try again in 10 min" in second.embeds[0]["description"]
    assert there.embeds[0]["title"] == "Added to this server"  # another server's own limit
    assert pages.asked == ["/glass", "/glass"]


async def test_ask_article_offers_and_searches_the_servers_own_articles(
    fake_discord, start_bot, lighthouses, pages, tmp_path
):
    fake = fake_discord
    other = second_guild(fake)
    async with start_bot(lighthouses, **library(tmp_path)):
        await command(fake, "add", {"url": pages.url("/glass")})
        typed = await fake.send_autocomplete("ask", {"question": "x", "article": "glass"})
        choices = (await typed.response())["data"]["choices"]
        only = await ask(fake, "Where did he learn his trade?", article=choices[0]["value"])
        keeper = await ask(fake, KEEPER_QUESTION, article="Keepers of the light")
        elsewhere = await ask(fake, guild=other, article=choices[0]["value"])
    assert [c["name"] for c in choices] == [GLASS_TITLE]
    assert set(cited_titles(only)) == {GLASS_TITLE}
    assert set(cited_titles(keeper)) == {"Keepers of the light"}  # shared articles too
    assert "No indexed article matches" in elsewhere.embeds[0]["description"]


async def test_articles_and_source_see_the_servers_own_articles(
    fake_discord, start_bot, lighthouses, pages, tmp_path
):
    fake = fake_discord
    other = second_guild(fake)
    async with start_bot(lighthouses, **library(tmp_path)):
        await command(fake, "add", {"url": pages.url("/glass")})
        here = await (await fake.send_slash_command("articles")).content()
        there = await (await fake.send_slash_command("articles", guild=other)).content()
        source = await fake.send_slash_command("source", {"article": GLASS_TITLE, "paragraph": 2})
        shown = await source.content()
        elsewhere = await fake.send_slash_command(
            "source", {"article": GLASS_TITLE, "paragraph": 2}, guild=other
        )
        refused = await elsewhere.content()
    assert GLASS_TITLE in embed_text(here) and "Keepers of the light" in embed_text(here)
    assert GLASS_TITLE not in embed_text(there) and "Keepers of the light" in embed_text(there)
    assert "molten sand" in embed_text(shown)
    assert "No indexed article matches" in embed_text(refused)


async def test_context_works_on_a_private_servers_answer_sent_by_dm(
    fake_discord, start_bot, lighthouses, pages, tmp_path
):
    fake = fake_discord
    async with start_bot(lighthouses, **library(tmp_path)):
        await command(fake, "add", {"url": pages.url("/glass")})
        await command(fake, "settings", {"private": True})
        await fake.send_message(f"<@{fake.bot.id}> {GLASS_QUESTION}", author=fake.alice)
        answer = await fake.wait_for_message(fake.dm_channel(fake.alice).id, timeout=5)
        context = await click(fake, answer, "Context [1]", fake.alice)
    assert cited_titles(answer)[0] == GLASS_TITLE
    assert "glassblower" in embed_text(context)


async def test_a_misplaced_collections_folder_still_answers_from_the_shared_collection(
    fake_discord, start_bot, lighthouses, pages
):
    fake = fake_discord
    inside = {"collections": lighthouses / "collections", "fetch_allow_private": True}
    async with start_bot(lighthouses, **inside):
        answer = await ask(fake, KEEPER_QUESTION)
        added = await command(fake, "add", {"url": pages.url("/glass")})
    assert passages(answer) == 3
    assert added.embeds[0]["description"].startswith("Nothing was added: CITEBOT_COLLECTIONS")
    assert not (lighthouses / "collections").exists()


async def test_a_file_edited_on_disk_in_a_servers_collection_is_served_without_a_command(
    fake_discord, start_bot, lighthouses, pages, tmp_path, monkeypatch
):
    monkeypatch.setattr(bot.watch, "QUIET_SECONDS", 0.3)
    fake = fake_discord
    async with start_bot(lighthouses, watch=True, **library(tmp_path)) as client:
        await command(fake, "add", {"url": pages.url("/glass")})  # the collection is served
        folder = next((tmp_path / "collections").iterdir())
        (folder / "bells.md").write_text(
            front_matter_article("Bell foundry", [BELL_TEXT], author="Ada Penn"),
            encoding="utf-8",
        )
        deadline = time.monotonic() + 15
        while not any(
            client.served.index(c).article("bells") for c in _served(client, folder.name)
        ):
            assert time.monotonic() < deadline, "the edited collection was never reloaded"
            await asyncio.sleep(0.05)
        answered = await ask(fake, BELL_QUESTION)
    assert cited_titles(answered)[0] == "Bell foundry"


BELL_TEXT = "The bell founder at Whitechapel cast the tenor bell in a single pour of bronze."
BELL_QUESTION = "Who cast the tenor bell?"


def _served(client: Any, name: str) -> list[Any]:
    """The served collection of that name, if loaded (no load triggered by looking)."""
    return [collection(client.settings, name)] if name in client.served.loaded() else []
