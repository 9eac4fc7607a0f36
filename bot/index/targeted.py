"""Reindexing named articles only: the rest of the corpus folder is not looked at.

A reindex compares every file of the folder with the index (at 100k paragraphs, 10,000
files: about half a second) even when the caller knows the one article it just wrote or
moved. Here only the files that may provide the named article ids are looked at; the
database is updated in one transaction exactly as a reindex would update it for them
(same parsing, same compiled postings). Anything out of the ordinary about those files (two
files for one id, a symbolic link, a damaged or outdated index) is left to a full reindex,
which knows how to report it. The index file's time, which says when the whole folder was
last compared (`bot.index.freshness`), is not changed: that is the caller's to decide.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import time
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from bot.corpus import SUPPORTED_SUFFIXES, ArticleError, SkippedFile, read_article_file
from bot.index import health, store
from bot.index.analysis import Job
from bot.index.build import (
    ReindexSummary,
    _apply,
    _Counter,
    _counts,
    _finish,
    _Known,
    _Plan,
    _skip,
    _stamp,
    _summary,
    reindex,
    shown_name,
)
from bot.index.compile import article_layout


def reindex_articles(corpus: Path, db_path: Path, article_ids: Iterable[str]) -> ReindexSummary:
    """Update the index for these articles only (added, changed or gone); a full `reindex`
    when the index is not current or their files are not plain (see the module's note)."""
    if not store.is_current(db_path):
        return reindex(corpus, db_path)
    files = {article_id: _file_of(corpus, article_id) for article_id in set(article_ids)}
    if any(path is _UNUSUAL for path in files.values()):
        return reindex(corpus, db_path)
    try:
        return _reindex_articles(corpus, db_path, files)
    except sqlite3.Error as exc:
        if health.is_damage(exc):
            return reindex(corpus, db_path)  # which rebuilds it, and says so
        raise store.StoreError(health.describe(exc, db_path)) from exc


def _reindex_articles(corpus: Path, db_path: Path, files: dict[str, Path | None]) -> ReindexSummary:
    started = time.monotonic()
    conn = store.connect(db_path)
    try:
        with store.transaction(conn):
            known = _known(conn, list(files))
            plan = _plan(corpus, files, known)
            before = article_layout(conn)
            result = _apply(conn, plan, known, 1, _Counter(len(files), None))
            # As a full reindex: nothing to recompile when no article changed.
            articles, paragraphs = (
                _finish(conn, before, result) if result.changes else _counts(conn)
            )
    finally:
        conn.close()
    return _summary(plan, result, (articles, paragraphs), (), started)


# Marks an article whose files only a full reindex handles as it should.
_UNUSUAL = Path("\0")


def _file_of(corpus: Path, article_id: str) -> Path | None:
    """The one plain file providing this id, None if none, `_UNUSUAL` otherwise."""
    parts = PurePosixPath(article_id).parts
    if not parts or any(p in ("", ".", "..") or p.startswith(".") for p in parts):
        return _UNUSUAL
    folder = corpus.joinpath(*parts[:-1])
    try:
        if folder != corpus and os.path.realpath(folder) != os.path.join(
            os.path.realpath(corpus), *parts[:-1]
        ):
            return _UNUSUAL  # a symbolic link on the way: the scan has rules for those
        names = [n for n in os.listdir(folder) if _provides(n, parts[-1])]
    except FileNotFoundError:
        return None
    except OSError:
        return _UNUSUAL
    if not names:
        return None
    if len(names) > 1:
        return _UNUSUAL
    path = folder / names[0]
    mode = os.lstat(path).st_mode
    return path if stat.S_ISREG(mode) and os.stat(path).st_nlink == 1 else _UNUSUAL


def _provides(name: str, stem: str) -> bool:
    base, dot, suffix = name.rpartition(".")
    return bool(dot) and base == stem and f".{suffix.lower()}" in SUPPORTED_SUFFIXES


def _known(conn: sqlite3.Connection, article_ids: list[str]) -> dict[str, _Known]:
    known = {}
    for article_id in article_ids:
        row = conn.execute(
            "SELECT sha256, stamp FROM files WHERE article_id = ?", (article_id,)
        ).fetchone()
        if row is not None:
            known[article_id] = _Known(row[0], row[1])
    return known


def _plan(corpus: Path, files: dict[str, Path | None], known: dict[str, _Known]) -> _Plan:
    """As the full reindex plans each of these files (see `bot.index.build._plan`)."""
    jobs: list[Job] = []
    present: set[str] = set()
    skipped: list[SkippedFile] = []
    restamped: list[tuple[str | None, str]] = []
    for article_id, path in sorted(files.items()):
        if path is None:
            continue
        relative = str(path.relative_to(corpus))
        previous = known.get(article_id)
        present.add(article_id)
        try:
            if shown_name(relative) != relative:
                raise ArticleError("the file name is not valid UTF-8: rename the file")
            stamp = _stamp(path)
            if previous is not None and stamp is not None and stamp == previous.stamp:
                continue
            data = read_article_file(path)
            if previous is not None and previous.sha256 == hashlib.sha256(data).hexdigest():
                restamped.append((stamp, article_id))
            else:
                jobs.append(Job(article_id, path, relative, len(data), stamp))
        except ArticleError as exc:
            if previous is None:
                present.discard(article_id)
            skipped.append(_skip(shown_name(relative), str(exc), previous is not None))
    return _Plan(tuple(jobs), frozenset(present), tuple(skipped), tuple(restamped))
