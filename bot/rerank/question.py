"""The question side of re-ranking: term weights, word pairs, surface words, answer kind."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass

from bot.rerank.answer_type import AnswerKind, answer_kind
from bot.text import normalize_token, tokens

Weights = dict[str, float]

# Runs of the question's own wording looked for verbatim: word pairs and triples.
WORDING_LENGTHS = (2, 3)


@dataclass(frozen=True)
class WordRun:
    """A run of the question's lower-cased words, its weight (stop words weigh 0), and the
    run as text: the words between single spaces, with a space on either side."""

    words: tuple[str, ...]
    weight: float
    padded: str


@dataclass(frozen=True)
class QuestionEvidence:
    """What the re-ranker looks for: weighted terms and how the question wrote them."""

    weights: Weights
    total: float
    pairs: tuple[tuple[str, str], ...]
    surface: dict[str, frozenset[str]]
    words: frozenset[str]
    kind: AnswerKind
    wording: tuple[WordRun, ...]
    names: Weights

    @classmethod
    def of(cls, terms: list[str], weights: Weights, text: str | None) -> QuestionEvidence:
        """Evidence for question terms; without the question text, no surface or kind."""
        written = tokens(text) if text else []
        words = [w.lower() for w in written]
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
            wording=tuple(r for n in WORDING_LENGTHS for r in question_wording(words, weights, n)),
            names=question_names(written, weights),
        )

    def share(self, terms: Iterable[str]) -> float:
        """The share of the question's weight carried by these distinct terms."""
        present = terms if isinstance(terms, frozenset | set) else set(terms)
        # Summed in the question's order: a float sum in a set's order (which changes
        # with the process's string hashing) would break ties differently from run to run.
        return sum(w for t, w in self.weights.items() if t in present) / self.total

    def surface_share(self, words: frozenset[str]) -> float:
        """The share carried by terms with a word written as in the question."""
        found = sum(self.weights[t] for t, forms in self.surface.items() if forms & words)
        return found / self.total


def question_pairs(terms: list[str]) -> tuple[tuple[str, str], ...]:
    """The question's consecutive distinct term pairs, in order, without repeats."""
    return tuple(dict.fromkeys((a, b) for a, b in itertools.pairwise(terms) if a != b))


def question_wording(words: list[str], weights: Weights, n: int) -> tuple[WordRun, ...]:
    """The question's distinct runs of n lower-cased words (stop words included) with weight.

    Stop words are kept because they carry the wording BM25 drops: "as toxic as",
    "known as", "the number of". A run needs one weighted word; each word's weight is
    spread over the n runs it can be part of, so the runs' weights sum to at most the
    question's total, as every other share does.
    """
    runs = dict.fromkeys(tuple(words[i : i + n]) for i in range(len(words) - n + 1))
    weighted = ((run, sum(weights.get(normalize_token(w) or "", 0.0) for w in run)) for run in runs)
    return tuple(
        WordRun(run, weight / n, f" {' '.join(run)} ") for run, weight in weighted if weight > 0
    )


def question_names(written: list[str], weights: Weights) -> Weights:
    """The question's names and numbers as written, with their term's weight.

    A name is a word with a capital letter anywhere but at the start of the question (where
    every word has one); a number starts with a digit.
    """
    names = {}
    for position, word in enumerate(written):
        term = normalize_token(word)
        capital = position > 0 and word[0].isupper()
        if (capital or word[0].isdigit()) and term in weights:
            names[word] = weights[term]
    return names
