"""The search backend seam: what answering needs from an index, and nothing more.

`bot.answer`, `bot.rank` and the collections' merged search read an index only through
these operations, so another engine can serve a collection by implementing them. Today
one implementation exists, `bot.index.search.SearchIndex` (in memory, over a pinned
SQLite snapshot). tests/index/test_backend.py answers questions through a wrapper that
exposes only this protocol and checks the answers equal the index's own.

How each operation would map onto OpenSearch for a collection too large for one
machine's memory (see the README, "Past one machine's memory"; no adapter is shipped,
because none can be tested here against a real cluster):

- `generation`: one OpenSearch index per collection and generation
  (`citebot-<collection>-<generation>`), an alias per collection pointing at the newest;
  a question resolves the alias once and uses that concrete index for every call below,
  so no answer mixes two generations.
- `lineage`: the collection's name.
- `paragraph_count`, `idf_of`: global term statistics (`_termvectors` with
  `term_statistics`, or `search_type=dfs_query_then_fetch`), with BM25 k1/b set to
  citebot's and idf computed by rank-bm25's formula from `doc_freq` and `doc_count`.
- `search`, `bm25_of`: a `terms` query on a keyword field holding citebot's own index
  terms (its tokenizer, stems and lemmas, not OpenSearch's analyzers), so scores are
  citebot's; `bm25_of` is the same query filtered to the given `_id`s.
- `nearest`, `similarities`: a `knn_vector` field (256 dimensions, cosine) holding the
  stored meaning vector; `similarities` reads the candidates' vectors from `_source`.
- `paragraphs`, `paragraph_at`, `article`: `_source` holds the verbatim text and the
  stored analysis blobs, so re-ranking, highlights and citations are unchanged.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from bot.index.search import IndexedArticle, StoredParagraph

FloatArray = npt.NDArray[np.float32]


@runtime_checkable
class SearchBackend(Protocol):
    """One collection's index, pinned to one generation for the life of the object."""

    @property
    def generation(self) -> int:
        """The generation of the collection this index serves."""
        ...

    @property
    def paragraph_count(self) -> int:
        """How many paragraphs the collection holds."""
        ...

    @property
    def lineage(self) -> str | None:
        """What stays the same across the collection's generations (None if unknown): the
        close readings a generation let go of wait for the next one of the same lineage."""
        ...

    def idf_of(self, terms: list[str]) -> dict[str, float]:
        """BM25 idf of each known term (a term the collection never uses is left out)."""
        ...

    def search(
        self, terms: list[str], k: int, article_id: str | None = None
    ) -> list[tuple[int, float]]:
        """The k best (document number, BM25 score), optionally within one article."""
        ...

    def bm25_of(self, terms: list[str], docs: list[int]) -> npt.NDArray[np.float64]:
        """The BM25 scores of these paragraphs only."""
        ...

    def nearest(self, question: FloatArray, k: int, article_id: str | None = None) -> list[int]:
        """The k paragraphs closest in meaning (may be empty where the engine cannot scan)."""
        ...

    def similarities(self, question: FloatArray, docs: list[int]) -> FloatArray:
        """Cosine of the question's vector with each of these paragraphs' vectors."""
        ...

    def paragraphs(self, docs: list[int]) -> list[StoredParagraph]:
        """Paragraphs by document number, verbatim, with their stored analysis."""
        ...

    def paragraph_at(self, article_id: str, position: int) -> StoredParagraph | None:
        """A paragraph by article id and 0-based position, if it exists."""
        ...

    def article(self, article_id: str) -> IndexedArticle | None:
        """The article with this id, if indexed."""
        ...
