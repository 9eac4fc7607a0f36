"""Registering the slash commands: globally, or to one server with only what a server takes.

discord.py's `CommandTree.sync` sends every command with `contexts`, `integration_types` and
`dm_permission`, which Discord documents as global-only; a server's copy gets them removed.
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

GLOBAL_ONLY = ("contexts", "integration_types", "dm_permission")


def command_payloads(tree: app_commands.CommandTree, guild: discord.Object | None) -> list[Any]:
    """The bulk-overwrite body for the global commands, or for one server's commands."""
    payloads = [command.to_dict(tree) for command in tree.get_commands(guild=guild)]
    if guild is not None:
        payloads = [{k: v for k, v in p.items() if k not in GLOBAL_ONLY} for p in payloads]
    return payloads


async def sync_tree(
    client: discord.Client, tree: app_commands.CommandTree, guild: discord.Object | None
) -> int:
    """Overwrite the registered commands (global, or one server's); returns how many."""
    app_id = client.application_id
    if app_id is None:
        raise app_commands.MissingApplicationID
    payload = command_payloads(tree, guild)
    if guild is None:
        synced = await client.http.bulk_upsert_global_commands(app_id, payload=payload)
    else:
        synced = await client.http.bulk_upsert_guild_commands(app_id, guild.id, payload=payload)
    return len(synced)
