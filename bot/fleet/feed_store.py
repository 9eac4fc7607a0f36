"""Feed subscriptions in PostgreSQL, shared by every process of the fleet.

The same tables and rules as the SQLite state file (bot/feeds/store.py): which feeds go
into which collection, each one's last run, the entries already handled, when each is due.
What differs is where a run's articles go: they are committed with the run's record, in
one transaction, as one new generation of the collection (`record_with_articles`), which
every process then serves. That transaction first locks the feed's row and checks that
no other run was recorded since this one started, so two runs of one feed (a poller that
lost its election mid-run and the one that took over) can never add an entry twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, TypeVar

import psycopg

from bot.collections import Collection
from bot.feeds.store import (
    MAX_ENTRY_ATTEMPTS,
    EntryOutcome,
    FeedStoreError,
    RunRecord,
    Subscription,
    SubscriptionLookups,
    iso,
    not_following,
)
from bot.fleet.additions import commit_additions
from bot.fleet.connect import Connection, FleetError
from bot.fleet.feed_articles import FleetArticles
from bot.fleet.model import StoredArticle
from bot.fleet.session import Session

log = logging.getLogger(__name__)

T = TypeVar("T")


class PgFeedStore(SubscriptionLookups):
    """The subscriptions in PostgreSQL; a `bot.feeds.storage.FeedStorage`."""

    TABLE = "feeds"
    MARK = "%s"

    def __init__(self, url: str) -> None:
        self._session = Session(url, "citebot feeds")

    def add(self, collection: str, url: str, now: datetime) -> Subscription:
        """Subscribe `collection` to the feed; due at once. FeedStoreError if it already is."""
        try:
            self._run(
                lambda conn: conn.execute(
                    "INSERT INTO feeds (collection, url, added_at, next_due_at)"
                    " VALUES (%s, %s, %s, %s)",
                    (collection, url, iso(now), iso(now)),
                )
            )
        except psycopg.errors.UniqueViolation:
            problem = f"collection {collection} already follows the feed {url}"
            raise FeedStoreError(problem) from None
        return self.get(collection, url)

    def remove(self, collection: str, url: str) -> None:
        """Unsubscribe (the articles already added stay). FeedStoreError if not subscribed."""
        gone = self._run(
            lambda conn: (
                conn.execute(
                    "DELETE FROM feeds WHERE collection = %s AND url = %s", (collection, url)
                ).rowcount
            )
        )
        if not gone:
            raise not_following(collection, url)

    def seen(self, collection: str, url: str) -> frozenset[str]:
        """The ids of the entries not to try again: added, present, or given up on."""
        rows = self._run(
            lambda conn: conn.execute(
                "SELECT entry_id FROM feed_entries WHERE collection = %s AND url = %s"
                " AND (status != 'failed' OR attempts >= %s)",
                (collection, url, MAX_ENTRY_ATTEMPTS),
            ).fetchall()
        )
        return frozenset(r[0] for r in rows)

    def record(self, sub: Subscription, run: RunRecord, failures: int) -> None:
        """Store a run's outcome and its entries in one transaction; nothing if the feed was
        removed while it ran, or another run was recorded meanwhile."""
        self.record_with_articles(sub, run, failures, ())

    def record_with_articles(
        self,
        sub: Subscription,
        run: RunRecord,
        failures: int,
        articles: Sequence[StoredArticle],
    ) -> int | None:
        """Record the run and commit its articles as one new generation of the collection,
        in one transaction; returns the generation (None: nothing committed)."""
        return self._run(lambda conn: _record(conn, sub, run, failures, articles))

    def current_ids(self, collection: str) -> frozenset[str]:
        """The collection's article ids in its newest generation."""
        rows = self._run(
            lambda conn: conn.execute(
                "SELECT article_id FROM articles WHERE collection = %s AND removed_in IS NULL",
                (collection,),
            ).fetchall()
        )
        return frozenset(r[0] for r in rows)

    def articles(self, target: Collection) -> FleetArticles:
        """A run's entries are committed to PostgreSQL when it finishes."""
        return FleetArticles(target, self)

    def close(self) -> None:
        """Close the store's connection."""
        self._session.close()

    def _fetch(self, query: str, params: tuple[str, ...]) -> list[Any]:
        return self._run(lambda conn: conn.execute(query, params).fetchall())

    def _run(self, operation: Callable[[Connection], T]) -> T:
        try:
            return self._session.run(operation)
        except FleetError as exc:
            raise FeedStoreError(f"cannot use the feeds in PostgreSQL ({exc})") from exc


def _record(
    conn: Connection,
    sub: Subscription,
    run: RunRecord,
    failures: int,
    articles: Sequence[StoredArticle],
) -> int | None:
    with conn.transaction():
        row = conn.execute(
            "SELECT last_run_at FROM feeds WHERE collection = %s AND url = %s FOR UPDATE",
            (sub.collection, sub.url),
        ).fetchone()
        if row is None or row[0] != sub.last_run_at:
            log.warning(
                "feed %s -> %s: run not recorded (%s)",
                sub.url,
                sub.collection,
                "the feed was removed" if row is None else "another run was recorded",
            )
            return None
        generation = commit_additions(conn, sub.collection, articles) if articles else None
        conn.execute(
            "UPDATE feeds SET last_run_at = %s, last_status = %s, last_error = %s,"
            " last_added = %s, failures = %s, next_due_at = %s"
            " WHERE collection = %s AND url = %s",
            (
                run.at,
                run.status,
                run.error,
                run.added,
                failures,
                run.next_due_at,
                sub.collection,
                sub.url,
            ),
        )
        _record_entries(conn, sub, run.entries, run.at)
    return generation


def _record_entries(
    conn: Connection, sub: Subscription, entries: Iterable[EntryOutcome], at: str
) -> None:
    with conn.cursor() as cur:
        # A failure counts one more attempt; success replaces whatever was there.
        cur.executemany(
            "INSERT INTO feed_entries (collection, url, entry_id, status, attempts, at)"
            " VALUES (%s, %s, %s, %s, 1, %s) ON CONFLICT (collection, url, entry_id)"
            " DO UPDATE SET status = excluded.status,"
            " attempts = feed_entries.attempts + 1, at = excluded.at",
            [(sub.collection, sub.url, e.entry_id, e.status, at) for e in entries],
        )
