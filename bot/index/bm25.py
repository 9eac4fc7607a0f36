"""BM25Okapi scoring over a term-major posting matrix, equal to rank-bm25's scores.

rank-bm25's `BM25Okapi.get_scores` loops in Python over every paragraph for each query term.
This keeps the same formula and the same floating-point operations, but only visits the
paragraphs that contain the term (a CSR matrix: one row of postings per term), so a question
costs time proportional to its postings rather than to the corpus:

    score(d, q) = sum over query terms t (repeats included) of
                  idf(t) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * |d| / avgdl))
    idf(t)      = ln(N - n + 0.5) - ln(n + 0.5), or epsilon * mean idf where that is negative
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Bm25Params:
    """BM25Okapi parameters (rank-bm25's names and defaults unless measured otherwise)."""

    k1: float = 1.5
    b: float = 0.75
    epsilon: float = 0.25


@dataclass(frozen=True)
class Postings:
    """Term-major postings: paragraphs `docs[ptr[t]:ptr[t+1]]` contain term t `tfs[...]` times."""

    ptr: IntArray
    docs: npt.NDArray[np.uint32]
    tfs: npt.NDArray[np.unsignedinteger[Any]]  # as stored: uint8 when every count fits
    doc_lengths: npt.NDArray[np.uint32]

    @property
    def doc_count(self) -> int:
        """Number of paragraphs."""
        return len(self.doc_lengths)

    def document_frequencies(self) -> IntArray:
        """How many paragraphs contain each term."""
        return np.diff(self.ptr)


def okapi_idf(document_frequencies: IntArray, doc_count: int, epsilon: float) -> FloatArray:
    """rank-bm25's BM25Okapi idf per term id; terms absent from the corpus get 0."""
    present = document_frequencies > 0
    df = document_frequencies.astype(np.float64)
    idf = np.zeros(len(df), dtype=np.float64)
    idf[present] = np.log(doc_count - df[present] + 0.5) - np.log(df[present] + 0.5)
    if present.any():
        floor = epsilon * (math.fsum(idf[present]) / int(present.sum()))
        idf[present & (idf < 0)] = floor
    return idf


@dataclass(frozen=True)
class Bm25Scorer:
    """Scores paragraphs for a question given as term ids (repeats count, as in rank-bm25)."""

    postings: Postings
    idf: FloatArray
    norms: FloatArray
    params: Bm25Params

    @classmethod
    def build(cls, postings: Postings, params: Bm25Params) -> Bm25Scorer:
        """Precompute idf and each paragraph's length normalisation."""
        n = postings.doc_count
        lengths = postings.doc_lengths.astype(np.float64)
        avgdl = float(lengths.sum()) / n if n else 1.0
        norms = params.k1 * (1 - params.b + params.b * lengths / avgdl)
        idf = okapi_idf(postings.document_frequencies(), n, params.epsilon)
        return cls(postings=postings, idf=idf, norms=norms, params=params)

    def term_contribution(self, term_id: int) -> tuple[npt.NDArray[np.uint32], FloatArray]:
        """The paragraphs containing a term and what the term adds to each one's score."""
        start, end = self.postings.ptr[term_id], self.postings.ptr[term_id + 1]
        docs = self.postings.docs[start:end]
        tf = self.postings.tfs[start:end].astype(np.float64)
        k1 = self.params.k1
        return docs, self.idf[term_id] * (tf * (k1 + 1) / (tf + self.norms[docs]))

    def scores(self, term_ids: list[int]) -> FloatArray:
        """Scores of every paragraph, as `BM25Okapi.get_scores` would return them."""
        total = np.zeros(self.postings.doc_count, dtype=np.float64)
        for term_id in term_ids:
            if 0 <= term_id < len(self.idf):
                docs, contribution = self.term_contribution(term_id)
                total[docs] += contribution
        return total

    def scores_of(self, term_ids: list[int], docs: npt.NDArray[np.int64]) -> FloatArray:
        """The scores of the given paragraphs only (postings are sorted by paragraph)."""
        total = np.zeros(len(docs), dtype=np.float64)
        for term_id in term_ids:
            if 0 <= term_id < len(self.idf):
                term_docs, contribution = self.term_contribution(term_id)
                where = np.minimum(np.searchsorted(term_docs, docs), len(term_docs) - 1)
                if len(term_docs):
                    total += np.where(term_docs[where] == docs, contribution[where], 0.0)
        return total

    def top(
        self, term_ids: list[int], k: int, allowed: IntArray | None = None
    ) -> list[tuple[int, float]]:
        """The k best (paragraph, score) with a positive score, best first; ties by order."""
        scores = self.scores(term_ids)
        if allowed is not None:
            mask = np.zeros(len(scores), dtype=bool)
            mask[allowed] = True
            scores = np.where(mask, scores, 0.0)
        candidates = np.flatnonzero(scores > 0)
        if len(candidates) > k:
            cut = np.argpartition(-scores[candidates], k - 1)[:k]
            threshold = scores[candidates[cut]].min()
            candidates = candidates[scores[candidates] >= threshold]
        order = np.lexsort((candidates, -scores[candidates]))
        return [(int(doc), float(scores[doc])) for doc in candidates[order][:k]]
