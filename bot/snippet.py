"""Excerpts that fit a character budget, cut on sentence boundaries, marking cuts with "…".

Answers must fit Discord's limits for any article text, so long paragraphs are shown as a
window of whole sentences around the best-matching sentence rather than cut mid-word.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.text import split_sentences

ELLIPSIS = "…"

Span = tuple[int, int]


@dataclass(frozen=True)
class Excerpt:
    """Verbatim pieces of a paragraph: text before the focus, the focus, text after."""

    before: str
    focus: str
    after: str

    def plain(self) -> str:
        """The excerpt as one string."""
        return self.before + self.focus + self.after


def excerpt(text: str, focus: Span, limit: int) -> Excerpt:
    """Whole sentences around `focus` within `limit` characters (ellipses included)."""
    if len(text) <= limit:
        return Excerpt(text[: focus[0]], text[focus[0] : focus[1]], text[focus[1] :])
    start, end = focus
    if end - start + 2 > limit:
        return Excerpt(_lead(start), trim_words(text[start:end], limit - len(_lead(start))), "")
    sentences = split_sentences(text)
    start, end = _grow(sentences, start, end, limit, len(text))
    before = _lead(start) + text[start : focus[0]]
    after = text[focus[1] : end] + (ELLIPSIS if end < len(text) else "")
    return Excerpt(before, text[focus[0] : focus[1]], after)


def _lead(start: int) -> str:
    return ELLIPSIS if start > 0 else ""


def _grow(sentences: list[Span], start: int, end: int, limit: int, size: int) -> Span:
    """Add whole sentences alternately after and before the focus while the budget allows."""
    after = [span for span in sentences if span[0] >= end]
    before = [span for span in reversed(sentences) if span[1] <= start]
    while after or before:
        if after and after[0][1] - start + 2 <= limit:
            end = after.pop(0)[1]
        else:
            after = []
        if before and end - before[0][0] + 2 <= limit:
            start = before.pop(0)[0]
        else:
            before = []
    return start, end


def trim_words(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary with an ellipsis if cut at all."""
    if len(text) <= limit:
        return text
    if limit <= 1:
        return ELLIPSIS[:limit]
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS
