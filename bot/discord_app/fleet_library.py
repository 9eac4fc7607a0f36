"""`/add` and `/remove` in fleet mode: committed to PostgreSQL (bot/fleet/editing.py), and
answered once every live process serves the new generation, or naming those that lag.

Imported only in fleet mode (it loads psycopg). The checks and messages are the
single-process ones; only where the article goes differs: not into this process's mirror
(the follower writes it, from the committed generation, as every other process does).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.collections import ArticleReport, Overrides, Source
from bot.discord_app.render import safe_trim
from bot.discord_app.searching import server_collection
from bot.fleet.editing import CHANGE_WAIT_SECONDS, Fleet, Landed, add_to_fleet, remove_from_fleet
from bot.fleet.status import SILENT_AFTER_POLLS

if TYPE_CHECKING:
    from bot.discord_app.client import CitebotClient


def fleet_of(bot: CitebotClient) -> Fleet:
    """The bot's database, and how long a change waits for the fleet to serve it."""
    assert bot.settings.database_url is not None
    silent_after = SILENT_AFTER_POLLS * bot.settings.fleet_poll_seconds
    return Fleet(bot.settings.database_url, CHANGE_WAIT_SECONDS, silent_after)


def add_in_fleet(
    bot: CitebotClient, guild_id: int, source: Source, overrides: Overrides, replaces: str | None
) -> tuple[ArticleReport, Landed]:
    """Commit the article to the server's collection and wait for the fleet (blocking). The
    repeat test reads this process's served index of the collection (its mirror)."""
    return add_to_fleet(
        fleet_of(bot), server_collection(bot, guild_id), source, overrides, replaces
    )


def remove_in_fleet(bot: CitebotClient, guild_id: int, article_id: str) -> Landed:
    """Take the article out of the server's collection and wait for the fleet (blocking)."""
    return remove_from_fleet(fleet_of(bot), server_collection(bot, guild_id).name, article_id)


def with_fleet(embed: discord.Embed, landed: Landed) -> discord.Embed:
    """The reply, with the generation committed and whether every live process serves it."""
    if landed.lagging:
        names = safe_trim(", ".join(landed.lagging), 900)
        served = f"Generation {landed.generation}: not served yet by {names}"
        embed.colour = discord.Colour.orange()
    else:
        served = f"Generation {landed.generation}: served by every live process."
    embed.add_field(name="Fleet", value=served, inline=False)
    if landed.lagging and embed.footer.text:
        embed.set_footer(
            text=embed.footer.text.replace(
                "answerable now", "answerable once every process serves it"
            )
        )
    return embed
