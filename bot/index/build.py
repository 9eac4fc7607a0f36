"""Reindexing: bring the database in line with the corpus folder, in one transaction.

Files are compared by content hash, so unchanged articles are neither re-read into the parser
nor re-analysed; many new articles are parsed and analysed in worker processes. Everything
(articles, paragraphs, new terms, compiled postings) is written in a single SQLite
transaction: a failure anywhere leaves the previous index as it was.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.corpus import (
    ArticleError,
    SkippedFile,
    article_id_for,
    find_article_files,
    read_article_file,
)
from bot.index import store
from bot.index.analysis import AnalyzedArticle, Failed, Job, run_jobs
from bot.index.compile import compile_postings
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


@dataclass(frozen=True)
class _Plan:
    """One pass over the corpus folder: what to (re)parse, and which article ids remain."""

    jobs: tuple[Job, ...]
    present: frozenset[str]
    skipped: tuple[SkippedFile, ...]


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
    """Update the index at `db_path` from the articles under `corpus`."""
    started = time.monotonic()
    paths, skipped = find_article_files(corpus)
    counter = _Counter(len(paths), progress)
    conn = store.connect(db_path)
    try:
        with store.transaction(conn):
            store.ensure_schema(conn)
            known = dict(conn.execute("SELECT article_id, sha256 FROM files").fetchall())
            plan = _plan(corpus, paths, known, counter)
            complete = "generation" in store.read_meta(conn)
            result = _apply(conn, plan, known, workers, counter)
            # Nothing changed: the compiled postings on disk are already this corpus's, and
            # recompiling a large index would only cost time.
            articles, paragraphs = (
                _finish(conn) if result.changes or not complete else _counts(conn)
            )
    finally:
        conn.close()
    return ReindexSummary(
        articles=articles,
        paragraphs=paragraphs,
        added=result.added,
        changed=result.changed,
        removed=result.removed,
        unchanged=len(plan.present) - len(result.added) - len(result.changed) - result.dropped,
        skipped=tuple(skipped) + plan.skipped + result.skipped,
        seconds=time.monotonic() - started,
    )


def _plan(corpus: Path, paths: list[Path], known: dict[str, str], counter: _Counter) -> _Plan:
    jobs: list[Job] = []
    present: set[str] = set()
    skipped: list[SkippedFile] = []
    for path in paths:
        relative = str(path.relative_to(corpus))
        article_id = article_id_for(corpus, path)
        try:
            if article_id in present:
                raise ArticleError(f"another file already provides the article id {article_id}")
            data = read_article_file(path)
            if known.get(article_id) == hashlib.sha256(data).hexdigest():
                counter.step()
            else:
                jobs.append(Job(article_id, path, relative, len(data)))
            present.add(article_id)
        except ArticleError as exc:
            skipped.append(
                _skip(relative, str(exc), article_id in known and article_id not in present)
            )
            if article_id in known:
                present.add(article_id)
            counter.step()
    return _Plan(jobs=tuple(jobs), present=frozenset(present), skipped=tuple(skipped))


def _skip(relative: str, reason: str, kept: bool) -> SkippedFile:
    reason = f"{reason} (previous version kept)" if kept else reason
    log.warning("skipped %s: %s", relative, reason)
    return SkippedFile(relative, reason)


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
    known: dict[str, str],
    workers: int | None,
    counter: _Counter,
) -> _Applied:
    removed = sorted(set(known) - plan.present)
    for article_id in removed:
        _delete_article(conn, article_id)
    vocabulary = Vocabulary(conn)
    done: list[str] = []
    skipped: list[SkippedFile] = []
    dropped = 0
    for outcome in run_jobs(list(plan.jobs), workers):
        if isinstance(outcome, Failed):
            kept = outcome.job.article_id in known
            skipped.append(_skip(outcome.job.relative, outcome.reason, kept))
            dropped += not kept
        else:
            if outcome.article.id in known:  # a new article has nothing to replace
                _delete_article(conn, outcome.article.id)
            _insert_article(conn, outcome, vocabulary)
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
    conn.execute("DELETE FROM paragraphs WHERE article_id = ?", (article_id,))
    conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))
    conn.execute("DELETE FROM files WHERE article_id = ?", (article_id,))


def _insert_article(
    conn: sqlite3.Connection, analyzed: AnalyzedArticle, vocabulary: Vocabulary
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
    conn.execute(
        "INSERT INTO files VALUES (?, ?, ?)", (article.id, analyzed.relative, analyzed.digest)
    )


def _counts(conn: sqlite3.Connection) -> tuple[int, int]:
    """Articles and paragraphs in the index as it stands."""
    articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    paragraphs = conn.execute("SELECT count(*) FROM paragraphs").fetchone()[0]
    return int(articles), int(paragraphs)


def _finish(conn: sqlite3.Connection) -> tuple[int, int]:
    compiled = compile_postings(conn)
    compiled.save(conn)
    generation = int(store.read_meta(conn).get("generation", "0")) + 1
    store.write_meta(
        conn,
        {
            "schema": store.index_format(),
            "generation": str(generation),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        },
    )
    articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    return int(articles), compiled.paragraph_count
