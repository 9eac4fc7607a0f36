"""/add and /remove: a server's editors manage its own collection from Discord.

Editors are members with Manage Server or the server's editor role (`/settings
editor_role:`), checked on every command and every button press. The commands are visible
to every member (an editor role holder may lack Manage Server) and refuse everyone else.
Replies are ephemeral: adding and removing is editors' talk. A repeat or a removal waits
for a button that only the member who ran the command may press (pending.py). In fleet
mode the change is committed to PostgreSQL as a new generation (fleet_library.py).
"""

from __future__ import annotations

import asyncio
import logging
import re
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.collections import Overrides
from bot.corpus import MAX_FILE_BYTES, SUPPORTED_SUFFIXES
from bot.discord_app.articles import article_choices, resolve_article
from bot.discord_app.library_actions import AddRequest, add_reply, confirm_id, run_action
from bot.discord_app.library_render import action_view, confirm_removal_embed
from bot.discord_app.pending import Remove
from bot.discord_app.render import notice_embed, safe_trim
from bot.discord_app.searching import server_index
from bot.discord_app.settings_command import may_edit_collection

if TYPE_CHECKING:
    from bot.discord_app.client import CitebotClient

log = logging.getLogger(__name__)

GUILDS_ONLY = {"guilds": True, "dms": False, "private_channels": False}
NOT_IN_SERVER = "Each server has its own articles: use this command in the server."
EDITORS_ONLY = "Only this server's editors (Manage Server, or the editor role) can do that."
ONE_SOURCE = "Give either `url:` (a web page) or `file:` (a .txt, .md or .html file)."
ONLY_TEXT_FILES = "only .txt, .md and .html files can be added."
NOT_YOURS = "Only the member who ran the command can press this."
EXPIRED = "This button has expired (or the bot restarted since): run the command again."
WORKING = "Working on it…"
FAILED = "Sorry, something went wrong. Please try again in a moment."


