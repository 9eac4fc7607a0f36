"""Candidate ranking: BM25 over paragraphs, then re-ranking of the top candidates.

The first stage is BM25Okapi, exactly rank-bm25's scores, and picks at most `RERANK_DEPTH`
candidates, so the second stage costs the same on a million paragraphs as on a thousand.
The second stage orders them by

    score = bm25 / best bm25 among the candidates
          + sentence share + surface share + phrase share + window share
          + wording share + name share + KIND_WEIGHT * kind share

(see `bot.rerank.evidence`): equal weights on principle, the answer-kind evidence weighed
lightly; benchmarks/quality.py records the measurements, fitted on half of the tuning set's
articles and checked on the other half. Surface and kind evidence need the question's text;
without it they count nothing and ranking falls back to the other features.
"""

from __future__ import annotations

from bot.index.search import SearchIndex, StoredParagraph
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

# A wanted kind of word (a number for "how many") is a hint, not proof: at full weight it
# lets any sentence with a number outrank the one that paraphrases the question.
KIND_WEIGHT = 0.3


def rank_candidates(
    index: SearchIndex,
    terms: list[str],
    k: int,
    article_id: str | None = None,
    question: str | None = None,
) -> list[tuple[int, float]]:
    """The k best (document number, score) for the question terms, best first."""
    ranked = rank_paragraphs(index, terms, k, article_id, question)
    return [(paragraph.doc, score) for paragraph, score in ranked]


def rank_paragraphs(
    index: SearchIndex,
    terms: list[str],
    k: int,
    article_id: str | None = None,
    question: str | None = None,
) -> list[tuple[StoredParagraph, float]]:
    """The k best paragraphs and their scores, best first (read once, for the answer too)."""
    first = index.search(terms, max(k, RERANK_DEPTH), article_id)
    weights = question_weights(index, terms)
    if not first or sum(weights.values()) <= 0:
        paragraphs = index.paragraphs([doc for doc, _ in first[:k]])
        return [(p, score) for p, (_, score) in zip(paragraphs, first[:k], strict=True)]
    evidence = QuestionEvidence.of(terms, weights, question)
    top = first[0][1]
    candidates = index.paragraphs([doc for doc, _ in first])
    rescored = [
        (p, bm25 / top + evidence_score(paragraph_terms(p.text, p.analysis), evidence))
        for (_, bm25), p in zip(first, candidates, strict=True)
    ]
    rescored.sort(key=lambda pair: (-pair[1], pair[0].doc))
    return rescored[:k]


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


def question_weights(index: SearchIndex, terms: list[str]) -> dict[str, float]:
    """Each distinct known question term's idf, floored at 0 (unknown terms match nothing)."""
    weights = {}
    for term in dict.fromkeys(terms):
        term_id = index.vocabulary.get(term)
        if term_id is not None:
            weights[term] = max(float(index.scorer.idf[term_id]), 0.0)
    return weights
