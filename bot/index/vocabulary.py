"""The term dictionary as stored: term -> id, ids assigned in order of first appearance."""

from __future__ import annotations

import sqlite3
from array import array

import numpy as np
import numpy.typing as npt

from bot.index.analysis import TermRefs

U32 = npt.NDArray[np.uint32]
# The array module's code for a 4-byte unsigned integer ("I" on every platform we know).
_UINT32_CODE = next(code for code in "IL" if array(code).itemsize == 4)


# Terms looked up per query when the vocabulary is not preloaded (SQLite allows 32,766
# parameters a statement since 3.32, 999 before).
_LOOKUP_BATCH = 900


class Vocabulary:
    """Term -> id, from the database and extended as new terms appear.

    `preload` reads every term at once, right for a large reindex; otherwise only the terms
    asked for are looked up (a reindex of a few articles in a million-paragraph index would
    spend longer loading the vocabulary than analysing them).
    """

    def __init__(self, conn: sqlite3.Connection, *, preload: bool = True) -> None:
        self._conn = conn
        self._preloaded = preload
        self._ids: dict[str, int] = (
            dict(conn.execute("SELECT term, id FROM terms").fetchall()) if preload else {}
        )
        # Ids are dense: terms are never deleted.
        self._next = int(conn.execute("SELECT count(*) FROM terms").fetchone()[0])
        self._new: list[tuple[int, str]] = []
        # Each worker's term table, as global ids (see `bot.index.analysis.TermRefs`).
        self._tables: dict[str, array[int]] = {}

    def resolve(self, terms: TermRefs) -> U32:
        """Global ids of an article's terms, adding unseen ones in the article's order."""
        table = self._tables.setdefault(terms.table, array(_UINT32_CODE))
        table.extend(self.ids(list(terms.added)))
        return np.frombuffer(table, dtype=np.uint32)[terms.refs]

    def ids(self, terms: list[str]) -> list[int]:
        """Ids of the terms, adding unseen ones."""
        if not self._preloaded:
            self._look_up([term for term in terms if term not in self._ids])
        found = self._ids.get
        return [
            term_id if (term_id := found(term)) is not None else self._add(term) for term in terms
        ]

    def _look_up(self, terms: list[str]) -> None:
        for start in range(0, len(terms), _LOOKUP_BATCH):
            batch = terms[start : start + _LOOKUP_BATCH]
            marks = ",".join("?" * len(batch))
            query = f"SELECT term, id FROM terms WHERE term IN ({marks})"
            self._ids.update(self._conn.execute(query, batch).fetchall())

    def _add(self, term: str) -> int:
        term_id = self._next
        self._next += 1
        self._ids[term] = term_id
        self._new.append((term_id, term))
        return term_id

    def save(self, conn: sqlite3.Connection) -> None:
        """Insert the terms added since loading."""
        conn.executemany("INSERT INTO terms (id, term) VALUES (?, ?)", self._new)
        self._new = []
