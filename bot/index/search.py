"""A loaded, immutable index: BM25 scoring plus the paragraph texts and article metadata.

A `SearchIndex` pins one consistent snapshot of the database (an open read transaction on a
WAL database), so a reindex can commit underneath it while it keeps answering from the old
generation. Swapping in the new index is assigning a new `SearchIndex`; `close()` the old one.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import sqlite3
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits

from bot import meaning
from bot.index import reuse, store
from bot.index.bm25 import Bm25Params, Bm25Scorer
from bot.index.compile import Compiled
from bot.index.reuse import Held, Written
from bot.meaning import Vectors
from bot.paragraph import ParagraphAnalysis

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class IndexedArticle:
    """An article's metadata and where its paragraphs sit among the document numbers."""

    id: str
    title: str
    author: str | None
    date: str | None
    url: str | None
    source: str | None
    paragraph_count: int
    first_doc: int


@dataclass(frozen=True)
class StoredParagraph:
    """One paragraph, verbatim, with its article and its analysis as indexed."""

    doc: int
    article: IndexedArticle
    position: int
    text: str
    analysis: ParagraphAnalysis


@dataclass(frozen=True)
class SearchIndex:
    """Everything needed to answer questions from one generation of the database."""

    scorer: Bm25Scorer
    compiled: Compiled
    vocabulary: dict[str, int]
    articles: tuple[IndexedArticle, ...]
    generation: int
    _conn: sqlite3.Connection
    # Every paragraph's meaning vector; None past `VECTORS_IN_MEMORY_LIMIT`, where the few
    # vectors a question needs are read on demand.
    vectors: Vectors | None = field(
        default_factory=lambda: np.zeros((0, meaning.DIMENSIONS), np.float16)
    )
    # What the next generation's load may keep of this one (`bot.index.reuse`).
    lineage: str | None = None
    digests: Mapping[str, str] = field(default_factory=dict)
    _by_id: dict[str, IndexedArticle] = field(init=False)
    _starts: list[int] = field(init=False)
    _terms: list[str | None] = field(init=False)
    _scan: FloatArray = field(init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {a.id: a for a in self.articles})
        object.__setattr__(self, "_starts", [a.first_doc for a in self.articles])
        object.__setattr__(self, "_terms", _terms_by_id(self.vocabulary))
        object.__setattr__(self, "_scan", _scan_matrix(self.vectors))

    @property
    def paragraph_count(self) -> int:
        """Number of indexed paragraphs."""
        return self.compiled.paragraph_count

    def article(self, article_id: str) -> IndexedArticle | None:
        """The article with this id, if indexed."""
        return self._by_id.get(article_id)

    def idf_of(self, terms: list[str]) -> dict[str, float]:
        """BM25 idf of each known term (a term the corpus never uses is left out)."""
        idf = self.scorer.idf
        known = ((term, self.vocabulary.get(term)) for term in terms)
        return {term: float(idf[term_id]) for term, term_id in known if term_id is not None}

    def term_ids(self, terms: list[str]) -> list[int]:
        """Ids of query terms; terms never seen in the corpus get -1 (they score nothing)."""
        return [self.vocabulary.get(term, -1) for term in terms]

    def search(
        self, terms: list[str], k: int, article_id: str | None = None
    ) -> list[tuple[int, float]]:
        """The k best (document number, BM25 score), optionally within one article."""
        allowed = None
        if article_id is not None:
            article = self._by_id[article_id]
            allowed = np.arange(article.first_doc, article.first_doc + article.paragraph_count)
        return self.scorer.top(self.term_ids(terms), k, allowed)

    def bm25_of(self, terms: list[str], docs: list[int]) -> npt.NDArray[np.float64]:
        """The BM25 scores of these paragraphs only."""
        return self.scorer.scores_of(self.term_ids(terms), np.asarray(docs, dtype=np.int64))

    def similarities(self, question: FloatArray, docs: list[int]) -> FloatArray:
        """Cosine similarity of the question's vector to each of these paragraphs'."""
        rows = self.vectors[docs] if self.vectors is not None else self._read_vectors(docs)
        return rows.astype(np.float32) @ question

    def _read_vectors(self, docs: list[int]) -> Vectors:
        """These paragraphs' vectors, read from the pinned snapshot (one query per 256)."""
        keys = [self._locate(doc) for doc in docs]
        rows: dict[tuple[str, int], bytes] = {}
        for first in range(0, len(keys), _BATCH):
            chunk = keys[first : first + _BATCH]
            params = [x for article, position in chunk for x in (article.id, position)]
            with self._lock:
                found = self._conn.execute(_vector_query(len(chunk)), params).fetchall()
            rows.update(((a, p), blob) for a, p, blob in found)
        try:
            return meaning.from_blob(b"".join(rows[a.id, position] for a, position in keys))
        except (KeyError, ValueError) as exc:  # a missing or short row: a damaged index
            raise store.StoreError(f"the index holds no meaning vector for {exc}") from exc

    def nearest(self, question: FloatArray, k: int, article_id: str | None = None) -> list[int]:
        """The k paragraphs closest in meaning (a full scan: see `DENSE_SCAN_LIMIT`)."""
        first, end = 0, len(self._scan)
        if article_id is not None:
            article = self._by_id[article_id]
            first, end = article.first_doc, article.first_doc + article.paragraph_count
        if end <= first:
            return []
        sims = self._scan[first:end] @ question[:SCAN_DIMENSIONS]
        k = min(k, len(sims))
        best = np.argpartition(-sims, k - 1)[:k]
        return [first + int(d) for d in best[np.lexsort((best, -sims[best]))]]

    def paragraph(self, doc: int) -> StoredParagraph:
        """A paragraph by document number, read from the pinned snapshot."""
        return self.paragraphs([doc])[0]

    def paragraphs(self, docs: list[int]) -> list[StoredParagraph]:
        """Paragraphs by document number, in the order given, read in one query per 256."""
        keys = [self._locate(doc) for doc in docs]
        rows: dict[tuple[str, int], tuple[str, bytes, bytes]] = {}
        for first in range(0, len(keys), _BATCH):
            chunk = keys[first : first + _BATCH]
            params = [x for article, position in chunk for x in (article.id, position)]
            with self._lock:
                found = self._conn.execute(_batch_query(len(chunk)), params).fetchall()
            rows.update(((a, p), (t, tokens, sentences)) for a, p, t, tokens, sentences in found)
        return [
            self._stored(doc, article, position, *rows[article.id, position])
            for doc, (article, position) in zip(docs, keys, strict=True)
        ]

    def _stored(
        self,
        doc: int,
        article: IndexedArticle,
        position: int,
        text: str,
        tokens: bytes,
        sentences: bytes,
    ) -> StoredParagraph:
        analysis = ParagraphAnalysis.decode(tokens, sentences, self._terms)
        return StoredParagraph(doc, article, position, text, analysis)

    def _locate(self, doc: int) -> tuple[IndexedArticle, int]:
        article = self.articles[bisect.bisect_right(self._starts, doc) - 1]
        return article, doc - article.first_doc

    def paragraph_at(self, article_id: str, position: int) -> StoredParagraph | None:
        """A paragraph by article id and 0-based position, if it exists."""
        article = self._by_id.get(article_id)
        if article is None or not 0 <= position < article.paragraph_count:
            return None
        return self.paragraph(article.first_doc + position)

    def held(self) -> Held:
        """What loading the next generation may take from this one instead of reading it."""
        return Held(
            self.lineage,
            self.vocabulary,
            self.digests,
            self._by_id,
            self.vectors,
            self.generation,
            self.compiled.postings,
        )

    def repin(self, db_path: Path) -> bool:
        """Go on reading this generation through a snapshot taken now, if the database still
        holds it (nothing written since): whether it did.

        A snapshot taken once the write-ahead log has been copied into the database reads
        the database alone, and only then can the log start over instead of growing by
        every generation written while one is pinned (`bot.collections.serving`).
        """
        if self.lineage is None:  # an index older than lineages: generations may repeat
            return False
        try:
            conn = store.connect(db_path, readonly=True)
        except store.StoreError:
            return False
        try:
            conn.execute("BEGIN")
            meta = store.read_meta(conn)
        except sqlite3.Error:
            conn.close()
            return False
        if meta.get("generation") != str(self.generation) or meta.get("lineage") != self.lineage:
            conn.close()  # another generation: the arrays held are not its
            return False
        with self._lock:
            old = self._conn
            object.__setattr__(self, "_conn", conn)
        old.close()
        return True

    def close(self) -> None:
        """End the snapshot (after the index has been swapped out)."""
        with self._lock:
            self._conn.close()

    def __del__(self) -> None:
        # The snapshot ends when the last user lets go of the index: a sqlite3 connection
        # sits in a reference cycle (its statement cache), so, left to itself, it would be
        # closed by the next full garbage collection, pinning an old generation (and all of
        # the write-ahead log written since) until then.
        with contextlib.suppress(Exception):  # at interpreter exit sqlite3 may be gone
            self._conn.close()


