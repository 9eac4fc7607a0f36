"""Collections at scale: how soon an added article is answerable, and many small collections
served by one process against one collection of the same size.

    python -m benchmarks.collections [--paragraphs 100000] [--collections 100] [--adds 5]

1. One collection of `--paragraphs` generated paragraphs (benchmarks/synthetic.py): the time
   from `add_article` of one new article until a question about it is answered with it
   (save + incremental reindex + reloading the served index + answer), `--adds` times.
2. The same paragraphs split into `--collections` collections (whole articles, in order,
   about `paragraphs / collections` each), all loaded by one process (`ServedCollections`):
   its RSS, and answer() p50/p99 with each question asked in the collection holding its
   article, against one process serving the single large collection the same questions.
   Also answer_from() over a question's collection plus the bundled corpus as the shared one,
   and, as the reference of "one collection of the same size", the same questions each
   answered while its collection is the only one loaded (one collection at a time).

Each serving run is its own subprocess, so memory figures are that process's alone (Linux
VmHWM peak and VmRSS at the end). The work folder is kept and reused (`--work`).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.synthetic import BUNDLED_CORPUS, Spec, write_corpus
from bot.answer import answer
from bot.collections import (
    ServedCollections,
    add_article,
    answer_from,
    collection,
    file_source,
    list_collections,
    open_collection,
    remove_article,
    shared_collection,
)
from bot.collections.articles import refresh
from bot.config import Settings
from bot.index.search import SearchIndex

ROOT = Path(__file__).resolve().parent.parent
OPENERS = ("What is the", "Who was the", "When did the", "Why did the", "How many")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.mode != "run":
        return _serve(args.mode, args.work, args.out)
    args.work.mkdir(parents=True, exist_ok=True)
    prepare(args.work, args.paragraphs, args.collections, args.questions)
    builds = build_all(args.work)
    adds = measure_adds(args.work, args.adds)
    if args.adds_only:
        print(format_adds(adds, args.paragraphs))
        if args.json:
            args.json.write_text(json.dumps({"builds": builds, "adds": adds}, indent=2))
        return 0
    one = _subprocess("serve-one", args.work)
    many = _subprocess("serve-many", args.work)
    each = _subprocess("serve-each", args.work)
    report = {"builds": builds, "adds": adds, "one": one, "many": many, "each": each}
    print(format_report(report, args.paragraphs, args.collections))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument(
        "mode", nargs="?", default="run", choices=["run", "serve-one", "serve-many", "serve-each"]
    )
    p.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "results" / "collections")
    p.add_argument("--paragraphs", type=int, default=100_000)
    p.add_argument("--collections", type=int, default=100)
    p.add_argument("--questions", type=int, default=300)
    p.add_argument("--adds", type=int, default=5)
    p.add_argument(
        "--adds-only", action="store_true", help="measure the adds only, not the serving runs"
    )
    p.add_argument("--json", type=Path, help="also write every figure to this file")
    p.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    return p


def _settings(work: Path) -> Settings:
    return Settings(corpus=BUNDLED_CORPUS, db=work / "shared.db", collections=work / "collections")


def prepare(work: Path, paragraphs: int, parts: int, count: int) -> None:
    """Write the large collection, its split into small ones, and the questions (once)."""
    qfile = work / "questions.json"
    if qfile.exists():
        return
    big = work / "collections" / "big"
    started = time.perf_counter()
    articles = write_corpus(Spec(paragraphs=paragraphs), BUNDLED_CORPUS, big)
    per_part, seen = paragraphs / parts, 0
    homes = []
    for number, body in enumerate(articles):
        part = f"part-{min(int(seen // per_part), parts - 1):03d}"
        target = work / "collections" / part / f"a{number:07d}.txt"
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(big / f"a{number:07d}.txt", target)
        homes.append(part)
        seen += len(body)
    asked = _questions(articles, homes, count)
    qfile.write_text(json.dumps(asked))
    print(f"corpus written and split in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def _questions(articles: list[list[str]], homes: list[str], count: int) -> list[list[str]]:
    """(collection, question) pairs: 2-5 longer words of one paragraph after an opener."""
    rng = np.random.default_rng(7)
    asked: list[list[str]] = []
    while len(asked) < count:
        number = int(rng.integers(0, len(articles)))
        text = articles[number][int(rng.integers(0, len(articles[number])))]
        words = [w.strip(".,").lower() for w in text.split() if len(w.strip(".,")) > 3]
        if len(words) < 5:
            continue
        picked = sorted(rng.choice(len(words), int(rng.integers(2, 6)), replace=False))
        opener = OPENERS[int(rng.integers(0, len(OPENERS)))]
        asked.append([homes[number], f"{opener} {' '.join(words[i] for i in picked)}?"])
    return asked


def build_all(work: Path) -> dict[str, float]:
    """Index every collection (nothing to do when a previous run did)."""
    seconds: dict[str, float] = {"big": 0.0, "parts": 0.0}
    for found in list_collections(_settings(work)):
        started = time.perf_counter()
        refresh(found)
        seconds["big" if found.name in ("big", "shared") else "parts"] += (
            time.perf_counter() - started
        )
    return seconds


def measure_adds(work: Path, adds: int) -> list[dict[str, float]]:
    """Add one new article to the large collection, then answer a question about it."""
    big, served = collection(_settings(work), "big"), ServedCollections()
    served.index(big)
    results = []
    for n in range(adds):
        marker = f"zorblax{n}quennet"
        text = _new_article(n, marker)
        started = time.perf_counter()
        report = add_article(big, file_source(f"new-{n}.md", text.encode()))
        saved = time.perf_counter()
        index = served.reload(big)
        loaded = time.perf_counter()
        found = answer(index, f"What did the {marker} inspectors find in the harbour?", k=1)
        done = time.perf_counter()
        del index  # as the bot: no generation is held past its question
        assert found.passages and found.passages[0].citation.article_id == report.article_id
        results.append(
            {
                "add_s": saved - started,
                "reload_s": loaded - saved,
                "total_s": done - started,
                "log_mb": _log_size(big.db) / 2**20,
            }
        )
        remove_article(big, report.article_id)  # the collection stays as generated
    served.reload(big)
    return results


def _log_size(db: Path) -> int:
    """The size of the index's write-ahead log (it must not grow with every add)."""
    try:
        return os.path.getsize(f"{db}-wal")
    except OSError:
        return 0


