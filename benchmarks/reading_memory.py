"""What the context model's readings of passages cost in memory as a small index is asked.

    python -m benchmarks.reading_memory ../shared/eval/squadshifts-new-wiki --questions 1500

Indexes the set's corpus, answers its questions in a shuffled order (seed 1), and prints
the process's RSS and the readings kept (`bot.rerank.context.READINGS`, bounded by
`CACHE_BYTES`) after the first question and at a few points after it.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

import psutil

import bot.rerank.context as context
from bot.answer import answer
from bot.evaluate import load_questions
from bot.index.build import reindex
from bot.index.search import load_index

CHECKPOINTS = (100, 500, 1000, 1500, 3000)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dataset", type=Path, help="a folder with corpus/ and questions.jsonl")
    parser.add_argument("--questions", type=int, default=1500)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        reindex(args.dataset / "corpus", Path(tmp) / "index.db")
        index = load_index(Path(tmp) / "index.db")
        try:
            questions = load_questions(args.dataset / "questions.jsonl")
            random.Random(1).shuffle(questions)
            print(f"{index.paragraph_count} paragraphs; cache budget "
                  f"{context.CACHE_BYTES / 2**20:.0f} MB")  # fmt: skip
            started = time.perf_counter()
            for n, question in enumerate(questions[: args.questions], start=1):
                answer(index, question.question)
                if n == 1 or n in CHECKPOINTS or n == args.questions:
                    rss = psutil.Process().memory_info().rss / 2**20
                    kept = context.READINGS.nbytes / 2**20
                    print(f"{n:5} questions: RSS {rss:.0f} MB, readings {kept:.1f} MB of "
                          f"{context.READINGS.count(index)} passages, "
                          f"{time.perf_counter() - started:.0f} s")  # fmt: skip
        finally:
            index.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
