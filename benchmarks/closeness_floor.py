"""The closeness floor: answerable questions refused against off-topic ones refused, by half.

    python -m benchmarks.closeness_floor --sets name=DIR,... [--every N] [--workdir DIR]

Close reading (indexes small enough to read closely) also refuses a question when the
contextual model finds none of the best candidates about it (none has a cosine with the
question of `bot.relevance.CLOSENESS_FLOOR` or more) and the reading head gives none of them
`CLOSENESS_LIKELIHOOD`. For each set:

- answerable: every Nth question against the whole corpus, split by article into half A
  and half B (`benchmarks.quality_sets.halves`): choose the floor on A, check it on B;
  and, where articles average two paragraphs or more, the same asked of their own article
  alone (`in article`), as `benchmarks/quality.py` does;
- off-topic: the set's `off_topic.jsonl` against the whole corpus when it has one;
  otherwise every Nth question of half B's articles against an index of half A's alone,
  which can answer none of them (a stand-in for a question on a neighbouring subject).

Each question is answered as shipped but with the floor off, and the best closeness among
the candidates read closely is kept; a floor f then refuses what was refused anyway and
what was answered although its best closeness is below f and its best likelihood below
the head's bar. Prints, for each floor, the share of each group refused.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory

import bot.relevance as relevance
from benchmarks.quality_run import ARTICLE_SCOPE_MIN_PARAGRAPHS
from benchmarks.quality_sets import QualitySet, halves, load_set, parse_sets
from bot.answer import AnswerStatus, answer
from bot.index.build import reindex
from bot.index.search import SearchIndex, load_index
from bot.rank import rank_paragraphs
from bot.rerank.context import CloseReading
from bot.text import analyze

FLOORS = (0.15, 0.18, 0.2, 0.22, 0.24, 0.26, 0.28, 0.3)


@dataclass(frozen=True)
class Asked:
    """One question's outcome with the floor off: refused or not, and its best closeness
    and likelihood among the candidates read closely (None when none was)."""

    refused: bool
    closeness: float | None
    likelihood: float | None = None

    def refused_at(self, floor: float) -> bool:
        """Refused with the floor at `floor` (and the head's bar as shipped)."""
        if self.refused or self.closeness is None or self.likelihood is None:
            return self.refused
        doubted = self.likelihood < relevance.CLOSENESS_LIKELIHOOD
        return doubted and self.closeness < floor


@contextmanager
def floor_off() -> Iterator[None]:
    kept = relevance.CLOSENESS_FLOOR
    relevance.CLOSENESS_FLOOR = float("-inf")
    try:
        yield
    finally:
        relevance.CLOSENESS_FLOOR = kept


def ask(index: SearchIndex, question: str, article_id: str | None = None) -> Asked:
    """The question answered as shipped, without the floor, and its best closeness and
    likelihood (in one article when `article_id` is given)."""
    refused = answer(index, question, 3, article_id).status is not AnswerStatus.ANSWERED
    readings: dict[int, CloseReading] = {}
    rank_paragraphs(index, analyze(question), 3, article_id, question, readings)  # read already
    closest = max((r.closeness for r in readings.values()), default=None)
    likeliest = max((r.likelihood for r in readings.values()), default=None)
    return Asked(refused, closest, likeliest)


def indexed(corpus: Path, db: Path) -> SearchIndex:
    reindex(corpus, db)
    return load_index(db)


def half_corpus(qset: QualitySet, keep: frozenset[str], folder: Path) -> Path:
    """A copy of the set's corpus with only the articles in `keep` (by file stem)."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in sorted(qset.corpus.iterdir()):
        if path.is_file() and path.stem in keep:
            shutil.copy(path, folder / path.name)
    return folder


def measure(qset: QualitySet, every: int, work: Path) -> dict[str, list[Asked]]:
    """The set's groups of questions, each asked: answerable A and B (and, where articles
    are long enough, each asked of its own article), and off-topic."""
    index = indexed(qset.corpus, work / f"{qset.name}.db")
    try:
        half_a, _ = halves(a.id for a in index.articles)
        sample = qset.questions[::every]
        in_articles = index.paragraph_count >= ARTICLE_SCOPE_MIN_PARAGRAPHS * len(index.articles)
        groups: dict[str, list[Asked]] = {}
        with floor_off():
            for half, label in ((True, "A"), (False, "B")):
                chosen = [q for q in sample if (q.article in half_a) is half]
                groups[f"answerable {label}"] = [ask(index, q.question) for q in chosen]
                if in_articles:
                    groups[f"in article {label}"] = [
                        ask(index, q.question, q.article) for q in chosen
                    ]
            if qset.off_topic:
                groups["off-topic"] = [ask(index, q) for q in qset.off_topic]
    finally:
        index.close()
    if not qset.off_topic:
        corpus = half_corpus(qset, half_a, work / f"{qset.name}-half-a")
        index = indexed(corpus, work / f"{qset.name}-half-a.db")
        try:
            with floor_off():
                groups["off-topic"] = [
                    ask(index, q.question) for q in sample if q.article not in half_a
                ]
        finally:
            index.close()
    return groups


def table(name: str, groups: dict[str, list[Asked]], floors: Sequence[float]) -> str:
    """One row per floor (and one without it): the share of each group refused."""
    header = f"{'floor':>9}" + "".join(f"  {g} ({len(a)}){'':>2}" for g, a in groups.items())
    rows = [f"== {name}", header]
    for floor in (float("-inf"), *floors):
        label = "off" if floor == float("-inf") else f"{floor:.2f}"
        if floor == relevance.CLOSENESS_FLOOR:
            label = f"*{label}"
        cells = "".join(
            f"  {_share(asked, floor):>{len(g) + len(str(len(asked))) + 5}}"
            for g, asked in groups.items()
        )
        rows.append(f"{label:>9}{cells}")
    return "\n".join(rows)


def _share(asked: list[Asked], floor: float) -> str:
    refused = sum(a.refused_at(floor) for a in asked)
    return f"{100 * refused / max(len(asked), 1):.1f}%"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", required=True, help="name=DIR,name=DIR,...")
    parser.add_argument("--every", type=int, default=1, help="every Nth question (default 1)")
    parser.add_argument("--workdir", type=Path, help="where the indexes go (default: temp)")
    args = parser.parse_args(argv)
    with TemporaryDirectory() as temp:
        work = args.workdir or Path(temp)
        for name, folder in parse_sets(args.sets):
            groups = measure(load_set(name, folder), args.every, work)
            print(table(name, groups, FLOORS), flush=True)
    print(
        f"(* the shipped floor, bot/relevance.py CLOSENESS_FLOOR = {relevance.CLOSENESS_FLOOR},"
        f" with CLOSENESS_LIKELIHOOD = {relevance.CLOSENESS_LIKELIHOOD})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
