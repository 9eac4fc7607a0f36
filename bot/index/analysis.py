"""Parse and analyze new articles, in worker processes when there are many.

Workers return each article's paragraphs as counts over the article's own term list (in order
of first appearance), plus each paragraph's tokens over that list and its sentences
(see `bot.paragraph`); the parent maps those terms to global ids in article order, so the
database is the same whatever the number of workers.

Terms travel as references into the worker's own term table (`TermRefs`): an article sends
the strings of only the terms its worker had not seen before, and the parent maps the rest
with one array lookup instead of a dictionary lookup per term (at a million paragraphs that
was the parent's largest cost, and the parent is the one process that cannot be parallel).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import secrets
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bot import meaning
from bot.corpus import Article, ArticleError, parse_article, read_article_file
from bot.paragraph import analyse_paragraph
from bot.text import TermCache

U32 = npt.NDArray[np.uint32]

# Below this many bytes of new articles, starting worker processes costs more than it saves.
PARALLEL_MIN_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class Job:
    """One new or changed article file to parse and analyze."""

    article_id: str
    path: Path
    relative: str
    size: int
    stamp: str | None = None  # see `bot.index.build.file_stamp`


@dataclass(frozen=True)
class TermRefs:
    """An article's terms (local ids 0..n-1) as ids in its worker's term table.

    `table` names the table (one per process and reindex); `added` holds the terms this
    article added to it, in table order, so the parent can keep a copy of every table.
    """

    table: str
    refs: U32
    added: tuple[str, ...]


class TermTable:
    """One worker's terms, numbered in the order it met them."""

    def __init__(self) -> None:
        self.name = secrets.token_hex(8)
        self._ids: dict[str, int] = {}

    def refer(self, terms: list[str]) -> TermRefs:
        """The table ids of `terms` (distinct), adding the unseen ones."""
        start, ids = len(self._ids), self._ids
        refs = [ids.setdefault(term, len(ids)) for term in terms]
        added = tuple(term for term, ref in zip(terms, refs, strict=True) if ref >= start)
        return TermRefs(self.name, np.array(refs, dtype=np.uint32), added)


class AnalysisState:
    """What one process keeps across the articles it analyses during one reindex."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.stems = TermCache()  # each distinct token is stemmed once per reindex
        self.terms = TermTable()


_state: AnalysisState | None = None


def _process_state() -> AnalysisState:
    """This worker process's state (a forked worker must not reuse its parent's)."""
    global _state
    if _state is None or _state.pid != os.getpid():
        _state = AnalysisState()
    return _state


@dataclass(frozen=True)
class AnalyzedArticle:
    """An article, its paragraphs' term counts and their tokens, over `terms` (local ids).

    `tokens` holds every paragraph's tokens in turn (local id + 1, 0 for a stop word),
    `token_counts` how many each paragraph has; `sentences` are the encoded layouts.
    """

    article: Article
    relative: str
    digest: str
    terms: TermRefs
    lengths: U32
    counts: U32
    term_ids: U32
    tfs: U32
    tokens: U32
    token_counts: U32
    sentences: tuple[bytes, ...]
    vectors: bytes  # each paragraph's meaning vector, in order (`bot.meaning.to_blob`)

    def paragraph_tokens(self, global_ids: U32) -> list[bytes]:
        """Each paragraph's token blob with local ids replaced by global ones."""
        if not len(self.token_counts):
            return []
        lookup = np.concatenate((np.zeros(1, dtype=np.uint32), global_ids + 1))
        ends = np.cumsum(self.token_counts)[:-1]
        return [part.tobytes() for part in np.split(lookup[self.tokens].astype("<u4"), ends)]


@dataclass(frozen=True)
class Failed:
    """A file that could not be read or parsed (an ArticleError, not a crash)."""

    job: Job
    reason: str


def analyze_article(
    article: Article, relative: str, digest: str, state: AnalysisState | None = None
) -> AnalyzedArticle:
    """Count each paragraph's terms, numbering terms in order of first appearance.

    `state` defaults to this process's state for the current reindex.
    """
    state = state or _process_state()
    local: dict[str, int] = {}
    tokens: list[bytes] = []
    sentences: list[bytes] = []
    for text in article.paragraphs:
        paragraph_tokens, layout = analyse_paragraph(text, state.stems.__getitem__).encode(local)
        tokens.append(paragraph_tokens)
        sentences.append(layout)
    token_counts = np.array([len(blob) // 4 for blob in tokens], dtype=np.int64)
    all_tokens = np.frombuffer(b"".join(tokens), dtype="<u4").astype(np.int64)
    paragraph = np.repeat(np.arange(len(tokens), dtype=np.int64), token_counts)
    counted = all_tokens > 0  # stop words (0) are stored but not counted
    # One sort per article instead of a Counter per paragraph: key = paragraph, then term.
    width = max(len(local), 1)
    keys, tfs = np.unique(paragraph[counted] * width + all_tokens[counted] - 1, return_counts=True)
    return AnalyzedArticle(
        article=article,
        relative=relative,
        digest=digest,
        terms=state.terms.refer(list(local)),
        lengths=np.bincount(paragraph[counted], minlength=len(tokens)).astype(np.uint32),
        counts=np.bincount(keys // width, minlength=len(tokens)).astype(np.uint32),
        term_ids=(keys % width).astype(np.uint32),
        tfs=tfs.astype(np.uint32),
        tokens=all_tokens.astype(np.uint32),
        token_counts=token_counts.astype(np.uint32),
        sentences=tuple(sentences),
        vectors=meaning.to_blob(paragraph_vectors(article)),
    )


def paragraph_vectors(article: Article) -> meaning.Vectors:
    """The meaning vector of each paragraph, read with its article's title."""
    texts = [meaning.passage_text(article.title, text) for text in article.paragraphs]
    return meaning.load_embedder().embed(texts)


def run_job(job: Job, state: AnalysisState | None = None) -> AnalyzedArticle | Failed:
    """Read, hash, parse and analyze one file (the hash is of the bytes actually parsed).

    Without `state` (in a worker process), the process's own state is used.
    """
    try:
        data = read_article_file(job.path)
        digest = hashlib.sha256(data).hexdigest()
        article = parse_article(job.article_id, data, job.path.suffix)
    except ArticleError as exc:
        return Failed(job, str(exc))
    try:
        return analyze_article(article, job.relative, digest, state)
    except TimeoutError:  # nltk's wall-clock limit on a regular expression scan
        return Failed(job, "its text took too long to split into sentences")


def _start_method() -> str:
    """fork when it is safe (it starts fast and needs no importable __main__), else spawn.

    The Discord bot reindexes from a worker thread, and forking a threaded process can copy
    a lock held by another thread into the child.
    """
    return "fork" if sys.platform == "linux" and threading.active_count() == 1 else "spawn"


def run_jobs(jobs: list[Job], workers: int | None = None) -> Iterator[AnalyzedArticle | Failed]:
    """Results in job order; in a process pool when the new text is large enough."""
    if workers is None:
        big = sum(job.size for job in jobs) >= PARALLEL_MIN_BYTES
        workers = min(os.cpu_count() or 1, 8) if big else 1
    if workers <= 1 or len(jobs) < 2:
        # A state of its own: reindexes running in threads of one process must not share
        # a term table (each parent keeps its own copy of the tables it has seen).
        state = AnalysisState()
        yield from (run_job(job, state) for job in jobs)
        return
    # Worker processes start with no state and end with the pool.
    with multiprocessing.get_context(_start_method()).Pool(workers) as pool:
        yield from pool.imap(run_job, jobs, chunksize=8)
