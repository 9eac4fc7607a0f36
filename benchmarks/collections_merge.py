"""How to merge passages from several collections: measured on real question sets.

    python -m benchmarks.collections_merge benchmarks/own_words [../shared/eval/natural-nq ...]
        [--sample 1000]

Each set's articles are split in two collections (sorted ids: even positions in A, odd in
B), each with its own index and BM25 statistics; every question is answered from A and B
and the two answers merged, and from one index of all the articles for comparison. Hit@1 and
Hit@3 count the question's paragraph among the merged passages. Merges compared:

- **stream** (bot/collections/search.py): each collection's passages in its own order, the
  head with the higher relevance first;
- **relevance**: every passage sorted by relevance;
- **score**: every passage sorted by its ranking score, which is relative to the best
  candidate of its own index (so not comparable across indexes: the baseline to beat).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from bot.answer import Answer, Passage, answer
from bot.collections import merge
from bot.evaluate import Question, load_questions
from bot.index.build import reindex
from bot.index.search import SearchIndex, load_index

K = 3
Merge = Callable[[str, list[tuple[str, Answer]]], tuple[Passage, ...]]


def stream(question: str, answers: list[tuple[str, Answer]]) -> tuple[Passage, ...]:
    return merge(question, answers, K).answer.passages


def by_key(key: Callable[[Passage], float]) -> Merge:
    def merged(question: str, answers: list[tuple[str, Answer]]) -> tuple[Passage, ...]:
        passages = [p for _, a in answers for p in a.passages]
        return tuple(sorted(passages, key=key, reverse=True)[:K])

    return merged


MERGES: dict[str, Merge] = {
    "stream": stream,
    "relevance": by_key(lambda p: p.relevance),
    "score": by_key(lambda p: p.score),
}


def split_indexes(corpus: Path, work: Path) -> dict[str, SearchIndex]:
    """Index all the articles, and the two halves, each in its own database."""
    files = sorted(p for p in corpus.rglob("*") if p.is_file())
    for half, picked in (("all", files), ("a", files[0::2]), ("b", files[1::2])):
        for path in picked:
            target = work / half / path.relative_to(corpus)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(path, target)
        reindex(work / half, work / f"{half}.db")
    return {half: load_index(work / f"{half}.db") for half in ("all", "a", "b")}


def hit(passages: tuple[Passage, ...], question: Question, within: int) -> bool:
    gold = set(question.paragraphs or (question.paragraph,))
    return any(
        p.citation.article_id == question.article and p.citation.paragraph - 1 in gold
        for p in passages[:within]
    )


def measure(folder: Path, sample: int) -> dict[str, tuple[float, float]]:
    questions = load_questions(folder / "questions.jsonl")
    if len(questions) > sample:
        questions = random.Random(2026).sample(questions, sample)
    counts = {name: [0, 0] for name in ("one index", *MERGES)}
    with tempfile.TemporaryDirectory() as work:
        indexes = split_indexes(folder / "corpus", Path(work))
        for q in questions:
            found = {"one index": answer(indexes["all"], q.question, K).passages}
            halves = [(h, answer(indexes[h], q.question, K)) for h in ("a", "b")]
            found |= {name: fn(q.question, halves) for name, fn in MERGES.items()}
            for name, passages in found.items():
                counts[name][0] += hit(passages, q, 1)
                counts[name][1] += hit(passages, q, 3)
    n = len(questions)
    return {name: (h1 / n, h3 / n) for name, (h1, h3) in counts.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sets", nargs="+", type=Path)
    parser.add_argument("--sample", type=int, default=1000, help="questions per set, at most")
    args = parser.parse_args(argv)
    print("set              merge        Hit@1  Hit@3")
    for folder in args.sets:
        for name, (h1, h3) in measure(folder, args.sample).items():
            print(f"{folder.name:<16} {name:<12} {h1:.3f}  {h3:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
