"""Question -> Answer: ranked verbatim passages with citations, or an explicit "no answer".

The no-answer rule (`bot.relevance`): a passage is shown when its relevance, the share of
the question's information it carries in words and in meaning, reaches `min_relevance`;
if none does, the answer says so.

The work per question is bounded: only its first `MAX_QUESTION_CHARS` characters and first
`MAX_QUESTION_TERMS` index terms are used, and the answer says when it read less.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from enum import StrEnum

from bot.citation import Citation
from bot.config import DEFAULT_MIN_RELEVANCE
from bot.index.backend import SearchBackend
from bot.index.search import StoredParagraph
from bot.paragraph import ParagraphAnalysis
from bot.rank import question_vector, rank_paragraphs
from bot.relevance import RelevanceRule, unanswered_by_kind, unanswered_by_reading
from bot.rerank.context import CloseReading, prepare_close_reading
from bot.rerank.evidence import ParagraphTerms, Sentence, paragraph_terms
from bot.text import analyze, token_spans

Span = tuple[int, int]

# The most of a question answering reads: the Discord adapter's largest question setting
# (CITEBOT_MAX_QUESTION_CHARS goes up to 6,000) and the terms such a question can hold. BM25
# loops over the question's terms: a 1 MB question took seconds. Real questions have
# a few dozen terms at most.
MAX_QUESTION_CHARS = 6000
MAX_QUESTION_TERMS = 256


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
    truncated: bool = False  # only the question's start was read (see MAX_QUESTION_CHARS)


def answer(
    index: SearchBackend,
    question: str,
    k: int = 3,
    article_id: str | None = None,
    min_relevance: float = DEFAULT_MIN_RELEVANCE,
) -> Answer:
    """Answer a question with up to k relevant passages (optionally from one article)."""
    read, truncated = bounded_question(question)
    terms = analyze(read)
    if len(terms) > MAX_QUESTION_TERMS:
        terms, truncated = terms[:MAX_QUESTION_TERMS], True
    if not terms:
        return Answer(question, AnswerStatus.NO_SEARCH_TERMS, (), truncated=truncated)
    weights = term_weights(index, terms)
    rule = question_rule(read)
    close_readings: dict[int, CloseReading] = {}
    found = rank_paragraphs(index, terms, k, article_id, read, close_readings)
    cosines = _cosines(index, rule, [paragraph for paragraph, _ in found])
    candidates = [
        _passage(paragraph, score, weights, rule, cosine)
        for (paragraph, score), cosine in zip(found, cosines, strict=True)
    ]
    shown = [
        (paragraph, passage)
        for (paragraph, _), passage in zip(found, candidates, strict=True)
        if passage.relevance >= min_relevance
    ]
    passages = tuple(passage for _, passage in shown)
    best = max((p.relevance for p in candidates), default=0.0)
    if passages and min_relevance > 0 and _unanswered(read, shown, best, close_readings):
        passages = ()
    if not passages:
        titles = tuple(dict.fromkeys(p.article.title for p, _ in found))[:3]
        return Answer(question, AnswerStatus.NO_RELEVANT_PASSAGE, (), titles, truncated)
    numbered = tuple(replace(p, rank=rank) for rank, p in enumerate(passages, start=1))
    return Answer(question, AnswerStatus.ANSWERED, numbered, truncated=truncated)


def _unanswered(
    question: str,
    shown: list[tuple[StoredParagraph, Passage]],
    best_relevance: float,
    close_readings: dict[int, CloseReading],
) -> bool:
    """Whether the passages that reached the bar still do not answer the question: close
    reading says so (small indexes), or the question asks for a quantity none of them gives."""
    if unanswered_by_reading(list(close_readings.values()), best_relevance):
        return True
    terms = (paragraph_terms(paragraph.text, paragraph.analysis) for paragraph, _ in shown)
    return unanswered_by_kind(question, terms)


def prepare_for_questions(index: SearchBackend) -> None:
    """Load now what the first question would otherwise load: the irregular-lemma table,
    general-English word frequencies and the meaning model (about 0.6 s together), and the
    contextual model if this index is read closely.

    A server's first questions arrive together and run on several threads; each would build
    the same tables side by side under one GIL, and the first answers took over 3 s
    (`python -m benchmarks.discord_load`)."""
    question_rule("said")  # "said" -> "say" is an irregular form
    prepare_close_reading(index)


def bounded_question(question: str) -> tuple[str, bool]:
    """The part of the question answering reads, and whether that is less than all of it."""
    if len(question) <= MAX_QUESTION_CHARS:
        return question, False
    head = question[:MAX_QUESTION_CHARS]
    # Not mid-word: half a word would be a term the asker never wrote.
    cut_in_word = not (head[-1].isspace() or question[MAX_QUESTION_CHARS].isspace())
    if cut_in_word and (words := head.split()):
        kept = head[: len(head) - len(words[-1])]
        head = kept if kept.strip() else head
    return head, True


def term_weights(index: SearchBackend, terms: list[str]) -> dict[str, float]:
    """Each distinct question term's idf (for the best sentence); unseen terms get the idf
    of the rarest term."""
    n = index.paragraph_count
    unseen = math.log(n + 0.5) - math.log(0.5) if n else 1.0
    idf = index.idf_of(list(dict.fromkeys(terms)))
    return {term: max(idf[term], 0.0) if idf.get(term) else unseen for term in dict.fromkeys(terms)}


def question_rule(question: str) -> RelevanceRule:
    """The no-answer rule's view of a question: its words' information and its vector."""
    return RelevanceRule.of(question, question_vector(question))


def paragraph_relevance(
    index: SearchBackend, rule: RelevanceRule, paragraph: StoredParagraph
) -> float:
    """How much of the question a paragraph carries (0-1), as the no-answer rule sees it."""
    present = set(paragraph_terms(paragraph.text, paragraph.analysis).terms)
    return rule.relevance(present, _cosines(index, rule, [paragraph])[0])


def _cosines(
    index: SearchBackend, rule: RelevanceRule, paragraphs: list[StoredParagraph]
) -> list[float]:
    """The question's cosine with each paragraph, in one read of their vectors."""
    if rule.vector is None or not paragraphs:
        return [0.0] * len(paragraphs)
    return [float(c) for c in index.similarities(rule.vector, [p.doc for p in paragraphs])]


