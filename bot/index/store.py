"""The SQLite file: articles, paragraphs, terms and the compiled postings, in one place.

Everything needed to serve questions lives here, so a restart serves without re-reading the
corpus. Arrays are stored as little-endian binary blobs (numpy `tobytes`), never pickled.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import numpy.typing as npt

SCHEMA_VERSION = "1"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    article_id TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    author TEXT, date TEXT, url TEXT, source TEXT, place TEXT, standfirst TEXT,
    paragraph_count INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS paragraphs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    length INTEGER NOT NULL,
    term_ids BLOB NOT NULL,
    tfs BLOB NOT NULL,
    UNIQUE (article_id, position)
);
CREATE TABLE IF NOT EXISTS terms (id INTEGER PRIMARY KEY, term TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS compiled (name TEXT PRIMARY KEY, data BLOB NOT NULL);
"""

UINT32 = np.dtype("<u4")


class StoreError(Exception):
    """The database cannot be opened or is not a citebot index."""


def connect(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    """Open the database (WAL, so readers keep serving while a reindex writes)."""
    try:
        if readonly:
            if not path.is_file():
                raise StoreError(f"no index at {path}: run `citebot index` first")
            conn = sqlite3.connect(
                f"file:{path}?mode=ro", uri=True, check_same_thread=False, isolation_level=None
            )
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.executescript(_SCHEMA)
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=30000")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except (sqlite3.Error, OSError) as exc:
        raise StoreError(f"cannot open the index database {path}: {exc}") from exc
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction: everything or nothing reaches the file."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def to_blob(values: npt.ArrayLike) -> bytes:
    """An array of non-negative integers as a little-endian uint32 blob."""
    return np.asarray(values, dtype=UINT32).tobytes()


def from_blob(blob: bytes) -> npt.NDArray[np.uint32]:
    """The inverse of `to_blob` (a read-only view, no copy)."""
    return np.frombuffer(blob, dtype=UINT32)


def read_meta(conn: sqlite3.Connection) -> dict[str, str]:
    """All key/value metadata of the index."""
    return dict(conn.execute("SELECT key, value FROM meta").fetchall())


def write_meta(conn: sqlite3.Connection, values: dict[str, str]) -> None:
    """Insert or replace metadata values."""
    conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", values.items())


def read_compiled(conn: sqlite3.Connection) -> dict[str, bytes]:
    """The compiled arrays by name."""
    return dict(conn.execute("SELECT name, data FROM compiled").fetchall())


def write_compiled(conn: sqlite3.Connection, arrays: dict[str, bytes]) -> None:
    """Replace the compiled arrays."""
    conn.execute("DELETE FROM compiled")
    conn.executemany("INSERT INTO compiled VALUES (?, ?)", arrays.items())
