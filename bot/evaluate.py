"""Retrieval quality on a question set: Hit@1/3/5, MRR@10 and the questions missed.

Questions are ranked exactly as answers are (`rank_candidates`, depth 10) and are not filtered
by the no-answer threshold; how often that threshold would refuse an answerable question is
measured separately, by running `answer()` itself.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from bot.answer import paragraph_relevance, question_rule
from bot.config import DEFAULT_MIN_RELEVANCE
from bot.index.search import SearchIndex
from bot.rank import rank_candidates
from bot.text import analyze

Scope = Literal["corpus", "article"]
DEPTH = 10
ANSWER_K = 3  # answer()'s default number of passages
HIT_DEPTHS = (1, 3, 5)


class QuestionFileError(ValueError):
    """A question file line is not a question object; the message names the line."""


@dataclass(frozen=True)
class Question:
    """A question and the paragraph that answers it (article id, 0-based position)."""

    id: str
    question: str
    article: str
    paragraph: int


@dataclass(frozen=True)
class Outcome:
    """Where the gold paragraph ranked (1-based, None if not in the top 10)."""

    question: Question
    rank: int | None
    refused: bool


@dataclass(frozen=True)
class EvalReport:
    """The outcome of every question, plus timing and the no-answer threshold used."""

    scope: Scope
    outcomes: tuple[Outcome, ...]
    unknown: tuple[Question, ...]
    rank_seconds: float
    min_relevance: float

    @property
    def count(self) -> int:
        """Questions evaluated (those whose gold paragraph is indexed)."""
        return len(self.outcomes)

    def hit_at(self, k: int) -> float:
        """Share of questions whose gold paragraph is in the top k."""
        hits = sum(1 for o in self.outcomes if o.rank is not None and o.rank <= k)
        return hits / self.count if self.count else 0.0

    @property
    def mrr(self) -> float:
        """Mean reciprocal rank of the gold paragraph, 0 when outside the top 10."""
        total = sum(1 / o.rank for o in self.outcomes if o.rank is not None)
        return total / self.count if self.count else 0.0

    @property
    def refused_share(self) -> float:
        """Share of these answerable questions that `answer()` refuses at `min_relevance`."""
        return sum(o.refused for o in self.outcomes) / self.count if self.count else 0.0

    @property
    def ms_per_question(self) -> float:
        """Mean ranking time per question, in milliseconds."""
        return 1000 * self.rank_seconds / self.count if self.count else 0.0

    def misses(self) -> list[Outcome]:
        """Questions whose gold paragraph was not ranked first."""
        return [o for o in self.outcomes if o.rank != 1]

    def to_json(self) -> dict[str, Any]:
        """The report as plain JSON data."""
        return {
            "scope": self.scope,
            "questions": self.count,
            "unknown": [q.id for q in self.unknown],
            **{f"hit@{k}": round(self.hit_at(k), 4) for k in HIT_DEPTHS},
            "mrr@10": round(self.mrr, 4),
            "ms_per_question": round(self.ms_per_question, 3),
            "min_relevance": self.min_relevance,
            "refused_share": round(self.refused_share, 4),
            "misses": [_miss_json(o) for o in self.misses()],
        }


def _miss_json(outcome: Outcome) -> dict[str, Any]:
    q = outcome.question
    return {
        "id": q.id,
        "question": q.question,
        "article": q.article,
        "paragraph": q.paragraph,
        "rank": outcome.rank,
    }


def load_questions(path: Path) -> list[Question]:
    """Questions from a JSON-lines file: `id`, `question`, `article`, `paragraph` (0-based)."""
    questions = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if line.strip():
                questions.append(_question(line, f"{path}:{number}"))
    return questions


def _question(line: str, where: str) -> Question:
    try:
        row = json.loads(line)
        return Question(
            id=str(row.get("id", where)),
            question=str(row["question"]),
            article=str(row["article"]),
            paragraph=int(row["paragraph"]),
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise QuestionFileError(f"{where}: not a question object ({exc})") from None


def run_evaluation(
    index: SearchIndex,
    questions: Sequence[Question],
    scope: Scope = "corpus",
    min_relevance: float = DEFAULT_MIN_RELEVANCE,
) -> EvalReport:
    """Rank every question as answers do and record where its gold paragraph came."""
    known = [q for q in questions if _gold_doc(index, q) is not None]
    unknown = tuple(q for q in questions if _gold_doc(index, q) is None)
    started = time.perf_counter()
    rankings = [_ranking(index, q, scope) for q in known]
    seconds = time.perf_counter() - started
    outcomes = tuple(
        Outcome(q, _gold_rank(index, q, ranked), _refused(index, q, ranked, min_relevance))
        for q, ranked in zip(known, rankings, strict=True)
    )
    return EvalReport(scope, outcomes, unknown, seconds, min_relevance)


def _gold_doc(index: SearchIndex, question: Question) -> int | None:
    article = index.article(question.article)
    if article is None or not 0 <= question.paragraph < article.paragraph_count:
        return None
    return article.first_doc + question.paragraph


def _ranking(index: SearchIndex, question: Question, scope: Scope) -> list[int]:
    article_id = question.article if scope == "article" else None
    terms = analyze(question.question)
    ranked = rank_candidates(index, terms, DEPTH, article_id, question=question.question)
    return [doc for doc, _ in ranked]


def _gold_rank(index: SearchIndex, question: Question, ranked: list[int]) -> int | None:
    gold = _gold_doc(index, question)
    return next((rank for rank, doc in enumerate(ranked, start=1) if doc == gold), None)


def _refused(
    index: SearchIndex, question: Question, ranked: list[int], min_relevance: float
) -> bool:
    """Whether `answer()` (k=3) would refuse: none of its passages clears the bar.

    Ranking is deterministic and answers take the top 3 of the same ranking, so applying
    answer's own relevance rule to them gives its decision without building the passages.
    """
    terms = analyze(question.question)
    if not terms:
        return True
    rule = question_rule(question.question)
    passages = index.paragraphs(ranked[:ANSWER_K])
    return all(paragraph_relevance(index, rule, p) < min_relevance for p in passages)


def format_report(report: EvalReport, max_misses: int = 20) -> str:
    """The report for people: the metrics, then the first misses."""
    lines = [
        f"{report.count} questions, scope {report.scope}"
        + (
            f" ({len(report.unknown)} skipped: article or paragraph not indexed)"
            if report.unknown
            else ""
        ),
        "  ".join(f"Hit@{k} {report.hit_at(k):.3f}" for k in HIT_DEPTHS)
        + f"  MRR@10 {report.mrr:.3f}  {report.ms_per_question:.2f} ms/question",
        f"no-answer threshold {report.min_relevance}: refuses"
        f" {report.refused_share:.1%} of these answerable questions",
    ]
    misses = report.misses()
    if misses:
        lines.append(
            f"missed (gold not first): {len(misses)}; first {min(max_misses, len(misses))}:"
        )
        lines += [_miss_line(o) for o in misses[:max_misses]]
    return "\n".join(lines)


def _miss_line(outcome: Outcome) -> str:
    q = outcome.question
    where = f"rank {outcome.rank}" if outcome.rank else "not in top 10"
    return f"  [{where}] {q.article} ¶{q.paragraph + 1}: {q.question}"