def _new_article(n: int, marker: str) -> str:
    paragraphs = [
        f"The {marker} inspectors found three cracked moorings in the harbour on Tuesday.",
        f"Repairs to the harbour wall will take until spring, the port authority said ({n}).",
        "Fishing boats will use the northern quay while the work goes on.",
    ]
    return f"---\ntitle: Harbour inspection {n}\n---\n\n" + "\n\n".join(paragraphs) + "\n"


def _subprocess(mode: str, work: Path) -> dict[str, float]:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        cmd = [sys.executable, "-m", "benchmarks.collections", mode, "--work", str(work)]
        subprocess.run([*cmd, "--out", out.name], cwd=ROOT, check=True)
        return dict(json.loads(Path(out.name).read_text()))


def _serve(mode: str, work: Path, out: Path) -> int:
    """In a fresh process: load, answer every question, report latency and memory."""
    if mode == "serve-each":
        out.write_text(json.dumps(_serve_each(work)))
        return 0
    settings, served = _settings(work), ServedCollections()
    asked = json.loads((work / "questions.json").read_text())
    started = time.perf_counter()
    names = ["big"]
    if mode == "serve-many":
        names = sorted(p.name for p in (work / "collections").iterdir() if p.name != "big")
    for name in names:
        served.index(collection(settings, name))
    result = {"load_s": time.perf_counter() - started, "collections": float(len(names))}

    def home(name: str) -> SearchIndex:
        return served.index(collection(settings, name if mode == "serve-many" else "big"))

    result |= _latencies("answer", [lambda h=h, q=q: answer(home(h), q, 3) for h, q in asked])
    if mode == "serve-many":
        shared = ("shared", served.index(shared_collection(settings)))
        calls = [lambda h=h, q=q: answer_from([(h, home(h)), shared], q, 3) for h, q in asked]
        result |= _latencies("answer_from", calls)
    result |= _memory()
    out.write_text(json.dumps(result))
    return 0


