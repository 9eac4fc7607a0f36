"""A feed run's entries added straight into the collection's folder and index (one process)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.collections import ArticleReport, Collection, Overrides, Source, add_article

if TYPE_CHECKING:
    from bot.feeds.store import FeedStore, RunRecord, Subscription


class LocalArticles:
    """Each entry saved and indexed as `/add` does, at once; the run recorded at the end."""

    def __init__(self, target: Collection, store: FeedStore) -> None:
        self._target = target
        self._store = store

    def add(self, source: Source, overrides: Overrides) -> ArticleReport:
        """Save and index the page (AlreadyAdded when the collection has it)."""
        return add_article(self._target, source, overrides)

    def finish(self, sub: Subscription, run: RunRecord, failures: int) -> None:
        """Record the run."""
        self._store.record(sub, run, failures)
