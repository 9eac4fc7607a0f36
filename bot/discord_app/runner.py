"""`citebot run` and `citebot sync`: start the bot, or register its slash commands."""

from __future__ import annotations

import asyncio
import logging

import discord

from bot.config import Settings
from bot.discord_app.client import CitebotClient, create_client
from bot.discord_app.shards import parse_shards
from bot.discord_app.sync import sync_tree
from bot.errors import UserFacingError

log = logging.getLogger(__name__)

NO_TOKEN = "DISCORD_TOKEN is not set: put it in the environment or in .env (see README)"
BAD_TOKEN = "Discord rejected DISCORD_TOKEN: check the bot token in the Developer Portal"
NOT_INVITED = (
    "is the bot in that server, invited with the applications.commands scope"
    " (see README, Running the Discord bot)?"
)
SHARDING_REQUIRED = 4011
TOO_FEW_SHARDS = (
    "Discord requires more shards for this many servers: raise --shard-count, or leave out"
    " --shard-ids and --shard-count to use Discord's recommended count"
)


class RunError(UserFacingError):
    """The bot cannot start; the message says why in one line."""


def run_bot(
    settings: Settings, shard_ids: str | None = None, shard_count: int | None = None
) -> int:
    """Run until interrupted; a missing or rejected token is one clear line and exit 1.
    `shard_ids` (`0-3`, `0,2`) and `shard_count` pick this process's shards."""
    shards = parse_shards(shard_ids, shard_count)
    token = _token(settings)
    client = create_client(settings, shards)
    try:
        asyncio.run(_start(client, token))
    except discord.LoginFailure:
        raise RunError(BAD_TOKEN) from None
    except discord.PrivilegedIntentsRequired:
        raise RunError("Discord refused the requested intents") from None
    except discord.ConnectionClosed as exc:
        if exc.code == SHARDING_REQUIRED:
            raise RunError(TOO_FEW_SHARDS) from None
        raise
    return 0


async def _start(client: discord.Client, token: str) -> None:
    async with client:
        await client.start(token)


def sync_commands(settings: Settings, guild_id: int | None) -> int:
    """Register the slash commands globally (up to an hour to appear) or to one server."""
    token = _token(settings)
    client = create_client(settings)
    try:
        count = asyncio.run(_sync(client, token, guild_id))
    except discord.LoginFailure:
        raise RunError(BAD_TOKEN) from None
    except discord.Forbidden as exc:
        if guild_id is None:
            raise RunError(f"Discord refused to register the commands: {exc.text}") from None
        problem = f"Discord refused to register the commands in server {guild_id}"
        raise RunError(f"{problem}: {NOT_INVITED}") from None
    where = f"server {guild_id}" if guild_id else "all servers (may take up to an hour)"
    print(f"synced {count} commands to {where}")
    return 0


async def _sync(client: CitebotClient, token: str, guild_id: int | None) -> int:
    async with client:
        await client.login(token)
        guild = discord.Object(id=guild_id) if guild_id else None
        if guild is not None:
            client.tree.copy_global_to(guild=guild)
        return await sync_tree(client, client.tree, guild)


def _token(settings: Settings) -> str:
    if not settings.discord_token:
        raise RunError(NO_TOKEN)
    return settings.discord_token
