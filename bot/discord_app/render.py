"""Answer -> Discord embeds that always fit Discord's limits, with article text escaped.

Budgets are fixed up front (field values ≤ 1024, all embed text ≤ 6000) and long passages are
cut on sentence boundaries, so Discord never has to reject an answer.
"""

from __future__ import annotations

from collections.abc import Callable

import discord

from bot.answer import Answer, AnswerStatus, Passage
from bot.citation import TITLE_CHARS, Citation, human_date, shorten
from bot.discord_app.markup import inert, inert_with_bold
from bot.snippet import excerpt, trim_words

COLOUR = discord.Colour.blurple()
TITLE_LIMIT = 256
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
DESCRIPTION_LIMIT = 4096
# Discord's total is 6000; keep a margin for the title and footer.
EMBED_TEXT_BUDGET = 5600


def safe(text: str) -> str:
    """Article or user text made inert: no markdown effects, no link or mention syntax."""
    return inert(text)


def fit(render: Callable[[int], str], limit: int) -> str:
    """The longest rendering within `limit`: `render(n)` cuts the raw text to n characters,
    and escaping may lengthen it, so search for the largest n that still fits."""
    low, high, best = 1, limit, ""
    while low <= high:
        middle = (low + high) // 2
        candidate = render(middle)
        if len(candidate) <= limit:
            best, low = candidate, middle + 1
        else:
            high = middle - 1
    return best


def safe_trim(text: str, limit: int) -> str:
    """`text` made inert and cut at a word boundary to fit `limit` characters."""
    return fit(lambda n: safe(trim_words(text, n)), limit)


def quote(passage: Passage, limit: int) -> str:
    """The passage as an escaped quote with its best sentence in bold, within `limit`."""
    best = passage.best_sentences[0] if passage.best_sentences else (0, len(passage.text))

    def render(budget: int) -> str:
        # Escaped as one text, then bold added: escaping the pieces apart let a link or a
        # markdown run that straddles the best sentence through.
        piece = excerpt(passage.text, best, budget)
        if not piece.focus.strip():
            return safe(piece.plain())
        start = len(piece.before)
        return inert_with_bold(piece.plain(), start, start + len(piece.focus))

    whole = render(len(passage.text))
    return whole if len(whole) <= limit else fit(render, limit)


def citation_line(citation: Citation, number: int) -> str:
    """`[1] Title… — Author, 26 Jan 2022, ¶7` with the title linked when the url is known."""
    title = safe_trim(shorten(citation.title, TITLE_CHARS), 100).replace("[", "(").replace("]", ")")
    details = [safe_trim(d, 100) for d in (citation.author, human_date(citation.date)) if d]
    details.append(f"¶{citation.paragraph}")
    linked = f"[{title}]({citation.url})" if _linkable(citation.url) else title
    return f"[{number}] {linked} — {', '.join(details)}"


def _linkable(url: str | None) -> bool:
    # A masked link breaks on spaces and closing parentheses; show the title unlinked then.
    return url is not None and url.startswith(("https://", "http://")) and not set(url) & {" ", ")"}


def answer_embed(question: str, passages: list[Passage], page: int, pages: int) -> discord.Embed:
    """One page of an answer: each passage quoted, then its citation."""
    embed = discord.Embed(title=safe_trim(question, 200), colour=COLOUR)
    per_passage = (EMBED_TEXT_BUDGET - len(embed.title or "")) // max(len(passages), 1)
    for passage in passages:
        cite = citation_line(passage.citation, passage.rank)
        if len(cite) > FIELD_VALUE_LIMIT // 2:
            cite = citation_line(_short_citation(passage.citation), passage.rank)
        room = min(FIELD_VALUE_LIMIT, per_passage) - len(cite) - 3
        embed.add_field(
            name=f"[{passage.rank}]", value=f"{quote(passage, room)}\n{cite}", inline=False
        )
    embed.set_footer(text=f"Page {page}/{pages} · passages quoted verbatim from the articles")
    return embed


def _short_citation(citation: Citation) -> Citation:
    """A citation with long metadata cut, for articles with absurdly long author names."""
    return Citation(
        citation.article_id,
        shorten(citation.title, 60),
        shorten(citation.author, 60) if citation.author else None,
        citation.date if citation.date and len(citation.date) < 40 else None,
        citation.url if citation.url and len(citation.url) < 300 else None,
        citation.paragraph,
    )


def no_answer_embed(answer: Answer) -> discord.Embed:
    """The reply when nothing in the articles answers the question."""
    if answer.status is AnswerStatus.NO_SEARCH_TERMS:
        text = "That question has no searchable words. Ask about something in the articles."
    else:
        text = "Nothing in the articles answers this."
        if answer.closest_articles:
            titles = "\n".join(f"• {safe_trim(t, 120)}" for t in answer.closest_articles)
            text += f"\n\nClosest articles:\n{titles}"
    return discord.Embed(
        title=safe_trim(answer.question, 200) or "No answer",
        description=text,
        colour=discord.Colour.light_grey(),
    )


def notice_embed(text: str) -> discord.Embed:
    """A short notice (errors, refusals, hints)."""
    return discord.Embed(description=text[:DESCRIPTION_LIMIT], colour=discord.Colour.orange())


def paragraph_embed(
    citation: Citation, paragraphs: list[tuple[int, str]], focus: int
) -> discord.Embed:
    """A cited paragraph with its neighbours; the cited one in bold."""
    budget = (DESCRIPTION_LIMIT - 200) // max(len(paragraphs), 1)
    parts = []
    for number, text in paragraphs:
        body = bold_trim(text, budget - 20) if number == focus else safe_trim(text, budget - 20)
        parts.append(f"¶{number}  {body}")
    embed = discord.Embed(description="\n\n".join(parts)[:DESCRIPTION_LIMIT], colour=COLOUR)
    embed.add_field(name="Source", value=citation_line(_short_citation(citation), 1)[4:])
    return embed


def bold_trim(text: str, limit: int) -> str:
    """`safe_trim`, in bold: escaped as a whole with the bold markers placed after."""

    def render(budget: int) -> str:
        cut = trim_words(text, budget)
        return inert_with_bold(cut, 0, len(cut))

    return fit(render, limit)
