"""/ask collection: in a DM, a member picks the collection of a server that they and the bot
are both in.

The bot has no members intent (client.intents), so it does not know who is in a server; it
asks Discord (Get Guild Member, which needs no privileged intent) every time a collection is
picked or suggested. Nothing else can be picked: a server the bot is not in, or one the
member is not in, is refused, and never suggested.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord

from bot.discord_app.searching import Scope, scope_of

if TYPE_CHECKING:
    from bot.discord_app.client import CitebotClient

log = logging.getLogger(__name__)

NOT_SHARED = "You can pick only the collection of a server that you and I are both in."
DMS_ONLY = "`collection:` is for DMs: in a server, questions search that server's articles."
# Servers checked per suggestion (one request to Discord each), within autocomplete's 3 s.
MAX_CHECKED = 10


async def is_member(guild: discord.Guild, user_id: int) -> bool:
    """Whether the user is in the server, as Discord says now."""
    try:
        await guild.fetch_member(user_id)
    except discord.NotFound:
        return False
    except discord.HTTPException:  # unknown: refuse rather than guess
        log.warning("could not check a member of a server")
        return False
    return True


async def picked_scope(
    bot: CitebotClient, interaction: discord.Interaction, typed: str
) -> Scope | str:
    """Where a DM question with `collection:` is asked, or why it cannot be."""
    if interaction.guild_id is not None:
        return DMS_ONLY
    guild = bot.get_guild(int(typed)) if typed.strip().isdigit() else None
    if guild is None or not await is_member(guild, interaction.user.id):
        log.info("a DM collection pick refused")
        return NOT_SHARED
    return scope_of(bot, guild.id)


async def collection_choices(
    bot: CitebotClient, interaction: discord.Interaction, current: str
) -> list[tuple[str, str]]:
    """(server name, server id) of the servers whose name matches and that the member is
    in; in a server, none (the option is for DMs)."""
    if interaction.guild_id is not None:
        return []
    typed = current.casefold().strip()
    candidates = [g for g in bot.guilds if typed in g.name.casefold()][:MAX_CHECKED]
    checks = [is_member(g, interaction.user.id) for g in candidates]
    members = await asyncio.gather(*checks)
    return [(g.name[:100], str(g.id)) for g, ok in zip(candidates, members, strict=True) if ok]
