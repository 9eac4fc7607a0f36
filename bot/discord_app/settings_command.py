"""/settings: a server's own settings (Manage Server), shown and changed in one command.

One command with an optional option per setting fits Discord's UI best: `/settings` alone
shows the values, `/settings results:4 private:true` changes those two, and `reset:` puts one
setting (or all) back to the bot's default. Replies are ephemeral: settings are admin talk.
`default_permissions` only hides the command; the member's Manage Server permission, as
Discord computed it for this interaction, is checked every time.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.discord_app.render import COLOUR, notice_embed
from bot.server_settings import NAMES, ServerSettingsError, ServerView, Value, is_editor

if TYPE_CHECKING:
    from bot.discord_app.client import CitebotClient

log = logging.getLogger(__name__)

NOT_IN_SERVER = "Settings belong to a server: use /settings in the server you manage."
REFUSAL = "Only members with the Manage Server permission can see or change these settings."

LABELS = {
    "results": "Passages per page",
    "min_relevance": "Relevance bar",
    "cooldown_questions": "Cooldown: questions",
    "cooldown_seconds": "Cooldown: per seconds",
    "private": "Answers private by default",
    "editor_role": "Editor role",
    "include_shared": "Include the shared collection",
}
RESET_CHOICES = [app_commands.Choice(name=LABELS[n], value=n) for n in NAMES] + [
    app_commands.Choice(name="All settings", value="all")
]


def register_settings(bot: CitebotClient) -> None:
    """Add /settings to the bot's command tree."""

    @bot.tree.command(name="settings", description="This server's settings (Manage Server)")
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.allowed_contexts(guilds=True, dms=False, private_channels=False)
    @app_commands.describe(
        results="Passages per answer page (1-5)",
        relevance="How much of a question a passage must carry to be shown (0-1)",
        cooldown_questions="At most this many questions per member… (0: no limit)",
        cooldown_seconds="…in this many seconds (0: no limit)",
        private="Answers only the asker sees, unless /ask private: says otherwise",
        editor_role="Members with this role may add and remove articles",
        shared="Also search the bot's shared collection",
        reset="Put a setting back to the bot's default",
    )
    @app_commands.choices(reset=RESET_CHOICES)
    async def settings(
        interaction: discord.Interaction,
        results: app_commands.Range[int, 1, 5] | None = None,
        relevance: app_commands.Range[float, 0.0, 1.0] | None = None,
        cooldown_questions: app_commands.Range[int, 0, 1000] | None = None,
        cooldown_seconds: app_commands.Range[float, 0.0, 86400.0] | None = None,
        private: bool | None = None,
        editor_role: discord.Role | None = None,
        shared: bool | None = None,
        reset: app_commands.Choice[str] | None = None,
    ) -> None:
        given: dict[str, Value | discord.Role] = {
            "results": results,
            "min_relevance": relevance,
            "cooldown_questions": cooldown_questions,
            "cooldown_seconds": cooldown_seconds,
            "private": private,
            "editor_role": editor_role,
            "include_shared": shared,
        }
        changes = {k: _plain(v) for k, v in given.items() if v is not None}
        resets = frozenset(
            NAMES if reset and reset.value == "all" else ([reset.value] if reset else [])
        )
        # In a worker thread: in fleet mode the settings are a round trip to PostgreSQL.
        embed = await asyncio.to_thread(_apply, bot, interaction, changes, resets)
        await interaction.response.send_message(embed=embed, ephemeral=True)


def may_edit_collection(bot: CitebotClient, interaction: discord.Interaction) -> bool:
    """Whether the member behind this interaction may edit the server's collection: Manage
    Server as Discord computed it for the interaction, or the server's editor role. Never in
    DMs. For the collection commands (/add, /remove)."""
    member = interaction.user
    if interaction.guild_id is None or not isinstance(member, discord.Member):
        return False
    roles = frozenset(role.id for role in member.roles)
    server = bot.server_settings.get(interaction.guild_id)
    return is_editor(server, roles, _manages(interaction.permissions))


def _manages(permissions: discord.Permissions) -> bool:
    """Manage Server as Discord computed it for the interaction (Administrator implies it;
    Discord already folds that in, this does not rely on it)."""
    return permissions.manage_guild or permissions.administrator


def _plain(value: Value | discord.Role) -> Value:
    return value.id if isinstance(value, discord.Role) else value


def _apply(
    bot: CitebotClient,
    interaction: discord.Interaction,
    changes: dict[str, Value],
    resets: frozenset[str],
) -> discord.Embed:
    """Check who asks, then show (and first change, if asked) the server's settings."""
    guild_id = interaction.guild_id
    if guild_id is None:
        return notice_embed(NOT_IN_SERVER)
    if not _manages(interaction.permissions):
        log.info("settings refused for a member without Manage Server")
        return notice_embed(REFUSAL)
    try:
        if changes or resets:
            view = bot.server_settings.update(guild_id, changes, resets)
            log.info("server settings changed: %s", ", ".join(sorted({*changes, *resets})))
        else:
            view = bot.server_settings.view(guild_id)
    except ServerSettingsError as exc:
        return notice_embed(f"Nothing was changed: {exc}")
    title = "Settings changed" if changes or resets else "Settings for this server"
    return settings_embed(view, title)


def settings_embed(view: ServerView, title: str) -> discord.Embed:
    """Each setting, its value, and whether it is this server's or the bot's default."""
    embed = discord.Embed(title=title, colour=COLOUR)
    values = view.values
    for name in NAMES:
        shown = _shown(name, getattr(values, name))
        origin = "this server" if name in view.chosen else "default"
        embed.add_field(name=LABELS[name], value=f"{shown} ({origin})", inline=True)
    embed.set_footer(text="Change one with /settings NAME:VALUE; reset:… restores the default.")
    return embed


def _shown(name: str, value: Value) -> str:
    if name == "editor_role":
        return "none (Manage Server only)" if value is None else f"<@&{value}>"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if name == "cooldown_questions" and value == 0:
        return "0 (no limit)"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
