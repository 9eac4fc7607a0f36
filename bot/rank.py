"""Candidate ranking: BM25 over paragraphs, then re-ranking of the top candidates.

The first stage is BM25Okapi, exactly rank-bm25's scores, and picks at most `RERANK_DEPTH`
candidates, so the second stage costs the same on a million paragraphs as on a thousand.
The second stage orders them by

    score = bm25 / best bm25 among the candidates + sentence share + phrase share

(see `bot.rerank.evidence`): equal weights on principle, and the best of a grid fitted on
half of the tuning set's articles (benchmarks/quality.py records the measurements).
"""

from __future__ import annotations

from bot.index.search import SearchIndex
from bot.rerank.evidence import paragraph_terms, phrase_share, question_pairs, sentence_share

# Enough that the gold paragraph is almost always among the candidates (Hit@100 0.99 on
# the tuning set), few enough to keep the second stage within a few milliseconds.
RERANK_DEPTH = 100


def rank_candidates(
    index: SearchIndex, terms: list[str], k: int, article_id: str | None = None
) -> list[tuple[int, float]]:
    """The k best (document number, score) for the question terms, best first."""
    first = index.search(terms, max(k, RERANK_DEPTH), article_id)
    weights = question_weights(index, terms)
    total = sum(weights.values())
    if not first or total <= 0:
        return first[:k]
    top = first[0][1]
    pairs = question_pairs(terms)
    rescored = []
    for doc, bm25 in first:
        paragraph = paragraph_terms(index.paragraph(doc).text)
        evidence = sentence_share(paragraph, weights, total)
        evidence += phrase_share(paragraph, pairs, weights, total)
        rescored.append((doc, bm25 / top + evidence))
    rescored.sort(key=lambda pair: (-pair[1], pair[0]))
    return rescored[:k]


def question_weights(index: SearchIndex, terms: list[str]) -> dict[str, float]:
    """Each distinct known question term's idf, floored at 0 (unknown terms match nothing)."""
    weights = {}
    for term in dict.fromkeys(terms):
        term_id = index.vocabulary.get(term)
        if term_id is not None:
            weights[term] = max(float(index.scorer.idf[term_id]), 0.0)
    return weights
