"""Train the reading head (`bot.rerank.reading`) and choose its weight, by halves.

    pip install torch==2.13.0    # for training only: citebot runs the head with numpy
    python -m benchmarks.reading_head --check own-words=benchmarks/own_words \\
        --train squadshifts=../shared/eval/squadshifts-new-wiki,natural-nq=../shared/eval/natural-nq

1. Reading. For every question, citebot's best `CONTEXT_DEPTH` candidates as it ranks them
   without the head, and the contextual model's token states of the question and of each
   candidate (int8, as citebot keeps them).
2. Training, on the questions of half A of each `--train` set's articles only: a candidate is
   labelled 1 when it is a gold paragraph; gold paragraphs missing from the candidates are
   added as positives. Binary cross-entropy, AdamW, a few epochs (more over-fit: two epochs
   gave the best held-out Hit@1 among 1-4 when this was written).
3. Checking the weights as shipped: numpy's `ReadingHead` must give torch's probabilities.
4. The weight of a candidate's place (`READING_PRIOR`): Hit@1 for each weight on the
   `--check` sets (which training never saw) and on half B of each `--train` set, every one
   of them split again into a fitting half and a reporting half of its articles.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

import bot.rerank.context as context
from benchmarks.quality_sets import QualitySet, halves, load_set, parse_sets
from bot.context_model import Reading
from bot.evaluate import Question
from bot.index.build import reindex
from bot.index.search import SearchIndex, load_index
from bot.meaning import passage_text
from bot.rank import rank_paragraphs
from bot.rerank.reading import ReadingHead
from bot.text import analyze

PRIORS = (0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 1e6)


@dataclass(frozen=True)
class Example:
    """One question: its reading, its candidates' readings in citebot's order, which are gold."""

    article: str
    question: Reading
    candidates: tuple[Reading, ...]
    gold: tuple[bool, ...]
    missed_gold: tuple[Reading, ...]  # gold paragraphs that are not among the candidates


@dataclass(frozen=True)
class ReadSet:
    """A set's examples, and its halves of articles."""

    name: str
    examples: tuple[Example, ...]
    half_a: frozenset[str]


@contextmanager
def without_reading_head() -> Iterator[context.PassageReadings]:
    """Candidates ordered as citebot orders them before the head has its say, and every
    passage the model reads for them kept (yielded) to be read from again."""
    original, kept = context._read_closely, context.READINGS
    context._read_closely = lambda asked, ranked, readings, closeness, close_readings=None: ranked  # type: ignore[assignment]
    context.READINGS = context.PassageReadings(context._read, budget=1 << 62)
    try:
        yield context.READINGS
    finally:
        context._read_closely, context.READINGS = original, kept  # type: ignore[assignment]


def read_set(qset: QualitySet, db: Path, sample_b: int) -> ReadSet:
    """Every question of half A, and `sample_b` of half B (0: all), read by the model."""
    reindex(qset.corpus, db)
    index = load_index(db)
    try:
        half_a, _ = halves(a.id for a in index.articles)
        in_a = [q for q in qset.questions if q.article in half_a]
        in_b = [q for q in qset.questions if q.article not in half_a]
        if sample_b and len(in_b) > sample_b:
            in_b = random.Random(7).sample(in_b, sample_b)
        examples = []
        with without_reading_head() as readings:

            def read(text: str) -> Reading:
                return readings.of(index, [text])[0]

            for q in in_a + in_b:
                if (example := _example(index, q, read)) is not None:
                    examples.append(example)
        return ReadSet(qset.name, tuple(examples), half_a)
    finally:
        index.close()


def _example(index: SearchIndex, q: Question, read: Callable[[str], Reading]) -> Example | None:
    ranked = rank_paragraphs(index, analyze(q.question), context.CONTEXT_DEPTH, question=q.question)
    article = index.article(q.article)
    if not ranked or article is None:
        return None
    golds = set(q.paragraphs or (q.paragraph,))
    gold = tuple(p.article.id == q.article and p.position in golds for p, _ in ranked)
    found = {p.position for p, _ in ranked if p.article.id == q.article}
    missed = [article.first_doc + g for g in sorted(golds - found) if g < article.paragraph_count]
    return Example(
        q.article,
        context._question(q.question),
        tuple(read(passage_text(p.article.title, p.text)) for p, _ in ranked),
        gold,
        tuple(read(passage_text(p.article.title, p.text)) for p in index.paragraphs(missed)),
    )


