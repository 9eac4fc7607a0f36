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
from itertools import chain
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bot import meaning
from bot.corpus import Article, ArticleError, parse_article, read_article_file
from bot.index.chunks import CODE, ChunkCache, CodedParagraph, coded_paragraph
from bot.paragraph import layout_blob, paragraph_tokens
from bot.text import term_of

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
        self._terms: list[str] = []  # in table order

    def __len__(self) -> int:
        return len(self._terms)

    def code(self, term: str | None) -> int:
        """0 for a stop word (None), else the term's table id + 1, adding it if unseen."""
        if term is None:
            return 0
        ref = self._ids.setdefault(term, len(self._terms))
        if ref == len(self._terms):
            self._terms.append(term)
        return ref + 1

    def refer(self, terms: list[str]) -> TermRefs:
        """The table ids of `terms` (distinct), adding the unseen ones."""
        start = len(self._terms)
        refs = [self.code(term) - 1 for term in terms]
        return self.refs(np.array(refs, dtype=np.uint32), start)

    def refs(self, refs: U32, start: int) -> TermRefs:
        """An article's `refs`, sending the terms added since the table held `start`."""
        return TermRefs(self.name, refs, tuple(self._terms[start:]))


class TokenCodes(dict[str, int]):
    """Surface token -> its term's code in one term table (`TermTable.code`), for one
    reindex: every distinct token is stemmed once and found with one dictionary lookup.

    Indexing used to map a token to its term, then number the article's terms in a
    dictionary per article and look each of them up again in the worker's table; at a
    million paragraphs those lookups in dictionaries of hundreds of thousands of terms
    were a sixth of a worker's time.
    """

    def __init__(self, table: TermTable) -> None:
        super().__init__()
        self._table = table

    def __missing__(self, token: str) -> int:
        code = self[token] = self._table.code(term_of(token))
        return code


class AnalysisState:
    """What one process keeps across the articles it analyses during one reindex."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.terms = TermTable()
        self.codes = TokenCodes(self.terms)
        self.embedder = meaning.load_embedder()
        self.chunks = ChunkCache(self.embedder, self.codes.__getitem__)


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
    start = len(state.terms)
    codes: list[bytes] = []  # every token's code in the worker's table, paragraph by paragraph
    model_ids: list[bytes] = []
    sentences: list[bytes] = []
    for text in article.paragraphs:
        coded = coded_paragraph(text, state.chunks) or _coded_by_tokens(text, state)
        codes.append(coded.codes)
        model_ids.append(coded.model_ids)
        sentences.append(coded.sentences)
    token_counts = [len(blob) // CODE.itemsize for blob in codes]
    all_codes = np.frombuffer(b"".join(codes), dtype=CODE).astype(np.int64)
    refs, all_tokens = _number_by_first_appearance(all_codes)
    paragraph = np.repeat(np.arange(len(token_counts), dtype=np.int64), token_counts)
    counted = all_tokens > 0  # stop words (0) are stored but not counted
    # One sort per article instead of a Counter per paragraph: key = paragraph, then term.
    width = max(len(refs), 1)
    keys, tfs = np.unique(paragraph[counted] * width + all_tokens[counted] - 1, return_counts=True)
    return AnalyzedArticle(
        article=article,
        relative=relative,
        digest=digest,
        terms=state.terms.refs(refs, start),
        lengths=np.bincount(paragraph[counted], minlength=len(token_counts)).astype(np.uint32),
        counts=np.bincount(keys // width, minlength=len(token_counts)).astype(np.uint32),
        term_ids=(keys % width).astype(np.uint32),
        tfs=tfs.astype(np.uint32),
        tokens=all_tokens.astype(np.uint32),
        token_counts=np.array(token_counts, dtype=np.uint32),
        sentences=tuple(sentences),
        vectors=meaning.to_blob(_vectors(article.title, model_ids, state.embedder)),
    )


def _coded_by_tokens(text: str, state: AnalysisState) -> CodedParagraph:
    """`coded_paragraph` for text it does not read chunk by chunk: token by token."""
    dealt, spans = paragraph_tokens(text)
    tokens = list(chain.from_iterable(dealt))
    codes = np.fromiter(map(state.codes.__getitem__, tokens), dtype=CODE, count=len(tokens))
    model_ids = state.embedder.token_ids(text).tobytes()
    return CodedParagraph(codes.tobytes(), layout_blob(spans, map(len, dealt)), model_ids)


def _vectors(title: str, model_ids: list[bytes], embedder: meaning.Embedder) -> meaning.Vectors:
    """`paragraph_vectors` from each paragraph's model ids: a passage's chunks are its
    title's, then its paragraph's (`meaning.passage_text` joins them with a line break)."""
    title_ids = embedder.token_ids(title).tobytes()
    return embedder.embed_packed([title_ids + ids for ids in model_ids])


def _number_by_first_appearance(codes: npt.NDArray[np.int64]) -> tuple[U32, npt.NDArray[np.int64]]:
    """The article's terms (table ids) in order of first appearance, and every token as
    its term's place in that order + 1 (0 for a stop word, code 0)."""
    counted = codes > 0
    distinct, first, inverse = np.unique(codes[counted] - 1, return_index=True, return_inverse=True)
    order = np.argsort(first)  # distinct terms have distinct first positions
    local = np.empty(len(distinct), dtype=np.int64)
    local[order] = np.arange(len(distinct), dtype=np.int64)
    tokens = np.zeros(len(codes), dtype=np.int64)
    tokens[counted] = local[inverse.reshape(-1)] + 1
    return distinct[order].astype(np.uint32), tokens


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
