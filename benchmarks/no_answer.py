"""The no-answer threshold: answerable questions wrongly refused vs off-topic ones refused.

    python -m benchmarks.no_answer DATASET_DIR

Answerable: every question against the whole corpus. Off-topic: the corpus cut to the
articles in even positions (sorted ids), asked the questions of the other articles. A
question is refused at threshold t when none of the 3 passages `answer()` would show has
relevance >= t (answer's own rule, applied to the same ranking).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from bot.answer import paragraph_relevance, question_rule
from bot.evaluate import Question, load_questions
from bot.index.build import reindex
from bot.index.search import SearchIndex, load_index
from bot.rank import rank_candidates
from bot.text import analyze

THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.36, 0.37, 0.38, 0.39, 0.4, 0.45, 0.5, 0.55, 0.6)


def best_relevance(index: SearchIndex, question: Question) -> float:
    """The highest relevance among the passages `answer()` would consider (k=3)."""
    terms = analyze(question.question)
    if not terms:
        return 0.0
    rule = question_rule(question.question)
    ranked = rank_candidates(index, terms, 3, question=question.question)
    paragraphs = index.paragraphs([d for d, _ in ranked])
    return max((paragraph_relevance(index, rule, p) for p in paragraphs), default=0.0)


def relevances(corpus: Path, questions: list[Question], tmp: Path) -> list[float]:
    """Best relevance of each question against an index of `corpus`."""
    db = tmp / f"{corpus.name}.db"
    reindex(corpus, db)
    index = load_index(db)
    try:
        return [best_relevance(index, q) for q in questions]
    finally:
        index.close()


def main(argv: list[str] | None = None) -> int:
    """Print, per threshold, the share of answerable and of off-topic questions refused."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", type=Path)
    args = parser.parse_args(argv)
    questions = load_questions(args.dataset / "questions.jsonl")
    files = sorted((args.dataset / "corpus").glob("*.txt"))
    kept = {f.stem for f in files[::2]}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        half = tmp / "half"
        half.mkdir()
        for f in files[::2]:
            shutil.copy(f, half / f.name)
        answerable = relevances(args.dataset / "corpus", questions, tmp)
        off_topic = relevances(half, [q for q in questions if q.article not in kept], tmp)
    print("threshold  answerable refused  off-topic refused")
    for t in THRESHOLDS:
        wrong = sum(r < t for r in answerable) / len(answerable)
        right = sum(r < t for r in off_topic) / len(off_topic)
        print(f"{t:9.2f}  {wrong:18.1%}  {right:17.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
