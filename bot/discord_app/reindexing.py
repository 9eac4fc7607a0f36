"""Running a reindex for an admin and telling them the outcome, however long it takes.

A /reindex answers through its interaction token, which Discord lets the bot use for 15
minutes. A reindex that outlasts it (a very large corpus) would have nowhere to report, so
before the token ends the admin is told the result will come by direct message, and it does.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord

from bot.discord_app.fleet_pages import published_embed
from bot.discord_app.pager import token_left
from bot.discord_app.pages import reindex_embed, reindex_failed_embed
from bot.discord_app.render import notice_embed

if TYPE_CHECKING:
    from bot.discord_app.client import CitebotClient

log = logging.getLogger(__name__)

LONG_REINDEX = (
    "Still reindexing: this is taking a while, so I'll send you the result by direct message."
)


async def run_reindex(bot: CitebotClient) -> discord.Embed:
    """Rebuild (or join the running rebuild) and describe the outcome; in fleet mode,
    commit the corpus folder as a new generation and wait for every process to serve it."""
    if bot.fleet is not None:
        return published_embed(await bot.fleet.reindex_shared())
    outcome = await bot.library.reindex()
    if outcome.summary is None:
        return reindex_failed_embed(outcome.error or "unknown error")
    return reindex_embed(outcome.summary)


async def reindex_for(bot: CitebotClient, interaction: discord.Interaction) -> None:
    """Reindex and report in the deferred response, or by DM if the token would expire."""
    running = asyncio.ensure_future(run_reindex(bot))
    try:
        result = await asyncio.wait_for(asyncio.shield(running), max(token_left(interaction), 0))
    except TimeoutError:
        await interaction.edit_original_response(embed=notice_embed(LONG_REINDEX))
        await _report_late(interaction, await running)
        return
    await interaction.edit_original_response(embed=result)


async def _report_late(interaction: discord.Interaction, result: discord.Embed) -> None:
    """The outcome by DM to the admin who asked; in the channel if their DMs are closed."""
    try:
        await interaction.user.send(embed=result)
        return
    except discord.HTTPException as exc:
        log.info("could not DM the reindex result (%s); trying the channel", exc.status)
    channel = interaction.channel
    if isinstance(channel, discord.abc.Messageable) and interaction.app_permissions.send_messages:
        try:
            await channel.send(embed=result)
            return
        except discord.HTTPException:
            pass
    log.warning("the reindex finished but its result could not be delivered")
