"""Reindexing: bring the database in line with the corpus folder, in one transaction.

Files are compared by content hash, so unchanged articles are neither re-read into the parser
nor re-analysed. Everything (articles, paragraphs, new terms, compiled postings) is written
in a single SQLite transaction: a failure anywhere leaves the previous index as it was.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.corpus import (
    Article,
    ArticleError,
    SkippedFile,
    article_id_for,
    find_article_files,
    parse_article,
    read_article_file,
)
from bot.index import store
from bot.index.compile import compile_postings
from bot.text import analyze

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ReindexSummary:
    """What a reindex found and changed."""

    articles: int
    paragraphs: int
    added: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]
    unchanged: int
    skipped: tuple[SkippedFile, ...]
    seconds: float


@dataclass(frozen=True)
class _Scan:
    """One pass over the corpus folder: new or changed articles, and what was kept as is."""

    fresh: dict[str, tuple[Article, str, str]]
    present: frozenset[str]
    skipped: tuple[SkippedFile, ...]


class Vocabulary:
    """Term -> id, loaded from the database and extended as new terms appear."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._ids: dict[str, int] = dict(conn.execute("SELECT term, id FROM terms").fetchall())
        self._new: list[tuple[int, str]] = []

    def ids(self, terms: list[str]) -> list[int]:
        """Ids of the terms, adding unseen ones."""
        found = self._ids.get
        return [
            term_id if (term_id := found(term)) is not None else self._add(term) for term in terms
        ]

    def _add(self, term: str) -> int:
        term_id = len(self._ids)
        self._ids[term] = term_id
        self._new.append((term_id, term))
        return term_id

    def save(self, conn: sqlite3.Connection) -> None:
        """Insert the terms added since loading."""
        conn.executemany("INSERT INTO terms (id, term) VALUES (?, ?)", self._new)
        self._new = []


def reindex(corpus: Path, db_path: Path, progress: Progress | None = None) -> ReindexSummary:
    """Update the index at `db_path` from the articles under `corpus`."""
    started = time.monotonic()
    paths, skipped = find_article_files(corpus)
    conn = store.connect(db_path)
    try:
        known = dict(conn.execute("SELECT article_id, sha256 FROM files").fetchall())
        scan = _scan(corpus, paths, known, progress)
        with store.transaction(conn):
            added, changed, removed = _apply(conn, scan, known)
            articles, paragraphs = _finish(conn)
    finally:
        conn.close()
    return ReindexSummary(
        articles=articles,
        paragraphs=paragraphs,
        added=added,
        changed=changed,
        removed=removed,
        unchanged=len(scan.present) - len(scan.fresh),
        skipped=tuple(
            sorted((*map(_relative(corpus), skipped), *scan.skipped), key=lambda s: s.path)
        ),
        seconds=time.monotonic() - started,
    )


def _relative(corpus: Path) -> Callable[[SkippedFile], SkippedFile]:
    """Skipped-file paths as the operator sees them: relative to the corpus folder."""

    def relative(skipped: SkippedFile) -> SkippedFile:
        path = Path(skipped.path)
        if path.is_absolute() and path.is_relative_to(corpus.absolute()):
            path = path.relative_to(corpus.absolute())
        return SkippedFile(str(path), skipped.reason)

    return relative


def _scan(
    corpus: Path, paths: list[Path], known: dict[str, str], progress: Progress | None
) -> _Scan:
    fresh: dict[str, tuple[Article, str, str]] = {}
    present: set[str] = set()
    skipped: list[SkippedFile] = []
    for done, path in enumerate(paths, start=1):
        relative = str(path.relative_to(corpus))
        article_id = article_id_for(corpus, path)
        try:
            if article_id in present:
                raise ArticleError(f"another file already provides the article id {article_id}")
            data = read_article_file(path)
            digest = hashlib.sha256(data).hexdigest()
            if known.get(article_id) != digest:
                fresh[article_id] = (parse_article(article_id, data, path.suffix), relative, digest)
            present.add(article_id)
        except ArticleError as exc:
            kept = article_id in known and article_id not in present
            reason = f"{exc} (previous version kept)" if kept else str(exc)
            log.warning("skipped %s: %s", relative, reason)
            skipped.append(SkippedFile(relative, reason))
            if kept:
                present.add(article_id)
        if progress:
            progress(done, len(paths))
    return _Scan(fresh=fresh, present=frozenset(present), skipped=tuple(skipped))


def _apply(
    conn: sqlite3.Connection, scan: _Scan, known: dict[str, str]
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    removed = sorted(set(known) - scan.present)
    for article_id in removed:
        _delete_article(conn, article_id)
    vocabulary = Vocabulary(conn)
    for article_id, (article, relative, digest) in scan.fresh.items():
        _delete_article(conn, article_id)
        _insert_article(conn, article, vocabulary)
        conn.execute("INSERT INTO files VALUES (?, ?, ?)", (article_id, relative, digest))
    vocabulary.save(conn)
    added = sorted(a for a in scan.fresh if a not in known)
    changed = sorted(a for a in scan.fresh if a in known)
    return tuple(added), tuple(changed), tuple(removed)


def _delete_article(conn: sqlite3.Connection, article_id: str) -> None:
    conn.execute("DELETE FROM paragraphs WHERE article_id = ?", (article_id,))
    conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))
    conn.execute("DELETE FROM files WHERE article_id = ?", (article_id,))


def _insert_article(conn: sqlite3.Connection, article: Article, vocabulary: Vocabulary) -> None:
    conn.execute(
        "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            article.id,
            article.title,
            article.author,
            article.date,
            article.url,
            article.source,
            article.place,
            article.standfirst,
            len(article.paragraphs),
        ),
    )
    rows = []
    for position, text in enumerate(article.paragraphs):
        terms = analyze(text)
        counts = Counter(vocabulary.ids(terms))
        term_ids = sorted(counts)
        rows.append(
            (
                article.id,
                position,
                text,
                len(terms),
                store.to_blob(term_ids),
                store.to_blob([counts[t] for t in term_ids]),
            )
        )
    conn.executemany(
        "INSERT INTO paragraphs (article_id, position, text, length, term_ids, tfs)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        rows,
    )


def _finish(conn: sqlite3.Connection) -> tuple[int, int]:
    compiled = compile_postings(conn)
    store.write_compiled(conn, compiled.blobs())
    generation = int(store.read_meta(conn).get("generation", "0")) + 1
    store.write_meta(
        conn,
        {
            "schema": store.SCHEMA_VERSION,
            "generation": str(generation),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        },
    )
    articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    return int(articles), compiled.paragraph_count
