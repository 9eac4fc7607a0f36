"""Embeds for the other commands: article list, help, reindex summary."""

from __future__ import annotations

import discord

from bot.citation import human_date
from bot.counting import counted, noun_for
from bot.discord_app.render import COLOUR, DESCRIPTION_LIMIT, bold_trim, safe_trim
from bot.index.build import ReindexSummary
from bot.index.search import IndexedArticle

ARTICLES_PER_PAGE = 10
MAX_LISTED_CHANGES = 10


def page_count(total: int, per_page: int = ARTICLES_PER_PAGE) -> int:
    """Number of pages needed for `total` items (at least one)."""
    return max(1, -(-total // per_page))


def articles_embed(articles: tuple[IndexedArticle, ...], page: int) -> discord.Embed:
    """One page of the indexed articles: id, title, date, paragraph count."""
    pages = page_count(len(articles))
    page = min(max(page, 1), pages)
    start = (page - 1) * ARTICLES_PER_PAGE
    lines = [
        f"{bold_trim(a.title, 154)}\n{safe_trim(a.id, 80)} · "
        f"{human_date(a.date) or 'undated'} · {counted(a.paragraph_count, 'paragraph')}"
        for a in articles[start : start + ARTICLES_PER_PAGE]
    ]
    embed = discord.Embed(
        title=f"Indexed articles ({len(articles)})",
        description="\n".join(lines)[:DESCRIPTION_LIMIT] or "No articles are indexed yet.",
        colour=COLOUR,
    )
    embed.set_footer(text=f"Page {page}/{pages}")
    return embed


def help_embed() -> discord.Embed:
    """What the bot does, its commands, and how to read a citation."""
    embed = discord.Embed(
        title="citebot",
        description=(
            "I answer questions about a set of articles with passages quoted word for word, "
            "each with its source. I never make anything up: if nothing in the articles "
            "answers you, I say so."
        ),
        colour=COLOUR,
    )
    embed.add_field(
        name="Commands",
        value=(
            "`/ask question [article] [results] [private] [collection]` ask a question\n"
            "`/articles [page]` list the articles I know\n"
            "`/source article paragraph` show one paragraph\n"
            "`/reindex` reload the articles (bot admins only)\n"
            "`/settings` this server's settings (Manage Server)\n"
            "`/add url|file` and `/remove article` this server's articles (editors)\n"
            "`/feed add|list|remove` the feeds this server follows\n"
            "You can also DM me a question, or mention me in a channel."
        ),
        inline=False,
    )
    embed.add_field(
        name="Reading a citation",
        value=(
            "`[1] Title — Author, 26 Jan 2022, ¶7` means paragraph 7 of that article; the "
            "title links to the original. The sentence that best matches your question is "
            "in **bold**. Use ◀ ▶ for more passages and *Context* for the paragraphs around it."
        ),
        inline=False,
    )
    return embed


def reindex_embed(summary: ReindexSummary) -> discord.Embed:
    """What a reindex changed."""
    lines = [
        f"**{summary.articles}** {noun_for(summary.articles, 'article')}, "
        f"**{summary.paragraphs}** {noun_for(summary.paragraphs, 'paragraph')} "
        f"in {summary.seconds:.1f} s",
        _changes("Added", summary.added),
        _changes("Changed", summary.changed),
        _changes("Removed", summary.removed),
        f"Unchanged: {summary.unchanged}",
    ]
    if summary.skipped:
        skipped = [
            f"• {safe_trim(s.path, 80)}: {safe_trim(s.reason, 120)}"
            for s in summary.skipped[:MAX_LISTED_CHANGES]
        ]
        more = len(summary.skipped) - MAX_LISTED_CHANGES
        skipped += [f"…and {more} more"] if more > 0 else []
        lines.append("Skipped files:\n" + "\n".join(skipped))
    return discord.Embed(
        title="Reindex complete", description="\n".join(lines)[:DESCRIPTION_LIMIT], colour=COLOUR
    )


def _changes(label: str, ids: tuple[str, ...]) -> str:
    if not ids:
        return f"{label}: 0"
    shown = ", ".join(f"{safe_trim(i, 60)}" for i in ids[:MAX_LISTED_CHANGES])
    more = f" and {len(ids) - MAX_LISTED_CHANGES} more" if len(ids) > MAX_LISTED_CHANGES else ""
    return f"{label}: {len(ids)} ({shown}{more})"


def reindex_failed_embed(error: str) -> discord.Embed:
    """A reindex that failed; the previous index is still serving."""
    return discord.Embed(
        title="Reindex failed",
        description=f"{safe_trim(error, 1500)}\n\nThe previous index is still serving.",
        colour=discord.Colour.red(),
    )
