"""One article at a time in PostgreSQL: what `/add`, `/remove` and a restore commit in fleet
mode, each as one new generation of its collection.

Each is one transaction on the collection's locked row, as `commit_collection` is, so
writers take turns and generation numbers never repeat. Unlike an import, only the one
article's rows change: two processes adding to one collection at once both land (the
second waits for the first's lock, then sees its article, and its id is chosen then,
against the articles current at that moment). A removed or replaced article's row stays,
closed at the generation that retired it: that is the collection's trash.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.collections.names import CollectionError
from bot.fleet.connect import Connection
from bot.fleet.hints import CHANNEL, encode_hint
from bot.fleet.model import Commit, StoredArticle
from bot.fleet.store import latest_generation

# The stored article for a chosen id (its fallback title depends on the id).
Describe = Callable[[str], StoredArticle]

_COLUMNS = "article_id, file_name, content, title, author, date"


class SameContent(CollectionError):
    """A current article of the collection has these very bytes already."""

    def __init__(self, article_id: str, title: str) -> None:
        self.article_id = article_id
        self.title = title
        super().__init__(f"this is already the article {article_id!r} ({title!r})")


def commit_article(
    conn: Connection, name: str, describe: Describe, wanted_id: str, replaces: str | None = None
) -> Commit:
    """Add one article (a new collection is created): under `replaces` if that article is
    current (its old version is retired), otherwise under `wanted_id`, or `wanted_id-2`,
    `-3`… if another current article has it. Without `replaces`, a current article with
    the same bytes is `SameContent` (two adds of one page racing each other)."""
    with conn.transaction():
        generation = _lock(conn, name) + 1
        current = _current_ids(conn, name)
        if replaces is None:
            _refuse_same(conn, name, describe(wanted_id))
        if replaces is not None and replaces in current:
            article_id, replacing = replaces, True
            _retire(conn, name, article_id, generation)
        else:
            article_id, replacing = _free_id(wanted_id, current), False
        _insert(conn, name, describe(article_id), generation)
        _record(conn, name, generation)
    done = (article_id,)
    return Commit(name, generation, () if replacing else done, done if replacing else ())


def retire_article(conn: Connection, name: str, article_id: str) -> Commit:
    """Take one current article out of the collection (`CollectionError` if it has none)."""
    with conn.transaction():
        generation = _lock(conn, name) + 1
        if article_id not in _current_ids(conn, name):
            raise CollectionError(f"collection {name} has no article {article_id!r}")
        _retire(conn, name, article_id, generation)
        _record(conn, name, generation)
    return Commit(name, generation, removed=(article_id,))


def restore_article_row(conn: Connection, name: str, article_id: str) -> Commit:
    """Bring back the last removed version of an article (`CollectionError` if there is
    none, or the collection has an article with that id again)."""
    with conn.transaction():
        generation = _lock(conn, name) + 1
        if article_id in _current_ids(conn, name):
            raise CollectionError(
                f"collection {name} has an article {article_id!r} already: remove it first"
            )
        last = removed_version(conn, name, article_id)
        if last is None:
            raise CollectionError(f"the trash of collection {name} has no {article_id!r}")
        _insert(conn, name, last, generation)
        _record(conn, name, generation)
    return Commit(name, generation, added=(article_id,))


def removed_version(conn: Connection, name: str, article_id: str) -> StoredArticle | None:
    """The article's most recently retired version, if any."""
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM articles WHERE collection = %s AND article_id = %s"
        " AND removed_in IS NOT NULL ORDER BY removed_in DESC, added_in DESC LIMIT 1",
        (name, article_id),
    ).fetchone()
    return StoredArticle(*row) if row else None


def trashed(conn: Connection, name: str) -> list[tuple[str, int]]:
    """The removed articles that can be restored (no current article has their id), each
    with the generation that removed it, the latest removal first."""
    rows = conn.execute(
        "SELECT article_id, max(removed_in) FROM articles a WHERE collection = %s"
        " AND removed_in IS NOT NULL AND NOT EXISTS (SELECT 1 FROM articles c"
        " WHERE c.collection = a.collection AND c.article_id = a.article_id"
        " AND c.removed_in IS NULL) GROUP BY article_id ORDER BY 2 DESC, 1",
        (name,),
    ).fetchall()
    return [(article_id, int(generation)) for article_id, generation in rows]


def _lock(conn: Connection, name: str) -> int:
    """Create the collection if new and lock its row; its newest generation (0: none)."""
    conn.execute("INSERT INTO collections (name) VALUES (%s) ON CONFLICT DO NOTHING", (name,))
    conn.execute("SELECT 1 FROM collections WHERE name = %s FOR UPDATE", (name,))
    return latest_generation(conn, name)


def _current_ids(conn: Connection, name: str) -> set[str]:
    rows = conn.execute(
        "SELECT article_id FROM articles WHERE collection = %s AND removed_in IS NULL", (name,)
    ).fetchall()
    return {article_id for (article_id,) in rows}


def _refuse_same(conn: Connection, name: str, article: StoredArticle) -> None:
    row = conn.execute(
        "SELECT article_id, title FROM articles WHERE collection = %s AND removed_in IS NULL"
        " AND sha256 = %s LIMIT 1",
        (name, article.sha256),
    ).fetchone()
    if row is not None:
        raise SameContent(row[0], row[1])


def _free_id(wanted: str, taken: set[str]) -> str:
    candidate, n = wanted, 1
    while candidate in taken:
        n += 1
        candidate = f"{wanted}-{n}"
    return candidate


def _retire(conn: Connection, name: str, article_id: str, generation: int) -> None:
    conn.execute(
        "UPDATE articles SET removed_in = %s"
        " WHERE collection = %s AND article_id = %s AND removed_in IS NULL",
        (generation, name, article_id),
    )


def _insert(conn: Connection, name: str, a: StoredArticle, generation: int) -> None:
    conn.execute(
        "INSERT INTO articles (collection, article_id, added_in, file_name, content,"
        " sha256, title, author, date) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (
            name,
            a.article_id,
            generation,
            a.file_name,
            a.content,
            a.sha256,
            a.title,
            a.author,
            a.date,
        ),
    )


def _record(conn: Connection, name: str, generation: int) -> None:
    """The generation is committed with the change, and its hint sent on commit."""
    conn.execute(
        "INSERT INTO generations (collection, generation) VALUES (%s, %s)", (name, generation)
    )
    conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, encode_hint(name, generation)))