def train(examples: list[Example], dim: int, dropout: float, epochs: int, seed: int) -> Any:
    """The head, trained in torch on these examples (every candidate and missed gold)."""
    import torch
    from torch import nn

    torch.manual_seed(seed)
    torch.set_num_threads(1)
    pairs = [
        (e.question, c, float(g))
        for e in examples
        for c, g in zip(
            e.candidates + e.missed_gold, e.gold + (True,) * len(e.missed_gold), strict=True
        )
    ]
    model = _torch_head(dim, dropout)
    optimiser = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-2)
    order = random.Random(seed)
    for epoch in range(epochs):
        order.shuffle(pairs)
        total = 0.0
        for start in range(0, len(pairs), 32):
            batch = pairs[start : start + 32]
            logits = model(*_padded(batch, torch))
            target = torch.tensor([label for _, _, label in batch])
            loss = nn.functional.binary_cross_entropy_with_logits(logits, target)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            total += loss.item() * len(batch)
        print(f"  epoch {epoch + 1}: loss {total / len(pairs):.4f} over {len(pairs)} pairs")
    return model.eval()


def _torch_head(dim: int, dropout: float) -> Any:
    import torch
    from torch import nn

    class Head(nn.Module):  # type: ignore[misc]  # torch is untyped here
        """The same computation as `bot.rerank.reading.ReadingHead`, batched and trainable."""

        def __init__(self) -> None:
            super().__init__()
            self.project = nn.Linear(384, dim)
            self.value = nn.Linear(384, dim)
            self.compare = nn.Sequential(
                nn.Linear(4 * dim + 1, dim), nn.ReLU(), nn.Dropout(dropout),
                nn.Linear(dim, dim), nn.ReLU(),
            )  # fmt: skip
            self.pool = nn.Linear(dim, 1)
            self.out = nn.Linear(2 * dim, 1)

        def forward(self, q: Any, q_mask: Any, p: Any, p_mask: Any) -> Any:
            keys = self.project(p)
            attention = (self.project(q) @ keys.transpose(1, 2)) / dim**0.5
            attention = attention.masked_fill(~p_mask[:, None, :], -1e9)
            attended = torch.softmax(attention, -1) @ self.value(p)
            asked = self.value(q)
            unit_q = q / q.norm(dim=-1, keepdim=True).clamp_min(1e-6)
            unit_p = p / p.norm(dim=-1, keepdim=True).clamp_min(1e-6)
            cosines = (unit_q @ unit_p.transpose(1, 2)).masked_fill(~p_mask[:, None, :], -1)
            best = cosines.max(-1).values[..., None]
            features = torch.cat([asked, attended, asked * attended, asked - attended, best], -1)
            compared = self.compare(features)
            weights = self.pool(compared).squeeze(-1).masked_fill(~q_mask, -1e9)
            pooled = (torch.softmax(weights, -1)[..., None] * compared).sum(1)
            strongest = compared.masked_fill(~q_mask[..., None], -1e9).max(1).values
            return self.out(torch.cat([pooled, strongest], -1)).squeeze(-1)

    return Head()


def _padded(batch: list[tuple[Reading, Reading, float]], torch: Any) -> tuple[Any, ...]:
    def stack(readings: list[Reading]) -> tuple[Any, Any]:
        longest = max(len(r.scales) for r in readings)
        states = np.zeros((len(readings), longest, 384), dtype=np.float32)
        mask = np.zeros((len(readings), longest), dtype=bool)
        for i, r in enumerate(readings):
            states[i, : len(r.scales)] = r.token_states()
            mask[i, : len(r.scales)] = True
        return torch.from_numpy(states), torch.from_numpy(mask)

    q, q_mask = stack([q for q, _, _ in batch])
    p, p_mask = stack([p for _, p, _ in batch])
    return q, q_mask, p, p_mask


