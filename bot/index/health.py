"""Whether an index database can be trusted, and one line for each way it cannot be used.

The index is derived data: a damaged file (an overwritten page, a dropped table, a lost
row) is never served or patched, it is rebuilt from the corpus. Damage is found by
SQLite's `quick_check` where the file is small enough for it to be cheap, by checking
that the tables' counts agree with each other, and by the errors SQLite raises on read.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.index import store
from bot.index.store import TABLES, index_format, read_meta

# `PRAGMA quick_check` reads every page: about a second per few hundred MB. Larger files
# get the count checks only, and damage SQLite meets later is repaired then.
QUICK_CHECK_MAX_BYTES = 256 * 1024 * 1024

_DAMAGE_CODES = frozenset({sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB})


def damage(path: Path, *, quick_check: bool = True) -> str | None:
    """Why the database at `path` cannot be trusted; None if it is sound (or absent)."""
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    except sqlite3.Error:
        return None  # cannot be opened at all: reported by whoever opens it
    try:
        conn.execute("BEGIN")  # one snapshot, while a reindex may be writing
        if quick_check and path.stat().st_size <= QUICK_CHECK_MAX_BYTES:
            result = conn.execute("PRAGMA quick_check").fetchone()[0]
            if result != "ok":
                return f"integrity check: {result}"
        return _inconsistency(conn)
    except sqlite3.Error as exc:
        return str(exc) if is_damage(exc) else None
    finally:
        conn.close()


def is_damage(exc: BaseException) -> bool:
    """Whether a SQLite error says the file is damaged (not busy, read-only or full)."""
    if not isinstance(exc, sqlite3.Error):
        return False
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    text = str(exc)
    return (
        code in _DAMAGE_CODES
        or isinstance(exc, sqlite3.IntegrityError)
        or text.startswith(("no such table", "no such column"))
    )


def discard(path: Path) -> Path:
    """Move a damaged database aside (to `<name>.damaged`) so it is built afresh; returns
    where it went. Moved, not deleted: it may be a file that was never an index."""
    aside = path.with_name(path.name + ".damaged")
    path.replace(aside)
    for suffix in ("-wal", "-shm", "-journal"):  # the damaged file's, useless without it
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return aside


def _inconsistency(conn: sqlite3.Connection) -> str | None:
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "meta" not in tables:
        return "the meta table is missing" if tables else None
    meta = read_meta(conn)
    if "generation" not in meta:
        return None  # never completed: the next reindex completes it
    if "schema" not in meta:
        return "its format record is missing"
    if meta["schema"] != index_format():
        return None  # another version's index: rebuilt as such
    missing = [table for table in TABLES if table not in tables]
    if missing:
        return f"the {missing[0]} table is missing"
    return _count_mismatch(conn)


def _count_mismatch(conn: sqlite3.Connection) -> str | None:
    def count(sql: str) -> int:
        return int(conn.execute(sql).fetchone()[0] or 0)

    articles, files = count("SELECT count(*) FROM articles"), count("SELECT count(*) FROM files")
    analyses = count("SELECT count(*) FROM analyses")
    if not articles == files == analyses:
        return f"{articles} articles but {files} files and {analyses} analyses"
    paragraphs = count("SELECT count(*) FROM paragraphs")
    declared = count("SELECT sum(paragraph_count) FROM articles")
    if paragraphs != declared:
        return f"{paragraphs} paragraphs where the articles declare {declared}"
    sizes = dict(conn.execute("SELECT name, sum(length(data)) FROM compiled GROUP BY name"))
    terms = count("SELECT count(*) FROM terms")
    expected = {"doc_lengths": 4 * paragraphs, "ptr": 8 * (terms + 1)}
    postings = (sizes.get("docs") or 0) // 4
    # Term frequencies take 1, 2 or 4 bytes a posting (see bot.index.compile).
    tfs_fit = sizes.get("tfs") in {width * postings for width in (1, 2, 4)}
    if any(sizes.get(name) != size for name, size in expected.items()) or not tfs_fit:
        return "the compiled postings do not match the paragraphs and terms"
    return None


def describe(exc: sqlite3.Error, path: Path) -> str:
    """One line for a database that could not be written; the previous index stays."""
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    kept = "the previous index is unchanged"
    if code == sqlite3.SQLITE_READONLY:
        return f"cannot write the index database {path}: it is read-only ({kept})"
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return (
            f"the index database {path} is still locked by another reindex after"
            f" {store.BUSY_TIMEOUT_MS / 1000:g} s:"
            f" try again when it has finished ({kept})"
        )
    if code == sqlite3.SQLITE_FULL:
        return f"the disk is full: cannot write the index database {path} ({kept})"
    return f"cannot write the index database {path}: {exc} ({kept})"
