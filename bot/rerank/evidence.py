"""What a paragraph shows for a question beyond its BM25 score, as shares of the question.

Every feature is a share of the question's idf weight (the same weights the no-answer rule
uses), so features are comparable across questions and explainable in the passage shown:

- `sentence`: the weight of the distinct question terms found together in the paragraph's
  best sentence, the sentence `answer()` already highlights. Crowd-written questions
  paraphrase one sentence, so a paragraph that spreads the terms over many sentences is
  weaker evidence than one that has them in one place.
- `surface`: the same, counting only terms whose word appears exactly as the question wrote
  it ("Georgians", not just the stem "georgian"): the stemmer conflates forms the question
  distinguishes.
- `phrase`: the weight of the question's consecutive term pairs ("civil war", "new york")
  that occur next to each other, in order, in the paragraph.
- `window`: the weight of the distinct question terms within any `WINDOW` consecutive
  index terms, across sentence boundaries.
- `kind`: the best sentence share among sentences that also hold a word of the kind the
  question asks for (see `bot.rerank.answer_type`).
- `wording`: the weight of the question's runs of two and three words, stop words included,
  that a sentence has verbatim ("as toxic as", "the revival of"): the question's own wording,
  which the index terms lose with the stop words.
- `names`: the weight of the question's names and numbers ("Pitt", "2001") that the
  paragraph writes exactly so: a stem match ("pitt" from "pitting") is weaker evidence.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from functools import lru_cache

from bot.lazy import lazy
from bot.paragraph import ParagraphAnalysis
from bot.rerank.answer_type import AnswerKind, kind_words
from bot.rerank.question import WORDING_LENGTHS, QuestionEvidence
from bot.text import is_stdlib_safe, normalize_token, stdlib_tokens, token_spans

# Index terms (stop words removed) a question's terms may spread over and still count as
# one statement: about a clause of running text.
WINDOW = 12


@dataclass(frozen=True)
class Sentence:
    """One sentence: its span and index terms; its surface words, read when first asked for.

    Surface words only count in sentences that hold a question term (a word written as
    the question wrote it has the question's term), so most candidates' sentences are
    never tokenized: `surface` and `words` are worked out on first use.
    """

    span: tuple[int, int]
    terms: frozenset[str]
    text: str = field(repr=False)
    bounds: tuple[int, int] = field(repr=False)

    @lazy
    def surface(self) -> tuple[str, ...]:
        """The sentence's surface words, in order, as written."""
        return tuple(_paragraph_tokens(self.text).between(*self.bounds))

    @lazy
    def words(self) -> frozenset[str]:
        """The sentence's surface words, lower-cased."""
        return frozenset(map(str.lower, self.surface))

    def shares_terms_with(self, question: QuestionEvidence) -> bool:
        """Whether the sentence holds any of the question's terms."""
        return not self.terms.isdisjoint(question.weights)


@dataclass(frozen=True)
class ParagraphTerms:
    """A paragraph's sentences and its index terms in order."""

    sentences: tuple[Sentence, ...]
    terms: tuple[str, ...]


class _ParagraphTokens:
    """A paragraph's tokenizer, worked out once for all of its sentences.

    Whether stdlib `re` may tokenize the text, and (when it may not) the token spans, read
    the whole paragraph: found per sentence, they made answering quadratic in its length.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.safe = is_stdlib_safe(text)
        self.spans = [] if self.safe else token_spans(text)

    def between(self, start: int, end: int) -> list[str]:
        """The tokens that start at or after `start` and before `end`."""
        if self.safe:
            return stdlib_tokens(self.text, start, end)
        first = bisect.bisect_left(self.spans, (start, -1))
        last = bisect.bisect_left(self.spans, (end, -1))
        return [self.text[a:b] for a, b in self.spans[first:last]]


# As `paragraph_terms`: the sentences of one question's candidates.
_paragraph_tokens = lru_cache(maxsize=64)(_ParagraphTokens)


# Small on purpose: it holds one question's candidates, so `answer()` reuses what ranking
# analysed. Every cached paragraph is dozens of sets and tuples that each full garbage
# collection walks: at 2,048 entries those pauses made p99 latency on a 100k-paragraph
# index (1,000 of benchmarks/speed.py's questions) 87 ms instead of 11 ms; hits that a larger
# cache adds come only on small corpora.
@lru_cache(maxsize=64)
def paragraph_terms(text: str, analysis: ParagraphAnalysis) -> ParagraphTerms:
    """The paragraph's sentences and terms from the analysis the index stored with it."""
    sentences, terms, first, bound = [], [], 0, 0
    for number, (start, end, count) in enumerate(analysis.sentences):
        sentence_terms = [t for t in analysis.terms[first : first + count] if t is not None]
        first += count
        terms += sentence_terms
        # Tokens are dealt to sentences by where they start, up to each sentence's end;
        # the last sentence takes the rest (see `bot.paragraph.sentence_tokens`).
        last = number == len(analysis.sentences) - 1
        bounds = (bound, len(text) if last else end)
        bound = end
        sentences.append(Sentence((start, end), frozenset(sentence_terms), text, bounds))
    return ParagraphTerms(tuple(sentences), tuple(terms))


def sentence_share(paragraph: ParagraphTerms, question: QuestionEvidence) -> float:
    """The best sentence's share of the question's weight."""
    return max(question.share(s.terms) for s in paragraph.sentences)


def surface_share(paragraph: ParagraphTerms, question: QuestionEvidence) -> float:
    """The best sentence's share counting only words written as in the question."""
    return max(
        (question.surface_share(s.words) for s in _sharing(paragraph, question)), default=0.0
    )


def _sharing(paragraph: ParagraphTerms, question: QuestionEvidence) -> list[Sentence]:
    """The sentences that hold a question term: the only ones whose words can count."""
    return [s for s in paragraph.sentences if s.shares_terms_with(question)]


def kind_share(paragraph: ParagraphTerms, question: QuestionEvidence) -> float:
    """The best share among sentences with a new word of the kind the question asks for."""
    if question.kind is AnswerKind.NONE:
        return 0.0
    return max(
        (question.share(s.terms) for s in paragraph.sentences if _has_new(s, question)),
        default=0.0,
    )


def _has_new(sentence: Sentence, question: QuestionEvidence) -> bool:
    """Whether the sentence has a word of the wanted kind that the question does not."""
    if not sentence.terms & question.weights.keys():
        return False  # shares nothing with the question: it cannot raise the best share
    return any(
        word not in question.words and normalize_token(word) not in question.weights
        for word in kind_words(sentence.surface, question.kind)
    )


def phrase_share(paragraph: ParagraphTerms, question: QuestionEvidence) -> float:
    """The share of the question's weight in pairs that the paragraph has adjacent, in order."""
    weights, terms = question.weights, paragraph.terms
    # Only pairs that start with a question term can be question pairs.
    adjacent = {(term, terms[p + 1]) for p, term in enumerate(terms[:-1]) if term in weights}
    found = sum(
        (weights.get(a, 0.0) + weights.get(b, 0.0)) / 2
        for a, b in question.pairs
        if (a, b) in adjacent
    )
    return found / question.total


def window_share(paragraph: ParagraphTerms, question: QuestionEvidence) -> float:
    """The largest share of the question's weight within `WINDOW` consecutive terms."""
    weights = question.weights
    hits = [(p, t) for p, t in enumerate(paragraph.terms) if t in weights]
    # Hits have distinct positions, so a window holds at most `WINDOW` of them, and its
    # share sums at most `WINDOW` weights: linear in the paragraph, whatever the question.
    order = {term: rank for rank, term in enumerate(weights)}
    best = 0.0
    for first, (start, _) in enumerate(hits):
        inside = {t for p, t in hits[first : first + WINDOW] if p - start < WINDOW}
        # In the question's order, as `QuestionEvidence.share` sums, so ties break alike.
        found = sum(weights[t] for t in sorted(inside, key=order.__getitem__))
        best = max(best, found / question.total)
    return best


def wording_share(paragraph: ParagraphTerms, question: QuestionEvidence) -> float:
    """The mean, over pairs and triples, of the question wording's share found verbatim."""
    missing, found = list(question.wording), 0.0
    for sentence in _sharing(paragraph, question):  # a run has a weighted word: a term
        present = sentence.words & question.words
        possible = [run for run in missing if present.issuperset(run.words)]
        if not possible:
            continue
        # The sentence's words joined by single spaces hold a padded run only as whole
        # consecutive words (no token holds a space), and one join and substring search
        # per sentence cost a fraction of building word tuples.
        text = f" {' '.join(sentence.surface).lower()} "
        for run in possible:
            if run.padded in text:
                found += run.weight
                missing.remove(run)
    return found / question.total / len(WORDING_LENGTHS)


def name_share(paragraph: ParagraphTerms, question: QuestionEvidence) -> float:
    """The share of the question's weight in its names and numbers written exactly so."""
    if not question.names:
        return 0.0
    missing = set(question.names)
    for sentence in _sharing(paragraph, question):  # a name is a question term's word
        missing.difference_update(sentence.surface)
        if not missing:
            break
    return sum(w for name, w in question.names.items() if name not in missing) / question.total
