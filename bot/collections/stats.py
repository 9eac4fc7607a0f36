"""How big each collection is, as its index last saw it."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from bot.collections.layout import Collection
from bot.index import store


@dataclass(frozen=True)
class CollectionStats:
    """A collection's size; None where it has no complete index yet."""

    collection: Collection
    articles: int | None
    paragraphs: int | None


def collection_stats(collection: Collection) -> CollectionStats:
    """Articles and paragraphs in the collection's index (read-only, nothing is built)."""
    if not store.is_current(collection.db):
        return CollectionStats(collection, None, None)
    conn = store.connect(collection.db, readonly=True)
    try:
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        paragraphs = conn.execute("SELECT count(*) FROM paragraphs").fetchone()[0]
    except sqlite3.Error:
        return CollectionStats(collection, None, None)
    finally:
        conn.close()
    return CollectionStats(collection, int(articles), int(paragraphs))
