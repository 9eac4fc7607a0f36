"""/feed add, /feed list, /feed remove (issue 13, item 5): a server's editors follow a feed
into the server's own collection; the schedule adds its entries, answerable in that server
only."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bot_fixtures import embed_text
from fake_discord import FakeDiscord, SentMessage
from test_bot_collections import ask, command, library, passages, second_guild

from bot.discord_app.collections_commands import EDITORS_ONLY
from bot.discord_app.feed_commands import FEEDS_OFF

# The news site of the feed tests (tests/feeds/feed_site.py), served on 127.0.0.1.
FEEDS_DIR = Path(__file__).parent.parent / "feeds"
if str(FEEDS_DIR) not in sys.path:
    sys.path.insert(0, str(FEEDS_DIR))

from feed_site import FeedSite, serving  # noqa: E402

BAKERY_QUESTION = "Which bakery won the regional rye bread contest?"


@pytest.fixture
def site() -> Iterator[FeedSite]:
    with serving() as running:
        yield running


def feed(action: str, **options: Any) -> list[dict[str, Any]]:
    """The options of `/feed <action>`: a subcommand (type 1) holding its own options."""
    given = [{"name": k, "type": 3, "value": v} for k, v in options.items()]
    return [{"name": action, "type": 1, "options": given}]


async def in_server(fake: FakeDiscord, guild: Any, options: list[dict[str, Any]]) -> SentMessage:
    """/feed as alice in another server; its ephemeral reply."""
    interaction = await fake.send_slash_command("feed", options, user=fake.alice, guild=guild)
    message = await interaction.content(timeout=10)
    assert message.ephemeral
    return message


async def listed_after_run(fake: FakeDiscord, timeout: float = 15) -> SentMessage:
    """/feed list, run until it shows the feed's first run (the schedule runs it at once)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        shown = await command(fake, "feed", feed("list"), user=fake.alice)
        if "Last run" in embed_text(shown) or loop.time() > deadline:
            return shown
        await asyncio.sleep(0.2)


async def test_a_followed_feed_is_answerable_in_its_server_only(
    fake_discord, start_bot, lighthouses, site, tmp_path
):
    fake = fake_discord
    other = second_guild(fake)
    site.publish("bakery")
    url = site.url("/feed.xml")
    async with start_bot(lighthouses, **library(tmp_path)):
        refused = await command(fake, "feed", feed("add", url=url), user=fake.alice)
        before = await ask(fake, BAKERY_QUESTION)
        added = await command(fake, "feed", feed("add", url=url))
        listed = await listed_after_run(fake)
        here = await ask(fake, BAKERY_QUESTION)
        there = await ask(fake, BAKERY_QUESTION, guild=other)
        elsewhere = await in_server(fake, other, feed("list"))
        removal_refused = await command(fake, "feed", feed("remove", url=url), user=fake.alice)
        removed = await command(fake, "feed", feed("remove", url=url))
        after = await command(fake, "feed", feed("list"))
    assert refused.embeds[0]["description"] == EDITORS_ONLY
    assert removal_refused.embeds[0]["description"] == EDITORS_ONLY
    assert passages(before) == 0
    assert added.embeds[0]["title"] == "Feed added"
    field = listed.embeds[0]["fields"][0]
    assert field["name"] == url and "ok, 1 added" in field["value"]
    assert "Mill Street" in embed_text(here)
    assert passages(there) == 0
    assert "follows no feeds" in embed_text(elsewhere)
    assert removed.embeds[0]["title"] == "Feed removed"
    assert "follows no feeds" in embed_text(after)


async def test_a_bad_feed_adds_nothing_and_remove_suggests_the_servers_feeds(
    fake_discord, start_bot, lighthouses, site, tmp_path
):
    fake = fake_discord
    site.publish("glacier")
    good = site.url("/feed.xml")
    async with start_bot(lighthouses, **library(tmp_path)):
        bad = await command(fake, "feed", feed("add", url=site.url("/malformed.xml")))
        await command(fake, "feed", feed("add", url=f"<{good}>"))
        options = [{"name": "url", "type": 3, "value": "feed", "focused": True}]
        typed = await fake.send_autocomplete(
            "feed", [{"name": "remove", "type": 1, "options": options}], user=fake.owner
        )
        choices = (await typed.response())["data"]["choices"]
        listed = await listed_after_run(fake)
    assert bad.embeds[0]["description"].startswith("Nothing was added: ")
    assert "\n" not in bad.embeds[0]["description"]
    assert choices == [{"name": good, "value": good}]
    assert [f["name"] for f in listed.embeds[0]["fields"]] == [good]


async def test_feed_add_says_so_when_the_operator_turned_feeds_off(
    fake_discord, start_bot, lighthouses, site, tmp_path
):
    fake = fake_discord
    site.publish("glacier")
    async with start_bot(lighthouses, feed_minutes=0, **library(tmp_path)):
        added = await command(fake, "feed", feed("add", url=site.url("/feed.xml")))
        await asyncio.sleep(0.5)
        listed = await command(fake, "feed", feed("list"))
    assert added.embeds[0]["title"] == "Feed added"
    assert added.embeds[0]["description"].endswith(FEEDS_OFF)
    assert "Not run yet" in embed_text(listed)