# Paragraphs up to which every question also scans all vectors for candidates BM25 missed
# (the collections of a server or two, where they help most: a scan of 50k costs about
# 1 ms); past it, meaning only re-ranks BM25's candidates, so that answering stays within
# its time budget at 100k and 1M paragraphs.
DENSE_SCAN_LIMIT = 50_000

# Paragraphs up to which every vector is held in memory (128 MB at the limit). Past it, a
# question reads its candidates' vectors from the database: at a million paragraphs,
# reading them all took 2.6 s of the start-up and 512 MB of memory, while on demand costs
# about 1 ms an answer (benchmarks/speed.py, session 11). The scan needs them all.
VECTORS_IN_MEMORY_LIMIT = max(DENSE_SCAN_LIMIT, 250_000)

# The scan compares the vectors' first dimensions only (WordLlama is trained so that a
# prefix is a coarser embedding of its own); candidates are then scored on all of them.
SCAN_DIMENSIONS = 64


def _scan_matrix(vectors: Vectors | None) -> FloatArray:
    """The float32 prefix the dense scan multiplies by (empty past `DENSE_SCAN_LIMIT`)."""
    if vectors is None or len(vectors) > DENSE_SCAN_LIMIT:
        return np.zeros((0, SCAN_DIMENSIONS), dtype=np.float32)
    prefix = np.ascontiguousarray(vectors[:, :SCAN_DIMENSIONS], dtype=np.float32)
    norms = np.linalg.norm(prefix, axis=1, keepdims=True)
    np.divide(prefix, norms, out=prefix, where=norms > 0)
    return prefix