def register_collection_commands(bot: CitebotClient) -> None:
    """Add /add and /remove to the bot's command tree; route their buttons."""
    tree = bot.tree

    @tree.command(name="add", description="Add a web page or a file to this server's articles")
    @app_commands.allowed_contexts(**GUILDS_ONLY)
    @app_commands.describe(
        url="The address of a web page",
        file="A .txt, .md or .html file",
        title="The article's title, if the page's own is wrong",
        author="The article's author",
        date="The article's date (2024-03-06)",
    )
    async def add(
        interaction: discord.Interaction,
        url: app_commands.Range[str, 1, 2000] | None = None,
        file: discord.Attachment | None = None,
        title: app_commands.Range[str, 1, 300] | None = None,
        author: app_commands.Range[str, 1, 300] | None = None,
        date: app_commands.Range[str, 1, 40] | None = None,
    ) -> None:
        problem = _add_refusal(bot, interaction, url, file)
        if problem is not None:
            await interaction.response.send_message(embed=notice_embed(problem), ephemeral=True)
            return
        assert interaction.guild_id is not None
        await interaction.response.defer(thinking=True, ephemeral=True)
        request = AddRequest(
            guild_id=interaction.guild_id,
            owner_id=interaction.user.id,
            url=typed_link(url) if url else None,
            file_url=file.url if file else None,
            file_name=file.filename if file else None,
            overrides=Overrides(title, author, date),
        )
        embed, view = await add_reply(bot, request)
        await interaction.edit_original_response(embed=embed, view=view)

    async def own_articles(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        index = await asyncio.to_thread(server_index, bot, interaction.guild_id)
        found = article_choices(index, current) if index else []
        return [app_commands.Choice(name=name, value=value) for name, value in found]

    @tree.command(name="remove", description="Remove an article from this server's articles")
    @app_commands.allowed_contexts(**GUILDS_ONLY)
    @app_commands.describe(article="The article to remove")
    @app_commands.autocomplete(article=own_articles)
    async def remove(interaction: discord.Interaction, article: str) -> None:
        embed, view = await _removal_offer(bot, interaction, article)
        await interaction.response.send_message(
            embed=embed, view=view or discord.utils.MISSING, ephemeral=True
        )

    bot.add_dynamic_items(ConfirmButton)


def _add_refusal(
    bot: CitebotClient,
    interaction: discord.Interaction,
    url: str | None,
    file: discord.Attachment | None,
) -> str | None:
    """Why this /add is not carried out, or None; only an add that passes is counted."""
    if interaction.guild_id is None:
        return NOT_IN_SERVER
    if not may_edit_collection(bot, interaction):
        log.info("add refused for a member who is not an editor")
        return EDITORS_ONLY
    if (url is None or not url.strip()) == (file is None):
        return ONE_SOURCE
    if file is not None and (problem := _file_refusal(file)) is not None:
        return problem
    return add_limit_refusal(bot, interaction.guild_id)


def add_limit_refusal(bot: CitebotClient, guild_id: int) -> str | None:
    """The server's add limit (articles and feeds), if reached: when to try again."""
    wait = bot.add_limits.retry_after(guild_id)
    if wait > 0:
        return f"This server has added many articles lately: try again in {_minutes(wait)}."
    return None


def _file_refusal(file: discord.Attachment) -> str | None:
    """A file that cannot be an article, said before it is downloaded."""
    if PurePosixPath(file.filename).suffix.lower() not in SUPPORTED_SUFFIXES:
        return f"Nothing was added: {ONLY_TEXT_FILES}"
    if file.size > MAX_FILE_BYTES:
        return f"Nothing was added: larger than the {MAX_FILE_BYTES // (1024 * 1024)} MiB limit"
    return None


def typed_link(url: str) -> str:
    """The address as typed, without the <…> Discord users put around a link to hide its
    preview."""
    return url.strip().removeprefix("<").removesuffix(">").strip()


def _minutes(seconds: float) -> str:
    return f"{max(1, round(seconds / 60))} min"


async def _removal_offer(
    bot: CitebotClient, interaction: discord.Interaction, typed: str
) -> tuple[discord.Embed, discord.ui.View | None]:
    """The article to remove and its Remove button, or why not."""
    guild_id = interaction.guild_id
    if guild_id is None:
        return notice_embed(NOT_IN_SERVER), None
    if not may_edit_collection(bot, interaction):
        log.info("remove refused for a member who is not an editor")
        return notice_embed(EDITORS_ONLY), None
    index = await asyncio.to_thread(server_index, bot, guild_id)
    article_id = resolve_article(index, typed) if index else None
    found = index.article(article_id) if index and article_id else None
    if found is None:
        missing = f"This server has no article “{safe_trim(typed, 100)}” (see the suggestions)."
        return notice_embed(missing), None
    key = bot.pending.put(interaction.user.id, guild_id, Remove(found.id, found.title))
    view = action_view("Remove", confirm_id(key), discord.ButtonStyle.danger)
    return confirm_removal_embed(found.title, found.id), view


class ConfirmButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"cb:confirm:(?P<key>[0-9a-f]+)"
):
    """Replace or Remove: carried out for the member who ran the command, if still an editor."""

    def __init__(self, key: str, button: discord.ui.Button[Any]) -> None:
        super().__init__(button)
        self.key = key

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ConfirmButton:
        assert isinstance(item, discord.ui.Button)
        return cls(match["key"], item)

    async def callback(self, interaction: discord.Interaction) -> None:
        bot: CitebotClient = interaction.client  # type: ignore[assignment]
        pending = bot.pending.get(self.key)
        problem = None
        if pending is None or pending.guild_id != interaction.guild_id:
            problem = EXPIRED
        elif interaction.user.id != pending.owner_id:
            problem = NOT_YOURS
        elif not may_edit_collection(bot, interaction):
            problem = EDITORS_ONLY
        if problem is not None or pending is None:
            await interaction.response.send_message(problem, ephemeral=True)
            return
        bot.pending.take(self.key)
        await interaction.response.edit_message(embed=notice_embed(WORKING), view=None)
        try:
            embed = await run_action(bot, pending.guild_id, pending.action)
        except Exception:  # never left saying "Working…"
            log.exception("a confirmed %s failed", type(pending.action).__name__.lower())
            embed = notice_embed(FAILED)
        await interaction.edit_original_response(embed=embed)
