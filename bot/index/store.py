"""The SQLite file: articles, paragraphs, terms and the compiled postings, in one place.

Everything needed to serve questions lives here, so a restart serves without re-reading the
corpus. Arrays are stored as little-endian binary blobs (numpy `tobytes`), never pickled.
Each article's term counts are one row (`analyses`), so compiling a million paragraphs reads
a hundred thousand rows, not a million; compiled arrays are split into chunks because SQLite
caps a blob at 1e9 bytes.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bot.meaning import model_fingerprint
from bot.text import analyzer_fingerprint

# 6: term frequencies stored in their narrowest width (bot.index.compile).
SCHEMA_VERSION = "6"
CHUNK_BYTES = 64 * 1024 * 1024
# How long a writer waits for another writer (a second `citebot index`) to finish.
BUSY_TIMEOUT_MS = 30_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    article_id TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    stamp TEXT
);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    author TEXT, date TEXT, url TEXT, source TEXT, place TEXT, standfirst TEXT,
    paragraph_count INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS paragraphs (
    id INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    tokens BLOB NOT NULL,
    sentences BLOB NOT NULL,
    UNIQUE (article_id, position)
);
CREATE TABLE IF NOT EXISTS analyses (
    article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    lengths BLOB NOT NULL,
    counts BLOB NOT NULL,
    term_ids BLOB NOT NULL,
    tfs BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS vectors (
    article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    data BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS terms (id INTEGER PRIMARY KEY, term TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS compiled (
    name TEXT NOT NULL, chunk INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (name, chunk)
);
"""
TABLES = ("meta", "files", "articles", "paragraphs", "analyses", "vectors", "terms", "compiled")

UINT32 = np.dtype("<u4")


class StoreError(Exception):
    """The database cannot be opened or is not a citebot index."""


def connect(path: Path, *, readonly: bool = False, log: bool = True) -> sqlite3.Connection:
    """Open the database (WAL, so readers keep serving while a reindex writes).

    `log=False` is for a database this connection creates: with nobody yet to read it, its
    first build writes each page once, into the file itself (a rollback journal holds only
    the pages that existed before), where the write-ahead log would take every page and
    then copy them all into the file (3 GB twice at a million paragraphs: commit and close
    took 18 s of such a build on a busy machine).
    Once the build is committed and this connection closed, a `connect()` switches the file
    to WAL (switching in the same connection left SQLite sometimes unable to start the log
    over after later reindexes: tests/test_library.py).
    """
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
            conn.execute(f"PRAGMA journal_mode={'WAL' if log else 'DELETE'}")
            conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
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
        # SQLite has already rolled back after some errors (a full disk): a second
        # rollback would raise "no transaction is active" over the real error.
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def index_format() -> str:
    """What a database must have been written with to be read: table layout and analyzer."""
    return f"{SCHEMA_VERSION}/{analyzer_fingerprint()}/{model_fingerprint()}"


def ensure_schema(conn: sqlite3.Connection) -> None:
    """Create the tables; drop another format's first (inside the caller's transaction)."""
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "meta" in tables:
        version = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        if version is not None and version[0] != index_format():
            for table in TABLES:
                conn.execute(f"DROP TABLE IF EXISTS {table}")
    for statement in _SCHEMA.split(";"):
        if statement.strip():
            conn.execute(statement)
    # Names this run of tables: term ids and analyses only ever grow within one lineage, so
    # a reload may keep what it already holds of them (`bot.index.reuse`); a database built
    # afresh (new file, other format) starts a new one.
    conn.execute("INSERT OR IGNORE INTO meta VALUES ('lineage', ?)", (uuid.uuid4().hex,))


def check_schema(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse a database written in another format (run `citebot index` to rebuild it)."""
    if read_meta(conn).get("schema") != index_format():
        raise StoreError(f"{path} holds no complete index of this version: run `citebot index`")


def is_current(path: Path) -> bool:
    """Whether `path` holds a complete index in this version's format (else: rebuild it)."""
    try:
        conn = connect(path, readonly=True)
    except StoreError:
        return False
    try:
        meta = read_meta(conn)
    except sqlite3.Error:
        return False
    finally:
        conn.close()
    return "generation" in meta and meta.get("schema") == index_format()


def to_blob(values: npt.ArrayLike) -> bytes:
    """An array of non-negative integers as a little-endian uint32 blob."""
    return np.asarray(values, dtype=UINT32).tobytes()


def read_meta(conn: sqlite3.Connection) -> dict[str, str]:
    """All key/value metadata of the index."""
    return dict(conn.execute("SELECT key, value FROM meta").fetchall())


def write_meta(conn: sqlite3.Connection, values: dict[str, str]) -> None:
    """Insert or replace metadata values."""
    conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", values.items())


def read_array(conn: sqlite3.Connection, name: str, dtype: str) -> npt.NDArray[np.generic]:
    """One compiled array, its chunks copied into place (never two full copies at once)."""
    size = conn.execute(
        "SELECT coalesce(sum(length(data)), 0) FROM compiled WHERE name = ?", (name,)
    ).fetchone()[0]
    out = np.empty(int(size), dtype=np.uint8)
    filled = 0
    for (data,) in conn.execute("SELECT data FROM compiled WHERE name = ? ORDER BY chunk", (name,)):
        out[filled : filled + len(data)] = np.frombuffer(data, dtype=np.uint8)
        filled += len(data)
    return out.view(np.dtype(dtype))


def write_compiled(conn: sqlite3.Connection, arrays: dict[str, npt.NDArray[np.generic]]) -> None:
    """Replace the compiled arrays, each in chunks of at most CHUNK_BYTES."""
    conn.execute("DELETE FROM compiled")
    for name, array in arrays.items():
        raw = np.ascontiguousarray(array).data.cast("B")
        starts = range(0, max(len(raw), 1), CHUNK_BYTES)
        conn.executemany(
            "INSERT INTO compiled VALUES (?, ?, ?)",
            ((name, i, raw[start : start + CHUNK_BYTES]) for i, start in enumerate(starts)),
        )
