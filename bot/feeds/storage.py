"""The seam for feeds: where the subscriptions live, and where a run's articles go.

Two implementations: `bot.feeds.store.FeedStore` (the SQLite state file, one process) and
`bot.fleet.feed_store.PgFeedStore` (PostgreSQL, fleet mode), chosen by `bot.stores`. The
store also decides where a run's new articles go (`articles`): into the collection's folder
and index at once for SQLite; for PostgreSQL, committed together with the run's record as
one new generation of the collection when the run finishes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.collections import ArticleReport, Collection, Overrides, Source
from bot.feeds.store import RunRecord, Subscription


class EntrySink(Protocol):
    """Where one run's entries are added."""

    def add(self, source: Source, overrides: Overrides) -> ArticleReport:
        """Add one entry's page (`AlreadyAdded` when the collection has it, another
        UserFacingError when it cannot be added)."""

    def finish(self, sub: Subscription, run: RunRecord, failures: int) -> None:
        """Record the run (and, where adding is deferred, commit what it added)."""


class FeedStorage(Protocol):
    """The subscriptions (see `bot.feeds.store.FeedStore` for what each call does)."""

    def add(self, collection: str, url: str, now: datetime) -> Subscription:
        """Subscribe; FeedStoreError if it already is."""

    def remove(self, collection: str, url: str) -> None:
        """Unsubscribe; FeedStoreError if not subscribed."""

    def get(self, collection: str, url: str) -> Subscription:
        """One subscription; FeedStoreError if there is none."""

    def subscriptions(self, collection: str | None = None) -> list[Subscription]:
        """Every subscription (of one collection), by collection then URL."""

    def with_url(self, url: str) -> list[Subscription]:
        """The subscriptions to this feed, in any collection."""

    def due(self, now: datetime) -> list[Subscription]:
        """The subscriptions due now, longest overdue first."""

    def seen(self, collection: str, url: str) -> frozenset[str]:
        """The entry ids not to try again."""

    def record(self, sub: Subscription, run: RunRecord, failures: int) -> None:
        """Store a run's outcome and entries (nothing if the feed was removed)."""

    def articles(self, target: Collection) -> EntrySink:
        """Where a run of a feed of `target` adds its entries."""


class Leader(Protocol):
    """Whether this process may run the feed schedule now (fleet mode: one process does)."""

    def holds(self) -> bool:
        """True while this process is the one (blocking: it may ask the database)."""

    def close(self) -> None:
        """Give the role up (another process takes it)."""
