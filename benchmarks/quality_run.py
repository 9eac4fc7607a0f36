"""One question set through citebot and every peer: where each gold paragraph ranked.

Everyone ranks the same paragraphs (citebot's index of the set's corpus, in its document
order) for the same questions. citebot ranks as `citebot eval` does and is also asked through
`answer()` itself, at the configured no-answer bar, whether it would show anything at all.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from benchmarks.quality_peers import PEERS
from benchmarks.quality_sets import QualitySet, halves
from bot.answer import AnswerStatus, answer
from bot.evaluate import ANSWER_K, DEPTH, HIT_DEPTHS, Question, gold_docs, run_evaluation
from bot.index.search import SearchIndex

Ranks = tuple[int | None, ...]
Ranker = Callable[[str, int, str | None], list[int]]
# The article scope is measured where articles have several paragraphs to choose from.
ARTICLE_SCOPE_MIN_PARAGRAPHS = 2.0
# A peer with a faster exact equivalent (rank-bm25) is timed through its library on these.
LIBRARY_TIMING_SAMPLE = 300


@dataclass(frozen=True)
class Run:
    """One system in one scope: each question's gold rank (1-based, None past the top 10)."""

    system: str
    scope: str
    ranks: Ranks
    seconds: float
    refused: tuple[bool, ...] = ()  # citebot only: answer() showed nothing


@dataclass(frozen=True)
class Figures:
    """Hit@1/3/5, MRR@10, ms per question and (citebot) the refused share."""

    count: int
    hits: tuple[float, ...]
    mrr: float
    ms: float
    refused: float | None


@dataclass(frozen=True)
class SetResult:
    """Everything measured on one set."""

    name: str
    articles: int
    paragraphs: int
    questions: tuple[Question, ...]  # those whose gold paragraphs are indexed, in run order
    skipped: int
    runs: tuple[Run, ...]
    in_half_a: tuple[bool, ...]
    off_topic_refused: tuple[bool, ...]
    min_relevance: float

    @property
    def scopes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.scope for r in self.runs))

    def run(self, system: str, scope: str) -> Run:
        return next(r for r in self.runs if r.system == system and r.scope == scope)

    def best_peer(self, scope: str) -> Run:
        """The peer with the highest Hit@1 on the whole set in this scope."""
        peers = [r for r in self.runs if r.system != "citebot" and r.scope == scope]
        return max(peers, key=lambda r: figures(r).hits[0])


def figures(run: Run, keep: Sequence[bool] | None = None) -> Figures:
    """The run's figures over all its questions, or over those where `keep` is true."""
    chosen = [i for i in range(len(run.ranks)) if keep is None or keep[i]]
    n = len(chosen) or 1
    ranks = [run.ranks[i] for i in chosen]
    hits = tuple(sum(1 for r in ranks if r is not None and r <= k) / n for k in HIT_DEPTHS)
    mrr = sum(1 / r for r in ranks if r is not None and r <= DEPTH) / n
    refused = sum(run.refused[i] for i in chosen) / n if run.refused else None
    return Figures(len(chosen), hits, mrr, 1000 * run.seconds / len(run.ranks or [0]), refused)


def evaluate_set(qset: QualitySet, index: SearchIndex, min_relevance: float) -> SetResult:
    """citebot and every peer on the set's questions, in each scope that applies."""
    known = tuple(q for q in qset.questions if gold_docs(index, q))
    per_article = index.paragraph_count / max(len(index.articles), 1)
    scopes = ("corpus", "article") if per_article >= ARTICLE_SCOPE_MIN_PARAGRAPHS else ("corpus",)
    runs = [_citebot(index, known, scope, min_relevance, qset.name) for scope in scopes]
    runs += _peers(index, known, scopes, qset.name)
    half_a, _ = halves(a.id for a in index.articles)
    off_topic = tuple(_refuses(index, q, min_relevance) for q in qset.off_topic)
    return SetResult(
        name=qset.name,
        articles=len(index.articles),
        paragraphs=index.paragraph_count,
        questions=known,
        skipped=len(qset.questions) - len(known),
        runs=tuple(runs),
        in_half_a=tuple(q.article in half_a for q in known),
        off_topic_refused=off_topic,
        min_relevance=min_relevance,
    )


def _citebot(
    index: SearchIndex, known: Sequence[Question], scope: str, bar: float, label: str
) -> Run:
    started = time.perf_counter()
    report = run_evaluation(index, known, scope, bar)  # type: ignore[arg-type]
    _progress(f"[{label}] citebot {scope}", started)
    ranks = tuple(o.rank for o in report.outcomes)
    return Run(
        "citebot", scope, ranks, report.rank_seconds, tuple(o.refused for o in report.outcomes)
    )


def _peers(
    index: SearchIndex, known: Sequence[Question], scopes: Sequence[str], label: str
) -> list[Run]:
    docs = range(index.paragraph_count)
    texts = [index.paragraph(d).text for d in docs]
    articles = [index.paragraph(d).article.id for d in docs]
    gold = [gold_docs(index, q) for q in known]
    runs = []
    for peer_class in PEERS:
        started = time.perf_counter()
        peer = peer_class(texts, articles)
        for scope in scopes:
            ranks, seconds = peer_ranks(peer.rank, known, gold, scope)
            if library_rank := getattr(peer, "library_rank", None):
                seconds = _library_seconds(peer.rank, library_rank, known, scope) * len(known)
            runs.append(Run(peer.name, scope, ranks, seconds))
        _progress(f"[{label}] {peer.name}", started)
    return runs


def _library_seconds(
    rank: Ranker, library_rank: Ranker, known: Sequence[Question], scope: str
) -> float:
    """Seconds per question through the library itself, on a sample of the questions, after
    checking that it ranks them exactly as the faster equivalent used for the figures."""
    sample = known[:LIBRARY_TIMING_SAMPLE]
    started = time.perf_counter()
    ranked = [library_rank(q.question, DEPTH, _scope_article(q, scope)) for q in sample]
    seconds = time.perf_counter() - started
    fast = [rank(q.question, DEPTH, _scope_article(q, scope)) for q in sample]
    if ranked != fast:
        raise AssertionError("a peer's fast path ranks differently from its library")
    return seconds / max(len(sample), 1)


def _scope_article(question: Question, scope: str) -> str | None:
    return question.article if scope == "article" else None


def peer_ranks(
    rank: Ranker, questions: Sequence[Question], gold: Sequence[frozenset[int]], scope: str
) -> tuple[Ranks, float]:
    """Where each question's best gold paragraph ranked for one peer, and the time taken."""
    started = time.perf_counter()
    ranked = [rank(q.question, DEPTH, _scope_article(q, scope)) for q in questions]
    seconds = time.perf_counter() - started
    found = (
        next((i for i, doc in enumerate(r, start=1) if doc in g), None)
        for r, g in zip(ranked, gold, strict=True)
    )
    return tuple(found), seconds


def _refuses(index: SearchIndex, question: str, bar: float) -> bool:
    return answer(index, question, ANSWER_K, None, bar).status is not AnswerStatus.ANSWERED


def _progress(what: str, started: float) -> None:
    print(f"  {what}: {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