# Keys per batch query: well under SQLite's bound-parameter limit, and one query for the
# re-ranker's candidates.
_BATCH = 256


@functools.lru_cache(maxsize=64)
def _vector_query(size: int) -> str:
    # As `_batch_query`: one primary-key lookup per article, and only the row's bytes.
    keys = ",".join(["(?,?)"] * size)
    width = meaning.DIMENSIONS * meaning.VECTOR_DTYPE.itemsize
    return (
        f"SELECT k.column1, k.column2, substr(v.data, k.column2 * {width} + 1, {width})"
        f" FROM (VALUES {keys}) AS k CROSS JOIN vectors AS v ON v.article_id = k.column1"
    )


@functools.lru_cache(maxsize=64)
def _batch_query(size: int) -> str:
    # CROSS JOIN keeps the keys as the outer loop: one primary-key lookup each. The
    # row-value form `(article_id, position) IN (VALUES ...)` scans the whole table.
    keys = ",".join(["(?,?)"] * size)
    return (
        "SELECT k.column1, k.column2, p.text, p.tokens, p.sentences"
        f" FROM (VALUES {keys}) AS k CROSS JOIN paragraphs AS p"
        " ON p.article_id = k.column1 AND p.position = k.column2"
    )


def load_index(
    db_path: Path,
    params: Bm25Params | None = None,
    *,
    previous: SearchIndex | None = None,
    written: Written | None = None,
) -> SearchIndex:
    """Load the newest complete index from the database and pin its snapshot.

    With `previous` (an earlier generation of the same database, still open or not), what
    it holds unchanged is kept instead of read again: the answers are the same. So are the
    postings `written` by the reindex just done, if the newest generation is theirs.
    """
    _one_blas_thread()
    conn = store.connect(db_path, readonly=True)
    try:
        conn.execute("BEGIN")
        meta = store.read_meta(conn)
        if "generation" not in meta:
            raise store.StoreError(f"{db_path} holds no complete index: run `citebot index`")
        store.check_schema(conn, db_path)
        compiled = reuse.written_compiled(meta, written) or Compiled.load(conn)
        held = reuse.keeps(previous.held() if previous else None, meta.get("lineage"))
        vocabulary = reuse.read_vocabulary(conn, held)
        articles = _read_articles(conn)
        digests = reuse.read_digests(conn)
        vectors = _read_vectors(conn, articles, compiled.paragraph_count, digests, held)
        # Loading filled the connection's page cache (about 2 MB); answering reads a few
        # pages, so it goes: 100 collections of 1,000 paragraphs took 182 MB less.
        conn.execute("PRAGMA shrink_memory")
    except sqlite3.Error as exc:
        conn.close()
        raise store.StoreError(f"cannot read the index in {db_path}: {exc}") from exc
    except BaseException:
        conn.close()
        raise
    return SearchIndex(
        scorer=Bm25Scorer.build(compiled.postings, params or Bm25Params()),
        compiled=compiled,
        vocabulary=vocabulary,
        articles=articles,
        generation=int(meta["generation"]),
        _conn=conn,
        vectors=vectors,
        lineage=meta.get("lineage"),
        digests=digests,
    )


