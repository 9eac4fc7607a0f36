"""/feed add, /feed list, /feed remove: a server's editors follow RSS and Atom feeds into its
own collection; the schedule (bot.feeds.FeedScheduler) adds their new entries.

Editors only for add and remove (as /add and /remove, collections_commands.py), and /feed add
counts toward the server's add limit: it fetches the feed once, then every entry. Anyone in
the server may list the feeds. Replies are ephemeral: feeds are editors' business.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.collections import server_collection as server_collection_name
from bot.discord_app.collections_commands import (
    EDITORS_ONLY,
    NOT_IN_SERVER,
    add_limit_refusal,
    typed_link,
)
from bot.discord_app.render import COLOUR, notice_embed, safe, safe_trim
from bot.discord_app.settings_command import may_edit_collection
from bot.errors import UserFacingError
from bot.feeds import Subscription, subscribe, unsubscribe

if TYPE_CHECKING:
    from bot.discord_app.client import CitebotClient

log = logging.getLogger(__name__)

MAX_LISTED = 20  # an embed holds 25 fields; a server with more feeds sees the first ones
MAX_CHOICES = 25
FEEDS_OFF = (
    "Feeds are not run on this bot (its operator set CITEBOT_FEED_MINUTES to 0): nothing is"
    " added until they are turned on."
)  # Discord's limit on autocomplete suggestions


def register_feed_commands(bot: CitebotClient) -> None:
    """Add the /feed group (add, list, remove) to the bot's command tree."""
    group = app_commands.Group(
        name="feed",
        description="Follow RSS or Atom feeds into this server's articles",
        allowed_contexts=app_commands.AppCommandContext(
            guild=True, dm_channel=False, private_channel=False
        ),
    )

    @group.command(name="add", description="Follow a feed: its new entries become articles")
    @app_commands.describe(url="The address of an RSS or Atom feed")
    async def add(interaction: discord.Interaction, url: app_commands.Range[str, 1, 2000]) -> None:
        problem = _add_refusal(bot, interaction)
        if problem is not None:
            await interaction.response.send_message(embed=notice_embed(problem), ephemeral=True)
            return
        assert interaction.guild_id is not None
        await interaction.response.defer(thinking=True, ephemeral=True)
        embed = await _subscribe_reply(bot, interaction.guild_id, typed_link(url))
        await interaction.edit_original_response(embed=embed)

    @group.command(name="list", description="This server's feeds, their last run and errors")
    async def list_feeds(interaction: discord.Interaction) -> None:
        if interaction.guild_id is None:
            await _refuse(interaction, NOT_IN_SERVER)
            return
        subs = await asyncio.to_thread(_subscriptions, bot, interaction.guild_id)
        await interaction.response.send_message(embed=feeds_embed(subs), ephemeral=True)

    async def own_feeds(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        subs = await asyncio.to_thread(_subscriptions, bot, interaction.guild_id)
        typed = current.casefold()
        urls = [s.url for s in subs if typed in s.url.casefold()][:MAX_CHOICES]
        return [app_commands.Choice(name=u[:100], value=u) for u in urls if len(u) <= 100]

    @group.command(name="remove", description="Stop following a feed (its articles stay)")
    @app_commands.describe(url="The feed's address")
    @app_commands.autocomplete(url=own_feeds)
    async def remove(
        interaction: discord.Interaction, url: app_commands.Range[str, 1, 2000]
    ) -> None:
        if interaction.guild_id is None:
            await _refuse(interaction, NOT_IN_SERVER)
            return
        if not may_edit_collection(bot, interaction):
            log.info("feed remove refused for a member who is not an editor")
            await _refuse(interaction, EDITORS_ONLY)
            return
        embed = await _unsubscribe_reply(bot, interaction.guild_id, typed_link(url))
        await interaction.response.send_message(embed=embed, ephemeral=True)

    bot.tree.add_command(group)


async def _refuse(interaction: discord.Interaction, problem: str) -> None:
    await interaction.response.send_message(embed=notice_embed(problem), ephemeral=True)


def _add_refusal(bot: CitebotClient, interaction: discord.Interaction) -> str | None:
    """Why this /feed add is not carried out, or None; only an add that passes is counted."""
    if interaction.guild_id is None:
        return NOT_IN_SERVER
    if not may_edit_collection(bot, interaction):
        log.info("feed add refused for a member who is not an editor")
        return EDITORS_ONLY
    return add_limit_refusal(bot, interaction.guild_id)


def _subscriptions(bot: CitebotClient, guild_id: int) -> list[Subscription]:
    """The server's feeds (blocking: SQLite, or PostgreSQL in fleet mode)."""
    return bot.feeds.store().subscriptions(server_collection_name(guild_id))


async def _subscribe_reply(bot: CitebotClient, guild_id: int, url: str) -> discord.Embed:
    """Read the feed once and follow it; the schedule is woken to add its entries now."""
    name = server_collection_name(guild_id)
    try:
        done = await asyncio.to_thread(
            lambda: subscribe(bot.settings, bot.feeds.store(), url, name)
        )
    except UserFacingError as exc:
        log.info("feed add refused: %s", exc)
        return notice_embed(f"Nothing was added: {exc}")
    bot.feeds.wake()
    log.info("collection %s follows a feed", name)
    return followed_embed(done.subscription.url, len(done.feed.entries), bot.feeds.enabled)


async def _unsubscribe_reply(bot: CitebotClient, guild_id: int, url: str) -> discord.Embed:
    name = server_collection_name(guild_id)
    try:
        gone = await asyncio.to_thread(lambda: unsubscribe(bot.feeds.store(), url, name))
    except UserFacingError as exc:
        log.info("feed remove refused: %s", exc)
        return notice_embed(f"Nothing was removed: {exc}")
    return discord.Embed(
        title="Feed removed",
        description=(
            f"This server no longer follows {safe_trim(gone.url, 300)}."
            " The articles it added stay (remove them with /remove)."
        ),
        colour=COLOUR,
    )


def followed_embed(url: str, entries: int, scheduled: bool) -> discord.Embed:
    """The feed is followed; its entries are being added (unless the operator turned the
    schedule off, which the editor could not otherwise tell from an empty /feed list)."""
    when = (
        "Its new entries are being added now, then on a schedule; see /feed list."
        if scheduled
        else FEEDS_OFF
    )
    return discord.Embed(
        title="Feed added",
        description=f"This server now follows {safe_trim(url, 300)} ({entries} entries). {when}",
        colour=COLOUR,
    )


def feeds_embed(subs: list[Subscription]) -> discord.Embed:
    """Each feed: its last run, status, entries added and last error."""
    if not subs:
        return notice_embed("This server follows no feeds. Editors can add one with /feed add.")
    embed = discord.Embed(title="This server's feeds", colour=COLOUR)
    for sub in subs[:MAX_LISTED]:
        embed.add_field(name=safe_trim(sub.url, 250), value=_run_line(sub), inline=False)
    if len(subs) > MAX_LISTED:
        embed.set_footer(text=f"and {len(subs) - MAX_LISTED} more")
    return embed


def _run_line(sub: Subscription) -> str:
    if sub.last_run_at is None:
        return f"Not run yet (due {sub.next_due_at})"
    line = f"Last run {sub.last_run_at}: {sub.last_status}, {sub.last_added or 0} added"
    if sub.last_error:
        line += f"\nLast error: {safe(sub.last_error)}"
    return line[:1000]
