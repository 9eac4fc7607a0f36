"""The question side of re-ranking: term weights, word pairs, surface words, answer kind."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass

from bot.rerank.answer_type import AnswerKind, answer_kind
from bot.text import normalize_token, tokens

Weights = dict[str, float]


@dataclass(frozen=True)
class QuestionEvidence:
    """What the re-ranker looks for: weighted terms and how the question wrote them."""

    weights: Weights
    total: float
    pairs: tuple[tuple[str, str], ...]
    surface: dict[str, frozenset[str]]
    words: frozenset[str]
    kind: AnswerKind

    @classmethod
    def of(cls, terms: list[str], weights: Weights, text: str | None) -> QuestionEvidence:
        """Evidence for question terms; without the question text, no surface or kind."""
        words = [w.lower() for w in tokens(text)] if text else []
        surface: dict[str, set[str]] = {}
        for word in words:
            term = normalize_token(word)
            if term in weights:
                surface.setdefault(term, set()).add(word)
        return cls(
            weights=weights,
            total=sum(weights.values()),
            pairs=question_pairs(terms),
            surface={term: frozenset(forms) for term, forms in surface.items()},
            words=frozenset(words),
            kind=answer_kind(text) if text else AnswerKind.NONE,
        )

    def share(self, terms: Iterable[str]) -> float:
        """The share of the question's weight carried by these distinct terms."""
        return sum(self.weights.get(t, 0.0) for t in set(terms)) / self.total

    def surface_share(self, words: frozenset[str]) -> float:
        """The share carried by terms with a word written as in the question."""
        found = sum(self.weights[t] for t, forms in self.surface.items() if forms & words)
        return found / self.total


def question_pairs(terms: list[str]) -> tuple[tuple[str, str], ...]:
    """The question's consecutive distinct term pairs, in order, without repeats."""
    return tuple(dict.fromkeys((a, b) for a, b in itertools.pairwise(terms) if a != b))
