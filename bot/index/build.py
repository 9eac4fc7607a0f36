"""Reindexing: bring the database in line with the corpus folder, in one transaction.

Files are compared by content hash, so unchanged articles are neither re-parsed nor
re-analysed (a file whose size, inode and change times are as recorded is not even read);
many new articles are parsed and analysed in worker processes, and a small change patches
the compiled postings instead of compiling them again. Everything (articles, paragraphs,
new terms, compiled postings) is written in a single SQLite transaction: a failure
anywhere leaves the previous index as it was.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from bot.corpus import (
    ArticleError,
    SkippedFile,
    article_id_for,
    find_article_files,
    read_article_file,
)
from bot.index import health, store
from bot.index.analysis import AnalyzedArticle, Failed, Job, run_jobs
from bot.index.compile import Compiled, article_layout, compile_postings, patch_postings
from bot.index.vocabulary import Vocabulary

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
    rebuilt: str | None = None  # the damage that made it rebuild the database from scratch


@dataclass(frozen=True)
class _Plan:
    """One pass over the corpus folder: what to (re)parse, and which article ids remain."""

    jobs: tuple[Job, ...]
    present: frozenset[str]
    skipped: tuple[SkippedFile, ...]
    restamped: tuple[tuple[str | None, str], ...]  # (stamp, article id): same bytes, new stamp


@dataclass(frozen=True)
class _Known:
    """What the index holds of one file."""

    sha256: str
    stamp: str | None


# A file modified this recently may change again within its timestamp's resolution without
# its stamp changing (git's "racy" files), so it gets no stamp and is hashed next time.
SETTLED_NS = 2_000_000_000


def file_stamp(path: Path, st: os.stat_result | None = None) -> str | None:
    """Size, inode and change times: equal stamps mean the file was not written since.

    The change time (ctime) moves on every write and permission change, and no tool can set
    it, so a copy that keeps the old modification time is still seen as changed. `st` is
    the file's `os.stat` if already taken.
    """
    st = st or os.stat(path)
    if max(st.st_mtime_ns, st.st_ctime_ns) > time.time_ns() - SETTLED_NS:
        return None
    return f"{st.st_size}:{st.st_ino}:{st.st_mtime_ns}:{st.st_ctime_ns}"


class _Counter:
    """Reports files done to the progress callback, across the plan and the parse."""

    def __init__(self, total: int, progress: Progress | None) -> None:
        self.done, self.total, self.progress = 0, total, progress

    def step(self) -> None:
        self.done += 1
        if self.progress:
            self.progress(self.done, self.total)


def reindex(
    corpus: Path, db_path: Path, progress: Progress | None = None, *, workers: int | None = None
) -> ReindexSummary:
    """Update the index at `db_path` from the articles under `corpus`.

    A damaged database (see `bot.index.health`) is deleted and built afresh, and the
    summary says why; any other SQLite failure (read-only, locked, disk full) is a
    StoreError in one line, and the previous index is left as it was.
    """
    damaged = health.damage(db_path)
    if damaged is None:
        try:
            return _reindex(corpus, db_path, progress, workers)
        except sqlite3.Error as exc:
            if not health.is_damage(exc):
                raise store.StoreError(health.describe(exc, db_path)) from exc
            damaged = str(exc)
    aside = health.discard(db_path)
    damaged = f"{damaged}; moved to {aside.name}"
    # The summary says so too: one line for people, and this one for the bot's log.
    log.info("the index database %s was damaged (%s): rebuilding it", db_path, damaged)
    try:
        return replace(_reindex(corpus, db_path, progress, workers), rebuilt=damaged)
    except sqlite3.Error as exc:
        raise store.StoreError(health.describe(exc, db_path)) from exc


def _reindex(
    corpus: Path, db_path: Path, progress: Progress | None, workers: int | None
) -> ReindexSummary:
    started, scanned = time.monotonic(), time.time_ns()
    paths, skipped = find_article_files(corpus)
    counter = _Counter(len(paths), progress)
    new = not os.path.lexists(db_path)
    conn = store.connect(db_path, log=False) if new else store.connect(db_path)
    try:
        with store.transaction(conn):
            store.ensure_schema(conn)
            known = {
                article_id: _Known(sha256, stamp)
                for article_id, sha256, stamp in conn.execute(
                    "SELECT article_id, sha256, stamp FROM files"
                )
            }
            plan = _plan(corpus, paths, known, counter)
            complete = "generation" in store.read_meta(conn)
            before = article_layout(conn) if complete else None
            result = _apply(conn, plan, known, workers, counter)
            # Nothing changed: the compiled postings on disk are already this corpus's, and
            # recompiling a large index would only cost time.
            articles, paragraphs = (
                _finish(conn, before, result) if result.changes or not complete else _counts(conn)
            )
    finally:
        conn.close()
    if new:  # from now on through the log: readers keep their snapshot while it is written
        store.connect(db_path).close()
    # The file's time says when the corpus was last compared (`bot.index.freshness`).
    os.utime(db_path, ns=(scanned, scanned))
    return _summary(plan, result, (articles, paragraphs), tuple(skipped), started)


def _summary(
    plan: _Plan,
    result: _Applied,
    counts: tuple[int, int],
    skipped: tuple[SkippedFile, ...],
    started: float,
) -> ReindexSummary:
    """What a reindex did: `skipped` are files left out before planning (none for a
    targeted one), `counts` the articles and paragraphs now indexed."""
    articles, paragraphs = counts
    return ReindexSummary(
        articles=articles,
        paragraphs=paragraphs,
        added=result.added,
        changed=result.changed,
        removed=result.removed,
        unchanged=len(plan.present) - len(result.added) - len(result.changed) - result.dropped,
        skipped=skipped + plan.skipped + result.skipped,
        seconds=time.monotonic() - started,
    )


def _plan(corpus: Path, paths: list[Path], known: dict[str, _Known], counter: _Counter) -> _Plan:
    """Which files to parse: those whose bytes differ from the indexed version's.

    A file whose stamp (see `file_stamp`) is the one recorded is not even read; otherwise
    its bytes are hashed, as a touched but unchanged file must not be parsed again.
    """
    jobs: list[Job] = []
    present: set[str] = set()
    skipped: list[SkippedFile] = []
    restamped: list[tuple[str | None, str]] = []
    for path in paths:
        relative_path = path.relative_to(corpus)
        relative, article_id = str(relative_path), article_id_for(relative_path)
        previous = known.get(article_id)
        try:
            if shown_name(relative) != relative:  # SQLite, and every reader, need UTF-8
                raise ArticleError("the file name is not valid UTF-8: rename the file")
            if article_id in present:
                raise ArticleError(f"another file already provides the article id {article_id}")
            st = _stat(path)
            stamp = file_stamp(path, st)
            if previous is not None and stamp is not None and stamp == previous.stamp:
                counter.step()
            elif previous is None:
                # A new file is read once, by the worker that parses it (`run_job`), which
                # skips it as this would if it cannot be read: reading it here too, only
                # to learn its size, took 14 s of a million-paragraph build, before any
                # worker started.
                jobs.append(Job(article_id, path, relative, st.st_size, stamp))
            else:
                data = read_article_file(path)
                if previous.sha256 == hashlib.sha256(data).hexdigest():
                    restamped.append((stamp, article_id))
                    counter.step()
                else:
                    jobs.append(Job(article_id, path, relative, len(data), stamp))
            present.add(article_id)
        except ArticleError as exc:
            kept = previous is not None and article_id not in present
            skipped.append(_skip(shown_name(relative), str(exc), kept))
            if previous is not None:
                present.add(article_id)
            counter.step()
    return _Plan(tuple(jobs), frozenset(present), tuple(skipped), tuple(restamped))


def shown_name(relative: str) -> str:
    """A file name as text: bytes that are not UTF-8 (decoded as surrogates) shown as \\xNN."""
    return os.fsencode(relative).decode("utf-8", "backslashreplace")


def _stamp(path: Path) -> str | None:
    return file_stamp(path, _stat(path))


def _stat(path: Path) -> os.stat_result:
    try:
        return os.stat(path)
    except FileNotFoundError as exc:  # as `read_article_file` says it
        raise ArticleError("file vanished while reading") from exc
    except OSError as exc:
        raise ArticleError(f"cannot read: {exc.strerror or exc}") from exc


def _skip(relative: str, reason: str, kept: bool) -> SkippedFile:
    reason = f"{reason} (previous version kept)" if kept else reason
    log.warning("skipped %s: %s", relative, reason)
    return SkippedFile(relative, reason)


# Up to this many articles to (re)parse, their terms are looked up in the database instead of
# loading the whole vocabulary (100k-paragraph benchmark index: loading its 291,831 terms takes
# 0.36 s, looking up one article's ~670 terms 4 ms).
LOOKUP_TERMS_MAX_ARTICLES = 100


@dataclass(frozen=True)
class _Applied:
    added: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]
    skipped: tuple[SkippedFile, ...]
    dropped: int

    @property
    def changes(self) -> bool:
        """Whether any article was added, changed or removed."""
        return bool(self.added or self.changed or self.removed)


def _apply(
    conn: sqlite3.Connection,
    plan: _Plan,
    known: dict[str, _Known],
    workers: int | None,
    counter: _Counter,
) -> _Applied:
    removed = sorted(set(known) - plan.present)
    for article_id in removed:
        _delete_article(conn, article_id)
    conn.executemany("UPDATE files SET stamp = ? WHERE article_id = ?", plan.restamped)
    vocabulary = Vocabulary(conn, preload=len(plan.jobs) > LOOKUP_TERMS_MAX_ARTICLES)
    done: list[str] = []
    skipped: list[SkippedFile] = []
    dropped = 0
    for job, outcome in zip(plan.jobs, run_jobs(list(plan.jobs), workers), strict=True):
        if isinstance(outcome, Failed):
            kept = outcome.job.article_id in known
            skipped.append(_skip(outcome.job.relative, outcome.reason, kept))
            dropped += not kept
        else:
            if outcome.article.id in known:  # a new article has nothing to replace
                _delete_article(conn, outcome.article.id)
            _insert_article(conn, outcome, vocabulary, job.stamp)
            done.append(outcome.article.id)
        counter.step()
    vocabulary.save(conn)
    return _Applied(
        added=tuple(sorted(a for a in done if a not in known)),
        changed=tuple(sorted(a for a in done if a in known)),
        removed=tuple(removed),
        skipped=tuple(skipped),
        dropped=dropped,
    )


def _delete_article(conn: sqlite3.Connection, article_id: str) -> None:
    conn.execute("DELETE FROM analyses WHERE article_id = ?", (article_id,))
    conn.execute("DELETE FROM vectors WHERE article_id = ?", (article_id,))
    conn.execute("DELETE FROM paragraphs WHERE article_id = ?", (article_id,))
    conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))
    conn.execute("DELETE FROM files WHERE article_id = ?", (article_id,))


def _insert_article(
    conn: sqlite3.Connection, analyzed: AnalyzedArticle, vocabulary: Vocabulary, stamp: str | None
) -> None:
    article = analyzed.article
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
    global_ids = vocabulary.resolve(analyzed.terms)
    rows = zip(
        article.paragraphs, analyzed.paragraph_tokens(global_ids), analyzed.sentences, strict=True
    )
    conn.executemany(
        "INSERT INTO paragraphs (article_id, position, text, tokens, sentences)"
        " VALUES (?, ?, ?, ?, ?)",
        ((article.id, position, *row) for position, row in enumerate(rows)),
    )
    conn.execute(
        "INSERT INTO analyses VALUES (?, ?, ?, ?, ?)",
        (
            article.id,
            store.to_blob(analyzed.lengths),
            store.to_blob(analyzed.counts),
            store.to_blob(global_ids[analyzed.term_ids]),
            store.to_blob(analyzed.tfs),
        ),
    )
    conn.execute("INSERT INTO vectors VALUES (?, ?)", (article.id, analyzed.vectors))
    conn.execute(
        "INSERT INTO files VALUES (?, ?, ?, ?)",
        (article.id, analyzed.relative, analyzed.digest, stamp),
    )


def _counts(conn: sqlite3.Connection) -> tuple[int, int]:
    """Articles and paragraphs in the index as it stands."""
    articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    paragraphs = conn.execute("SELECT count(*) FROM paragraphs").fetchone()[0]
    return int(articles), int(paragraphs)


def _finish(
    conn: sqlite3.Connection, before: dict[str, int] | None, result: _Applied
) -> tuple[int, int]:
    _compile(conn, before, result).save(conn)
    generation = int(store.read_meta(conn).get("generation", "0")) + 1
    store.write_meta(
        conn,
        {
            "schema": store.index_format(),
            "generation": str(generation),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        },
    )
    return _counts(conn)


# Patch the previous postings when the touched articles' paragraphs, before and after, are at
# most this share of all paragraphs before and after; a larger change is compiled afresh.
PATCH_MAX_SHARE = 0.1


def _compile(conn: sqlite3.Connection, before: dict[str, int] | None, result: _Applied) -> Compiled:
    """The new postings: patched from the previous ones after a small change.

    Compiling from scratch sorts every posting of the corpus, and after one changed article
    that was most of a reindex's time (the target is 10% of a full build at 100k paragraphs).
    """
    if not before:
        return compile_postings(conn)
    touched = {*result.added, *result.changed, *result.removed}
    after = article_layout(conn)
    touched_paragraphs = sum(before.get(a, 0) + after.get(a, 0) for a in touched)
    if touched_paragraphs > PATCH_MAX_SHARE * (sum(before.values()) + sum(after.values())):
        return compile_postings(conn)
    return patch_postings(conn, before, after, touched)
