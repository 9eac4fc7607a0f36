"""Feed subscriptions in SQLite: which feeds go into which collection, their last run, the
entries already handled, and when each is due again.

They live in the per-server state file (`Settings.state_path`, `citebot-state.db`) beside
the server settings: both are an admin's choices, backed up together, and unlike the index
they cannot be rebuilt from the corpus folder. The feed tables carry their own schema
version (table `feed_schema`) and never touch `PRAGMA user_version`, which belongs to the
server settings (bot/server_settings.py): each part of the file upgrades on its own.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from bot.collections import Collection
from bot.errors import UserFacingError
from bot.feeds.sink import LocalArticles

SCHEMA_VERSION = 1
# An entry that failed this many runs is given up on (its id counts as seen), so one dead
# link in a feed is not fetched every half hour for as long as the feed lists it.
MAX_ENTRY_ATTEMPTS = 3

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS feed_schema (version INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS feed ("
    " collection TEXT NOT NULL, url TEXT NOT NULL, added_at TEXT NOT NULL,"
    " last_run_at TEXT, last_status TEXT, last_error TEXT, last_added INTEGER,"
    " failures INTEGER NOT NULL DEFAULT 0, next_due_at TEXT NOT NULL,"
    " PRIMARY KEY (collection, url))",
    "CREATE TABLE IF NOT EXISTS feed_entry ("
    " collection TEXT NOT NULL, url TEXT NOT NULL, entry_id TEXT NOT NULL,"
    " status TEXT NOT NULL, attempts INTEGER NOT NULL, at TEXT NOT NULL,"
    " PRIMARY KEY (collection, url, entry_id),"
    " FOREIGN KEY (collection, url) REFERENCES feed (collection, url) ON DELETE CASCADE)",
)


class FeedStoreError(UserFacingError):
    """A subscription that cannot be made or found, or an unusable file (one line)."""


@dataclass(frozen=True)
class Subscription:
    """One feed added to one collection, with the outcome of its last run."""

    collection: str
    url: str  # canonical (bot.fetch.checked_url)
    added_at: str  # ISO 8601 UTC, like every time here
    next_due_at: str
    last_run_at: str | None = None
    last_status: str | None = None  # "ok", "partial" (some entries failed) or "failed"
    last_error: str | None = None
    last_added: int | None = None  # articles added by the last run
    failures: int = 0  # runs failed in a row (the feed itself: down, slow, malformed)


@dataclass(frozen=True)
class EntryOutcome:
    """What one run did with one entry: "added", "present" (already in the collection) or
    "failed" (tried again next run, until MAX_ENTRY_ATTEMPTS)."""

    entry_id: str
    status: str


@dataclass(frozen=True)
class RunRecord:
    """A finished run, as stored."""

    at: str
    status: str
    error: str | None
    added: int
    next_due_at: str
    entries: tuple[EntryOutcome, ...] = ()


def iso(moment: datetime) -> str:
    """A UTC time as stored: fixed width, so text order is time order."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def not_following(collection: str, url: str) -> FeedStoreError:
    """The error for a subscription that is not there."""
    return FeedStoreError(f"collection {collection} does not follow the feed {url}")


SUBSCRIPTION_COLUMNS = (
    "collection, url, added_at, next_due_at, last_run_at, last_status, last_error,"
    " last_added, failures"
)


class SubscriptionLookups:
    """The look-ups every store answers alike, written once: each store names its table
    and parameter marker and runs the query on its own connection (`_fetch`)."""

    TABLE: ClassVar[str]
    MARK: ClassVar[str]  # "?" for SQLite, "%s" for PostgreSQL

    def get(self, collection: str, url: str) -> Subscription:
        """One subscription (FeedStoreError if there is none)."""
        found = self._select(self._where("collection =", "url ="), (collection, url))
        if not found:
            raise not_following(collection, url)
        return found[0]

    def subscriptions(self, collection: str | None = None) -> list[Subscription]:
        """Every subscription (of one collection if given), by collection then URL."""
        if collection is None:
            return self._select("", ())
        return self._select(self._where("collection ="), (collection,))

    def with_url(self, url: str) -> list[Subscription]:
        """The subscriptions to this feed, in any collection."""
        return self._select(self._where("url ="), (url,))

    def due(self, now: datetime) -> list[Subscription]:
        """The subscriptions whose next run is due, longest overdue first."""
        rows = self._select(self._where("next_due_at <="), (iso(now),))
        return sorted(rows, key=lambda s: s.next_due_at)

    def _where(self, *tests: str) -> str:
        return "WHERE " + " AND ".join(f"{test} {self.MARK}" for test in tests)

    def _select(self, where: str, params: tuple[str, ...]) -> list[Subscription]:
        query = f"SELECT {SUBSCRIPTION_COLUMNS} FROM {self.TABLE} {where} ORDER BY collection, url"
        return [Subscription(*row) for row in self._fetch(query, params)]

    def _fetch(self, query: str, params: tuple[str, ...]) -> list[Any]:
        raise NotImplementedError


