"""How much weight the contextual model (`bot.rerank.context`) gets in ranking, fitted on
half A of each set's articles and checked on half B.

    python -m benchmarks.context_rerank --sample 150 \
        --sets own-words=benchmarks/own_words,natural-nq=../shared/eval/natural-nq

For every question, the second stage's best `CONTEXT_DEPTH` candidates are taken as citebot
ranks them without the model; the model reads the question and each candidate once, and
every weight is then scored on the same candidates: Hit@1 and Hit@3 per half. The
`--limit`ed set sizes are not what citebot serves with (it asks the model only on indexes of
at most `context.index_limit()` paragraphs); they only keep the model's reading time down
(about 30 ms a paragraph, 100 ms or more for a long Wikipedia one).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import bot.rerank.context as context
from benchmarks.quality_sets import QualitySet, halves, load_set, parse_sets
from bot.index.build import reindex
from bot.index.search import load_index
from bot.meaning import passage_text
from bot.rank import rank_paragraphs
from bot.text import analyze

WEIGHTS = (0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0)


@dataclass(frozen=True)
class Scored:
    """One question's candidates: relative second-stage scores, cosines, which are gold."""

    in_half_a: bool
    scores: np.ndarray
    cosines: np.ndarray
    gold: np.ndarray


def candidates(qset: QualitySet, db: Path, sample: int) -> list[Scored]:
    """Each (sampled) question's head of candidates, read by the model once."""
    reindex(qset.corpus, db)
    index = load_index(db)
    half_a, _ = halves(a.id for a in index.articles)
    questions = list(qset.questions)
    if sample and len(questions) > sample:
        questions = random.Random(7).sample(questions, sample)
    limit = context.index_limit()
    context.set_index_limit(0)  # ranked without it
    try:
        out = []
        for q in questions:
            ranked = rank_paragraphs(
                index, analyze(q.question), context.CONTEXT_DEPTH, question=q.question
            )
            if not ranked:
                continue
            top = ranked[0][1] if ranked[0][1] > 0 else 1.0
            texts = [passage_text(p.article.title, p.text) for p, _ in ranked]
            vectors = np.vstack([r.vector for r in context.READINGS.of(index, texts)])
            cosines = vectors @ context._question(q.question).vector
            golds = set(q.paragraphs or (q.paragraph,))
            gold = np.array([p.article.id == q.article and p.position in golds for p, _ in ranked])
            scores = np.array([s / top for _, s in ranked])
            out.append(Scored(q.article in half_a, scores, cosines, gold))
        return out
    finally:
        context.set_index_limit(limit)
        index.close()


def hits(scored: list[Scored], weight: float) -> tuple[float, float]:
    """Hit@1 and Hit@3 with the model at this weight."""
    at1 = at3 = 0
    for s in scored:
        order = np.lexsort((np.arange(len(s.scores)), -(s.scores + weight * s.cosines)))
        at1 += bool(s.gold[order[0]])
        at3 += bool(s.gold[order[:3]].any())
    n = max(len(scored), 1)
    return at1 / n, at3 / n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", required=True, help="NAME=DIR,NAME=DIR")
    parser.add_argument("--sample", type=int, default=150, help="questions per set (0: all)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        for i, (name, folder) in enumerate(parse_sets(args.sets)):
            started = time.perf_counter()
            scored = candidates(load_set(name, folder), Path(tmp) / f"{i}.db", args.sample)
            a = [s for s in scored if s.in_half_a]
            b = [s for s in scored if not s.in_half_a]
            took = time.perf_counter() - started
            print(f"== {name}: {len(a)} questions in half A, {len(b)} in B ({took:.0f} s)")
            print("weight   A Hit@1  A Hit@3   B Hit@1  B Hit@3")
            for weight in WEIGHTS:
                (a1, a3), (b1, b3) = hits(a, weight), hits(b, weight)
                mark = "  <- shipped" if weight == context.CONTEXT_WEIGHT else ""
                print(f"{weight:6.1f}   {a1:7.3f}  {a3:7.3f}   {b1:7.3f}  {b3:7.3f}{mark}")
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
