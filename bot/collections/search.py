"""Answer one question from several collections at once: one ranked list of passages.

Each collection has its own index and its own BM25 statistics, and the ranking score
(`bot.rank`) is a sum of shares of the best candidate *within one index*: a passage scoring
3.1 in one collection and 2.9 in another says nothing about which is better. A passage's
relevance (`bot.relevance`) does not depend on the index it comes from: its words weigh by
their frequency in general English and its meaning is the cosine of two fixed vectors, so
the same paragraph gets the same relevance in any collection (a test checks it). Merging
therefore follows relevance, but only between collections: each collection's passages
keep their own order (its ranker saw more evidence than relevance alone), and at each
step the best next passage of the collections, by relevance, comes next.

Measured with benchmarks/collections_merge.py (each set's articles split in two
collections; Hit@1 of the merged answer, one index of all the articles for reference):

    set                    one index  this merge  by relevance  by score
    squadshifts (1,000 q)      0.855       0.852         0.796     0.856
    natural-nq (1,000 q)       0.710       0.708         0.711     0.675
    own-words (60 q)           0.583       0.583         0.650     0.583

Sorting by relevance alone throws away the ranker's order and loses 6 points on
squadshifts; sorting by score loses 3.5 on natural-nq; this merge stays within 0.003 of a
single index on every set.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.answer import Answer, AnswerStatus, Passage, answer
from bot.config import DEFAULT_MIN_RELEVANCE
from bot.index.backend import SearchBackend


@dataclass(frozen=True)
class MergedAnswer:
    """An answer from several collections, and which collection each passage came from."""

    answer: Answer
    collections: tuple[str, ...]  # the collection of each passage, in order


def answer_from(
    indexes: Sequence[tuple[str, SearchBackend]],
    question: str,
    k: int = 3,
    min_relevance: float = DEFAULT_MIN_RELEVANCE,
) -> MergedAnswer:
    """The best k passages of all these (collection name, index) pairs for the question."""
    answers = [(name, answer(index, question, k, None, min_relevance)) for name, index in indexes]
    return merge(question, answers, k)


def merge(question: str, answers: Sequence[tuple[str, Answer]], k: int) -> MergedAnswer:
    """Merge each collection's answer into one, ranks renumbered from 1."""
    queues = [[(name, p) for p in a.passages] for name, a in answers]
    taken: list[tuple[str, Passage]] = []
    while len(taken) < k and any(queues):
        best = max((q for q in queues if q), key=lambda q: q[0][1].relevance)
        taken.append(best.pop(0))
    passages = tuple(replace(p, rank=rank) for rank, (_, p) in enumerate(taken, start=1))
    truncated = any(a.truncated for _, a in answers)
    merged = Answer(question, _status(answers, passages), passages, truncated=truncated)
    if not passages:
        closest = tuple(dict.fromkeys(t for _, a in answers for t in a.closest_articles))[:3]
        merged = replace(merged, closest_articles=closest)
    return MergedAnswer(merged, tuple(name for name, _ in taken))


def _status(answers: Sequence[tuple[str, Answer]], passages: tuple[Passage, ...]) -> AnswerStatus:
    if passages:
        return AnswerStatus.ANSWERED
    if answers and all(a.status is AnswerStatus.NO_SEARCH_TERMS for _, a in answers):
        return AnswerStatus.NO_SEARCH_TERMS
    return AnswerStatus.NO_RELEVANT_PASSAGE
