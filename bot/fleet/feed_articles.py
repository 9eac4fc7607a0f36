"""A feed run's entries in fleet mode: prepared one by one, committed together at the end.

The collection's folder in a fleet process is a mirror of one generation (bot/fleet/
mirror.py) that only the follower writes, so a feed run must not save files there as
`add_article` does. Each entry is made into the file `add_article` would save (the same
bytes, front matter and id), checked for repeats (against the generation this process
serves, through its index, and against the entries of this run), and kept; `finish`
commits them all, with the run's record, as one new generation (bot/fleet/feed_store.py),
which every process then mirrors and serves, this one included.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.collections import AlreadyAdded, ArticleReport, Collection, Existing, Overrides, Source
from bot.collections.duplicates import find_existing, normal_url
from bot.collections.names import CollectionError, slug
from bot.collections.report import report_of
from bot.collections.source import file_bytes
from bot.corpus import Article, ArticleError, parse_article
from bot.corpus.parse import title_from_id
from bot.fleet.model import StoredArticle

if TYPE_CHECKING:
    from bot.feeds.store import RunRecord, Subscription
    from bot.fleet.feed_store import PgFeedStore


@dataclass(frozen=True)
class _Pending:
    """An entry ready to commit, and what identifies it as a repeat."""

    article: StoredArticle
    urls: frozenset[str]
    paragraphs: tuple[str, ...]


class FleetArticles:
    """A `bot.feeds.storage.EntrySink` committing to PostgreSQL (see the module's text)."""

    def __init__(self, target: Collection, store: PgFeedStore) -> None:
        self._target = target
        self._store = store
        self._pending: list[_Pending] = []
        self._taken: set[str] | None = None  # ids in the newest generation, read once

    def add(self, source: Source, overrides: Overrides) -> ArticleReport:
        """Prepare the entry's page (AlreadyAdded when the collection or this run has it)."""
        data = file_bytes(source, overrides)
        draft = _parse(source.name, data, source.suffix)
        urls = frozenset(normal_url(u) for u in (source.url, source.requested_url, draft.url) if u)
        existing = find_existing(self._target, draft, urls) or self._in_this_run(draft, urls)
        if existing is not None:
            raise AlreadyAdded(self._target.name, existing)
        article_id = self._free_id(draft, source.name)
        parsed = _parse(article_id, data, source.suffix)  # as a mirror's reindex reads it
        file_name = f"{article_id}{source.suffix}"
        stored = StoredArticle(
            article_id, file_name, data, parsed.title, parsed.author, parsed.date
        )
        self._pending.append(_Pending(stored, urls, draft.paragraphs))
        return report_of(self._target.name, article_id, draft, source.name)

    def finish(self, sub: Subscription, run: RunRecord, failures: int) -> None:
        """Record the run and commit its articles as one generation, in one transaction."""
        articles = [p.article for p in self._pending]
        self._store.record_with_articles(sub, run, failures, articles)

    def _in_this_run(self, draft: Article, urls: frozenset[str]) -> Existing | None:
        for pending in self._pending:
            same = pending.article.article_id, pending.article.title
            if pending.urls & urls:
                return Existing(*same, "the same address")
            if pending.paragraphs == draft.paragraphs:
                return Existing(*same, "the same text")
        return None

    def _free_id(self, draft: Article, name: str) -> str:
        """As `add_article` names it: from the title (or the name), not yet taken."""
        if self._taken is None:
            self._taken = set(self._store.current_ids(self._target.name))
        taken = self._taken | {p.article.article_id for p in self._pending}
        base = name if draft.title == title_from_id(name) else slug(draft.title, name)
        candidate, n = base, 1
        while candidate in taken:
            n += 1
            candidate = f"{base}-{n}"
        return candidate


def _parse(name: str, data: bytes, suffix: str) -> Article:
    try:
        return parse_article(name, data, suffix)
    except ArticleError as exc:
        raise CollectionError(f"cannot add it: {exc}") from exc