@functools.lru_cache(maxsize=1)
def _one_blas_thread() -> None:
    """Answer with one BLAS thread per process.

    Answering multiplies small matrices, where OpenBLAS's threads cost more than they save,
    most of all on a busy machine: scanning 100,000 vectors took 12.8 ms with two threads
    and 2.1 ms with one on this project's 2-core test machine.
    """
    threadpool_limits(limits=1, user_api="blas")


def _read_vectors(
    conn: sqlite3.Connection,
    articles: tuple[IndexedArticle, ...],
    count: int,
    digests: Mapping[str, str],
    held: Held | None,
) -> Vectors | None:
    """Every paragraph's meaning vector, in document order (articles by id), up to
    `VECTORS_IN_MEMORY_LIMIT` paragraphs; past it none (they are read on demand)."""
    if count > VECTORS_IN_MEMORY_LIMIT:
        return None
    if sum(a.paragraph_count for a in articles) != count:
        raise store.StoreError(f"the index's articles do not have its {count} paragraphs")
    return reuse.read_vectors(conn, articles, digests, held)


def _terms_by_id(vocabulary: dict[str, int]) -> list[str | None]:
    """Term id + 1 -> term, None first: the table `ParagraphAnalysis.decode` reads."""
    terms: list[str | None] = [None] * (len(vocabulary) + 1)
    for term, term_id in vocabulary.items():
        terms[term_id + 1] = term
    return terms


def _read_articles(conn: sqlite3.Connection) -> tuple[IndexedArticle, ...]:
    rows = conn.execute(
        "SELECT id, title, author, date, url, source, paragraph_count FROM articles ORDER BY id"
    ).fetchall()
    articles, first_doc = [], 0
    for article_id, title, author, date, url, source, count in rows:
        articles.append(
            IndexedArticle(article_id, title, author, date, url, source, count, first_doc)
        )
        first_doc += count
    return tuple(articles)