class FeedStore(SubscriptionLookups):
    """The subscriptions file. Every call opens its own connection (the bot and the command
    line may use the file at once; SQLite serialises the writes)."""

    TABLE = "feed"
    MARK = "?"

    def __init__(self, path: Path) -> None:
        self._path = path
        with self._connect() as conn:
            _ensure_schema(conn, path)

    def add(self, collection: str, url: str, now: datetime) -> Subscription:
        """Subscribe `collection` to the feed; due at once. FeedStoreError if it already is."""
        with self._connect() as conn:
            try:
                conn.execute(
                    "INSERT INTO feed (collection, url, added_at, next_due_at) VALUES (?, ?, ?, ?)",
                    (collection, url, iso(now), iso(now)),
                )
            except sqlite3.IntegrityError:
                raise FeedStoreError(
                    f"collection {collection} already follows the feed {url}"
                ) from None
        return self.get(collection, url)

    def remove(self, collection: str, url: str) -> None:
        """Unsubscribe (the articles already added stay). FeedStoreError if not subscribed."""
        with self._connect() as conn:
            gone = conn.execute(
                "DELETE FROM feed WHERE collection = ? AND url = ?", (collection, url)
            ).rowcount
        if not gone:
            raise not_following(collection, url)

    def seen(self, collection: str, url: str) -> frozenset[str]:
        """The ids of the entries not to try again: added, present, or given up on."""
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT entry_id FROM feed_entry WHERE collection = ? AND url = ?"
                " AND (status != 'failed' OR attempts >= ?)",
                (collection, url, MAX_ENTRY_ATTEMPTS),
            ).fetchall()
        return frozenset(r[0] for r in rows)

    def record(self, sub: Subscription, run: RunRecord, failures: int) -> None:
        """Store a run's outcome and its entries in one transaction; nothing if the feed was
        removed while it ran."""
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            updated = conn.execute(
                "UPDATE feed SET last_run_at = ?, last_status = ?, last_error = ?,"
                " last_added = ?, failures = ?, next_due_at = ? WHERE collection = ? AND url = ?",
                (*_run_values(run, failures), sub.collection, sub.url),
            ).rowcount
            if updated:
                _record_entries(conn, sub, run.entries, run.at)
            conn.execute("COMMIT")

    def articles(self, target: Collection) -> LocalArticles:
        """A run's entries go straight into the collection's folder and index."""
        return LocalArticles(target, self)

    def _fetch(self, query: str, params: tuple[str, ...]) -> list[Any]:
        with self._connect() as conn:
            return conn.execute(query, params).fetchall()

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            with closing(sqlite3.connect(self._path, timeout=10, isolation_level=None)) as conn:
                conn.execute("PRAGMA foreign_keys = ON")
                yield conn
        except (sqlite3.Error, OSError) as exc:
            raise FeedStoreError(f"{self._path}: cannot use the feeds file ({exc})") from exc


def _run_values(run: RunRecord, failures: int) -> tuple[str | int | None, ...]:
    return (run.at, run.status, run.error, run.added, failures, run.next_due_at)


def _record_entries(
    conn: sqlite3.Connection, sub: Subscription, entries: Iterable[EntryOutcome], at: str
) -> None:
    for entry in entries:
        # A failure counts one more attempt; success replaces whatever was there.
        conn.execute(
            "INSERT INTO feed_entry (collection, url, entry_id, status, attempts, at)"
            " VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT (collection, url, entry_id) DO UPDATE SET"
            " status = excluded.status, attempts = attempts + 1, at = excluded.at",
            (sub.collection, sub.url, entry.entry_id, entry.status, at),
        )


def _ensure_schema(conn: sqlite3.Connection, path: Path) -> None:
    conn.execute("BEGIN IMMEDIATE")
    for statement in _SCHEMA:
        conn.execute(statement)
    row = conn.execute("SELECT version FROM feed_schema").fetchone()
    if row is None:
        conn.execute("INSERT INTO feed_schema (version) VALUES (?)", (SCHEMA_VERSION,))
    conn.execute("COMMIT")
    if row is not None and row[0] > SCHEMA_VERSION:
        raise FeedStoreError(f"{path}: feeds made by a newer citebot (schema {row[0]})")
