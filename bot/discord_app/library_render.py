"""What /add and /remove show: the article as found, a repeat, a removal to confirm."""

from __future__ import annotations

import discord

from bot.collections import ArticleReport, Existing
from bot.discord_app.render import COLOUR, safe, safe_trim

FIRST_PARAGRAPH_CHARS = 600
FIELD_CHARS = 1000


def report_embed(report: ArticleReport) -> discord.Embed:
    """Title, author, date, paragraphs, the first paragraph and what to check."""
    heading = "Replaced in this server's articles" if report.replaced else "Added to this server"
    embed = discord.Embed(
        title=heading,
        description=safe_trim(report.first_paragraph, FIRST_PARAGRAPH_CHARS),
        colour=COLOUR,
    )
    embed.add_field(name="Title", value=safe_trim(report.title, 250), inline=False)
    embed.add_field(name="Author", value=safe_trim(report.author or "none found", 250))
    embed.add_field(name="Date", value=report.date or "none found")
    embed.add_field(name="Paragraphs", value=str(report.paragraphs))
    if report.warnings:
        warnings = "\n".join(f"• {safe(w)}" for w in report.warnings)
        embed.add_field(name="Check", value=warnings[:FIELD_CHARS], inline=False)
    embed.set_footer(text=f"Article id: {report.article_id} · answerable now")
    return embed


def repeat_embed(existing: Existing) -> discord.Embed:
    """The article this add repeats, and the offer to replace it."""
    title = safe_trim(existing.title, 250)
    return discord.Embed(
        title="Already added",
        description=(
            f"This server has it already ({existing.reason}): “{title}”"
            f" (id `{existing.article_id}`). Press Replace to put this version in its place."
        ),
        colour=discord.Colour.orange(),
    )


def confirm_removal_embed(title: str, article_id: str) -> discord.Embed:
    """The article about to be removed; nothing happens until Remove is pressed."""
    return discord.Embed(
        title="Remove this article?",
        description=(
            f"“{safe_trim(title, 250)}” (id `{article_id}`) will no longer be found in this"
            " server's answers. Press Remove to confirm."
        ),
        colour=discord.Colour.orange(),
    )


def removed_embed(title: str, article_id: str, collection: str) -> discord.Embed:
    """Done: and how the bot's operator can bring it back."""
    return discord.Embed(
        title="Removed",
        description=(
            f"“{safe_trim(title, 250)}” is out of this server's answers. The bot's operator"
            f" can bring it back with `citebot restore {article_id} --collection {collection}`."
        ),
        colour=COLOUR,
    )


def action_view(label: str, custom_id: str, style: discord.ButtonStyle) -> discord.ui.View:
    """One button whose click is routed by `ConfirmButton` (never by this view)."""
    view = discord.ui.View(timeout=None)
    view.add_item(discord.ui.Button(label=label, custom_id=custom_id, style=style))
    view.stop()
    return view
