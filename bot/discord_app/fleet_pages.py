"""What fleet mode's /reindex reports: the generation committed and who serves it yet."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.counting import noun_for
from bot.discord_app.render import safe_trim

if TYPE_CHECKING:
    from bot.fleet.publish import Published


def published_embed(published: Published) -> discord.Embed:
    """The generation now current, and whether every live process serves it."""
    made = "committed" if published.new else "unchanged, still"
    lines = [
        f"**{published.articles}** {noun_for(published.articles, 'article')}: "
        f"generation **{published.generation}** {made}.",
    ]
    if published.lagging:
        names = safe_trim(", ".join(published.lagging), 1000)
        lines.append(f"Not served yet by: {names}")
    else:
        lines.append("Served by every live process.")
    if published.skipped:
        lines.append(f"Skipped files: {len(published.skipped)}")
    colour = discord.Colour.orange() if published.lagging else discord.Colour.green()
    return discord.Embed(title="Reindexed", description="\n".join(lines), colour=colour)