def _passage(
    paragraph: StoredParagraph,
    score: float,
    weights: dict[str, float],
    rule: RelevanceRule,
    cosine: float,
) -> Passage:
    # The re-ranker has just analysed this paragraph from the terms and sentences the index
    # stored: relevance and the best sentence need no tokenizing, stemming or splitting.
    text = paragraph.text
    analysed = paragraph_terms(text, paragraph.analysis)
    present = set(analysed.terms)
    matched = tuple(t for t in weights if t in present)
    return Passage(
        rank=0,
        score=score,
        relevance=rule.relevance(present, cosine),
        citation=Citation.of(paragraph),
        text=text,
        best_sentences=(best_sentence(analysed, weights),),
        highlights=_highlights(text, paragraph.analysis, set(matched)),
        matched_terms=matched,
    )


def best_sentence(paragraph: ParagraphTerms, weights: dict[str, float]) -> Span:
    """The sentence whose distinct question terms carry the most weight (first on ties)."""

    def weight(sentence: Sentence) -> float:
        # In the question's order, so that ties break the same way in every process.
        return sum(w for term, w in weights.items() if term in sentence.terms)

    return max(paragraph.sentences, key=weight).span


def _highlights(text: str, analysis: ParagraphAnalysis, matched: set[str]) -> tuple[Span, ...]:
    """The spans of the words whose index term the question asked for."""
    # The stored analysis has one term per token: the index is rebuilt whenever the
    # analyzer changes (see `bot.text.analyzer_fingerprint`).
    spans = zip(token_spans(text), analysis.terms, strict=True)
    return tuple(span for span, term in spans if term in matched)
