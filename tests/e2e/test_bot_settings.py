"""/settings (issue 13, item 4): who may use it, and each setting changing the next answer,
in that server only, kept across a restart."""

from __future__ import annotations

import discord
from bot_fixtures import (
    EPHEMERAL,
    KEEPER_QUESTION,
    answered_dm,
    assert_acked_in_time,
    callback_flags,
    embed_text,
    replies_to,
)
from fake_discord import (
    MANAGE_GUILD,
    FakeChannel,
    FakeDiscord,
    FakeGuild,
    FakeMember,
    FakeRole,
    FakeUser,
    SentMessage,
)

from bot.discord_app.messages import DMS_CLOSED, SENT_BY_DM
from bot.discord_app.settings_command import NOT_IN_SERVER, REFUSAL, may_edit_collection

# Answered at the default bar (0.24): its best passages carry about 0.78 of the question.
BREAKFAST = "What did the lighthouse keeper eat for breakfast?"


async def settings(
    fake: FakeDiscord, options: dict | list | None = None, user: FakeUser | None = None, **kw
) -> SentMessage:
    interaction = await fake.send_slash_command("settings", options, user=user or fake.owner, **kw)
    message = await interaction.content(timeout=5)
    assert_acked_in_time(interaction)
    assert callback_flags(interaction) & EPHEMERAL and message.ephemeral
    return message


async def ask(fake: FakeDiscord, question: str = KEEPER_QUESTION, **options) -> SentMessage:
    interaction = await fake.send_slash_command("ask", {"question": question, **options})
    message = await interaction.content(timeout=5)
    assert_acked_in_time(interaction)
    return message


def field(message: SentMessage, label: str) -> str:
    found = [f["value"] for f in message.embeds[0]["fields"] if f["name"] == label]
    assert found, f"no field {label!r} in {embed_text(message)}"
    return found[0]


def passages(message: SentMessage) -> int:
    return len(message.embeds[0].get("fields") or [])


async def test_a_member_without_manage_server_is_refused_and_nothing_changes(
    fake_discord, start_bot, lighthouses
):
    fake = fake_discord
    async with start_bot(lighthouses):
        refused = await settings(fake, {"results": 1}, user=fake.alice)
        dm = await settings(fake, {"results": 1}, user=fake.alice, guild=None)
        shown = await settings(fake)
        answer = await ask(fake)
    assert refused.embeds[0]["description"] == REFUSAL
    assert dm.embeds[0]["description"] == NOT_IN_SERVER
    assert field(shown, "Passages per page") == "3 (default)"
    assert passages(answer) == 3


async def test_manage_server_without_administrator_is_enough(fake_discord, start_bot, lighthouses):
    fake = fake_discord
    mods = FakeRole(fake.ids.next(), "Mods", MANAGE_GUILD, position=1)
    fake.guild.roles.append(mods)
    fake.guild.member(fake.bob.id).roles.append(mods.id)
    async with start_bot(lighthouses):
        changed = await settings(fake, {"results": 1}, user=fake.bob)
    assert changed.embeds[0]["title"] == "Settings changed"
    assert field(changed, "Passages per page") == "1 (this server)"


async def test_passages_per_page_and_private_default_change_the_next_answer(
    fake_discord, start_bot, lighthouses
):
    fake = fake_discord
    async with start_bot(lighthouses):
        before = await ask(fake)
        await settings(fake, {"results": 2, "private": True})
        after = await ask(fake)
        public = await ask(fake, private=False)
        asked_in_dm = await answered_dm(fake, fake.bob)
    assert passages(before) == 3 and not before.ephemeral
    assert passages(after) == 2 and after.ephemeral
    assert passages(public) == 2 and not public.ephemeral  # the member's choice wins
    assert passages(asked_in_dm) == 3  # a DM is no server's: the defaults apply


async def test_a_private_server_answers_a_mention_by_direct_message(
    fake_discord, start_bot, lighthouses
):
    fake = fake_discord
    async with start_bot(lighthouses):
        await settings(fake, {"private": True, "results": 1})
        asked = await fake.send_message(f"<@{fake.bot.id}> {KEEPER_QUESTION}", author=fake.alice)
        answer = await fake.wait_for_message(fake.dm_channel(fake.alice).id, timeout=5)
        note = await fake.wait_for_message(
            fake.channel.id, lambda m: replies_to(m) == asked["id"], timeout=5
        )
    assert passages(answer) == 1
    assert note.embeds[0]["description"] == SENT_BY_DM and not note.embeds[0].get("fields")


async def test_the_relevance_bar_changes_the_next_answer(fake_discord, start_bot, lighthouses):
    fake = fake_discord
    async with start_bot(lighthouses):
        before = await ask(fake, BREAKFAST)
        shown = await settings(fake, {"relevance": 0.9})
        after = await ask(fake, BREAKFAST)
        keeper = await ask(fake)
        asked = await fake.send_message(f"<@{fake.bot.id}> {BREAKFAST}", author=fake.bob)
        mentioned = await fake.wait_for_message(
            fake.channel.id, lambda m: replies_to(m) == asked["id"], timeout=5
        )
    assert passages(before) == 3
    assert field(shown, "Relevance bar") == "0.9 (this server)"
    assert passages(after) == 0 and "answer" in embed_text(after).lower()
    assert passages(keeper) == 3  # passages that carry the whole question still clear it
    assert passages(mentioned) == 0  # a mention in the server uses the server's bar too


