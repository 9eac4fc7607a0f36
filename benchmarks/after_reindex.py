"""How fast a small index answers right after a reindex that changed one article.

    python -m benchmarks.after_reindex [--dataset benchmarks/own_words]

On a small index every question's best candidates are read closely by the context model
(`bot.rerank.context`), about 30 ms for each passage it has not read yet. Indexes the
set's corpus (a copy), asks all its questions three times: once cold, once warm, and once
more after one article was edited and the corpus reindexed, from the new generation, as the
bot serves it after `/add` or `/reindex`. Prints each pass's median and total answer time
and how many passages the model read in it.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import bot.rerank.context as context
from bot.answer import answer, prepare_for_questions
from bot.context_model import Reading
from bot.evaluate import load_questions
from bot.index.build import reindex
from bot.index.search import SearchIndex, load_index

OWN_WORDS = Path(__file__).parent / "own_words"


def timed_pass(index: SearchIndex, questions: list[str], reads: list[str]) -> str:
    """Every question once; the times and the passages read, as one line."""
    reads.clear()
    times = []
    for question in questions:
        started = time.perf_counter()
        answer(index, question)
        times.append(time.perf_counter() - started)
    return (
        f"median {statistics.median(times) * 1000:6.1f} ms, total {sum(times):5.2f} s, "
        f"{len(reads):4} passages read"
    )


def edit_one_article(corpus: Path) -> Path:
    """Adds a sentence to the first paragraph of the first article (by name)."""
    article = sorted(p for p in corpus.iterdir() if p.is_file())[0]
    text = article.read_text(encoding="utf-8")
    body = text.index("\n\n", text.index("---", 3)) + 2  # after the front matter
    paragraph_end = text.index("\n\n", body)
    edited = text[:paragraph_end] + " This sentence was added later." + text[paragraph_end:]
    article.write_text(edited, encoding="utf-8")
    return article


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", type=Path, default=OWN_WORDS)
    args = parser.parse_args(argv)
    questions = [q.question for q in load_questions(args.dataset / "questions.jsonl")]
    reads: list[str] = []

    def counted(text: str) -> Reading:
        reads.append(text)
        return context._read(text)

    kept, context.READINGS = context.READINGS, context.PassageReadings(counted)
    try:
        _run(args.dataset, questions, reads)
    finally:
        context.READINGS = kept
    return 0


def _run(dataset: Path, questions: list[str], reads: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        corpus, db = Path(tmp) / "corpus", Path(tmp) / "index.db"
        shutil.copytree(dataset / "corpus", corpus)
        reindex(corpus, db)
        index = load_index(db)
        prepare_for_questions(index)
        print(f"{index.paragraph_count} paragraphs, {len(questions)} questions")
        print(f"cold:                      {timed_pass(index, questions, reads)}")
        print(f"warm:                      {timed_pass(index, questions, reads)}")
        edited = edit_one_article(corpus)
        reindex(corpus, db)
        fresh = load_index(db)
        prepare_for_questions(fresh)
        index.close()
        del index  # as the bot lets go of the generation it no longer serves
        print(f"after {edited.name} changed: {timed_pass(fresh, questions, reads)}")
        fresh.close()


if __name__ == "__main__":
    raise SystemExit(main())
