"""Candidate ranking: BM25 over paragraphs (re-ranking for quality plugs in here)."""

from __future__ import annotations

from bot.index.search import SearchIndex


def rank_candidates(
    index: SearchIndex, terms: list[str], k: int, article_id: str | None = None
) -> list[tuple[int, float]]:
    """The k best (document number, score) for the question terms, best first."""
    return index.search(terms, k, article_id)
