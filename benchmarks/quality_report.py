"""The text and JSON reports of `benchmarks/quality.py`."""

from __future__ import annotations

from typing import Any

from benchmarks.quality_run import Figures, Run, SetResult, figures

HEAD = f"{'system':32} {'scope':8} Hit@1  Hit@3  Hit@5  MRR@10  ms/q"


def format_set(result: SetResult) -> str:
    """One set: its size, every system, citebot against the best peer, refusals, halves."""
    several = sum(1 for q in result.questions if len(q.gold) > 1)
    lines = [
        f"== {result.name}: {result.articles:,} articles, {result.paragraphs:,} paragraphs,"
        f" {len(result.questions):,} questions ({several:,} with several gold paragraphs"
        + (f"; {result.skipped:,} skipped: paragraph not indexed" if result.skipped else "")
        + ")",
        HEAD,
    ]
    for scope in result.scopes:
        runs = sorted((r for r in result.runs if r.scope == scope), key=_hit1, reverse=True)
        lines += [_row(r.system, scope, figures(r)) for r in runs]
    for scope in result.scopes:
        ours, best = figures(result.run("citebot", scope)), result.best_peer(scope)
        theirs = figures(best)
        hit1, mrr = ours.hits[0] - theirs.hits[0], ours.mrr - theirs.mrr
        lines.append(
            f"{scope}: citebot - best peer ({best.system}): Hit@1 {hit1:+.3f}, MRR@10 {mrr:+.3f}"
        )
    lines.append(
        f"answerable questions refused by answer() at min_relevance {result.min_relevance}: "
        + ", ".join(f"{s} {_refused(result, s):.1%}" for s in result.scopes)
    )
    if result.off_topic_refused:
        refused, total = sum(result.off_topic_refused), len(result.off_topic_refused)
        lines.append(f"off-topic questions refused: {refused} of {total} ({refused / total:.1%})")
    return "\n".join(lines + _halves(result))


def _halves(result: SetResult) -> list[str]:
    a = result.in_half_a
    b = tuple(not x for x in a)
    lines = [
        "held out: articles in sorted id order, half A = even positions, B = odd"
        f" (A {sum(a):,} questions, B {sum(b):,}); Hit@1 Hit@3 MRR@10 (refused)",
    ]
    for scope in result.scopes:
        ours, best = result.run("citebot", scope), result.best_peer(scope)
        for half, keep in (("A", a), ("B", b)):
            mine, theirs = figures(ours, keep), figures(best, keep)
            lines.append(
                f"  {half} {scope:8} citebot {_short(mine)} ({mine.refused or 0:.1%})"
                f"  {best.system} {_short(theirs)}  Hit@1 {mine.hits[0] - theirs.hits[0]:+.3f}"
            )
    return lines


def format_summary(results: list[SetResult]) -> str:
    """citebot's acceptance figures for every set in one table."""
    lines = [
        "== summary: citebot",
        f"{'set':24} {'scope':8} Hit@1  Hit@3  MRR@10  refused  off-topic refused  best peer Hit@1",
    ]
    for result in results:
        off = result.off_topic_refused
        off_text = f"{sum(off) / len(off):.1%}" if off else "-"
        for scope in result.scopes:
            ours, best = figures(result.run("citebot", scope)), figures(result.best_peer(scope))
            lines.append(
                f"{result.name:24} {scope:8} {ours.hits[0]:.3f}  {ours.hits[1]:.3f}  {ours.mrr:.3f}"
                f"   {ours.refused or 0:6.1%}  {off_text:>17}  {best.hits[0]:.3f}"
            )
    return "\n".join(lines)


def to_json(results: list[SetResult]) -> dict[str, Any]:
    """Every figure of the run as plain data (for comparing runs)."""
    out: dict[str, Any] = {}
    for result in results:
        a = result.in_half_a
        halves = {"A": a, "B": tuple(not x for x in a)}
        out[result.name] = {
            "articles": result.articles,
            "paragraphs": result.paragraphs,
            "questions": len(result.questions),
            "skipped": result.skipped,
            "min_relevance": result.min_relevance,
            "off_topic": len(result.off_topic_refused),
            "off_topic_refused": sum(result.off_topic_refused),
            "runs": [_run_json(r, halves) for r in result.runs],
        }
    return out


def _run_json(run: Run, halves: dict[str, tuple[bool, ...]]) -> dict[str, Any]:
    return {
        "system": run.system,
        "scope": run.scope,
        **_figures_json(figures(run)),
        "halves": {name: _figures_json(figures(run, keep)) for name, keep in halves.items()},
    }


def _figures_json(f: Figures) -> dict[str, Any]:
    return {
        "questions": f.count,
        **{f"hit@{k}": round(h, 4) for k, h in zip((1, 3, 5), f.hits, strict=True)},
        "mrr@10": round(f.mrr, 4),
        "ms_per_question": round(f.ms, 3),
        **({"refused": round(f.refused, 4)} if f.refused is not None else {}),
    }


def _row(system: str, scope: str, f: Figures) -> str:
    h1, h3, h5 = f.hits
    return f"{system:32} {scope:8} {h1:.3f}  {h3:.3f}  {h5:.3f}  {f.mrr:.3f}   {f.ms:.2f}"


def _short(f: Figures) -> str:
    return f"{f.hits[0]:.3f} {f.hits[1]:.3f} {f.mrr:.3f}"


def _hit1(run: Run) -> float:
    return figures(run).hits[0]


def _refused(result: SetResult, scope: str) -> float:
    return figures(result.run("citebot", scope)).refused or 0.0
