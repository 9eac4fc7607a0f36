"""The article data the rest of citebot works with."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Article:
    """One article: its metadata and its body paragraphs, in order, verbatim."""

    id: str
    title: str
    paragraphs: tuple[str, ...]
    author: str | None = None
    date: str | None = None
    url: str | None = None
    source: str | None = None
    place: str | None = None
    standfirst: str | None = None


@dataclass(frozen=True)
class SkippedFile:
    """A file under the corpus folder that could not be used, and why."""

    path: str
    reason: str


class ArticleError(Exception):
    """An article file cannot be used; the message is the reason shown to the operator."""
