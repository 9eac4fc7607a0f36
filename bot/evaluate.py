"""Retrieval quality on a question set: Hit@1/3/5, MRR@10 and the questions missed.

Questions are ranked exactly as answers are (`rank_candidates`, depth 10) and are not filtered
by the no-answer threshold; how often that threshold would refuse an answerable question is
measured separately, by running `answer()` itself. A question may have several gold
paragraphs (near-copies in one article): a hit on any of them counts.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from bot.answer import AnswerStatus, answer
from bot.config import DEFAULT_MIN_RELEVANCE
from bot.errors import UserFacingError
from bot.index.search import SearchIndex
from bot.rank import rank_candidates
from bot.text import analyze

Scope = Literal["corpus", "article"]
DEPTH = 10
ANSWER_K = 3  # answer()'s default number of passages
HIT_DEPTHS = (1, 3, 5)


class QuestionFileError(UserFacingError, ValueError):
    """A question file cannot be used; the message names the file and the line."""


@dataclass(frozen=True)
class Question:
    """A question and the paragraph that answers it (article id, 0-based position).

    `paragraphs`, when given, lists every paragraph of the article that answers it (a hit on
    any counts); `paragraph` is then its first.
    """

    id: str
    question: str
    article: str
    paragraph: int
    paragraphs: tuple[int, ...] = ()

    @property
    def gold(self) -> tuple[int, ...]:
        """Every 0-based position that counts as a hit, `paragraph` first."""
        return tuple(dict.fromkeys((self.paragraph, *self.paragraphs)))


@dataclass(frozen=True)
class Outcome:
    """Where the best gold paragraph ranked (1-based, None if not in the top 10)."""

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
        **({"paragraphs": list(q.gold)} if len(q.gold) > 1 else {}),
        "rank": outcome.rank,
    }


def load_questions(path: Path) -> list[Question]:
    """Questions from a JSON-lines file: `question`, `article`, and `paragraph` (0-based)
    or `paragraphs` (a list of them); `id` optional. Blank lines are skipped; any other
    line that is not such an object, or a file with no question, is a `QuestionFileError`."""
    questions = []
    for number, raw in enumerate(path.read_bytes().split(b"\n"), start=1):
        where = f"{path}:{number}"
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            raise QuestionFileError(f"{where}: not UTF-8 (byte {exc.start + 1})") from None
        if line.strip():
            questions.append(_question(line, where))
    if not questions:
        raise QuestionFileError(f"{path}: no questions in the file")
    return questions


def _question(line: str, where: str) -> Question:
    try:
        row = json.loads(line)
    except ValueError as exc:
        raise QuestionFileError(f"{where}: not JSON ({exc})") from None
    if not isinstance(row, dict):
        raise QuestionFileError(f"{where}: not a JSON object with question, article, paragraph")
    gold = _gold_positions(row, where)
    return Question(
        id=str(row.get("id", where)),
        question=_text(row, "question", where),
        article=_text(row, "article", where),
        paragraph=gold[0],
        paragraphs=gold if "paragraphs" in row else (),
    )


def _text(row: dict[str, Any], key: str, where: str) -> str:
    value = row.get(key)
    if not isinstance(value, str) or not value.strip():
        problem = "missing" if value is None else f"not a non-empty string ({value!r:.40})"
        raise QuestionFileError(f"{where}: {key!r} is {problem}")
    return value


def _gold_positions(row: dict[str, Any], where: str) -> tuple[int, ...]:
    """`paragraph` then `paragraphs`, each a whole number >= 0 (strings are refused: "3"
    could be a 1-based number read as 0-based, and would silently count as a miss)."""
    if "paragraph" not in row and "paragraphs" not in row:
        raise QuestionFileError(f"{where}: 'paragraph' is missing (0-based position)")
    listed = row.get("paragraphs", [])
    if not isinstance(listed, list) or ("paragraphs" in row and not listed):
        raise QuestionFileError(f"{where}: 'paragraphs' must be a non-empty list of positions")
    values = ([row["paragraph"]] if "paragraph" in row else []) + listed
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise QuestionFileError(
                f"{where}: paragraph {value!r:.40} is not a 0-based position (a whole number >= 0)"
            )
    return tuple(dict.fromkeys(values))


def run_evaluation(
    index: SearchIndex,
    questions: Sequence[Question],
    scope: Scope = "corpus",
    min_relevance: float = DEFAULT_MIN_RELEVANCE,
) -> EvalReport:
    """Rank every question as answers do and record where its gold paragraph came."""
    known = [q for q in questions if gold_docs(index, q)]
    unknown = tuple(q for q in questions if not gold_docs(index, q))
    seconds = 0.0
    outcomes = []
    for q in known:
        started = time.perf_counter()
        ranked = _ranking(index, q, scope)
        seconds += time.perf_counter() - started
        # Right after its ranking, while the candidates' readings are still kept: on an index
        # read closely whose passages outnumber the readings kept (about 1,600), answer()
        # would otherwise read most of them again.
        refused = _refused(index, q, scope, min_relevance)
        outcomes.append(Outcome(q, _gold_rank(index, q, ranked), refused))
    return EvalReport(scope, tuple(outcomes), unknown, seconds, min_relevance)


def gold_docs(index: SearchIndex, question: Question) -> frozenset[int]:
    """The gold paragraphs' document numbers; empty unless the article holds every one."""
    article = index.article(question.article)
    if article is None or not all(0 <= p < article.paragraph_count for p in question.gold):
        return frozenset()
    return frozenset(article.first_doc + p for p in question.gold)


def _ranking(index: SearchIndex, question: Question, scope: Scope) -> list[int]:
    article_id = question.article if scope == "article" else None
    terms = analyze(question.question)
    ranked = rank_candidates(index, terms, DEPTH, article_id, question=question.question)
    return [doc for doc, _ in ranked]


def _gold_rank(index: SearchIndex, question: Question, ranked: list[int]) -> int | None:
    gold = gold_docs(index, question)
    return next((rank for rank, doc in enumerate(ranked, start=1) if doc in gold), None)


def _refused(index: SearchIndex, question: Question, scope: Scope, min_relevance: float) -> bool:
    """Whether `answer()` itself, as the bot calls it, shows no passage for the question."""
    article_id = question.article if scope == "article" else None
    found = answer(index, question.question, ANSWER_K, article_id, min_relevance)
    return found.status is not AnswerStatus.ANSWERED


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
    paragraphs = "/".join(f"¶{p + 1}" for p in q.gold)
    return f"  [{where}] {q.article} {paragraphs}: {q.question}"
