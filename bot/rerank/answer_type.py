"""The kind of answer a question asks for, and the words in a sentence that could be one.

Crowd-written questions name what they want: "how many" wants a number, "when" a date,
"who" and "where" a name. A sentence that holds the question's terms and also a word of
that kind (one the question does not already contain) is likelier to be the answer. The
evidence is light on purpose: it only reorders candidates whose terms already match.

A quantity is firmer ground: "how many", "how much" and "how long" are answered only by a
figure or an amount, so the no-answer rule (`bot.relevance.unanswered_by_kind`) refuses such
a question when no passage it would show states one (`QuantityAsked`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from bot.text import tokens


class AnswerKind(StrEnum):
    """What a question asks for; NONE when its wording does not say."""

    NUMBER = "number"
    DATE = "date"
    NAME = "name"
    NONE = "none"


# First match wins: "how many years" wants a number, "what year" a date.
_KIND_PATTERNS = (
    (
        AnswerKind.NUMBER,
        r"\bhow (many|much|long|old|far|large|big|tall|high|often|fast)\b"
        r"|\bwhat (percentage|percent|proportion|number|amount|fraction)\b",
    ),
    (
        AnswerKind.DATE,
        r"\bwhen\b|\b(what|which) (year|years|century|decade|date|month|day)\b|\bwhat time\b",
    ),
    (AnswerKind.NAME, r"\bwho\b|\bwhom\b|\bwhose\b|\bwhere\b"),
)
_KINDS = tuple((kind, re.compile(pattern)) for kind, pattern in _KIND_PATTERNS)

NUMBER_WORDS = frozenset(
    """
    one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
    sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety
    hundred thousand million billion trillion dozen dozens hundreds thousands millions
    billions half quarter percent
    """.split()
)
DATE_WORDS = frozenset(
    """
    january february march april may june july august september october november december
    century centuries decade
    """.split()
)
# What states a quantity for the no-answer rule (`QuantityAsked`): a number word, but not
# "one", which is mostly a pronoun ("one of the", "no one"); or a vague amount, which a
# reader would accept as an answer ("several weeks").
QUANTITY_WORDS = (NUMBER_WORDS - {"one"}) | frozenset(
    "several few many couple numerous dozen".split()
)
# A duration or a frequency also answers "how long", "how often" and "how old" ("a week").
TIME_UNITS = frozenset(
    """
    second seconds minute minutes hour hours day days week weeks month months year years
    decade decades century centuries daily weekly monthly yearly annually
    """.split()
)
_TIME_QUESTION = re.compile(r"\bhow (long|often|old)\b")
# Capitalised words that start clauses rather than name anything.
_NOT_NAMES = frozenset(
    "the a an in on it he she they this his her its their there these those".split()
)


def answer_kind(question: str) -> AnswerKind:
    """The kind of answer the question's wording asks for."""
    lowered = question.lower()
    return next((kind for kind, pattern in _KINDS if pattern.search(lowered)), AnswerKind.NONE)


def kind_words(words: tuple[str, ...], kind: AnswerKind) -> frozenset[str]:
    """A sentence's surface words (in order) that could answer this kind, lower-cased."""
    lowered = [w.lower() for w in words]
    if kind is AnswerKind.NUMBER:
        return frozenset(w for w in lowered if w[0].isdigit() or w in NUMBER_WORDS)
    if kind is AnswerKind.DATE:
        return frozenset(w for w in lowered if w[0].isdigit() or w in DATE_WORDS)
    if kind is AnswerKind.NAME:
        return frozenset(
            low
            for position, (w, low) in enumerate(zip(words, lowered, strict=True))
            if position > 0 and w[0].isupper() and low not in _NOT_NAMES
        )
    return frozenset()


@dataclass(frozen=True)
class QuantityAsked:
    """A question that asks how many, how much or how long, and the words it wrote (a
    number the question gives is not an answer to it)."""

    asked: frozenset[str]
    duration: bool  # "how long", "how often", "how old": a time unit also answers

    @classmethod
    def of(cls, question: str) -> QuantityAsked | None:
        """The quantity a question asks for, or None when it asks for none."""
        if answer_kind(question) is not AnswerKind.NUMBER:
            return None
        written = frozenset(w.lower() for w in tokens(question))
        return cls(written, bool(_TIME_QUESTION.search(question.lower())))

    def stated_in(self, words: Iterable[str]) -> bool:
        """Whether these surface words (a passage's) state a quantity the question did not."""
        amounts = QUANTITY_WORDS | TIME_UNITS if self.duration else QUANTITY_WORDS
        return any(
            word not in self.asked and (word[0].isdigit() or word in amounts)
            for word in map(str.lower, words)
        )
