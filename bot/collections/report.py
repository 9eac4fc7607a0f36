"""What an add or a restore found, for the person who asked: shown before anything else."""

from __future__ import annotations

from dataclasses import dataclass

from bot.corpus import Article
from bot.corpus.checks import metadata_warnings


@dataclass(frozen=True)
class ArticleReport:
    """An article as it now stands in its collection."""

    collection: str
    article_id: str
    title: str
    author: str | None
    date: str | None  # ISO 8601
    url: str | None
    paragraphs: int
    first_paragraph: str
    warnings: tuple[str, ...]  # what to check: no author, no date, a navigation title...
    replaced: bool = False  # it took the place of an article with the same id


def report_of(
    collection: str, article_id: str, article: Article, named_as: str, replaced: bool = False
) -> ArticleReport:
    """The report of an article parsed under the provisional id `named_as` (the name whose
    words make its title when it has none, which the warnings check for)."""
    return ArticleReport(
        collection=collection,
        article_id=article_id,
        title=article.title,
        author=article.author,
        date=article.date,
        url=article.url,
        paragraphs=len(article.paragraphs),
        first_paragraph=article.paragraphs[0],
        warnings=tuple(metadata_warnings(named_as, article.title, article.author, article.date)),
        replaced=replaced,
    )
