"""Candidate ranking: BM25 over paragraphs, then re-ranking of the top candidates.

The first stage is BM25Okapi, exactly rank-bm25's scores, and picks at most `RERANK_DEPTH`
candidates (plus `MEANING_CANDIDATES` found by meaning alone, on indexes small enough to
scan), so the second stage costs the same on a million paragraphs as on a thousand. The
second stage orders them by

    score = bm25 / best bm25 among the candidates
          + sentence share + surface share + phrase share + window share
          + wording share + name share + KIND_WEIGHT * kind share
          + MEANING_WEIGHT * cosine / best cosine among the candidates

(see `bot.rerank.evidence`): equal weights on principle, the answer-kind evidence weighed
lightly; benchmarks/quality.py records the measurements, fitted on half of the tuning set's
articles and checked on the other half. On a small index a contextual sentence model then
re-orders the best ten (`bot.rerank.context`). Surface and kind evidence need the question's text;
without it they count nothing and ranking falls back to the other features.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from bot.index.backend import SearchBackend
from bot.index.search import StoredParagraph
from bot.meaning import load_embedder
from bot.rerank.context import CloseReading, reorder_by_context
from bot.rerank.evidence import (
    ParagraphTerms,
    kind_share,
    name_share,
    paragraph_terms,
    phrase_share,
    sentence_share,
    surface_share,
    window_share,
    wording_share,
)
from bot.rerank.question import QuestionEvidence

# The second stage's cost is linear in the depth. On squadshifts-new-wiki (corpus Hit@1 /
# MRR@10) depth 100 and 50 give 0.838 / 0.883, 30 gives 0.838 / 0.882, 20 gives 0.837 /
# 0.882: candidates below 30 almost never reach the top.
RERANK_DEPTH = 30

# Meaning (the cosine of question and paragraph vectors, as a share of the best
# candidate's) weighs as much as two of the lexical shares: on natural-nq, fitted on half A
# of the articles, weights 1 / 1.5 / 2 / 2.5 give Hit@1 0.677 / 0.684 / 0.691 / 0.693 on A
# and 0.666 / 0.673 / 0.677 / 0.678 on B, while squadshifts (questions written while reading
# the paragraph) starts to lose past 2. See benchmarks/quality.py, fourth round.
MEANING_WEIGHT = 2.0

# Paragraphs closest in meaning added to BM25's candidates (where the index is small
# enough to scan, `bot.index.search.DENSE_SCAN_LIMIT`): the gold paragraph of 748 of
# natural-nq's 7,903 questions is not in BM25's top 30, and for 218 of them it is in the
# top 10 by meaning.
MEANING_CANDIDATES = 10

FloatArray = npt.NDArray[np.float64]

# A wanted kind of word (a number for "how many") is a hint, not proof: at full weight it
# lets any sentence with a number outrank the one that paraphrases the question.
KIND_WEIGHT = 0.3


def rank_candidates(
    index: SearchBackend,
    terms: list[str],
    k: int,
    article_id: str | None = None,
    question: str | None = None,
) -> list[tuple[int, float]]:
    """The k best (document number, score) for the question terms, best first."""
    ranked = rank_paragraphs(index, terms, k, article_id, question)
    return [(paragraph.doc, score) for paragraph, score in ranked]


def rank_paragraphs(
    index: SearchBackend,
    terms: list[str],
    k: int,
    article_id: str | None = None,
    question: str | None = None,
    close_readings: dict[int, CloseReading] | None = None,
) -> list[tuple[StoredParagraph, float]]:
    """The k best paragraphs and their scores, best first (read once, for the answer too).
    `close_readings`, if given, receives what close reading made of each candidate it read:
    how likely it answers the question and how close it is to it (`bot.rerank.context`;
    small indexes only)."""
    first = index.search(terms, max(k, RERANK_DEPTH), article_id)
    meaning = question_vector(question)
    docs = [doc for doc, _ in first]
    if meaning is not None:
        docs += [d for d in index.nearest(meaning, MEANING_CANDIDATES, article_id) if d not in docs]
    weights = question_weights(index, terms)
    if not docs:
        return []
    candidates = index.paragraphs(docs)
    # The first stage scored its own candidates already: score only those meaning added.
    found = [score for _, score in first]
    added = index.bm25_of(terms, docs[len(first) :])
    bm25 = _relative(np.concatenate((np.array(found, dtype=np.float64), added)))
    close = (
        _relative(index.similarities(meaning, docs)) if meaning is not None else np.zeros_like(bm25)
    )
    evidence = QuestionEvidence.of(terms, weights, question) if sum(weights.values()) else None
    rescored = [
        (p, float(b + MEANING_WEIGHT * c) + _evidence(p, evidence))
        for p, b, c in zip(candidates, bm25, close, strict=True)
    ]
    rescored.sort(key=lambda pair: (-pair[1], pair[0].doc))
    if question:
        rescored = reorder_by_context(question, rescored, index, close_readings)
    return rescored[:k]


def _relative(values: npt.NDArray[np.floating[Any]]) -> FloatArray:
    """Values as a share of the largest (all zero when none is positive)."""
    top = float(values.max()) if len(values) else 0.0
    if top <= 0:
        return np.zeros(len(values), dtype=np.float64)
    return np.asarray(values / top, dtype=np.float64)


def _evidence(paragraph: StoredParagraph, question: QuestionEvidence | None) -> float:
    if question is None:
        return 0.0
    return evidence_score(paragraph_terms(paragraph.text, paragraph.analysis), question)


def question_vector(question: str | None) -> npt.NDArray[np.float32] | None:
    """The question's meaning vector, or None without text (or with no known token)."""
    return _question_vector(question) if question else None


@lru_cache(maxsize=256)  # ranking and the no-answer rule both ask for it
def _question_vector(question: str) -> npt.NDArray[np.float32] | None:
    vector = load_embedder().embed_one(question)
    vector.flags.writeable = False
    return vector if vector.any() else None


def evidence_score(paragraph: ParagraphTerms, question: QuestionEvidence) -> float:
    """The second-stage evidence of one candidate paragraph (0 .. 6 + KIND_WEIGHT)."""
    return (
        sentence_share(paragraph, question)
        + surface_share(paragraph, question)
        + phrase_share(paragraph, question)
        + window_share(paragraph, question)
        + wording_share(paragraph, question)
        + name_share(paragraph, question)
        + KIND_WEIGHT * kind_share(paragraph, question)
    )


def question_weights(index: SearchBackend, terms: list[str]) -> dict[str, float]:
    """Each distinct known question term's idf, floored at 0 (unknown terms match nothing)."""
    idf = index.idf_of(list(dict.fromkeys(terms)))
    return {term: max(value, 0.0) for term, value in idf.items()}
