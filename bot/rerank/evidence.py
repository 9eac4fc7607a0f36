"""What a paragraph shows for a question beyond its BM25 score, as shares of the question.

Both features are shares of the question's idf weight (the same weights the no-answer rule
uses), so they are comparable across questions and explainable in the passage shown:

- `sentence`: the weight of the distinct question terms found together in the paragraph's
  best sentence, the sentence `answer()` already highlights. Crowd-written questions
  paraphrase one sentence, so a paragraph that spreads the terms over many sentences is
  weaker evidence than one that has them in one place.
- `phrase`: the weight of the question's consecutive term pairs ("civil war", "new york")
  that occur next to each other, in order, in the paragraph.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache

from bot.text import analyze, split_sentences

Weights = dict[str, float]


@dataclass(frozen=True)
class ParagraphTerms:
    """A paragraph's index terms, sentence by sentence, and its adjacent term pairs."""

    sentences: tuple[frozenset[str], ...]
    pairs: frozenset[tuple[str, str]]


@lru_cache(maxsize=1 << 16)
def paragraph_terms(text: str) -> ParagraphTerms:
    """The analysed paragraph (cached by text: candidates recur across questions)."""
    spans = split_sentences(text) or [(0, len(text))]
    sentences = [analyze(text[start:end]) for start, end in spans]
    terms = [term for sentence in sentences for term in sentence]
    return ParagraphTerms(
        sentences=tuple(frozenset(s) for s in sentences),
        pairs=frozenset(itertools.pairwise(terms)),
    )


def question_pairs(terms: list[str]) -> list[tuple[str, str]]:
    """The question's consecutive distinct term pairs, in order, without repeats."""
    return list(dict.fromkeys((a, b) for a, b in itertools.pairwise(terms) if a != b))


def sentence_share(paragraph: ParagraphTerms, weights: Weights, total: float) -> float:
    """The best sentence's share of the question's weight."""
    best = max(
        sum(w for term, w in weights.items() if term in sentence)
        for sentence in paragraph.sentences
    )
    return best / total


def phrase_share(
    paragraph: ParagraphTerms, pairs: list[tuple[str, str]], weights: Weights, total: float
) -> float:
    """The share of the question's weight in pairs that the paragraph has adjacent, in order."""
    found = sum((weights[a] + weights[b]) / 2 for a, b in pairs if (a, b) in paragraph.pairs)
    return found / total