def save(model: Any, path: Path) -> ReadingHead:
    """Write the weights as `ReadingHead` reads them; return them as loaded back."""
    state = {name: value.detach().numpy() for name, value in model.state_dict().items()}
    names = {
        "project": "project.weight", "project_bias": "project.bias",
        "value": "value.weight", "value_bias": "value.bias",
        "compare": "compare.0.weight", "compare_bias": "compare.0.bias",
        "compare2": "compare.3.weight", "compare2_bias": "compare.3.bias",
        "pool": "pool.weight", "pool_bias": "pool.bias",
        "out": "out.weight", "out_bias": "out.bias",
    }  # fmt: skip
    with path.open("wb") as file:
        np.savez(file, **{ours: state[theirs] for ours, theirs in names.items()})
    print(f"  saved {path} ({path.stat().st_size} bytes), sha256 "
          f"{hashlib.sha256(path.read_bytes()).hexdigest()}")  # fmt: skip
    return ReadingHead.load(path)


def largest_difference(model: Any, head: ReadingHead, examples: list[Example]) -> float:
    """The largest gap between torch's and numpy's probability over these candidates."""
    import torch

    gap = 0.0
    with torch.no_grad():
        for e in examples:
            batch = [(e.question, c, 0.0) for c in e.candidates]
            theirs = torch.sigmoid(model(*_padded(batch, torch))).numpy()
            ours = likelihoods(head, e)
            gap = max(gap, float(np.abs(theirs - ours).max()))
    return gap


def likelihoods(head: ReadingHead, e: Example) -> np.ndarray:
    """The head's probability for each candidate, as citebot computes it."""
    question = e.question.token_states()
    return np.array([head.likelihood(question, c.token_states()) for c in e.candidates])


def sweep(head: ReadingHead, name: str, examples: list[Example]) -> None:
    """Hit@1 per weight of a candidate's place, on a fitting and a reporting half."""
    fit, _ = halves(e.article for e in examples)
    scored = [(e.article in fit, np.array(e.gold), likelihoods(head, e)) for e in examples]
    place = 1 - np.arange(context.CONTEXT_DEPTH) / context.CONTEXT_DEPTH
    print(f"== {name}: {sum(f for f, _, _ in scored)} questions to fit on, "
          f"{sum(not f for f, _, _ in scored)} to report on")  # fmt: skip
    print("place weight   fit Hit@1  report Hit@1")
    for prior in PRIORS:
        hits: dict[bool, list[bool]] = {True: [], False: []}
        for in_fit, gold, p in scored:
            best = int(np.argmax(p + prior * place[: len(p)]))
            hits[in_fit].append(bool(gold[best]))
        label = "no head" if prior >= 1e6 else f"{prior:.2f}"
        mark = "  <- shipped" if prior == context.READING_PRIOR else ""
        print(f"{label:>12}   {np.mean(hits[True]):9.3f}  {np.mean(hits[False]):12.3f}{mark}")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train", required=True, help="NAME=DIR,NAME=DIR")
    parser.add_argument("--check", default="", help="sets never trained on: NAME=DIR,...")
    parser.add_argument("--out", type=Path, default=Path("bot/models/reading-head.npz"))
    parser.add_argument("--sample-b", type=int, default=1000, help="half-B questions read")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--dim", type=int, default=32)
    parser.add_argument("--dropout", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        read = [
            read_set(load_set(name, folder), Path(tmp) / f"{i}.db", args.sample_b)
            for i, (name, folder) in enumerate(parse_sets(args.train))
        ]
        checks = [
            read_set(load_set(name, folder), Path(tmp) / f"check{i}.db", 0)
            for i, (name, folder) in enumerate(parse_sets(args.check))
        ]
    print(f"read in {time.perf_counter() - started:.0f} s")
    training = [e for s in read for e in s.examples if e.article in s.half_a]
    model = train(training, args.dim, args.dropout, args.epochs, args.seed)
    head = save(model, args.out)
    held_out = [e for s in read for e in s.examples if e.article not in s.half_a]
    gap = largest_difference(model, head, held_out[:200])
    print(f"  numpy against torch: largest difference {gap:.2e}")
    for s in checks:
        sweep(head, s.name, list(s.examples))
    for s in read:
        sweep(head, f"{s.name} half B", [e for e in s.examples if e.article not in s.half_a])
    print(f"done in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