def _serve_each(work: Path) -> dict[str, float]:
    """Each small collection alone: load it, answer its questions (a warm-up pass, then the
    timed one), drop it; the latencies of all of them together."""
    settings = _settings(work)
    asked = json.loads((work / "questions.json").read_text())
    times: list[float] = []
    for name in sorted({home for home, _ in asked}):
        index = open_collection(collection(settings, name))
        mine = [q for home, q in asked if home == name]
        for q in mine:
            answer(index, q, 3)
        for q in mine:
            started = time.perf_counter()
            answer(index, q, 3)
            times.append(time.perf_counter() - started)
        index.close()
    return {
        "answer_p50_ms": float(np.percentile(times, 50) * 1e3),
        "answer_p99_ms": float(np.percentile(times, 99) * 1e3),
    } | _memory()


def _latencies(name: str, calls: list) -> dict[str, float]:  # type: ignore[type-arg]
    for call in calls:  # a warm-up pass over every question, as `_serve_each` does
        call()
    times = []
    for call in calls:
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return {
        f"{name}_p50_ms": float(np.percentile(times, 50) * 1e3),
        f"{name}_p99_ms": float(np.percentile(times, 99) * 1e3),
    }


def _memory() -> dict[str, float]:
    status = Path("/proc/self/status").read_text().splitlines()
    fields = {line.split(":")[0]: int(line.split()[1]) for line in status if line.startswith("Vm")}
    return {"peak_rss_mb": fields.get("VmHWM", 0) / 1024, "rss_mb": fields.get("VmRSS", 0) / 1024}


def format_adds(adds: list[dict[str, float]], paragraphs: int) -> str:
    """One line: how soon an added article was answerable."""
    totals = sorted(a["total_s"] for a in adds)
    return (
        f"add one article to a {paragraphs:,}-paragraph collection until answerable"
        f" ({len(adds)} adds): median {np.median(totals):.2f} s, max {max(totals):.2f} s"
        f" (save + reindex median {np.median([a['add_s'] for a in adds]):.2f} s,"
        f" reload median {np.median([a['reload_s'] for a in adds]):.2f} s;"
        f" write-ahead log after the last {adds[-1].get('log_mb', 0):.0f} MB)"
    )


def format_report(report: dict, paragraphs: int, parts: int) -> str:  # type: ignore[type-arg]
    one, many = report["one"], report["many"]
    lines = [
        format_adds(report["adds"], paragraphs),
        "serving                        load s   RSS MB  peak MB  answer p50  p99 ms",
        f"1 collection of {paragraphs:>9,}   {one['load_s']:6.1f}  {one['rss_mb']:7.0f}"
        f"  {one['peak_rss_mb']:7.0f}  {one['answer_p50_ms']:10.1f}  {one['answer_p99_ms']:6.1f}",
        f"{parts} collections of {paragraphs // parts:>6,}  {many['load_s']:6.1f}"
        f"  {many['rss_mb']:7.0f}  {many['peak_rss_mb']:7.0f}  {many['answer_p50_ms']:10.1f}"
        f"  {many['answer_p99_ms']:6.1f}",
        f"  + the shared collection, answer_from() p50 {many['answer_from_p50_ms']:.1f} ms,"
        f" p99 {many['answer_from_p99_ms']:.1f} ms",
        f"  each of them loaded alone: answer() p50 {report['each']['answer_p50_ms']:.1f} ms,"
        f" p99 {report['each']['answer_p99_ms']:.1f} ms",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
