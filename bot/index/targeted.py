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
from dataclasses import replace
from pathlib import Path, PurePosixPath

from bot.corpus import SUPPORTED_SUFFIXES, ArticleError, SkippedFile, read_article_file
from bot.index import health, store
from bot.index.analysis import Job
from bot.index.bm25 import Postings
from bot.index.build import (
    PATCH_MAX_SHARE,
    ReindexSummary,
    _Applied,
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
from bot.index.compile import Compiled, article_layout, narrowest_tf_type, patch_postings
from bot.index.reuse import Held, Written, stored_postings


def reindex_articles(corpus: Path, db_path: Path, article_ids: Iterable[str]) -> ReindexSummary:
    """Update the index for these articles only (added, changed or gone); a full `reindex`
    when the index is not current or their files are not plain (see the module's note)."""
    return reindex_moved(corpus, db_path, article_ids, None)[0]


def reindex_moved(
    corpus: Path, db_path: Path, article_ids: Iterable[str], held: Held | None
) -> tuple[ReindexSummary, Written | None]:
    """As `reindex_articles`; the postings are patched from the `held` ones (a served
    generation's) when the database holds exactly their generation, and then handed back
    with the generation they were written as, for `load_index(written=...)`."""
    if not store.is_current(db_path):
        return reindex(corpus, db_path), None
    files = {article_id: _file_of(corpus, article_id) for article_id in set(article_ids)}
    if any(path is _UNUSUAL for path in files.values()):
        return reindex(corpus, db_path), None
    try:
        return _reindex_articles(corpus, db_path, files, held)
    except sqlite3.Error as exc:
        if health.is_damage(exc):
            return reindex(corpus, db_path), None  # which rebuilds it, and says so
        raise store.StoreError(health.describe(exc, db_path)) from exc


def _reindex_articles(
    corpus: Path, db_path: Path, files: dict[str, Path | None], held: Held | None
) -> tuple[ReindexSummary, Written | None]:
    started = time.monotonic()
    conn = store.connect(db_path)
    written = None
    try:
        with store.transaction(conn):
            known = _known(conn, list(files))
            plan = _plan(corpus, files, known)
            before = article_layout(conn)
            stored = stored_postings(store.read_meta(conn), held)
            result = _apply(conn, plan, known, 1, _Counter(len(files), None))
            # As a full reindex: nothing to recompile when no article changed.
            if not result.changes:
                counts = _counts(conn)
            elif stored is not None and (patched := _patch(conn, before, result, stored)):
                counts, written = patched
            else:
                counts = _finish(conn, before, result)
    finally:
        conn.close()
    return _summary(plan, result, counts, (), started), written


def _patch(
    conn: sqlite3.Connection, before: dict[str, int], result: _Applied, stored: Postings
) -> tuple[tuple[int, int], Written] | None:
    """As `bot.index.build._finish` after a small change, from the stored postings held in
    memory; None when the change is too large to patch (`_finish` compiles afresh)."""
    touched = {*result.added, *result.changed, *result.removed}
    after = article_layout(conn)
    share = sum(before.get(a, 0) + after.get(a, 0) for a in touched)
    if not before or share > PATCH_MAX_SHARE * (sum(before.values()) + sum(after.values())):
        return None
    patched = patch_postings(conn, before, after, touched, stored).postings
    # Served as Compiled.load would read them back: term frequencies in their stored width.
    narrow = patched.tfs.astype(narrowest_tf_type(patched.tfs), copy=False)
    compiled = Compiled(replace(patched, tfs=narrow))
    compiled.save(conn)
    meta = store.read_meta(conn)
    generation = int(meta.get("generation", "0")) + 1
    store.write_meta(
        conn,
        {
            "schema": store.index_format(),
            "generation": str(generation),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        },
    )
    return _counts(conn), Written(meta.get("lineage"), generation, compiled)


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
