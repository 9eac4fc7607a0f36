"""Counts in words people read: "1 article", "20 paragraphs"."""

from __future__ import annotations


def noun_for(count: int, noun: str) -> str:
    """The noun as it follows `count` (regular plurals only: article, paragraph, file)."""
    return noun if count == 1 else f"{noun}s"


def counted(count: int, noun: str) -> str:
    """ "1 article", "0 articles", "20 paragraphs"."""
    return f"{count} {noun_for(count, noun)}"
