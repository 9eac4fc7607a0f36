"""Collections, their articles and their generations in PostgreSQL (synchronous).

Every change to a collection is one transaction that commits a new generation number
(the collection's row is locked first, so two writers take turns and numbers never
repeat) and sends the hint `NOTIFY citebot_generations` with the collection and number,
delivered only if the transaction commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.fleet.connect import Connection
from bot.fleet.hints import CHANNEL, encode_hint
from bot.fleet.model import Commit, StoredArticle

_COLUMNS = "article_id, file_name, content, title, author, date"


def commit_collection(conn: Connection, name: str, articles: Sequence[StoredArticle]) -> Commit:
    """Make `articles` the collection's content; a new generation only if anything changed
    (or the collection is new, so that it has a generation to serve)."""
    with conn.transaction():
        conn.execute("INSERT INTO collections (name) VALUES (%s) ON CONFLICT DO NOTHING", (name,))
        conn.execute("SELECT 1 FROM collections WHERE name = %s FOR UPDATE", (name,))
        before = _current_hashes(conn, name)
        wanted = {a.article_id: a for a in articles}
        added = sorted(wanted.keys() - before.keys())
        removed = sorted(before.keys() - wanted.keys())
        changed = sorted(i for i in wanted.keys() & before.keys() if _differs(wanted[i], before[i]))
        previous = latest_generation(conn, name)
        if previous and not (added or changed or removed):
            return Commit(name, None)
        generation = previous + 1
        _retire(conn, name, [*changed, *removed], generation)
        _insert(conn, name, [wanted[i] for i in [*added, *changed]], generation)
        conn.execute(
            "INSERT INTO generations (collection, generation) VALUES (%s, %s)", (name, generation)
        )
        conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, encode_hint(name, generation)))
    return Commit(name, generation, tuple(added), tuple(changed), tuple(removed))


def _differs(article: StoredArticle, stored: tuple[str, str]) -> bool:
    return (article.sha256, article.file_name) != stored


def _current_hashes(conn: Connection, name: str) -> dict[str, tuple[str, str]]:
    rows = conn.execute(
        "SELECT article_id, sha256, file_name FROM articles"
        " WHERE collection = %s AND removed_in IS NULL",
        (name,),
    ).fetchall()
    return {article_id: (sha, file_name) for article_id, sha, file_name in rows}


def _retire(conn: Connection, name: str, article_ids: list[str], generation: int) -> None:
    conn.execute(
        "UPDATE articles SET removed_in = %s"
        " WHERE collection = %s AND article_id = ANY(%s) AND removed_in IS NULL",
        (generation, name, article_ids),
    )


def _insert(conn: Connection, name: str, articles: list[StoredArticle], generation: int) -> None:
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO articles (collection, article_id, added_in, file_name, content,"
            " sha256, title, author, date) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [_row(name, generation, a) for a in articles],
        )


def _row(name: str, generation: int, a: StoredArticle) -> tuple[object, ...]:
    return (name, a.article_id, generation, a.file_name, a.content, a.sha256, *_parsed(a))


def _parsed(a: StoredArticle) -> tuple[str, str | None, str | None]:
    return (a.title, a.author, a.date)


def latest_generation(conn: Connection, name: str) -> int:
    """The collection's newest committed generation (0: none yet)."""
    row = conn.execute(
        "SELECT coalesce(max(generation), 0) FROM generations WHERE collection = %s", (name,)
    ).fetchone()
    return int(row[0]) if row else 0


def latest_generations(conn: Connection) -> dict[str, int]:
    """Every collection's newest committed generation: the truth a follower moves to."""
    rows = conn.execute(
        "SELECT collection, max(generation) FROM generations GROUP BY collection"
    ).fetchall()
    return {name: int(generation) for name, generation in rows}


def articles_at(conn: Connection, name: str, generation: int) -> list[StoredArticle]:
    """The collection's articles exactly as they were at `generation`, by id."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM articles WHERE collection = %s AND added_in <= %s"
        " AND (removed_in IS NULL OR removed_in > %s) ORDER BY article_id",
        (name, generation, generation),
    ).fetchall()
    return [StoredArticle(*row) for row in rows]


def changes_between(
    conn: Connection, name: str, old: int, new: int
) -> tuple[list[StoredArticle], list[str]]:
    """What turns the collection at generation `old` into `new` (old < new): the articles to
    write (added or replaced since), and the file names of those gone since."""
    written = conn.execute(
        f"SELECT {_COLUMNS} FROM articles WHERE collection = %s AND added_in > %s"
        " AND added_in <= %s AND (removed_in IS NULL OR removed_in > %s) ORDER BY article_id",
        (name, old, new, new),
    ).fetchall()
    gone = conn.execute(
        "SELECT file_name FROM articles WHERE collection = %s AND added_in <= %s"
        " AND removed_in > %s AND removed_in <= %s ORDER BY file_name",
        (name, old, old, new),
    ).fetchall()
    return [StoredArticle(*row) for row in written], [file_name for (file_name,) in gone]


def collection_names(conn: Connection) -> list[str]:
    """Every collection in the store, by name."""
    return [row[0] for row in conn.execute("SELECT name FROM collections ORDER BY name")]


def now(conn: Connection) -> datetime:
    """The database's clock: heartbeats are compared with it, not with this machine's."""
    row = conn.execute("SELECT now()").fetchone()
    assert row is not None  # SELECT without FROM returns one row
    value: datetime = row[0]
    return value
