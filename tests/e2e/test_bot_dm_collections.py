"""/ask collection: in a DM (issue 13, item 3): a member picks the collection of a server that
they and the bot are both in, checked with Discord each time, and nothing else."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from bot_fixtures import cited_titles, embed_text
from fake_discord import FakeChannel, FakeDiscord, FakeGuild, FakeMember, FakeRole, SentMessage
from local_pages import GLASS_QUESTION, GLASS_TITLE, Pages, serve_pages
from test_bot_collections import command, library, passages, second_guild

from bot.discord_app.dm_collections import DMS_ONLY, NOT_SHARED


@pytest.fixture
def pages() -> Iterator[Pages]:
    with serve_pages() as site:
        yield site


def guild_without_alice(fake: FakeDiscord) -> FakeGuild:
    """Server C: the owner and the bot only."""
    other = FakeGuild(fake.ids.next(), "Private club", fake.owner.id)
    other.channels.append(FakeChannel(fake.ids.next(), "general", 0, other.id))
    everyone = next(r for r in fake.guild.roles if r.id == fake.guild.id)
    other.roles.append(FakeRole(other.id, "@everyone", everyone.permissions))
    other.members += [FakeMember(u) for u in (fake.owner, fake.bot)]
    fake.world.guilds.append(other)
    return other


async def dm_ask(fake: FakeDiscord, **options: object) -> SentMessage:
    """/ask as alice in her DM with the bot."""
    given = {"question": GLASS_QUESTION, **options}
    interaction = await fake.send_slash_command("ask", given, user=fake.alice, guild=None)
    return await interaction.content(timeout=10)


async def test_a_dm_question_searches_a_shared_servers_collection_only_when_picked(
    fake_discord, start_bot, lighthouses, pages, tmp_path
):
    fake = fake_discord
    second_guild(fake)
    club = guild_without_alice(fake)
    # Discord answers 404 Unknown Member for alice in server C (suggestions, then the pick);
    # 404s do not count toward Discord's invalid-request limit (401, 403 and 429 do).
    not_in_club = [(404, "GET /guilds/{guild_id}/members/{user_id}")] * 2
    async with start_bot(lighthouses, expected_errors=not_in_club, **library(tmp_path)):
        await command(fake, "add", {"url": pages.url("/glass")})
        typed = await fake.send_autocomplete(
            "ask", {"question": "x", "collection": ""}, user=fake.alice, guild=None
        )
        choices = (await typed.response())["data"]["choices"]
        plain = await dm_ask(fake)
        picked = await dm_ask(fake, collection=str(fake.guild.id))
        not_member = await dm_ask(fake, collection=str(club.id))
        unknown = await dm_ask(fake, collection="12345")
        in_server = await fake.send_slash_command(
            "ask", {"question": GLASS_QUESTION, "collection": str(fake.guild.id)}
        )
        in_server_reply = await in_server.content(timeout=10)
    assert {c["value"] for c in choices} == {str(fake.guild.id), str(fake.world.guilds[1].id)}
    assert passages(plain) == 0  # without the option, a DM searches the shared collection
    assert cited_titles(picked)[0] == GLASS_TITLE
    assert embed_text(not_member).strip() == NOT_SHARED
    assert embed_text(unknown).strip() == NOT_SHARED
    assert embed_text(in_server_reply).strip() == DMS_ONLY
