"""Commit new articles to a collection as one new generation (what a feed run adds).

Like `bot.fleet.store.commit_collection`, but given only the articles to add, not the
whole collection: the collection's row is locked (writers take turns, numbers never
repeat), the articles are inserted as valid from the new generation, and the hint is sent
when the transaction commits. An id the collection holds already is refused (FleetError)
and nothing is committed: ids are chosen against the newest generation just before, so
this only happens when another writer took the id meanwhile, and the run is tried again.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.fleet.connect import Connection, FleetError
from bot.fleet.hints import CHANNEL, encode_hint
from bot.fleet.model import StoredArticle
from bot.fleet.store import latest_generation


def commit_additions(conn: Connection, name: str, articles: Sequence[StoredArticle]) -> int:
    """Add `articles` (new ids) to the collection as its next generation; returns it."""
    with conn.transaction():
        conn.execute("INSERT INTO collections (name) VALUES (%s) ON CONFLICT DO NOTHING", (name,))
        conn.execute("SELECT 1 FROM collections WHERE name = %s FOR UPDATE", (name,))
        ids = [a.article_id for a in articles]
        taken = conn.execute(
            "SELECT article_id FROM articles WHERE collection = %s AND article_id = ANY(%s)"
            " AND removed_in IS NULL",
            (name, ids),
        ).fetchall()
        if taken or len(set(ids)) != len(ids):
            raise FleetError(f"collection {name} has an article of the same id already")
        generation = latest_generation(conn, name) + 1
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO articles (collection, added_in, article_id, file_name, content,"
                " sha256, title, author, date) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [(name, generation, *_values(a)) for a in articles],
            )
        conn.execute(
            "INSERT INTO generations (collection, generation) VALUES (%s, %s)", (name, generation)
        )
        conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, encode_hint(name, generation)))
    return generation


def _values(a: StoredArticle) -> tuple[object, ...]:
    return (a.article_id, a.file_name, a.content, a.sha256, a.title, a.author, a.date)