async def test_the_cooldown_is_the_servers_own(fake_discord, start_bot, lighthouses):
    fake = fake_discord
    async with start_bot(lighthouses):
        await settings(fake, {"cooldown_questions": 1, "cooldown_seconds": 600})
        first, second = await ask(fake), await ask(fake)
        in_dm = await answered_dm(fake, fake.alice)
    assert passages(first) == 3
    assert "try again in" in second.embeds[0]["description"] and second.ephemeral
    assert passages(in_dm) == 3  # DMs keep the bot's own limit


async def test_settings_are_per_server(fake_discord, start_bot, lighthouses):
    fake = fake_discord
    other = FakeGuild(fake.ids.next(), "Other", fake.owner.id)
    other.channels.append(FakeChannel(fake.ids.next(), "general", 0, other.id))
    everyone = next(r for r in fake.guild.roles if r.id == fake.guild.id)
    other.roles.append(FakeRole(other.id, "@everyone", everyone.permissions))
    other.members += [FakeMember(u) for u in (fake.owner, fake.alice, fake.bot)]
    fake.world.guilds.append(other)
    async with start_bot(lighthouses):
        await settings(fake, {"results": 1})
        here = await ask(fake)
        interaction = await fake.send_slash_command(
            "ask", {"question": KEEPER_QUESTION}, guild=other
        )
        there = await interaction.content(timeout=5)
    assert (passages(here), passages(there)) == (1, 3)


async def test_settings_and_the_editor_role_survive_a_restart_and_reset_restores_defaults(
    fake_discord, start_bot, lighthouses
):
    fake = fake_discord
    editors = FakeRole(fake.ids.next(), "Librarians", 0, position=1)
    fake.guild.roles.append(editors)
    role_option = {"name": "editor_role", "type": 8, "value": str(editors.id)}
    async with start_bot(lighthouses):
        await settings(fake, [{"name": "results", "type": 4, "value": 2}, role_option])
        await settings(fake, {"shared": False, "relevance": 0.9})
    async with start_bot(lighthouses) as client:  # a new process
        shown = await settings(fake)
        answer = await ask(fake)
        stored = client.server_settings.get(fake.guild.id)
        reset = await settings(fake, {"reset": "all"})
        default = await ask(fake)
    assert field(shown, "Passages per page") == "2 (this server)"
    assert field(shown, "Editor role") == f"<@&{editors.id}> (this server)"
    assert field(shown, "Include the shared collection") == "no (this server)"
    # The shared collection is off and the server has none of its own: nothing to search.
    assert passages(answer) == 0
    assert stored.editor_role == editors.id and stored.include_shared is False
    assert field(reset, "Passages per page") == "3 (default)"
    assert field(reset, "Editor role") == "none (Manage Server only) (default)"
    assert passages(default) == 3


async def test_editors_are_managers_and_holders_of_the_editor_role(
    fake_discord, start_bot, lighthouses
):
    """`may_edit_collection`, which the collection commands use, on real interactions."""
    fake = fake_discord
    editors = FakeRole(fake.ids.next(), "Librarians", 0, position=1)
    fake.guild.roles.append(editors)
    fake.guild.member(fake.bob.id).roles.append(editors.id)
    verdicts: dict[int, bool] = {}
    async with start_bot(lighthouses) as client:

        @client.tree.command(name="probe", description="test only")
        async def probe(interaction: discord.Interaction) -> None:
            verdicts[interaction.user.id] = may_edit_collection(client, interaction)
            await interaction.response.send_message("ok", ephemeral=True)

        async def verdict(user: FakeUser, **kw) -> bool:
            await (await fake.send_slash_command("probe", user=user, **kw)).content(timeout=5)
            return verdicts.pop(user.id)

        before = [await verdict(u) for u in (fake.owner, fake.alice, fake.bob)]
        role_option = {"name": "editor_role", "type": 8, "value": str(editors.id)}
        await settings(fake, [role_option])
        after = [await verdict(u) for u in (fake.owner, fake.alice, fake.bob)]
        in_dm = await verdict(fake.owner, guild=None)
    assert before == [True, False, False]
    assert after == [True, False, True]
    assert in_dm is False


async def test_a_private_server_says_so_in_the_channel_when_the_askers_dms_are_closed(
    fake_discord, start_bot, lighthouses
):
    fake = fake_discord
    dm = fake.dm_channel(fake.alice).id
    closed = {"code": 50007, "message": "Cannot send messages to this user"}
    refused = (403, "POST /channels/{channel_id}/messages")
    async with start_bot(lighthouses, expected_errors={refused}):
        await settings(fake, {"private": True})
        fake.fail_next(f"POST /channels/{dm}/messages", status=403, body=closed)
        asked = await fake.send_message(f"<@{fake.bot.id}> {KEEPER_QUESTION}", author=fake.alice)
        note = await fake.wait_for_message(
            fake.channel.id, lambda m: replies_to(m) == asked["id"], timeout=5
        )
    assert note.embeds[0]["description"] == DMS_CLOSED
    assert fake.messages_sent(dm) == []
