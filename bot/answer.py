"""Question -> Answer: ranked verbatim passages with citations, or an explicit "no answer".

The no-answer rule: a passage is relevant when the question terms it contains carry at least
`min_relevance` of the question's total idf weight (terms the corpus has never seen carry the
largest weight, so an off-topic question cannot clear the bar on one shared common word).
Only passages that clear the bar are returned; if none does, the answer says so.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, replace
from enum import StrEnum

from bot.citation import Citation
from bot.config import DEFAULT_MIN_RELEVANCE
from bot.index.search import SearchIndex, StoredParagraph
from bot.paragraph import ParagraphAnalysis, analyse_paragraph
from bot.rank import rank_paragraphs
from bot.rerank.evidence import paragraph_terms
from bot.text import analyze, split_sentences, token_spans

Span = tuple[int, int]


class AnswerStatus(StrEnum):
    """How a question was answered."""

    ANSWERED = "answered"
    NO_RELEVANT_PASSAGE = "no_relevant_passage"
    NO_SEARCH_TERMS = "no_search_terms"


@dataclass(frozen=True)
class Passage:
    """One cited paragraph, verbatim, with what matched the question."""

    rank: int
    score: float
    relevance: float
    citation: Citation
    text: str
    best_sentences: tuple[Span, ...]
    highlights: tuple[Span, ...]
    matched_terms: tuple[str, ...]

    def sentence_text(self) -> str:
        """The best-matching sentence(s), verbatim."""
        return " ".join(self.text[start:end] for start, end in self.best_sentences)


@dataclass(frozen=True)
class Answer:
    """The outcome for one question."""

    question: str
    status: AnswerStatus
    passages: tuple[Passage, ...]
    closest_articles: tuple[str, ...] = ()


def answer(
    index: SearchIndex,
    question: str,
    k: int = 3,
    article_id: str | None = None,
    min_relevance: float = DEFAULT_MIN_RELEVANCE,
) -> Answer:
    """Answer a question with up to k relevant passages (optionally from one article)."""
    terms = analyze(question)
    if not terms:
        return Answer(question, AnswerStatus.NO_SEARCH_TERMS, ())
    weights = term_weights(index, terms)
    found = rank_paragraphs(index, terms, k=k, article_id=article_id, question=question)
    passages = tuple(
        passage
        for paragraph, score in found
        if (passage := _passage(paragraph, score, weights)).relevance >= min_relevance
    )
    if not passages:
        titles = tuple(dict.fromkeys(p.article.title for p, _ in found))[:3]
        return Answer(question, AnswerStatus.NO_RELEVANT_PASSAGE, (), titles)
    numbered = tuple(replace(p, rank=rank) for rank, p in enumerate(passages, start=1))
    return Answer(question, AnswerStatus.ANSWERED, numbered)


def term_weights(index: SearchIndex, terms: list[str]) -> dict[str, float]:
    """Each distinct question term's idf; unseen terms get the idf of the rarest term."""
    n = index.paragraph_count
    unseen = math.log(n + 0.5) - math.log(0.5) if n else 1.0
    weights = {}
    for term in dict.fromkeys(terms):
        term_id = index.vocabulary.get(term)
        df_known = term_id is not None and index.scorer.idf[term_id] != 0.0
        weights[term] = max(float(index.scorer.idf[term_id]), 0.0) if df_known else unseen
    return weights


def relevance(text: str, weights: dict[str, float]) -> float:
    """The share of the question's weight carried by the terms present in the text."""
    present = set(analyze(text))
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t in present) / total if total else 0.0


def _passage(paragraph: StoredParagraph, score: float, weights: dict[str, float]) -> Passage:
    # The re-ranker has just analysed this paragraph, and the index stored its tokens'
    # terms: relevance, highlights and the best sentence need no tokenizing or stemming.
    text, analysis = paragraph.text, paragraph.analysis
    present = set(paragraph_terms(text, analysis).terms)
    matched = tuple(t for t in weights if t in present)
    total = sum(weights.values())
    tokens = _token_terms(text, analysis)
    return Passage(
        rank=0,
        score=score,
        relevance=sum(weights[t] for t in matched) / total if total else 0.0,
        citation=Citation.of(paragraph),
        text=text,
        best_sentences=(best_sentence(text, tokens, weights),),
        highlights=tuple(span for span, term in tokens if term in matched),
        matched_terms=matched,
    )


def _token_terms(text: str, analysis: ParagraphAnalysis) -> list[tuple[Span, str | None]]:
    """Each token's span and index term, from the stored analysis where it fits the text."""
    spans = token_spans(text)
    if len(spans) != len(analysis.terms):  # an index built by a tokenizer that differs
        analysis = analyse_paragraph(text)
    return list(zip(spans, analysis.terms, strict=True))


def best_sentence(
    text: str, tokens: list[tuple[Span, str | None]], weights: dict[str, float]
) -> Span:
    """The sentence whose distinct question terms carry the most weight (first on ties)."""
    sentences = split_sentences(text) or [(0, len(text))]
    found: list[set[str]] = [set() for _ in sentences]
    ends = [end for _, end in sentences]
    for (start, _), term in tokens:
        if term in weights:
            # The sentence this token starts in (sentences are in order; none overlap).
            found[min(bisect.bisect_right(ends, start), len(ends) - 1)].add(term)
    scores = [sum(weights[term] for term in terms) for terms in found]
    return sentences[scores.index(max(scores))]
