"""Speed at scale: citebot against bm25s, tantivy, SQLite FTS5 and rank-bm25, side by side.

    python -m benchmarks.speed                        # 10k and 100k paragraphs
    python -m benchmarks.speed --sizes 10k,100k,1m --source /path/to/articles

Every engine builds and serves in its own subprocess, on the same generated paragraphs and
the same questions (see benchmarks/synthetic.py). rank-bm25 runs at 10k/100k only and on
the first `--rank-bm25-questions` questions (it scores every paragraph in Python).
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.synthetic import BUNDLED_CORPUS, SIZES, Spec, questions, write_corpus

ROOT = Path(__file__).resolve().parent.parent
ENGINES = ("citebot", "bm25s", "tantivy", "fts5", "rank_bm25")
COLUMNS = (
    ("build_s", "build s"),
    ("build_rss_mb", "build RSS MB"),
    ("disk_mb", "disk MB"),
    ("cold_start_s", "cold start s"),
    ("serve_rss_mb", "serve RSS MB"),
    ("query_p50_ms", "p50 ms"),
    ("query_p99_ms", "p99 ms"),
)
# Other timed paths of one engine, shown as rows of their own: (result key prefix, label).
EXTRA_TIMINGS = {
    "citebot": (("answer", "citebot answer()"),),
    "bm25s": (("fast", "bm25s fast path (`get_scores` + `argpartition`)"),),
}


def _subprocess(module: str, *args: object) -> dict[str, float]:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        cmd = [sys.executable, "-m", module, *map(str, args), out.name]
        subprocess.run(cmd, cwd=ROOT, check=True)
        return dict(json.loads(Path(out.name).read_text()))


def prepare(size: str, source: Path, work: Path, count: int) -> tuple[Path, Path]:
    """Write (or reuse) the corpus and questions for one size."""
    folder = work / f"corpus-{size}"
    qfile = work / f"questions-{size}.json"
    if not qfile.exists():
        started = time.perf_counter()
        articles = write_corpus(Spec(paragraphs=SIZES[size]), source, folder)
        qfile.write_text(json.dumps(questions(articles, count, Spec(0).seed)))
        print(f"[{size}] corpus written in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return folder, qfile


def measure(
    engine: str, corpus: Path, qfile: Path, work: Path, limit: int | None
) -> dict[str, float]:
    """Build in one subprocess, serve in a fresh one."""
    index = Path(tempfile.mkdtemp(dir=work, prefix=f"{engine}-"))
    result = _subprocess("benchmarks.engines", "build", engine, corpus, index)
    if limit is not None:
        limited = index / "questions.json"
        limited.write_text(json.dumps(json.loads(qfile.read_text())[:limit]))
        qfile = limited
    t0 = time.time()
    result.update(_subprocess("benchmarks.engines", "serve", engine, corpus, index, qfile, t0))
    result["index_dir"] = str(index)  # type: ignore[assignment]
    print(f"  {engine}: {json.dumps(_rounded(result))}", file=sys.stderr)
    return result


def _rounded(result: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 3) for k, v in result.items() if isinstance(v, float)}


def _cell(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:,.2f}" if value < 100 else f"{value:,.0f}"


def table(size: str, results: dict[str, dict[str, float]]) -> str:
    """Markdown table of one size, with citebot's answer() timings and ratios to peers."""
    head = "| engine | " + " | ".join(label for _, label in COLUMNS) + " |"
    lines = [f"### {size} paragraphs", "", head, "|" + "---|" * (len(COLUMNS) + 1)]
    for engine, r in results.items():
        lines.append(f"| {engine} | " + " | ".join(_cell(r.get(key)) for key, _ in COLUMNS) + " |")
        for extra, label in EXTRA_TIMINGS.get(engine, ()):
            p50, p99 = _cell(r[f"{extra}_p50_ms"]), _cell(r[f"{extra}_p99_ms"])
            lines.append(f"| {label} | | | | | | {p50} | {p99} |")
    ours = results["citebot"]
    lines += ["", "citebot / peer (below 1 means citebot is faster or smaller):", ""]
    for engine, r in results.items():
        if engine != "citebot":
            ratios = ", ".join(
                f"{label} {ours[key] / r[key]:.2f}x"
                for key, label in COLUMNS
                if key in r and r[key] and not math.isnan(r[key])
            )
            lines.append(f"- vs {engine}: {ratios}")
    for mine, label in (("answer_p50_ms", "Whole answer()"), ("query_p50_ms", "BM25 stage")):
        lines += ["", f"{label} p50 against each peer's top-10 search p50:", ""]
        lines += [_speed_ratio(ours[mine], name, p50) for name, p50 in _peer_p50s(results)]
    return "\n".join(lines)


def _peer_p50s(results: dict[str, dict[str, float]]) -> list[tuple[str, float]]:
    """Each peer's top-10 search p50, and its other timed paths (bm25s's fast path)."""
    found = []
    for engine, r in results.items():
        if engine != "citebot" and r.get("query_p50_ms"):
            found.append((engine, r["query_p50_ms"]))
            found += [(label, r[f"{key}_p50_ms"]) for key, label in EXTRA_TIMINGS.get(engine, ())]
    return found


def _speed_ratio(ours: float, name: str, theirs: float) -> str:
    ratio = ours / theirs
    verdict = f"{1 / ratio:.1f}x faster" if ratio < 1 else f"{ratio:.1f}x slower"
    return f"- vs {name}: {ratio:.2f}x its time ({verdict})"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the tables."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10k,100k")
    parser.add_argument(
        "--source", type=Path, default=BUNDLED_CORPUS, help="real articles for word statistics"
    )
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument("--rank-bm25-questions", type=int, default=200)
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--workdir", type=Path, default=None, help="reuse corpora between runs")
    args = parser.parse_args(argv)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="citebot-speed-"))
    work.mkdir(parents=True, exist_ok=True)
    report = []
    for size in args.sizes.split(","):
        corpus, qfile = prepare(size, args.source, work, args.questions)
        results: dict[str, dict[str, float]] = {}
        for engine in args.engines.split(","):
            if engine == "rank_bm25" and SIZES[size] > 100_000:
                continue
            limit = args.rank_bm25_questions if engine == "rank_bm25" else None
            results[engine] = measure(engine, corpus, qfile, work, limit)
        citebot = results["citebot"]
        lines = [table(size, results), ""]
        one, full = citebot["reindex_one_changed_s"], citebot["build_s"]
        lines.append(
            f"Incremental reindex, one article changed: {one:.2f} s = {100 * one / full:.1f}%"
            f" of the full build; nothing changed: {citebot['reindex_nothing_changed_s']:.2f} s"
        )
        lines.append(
            f"citebot build CPU (user + sys, the build process and its workers):"
            f" {citebot['build_cpu_s']:.0f} s"
        )
        if SIZES[size] <= 100_000:
            check = _subprocess("benchmarks.checks", "parity", corpus, citebot["index_dir"], qfile)
            lines.append(f"Parity with rank-bm25 get_scores: {json.dumps(check)}")
        if "bm25s" in results:
            same = results["bm25s"]["fast_same_top10"]
            lines.append(f"bm25s fast path: same top-10 scores as retrieve() on {same:.0f} of 100")
        speed = _subprocess("benchmarks.checks", "throughput", corpus)
        lines.append(f"Analysis throughput (paragraphs/s): {json.dumps(_rounded(speed))}")
        report.append("\n".join(lines))
        print(report[-1] + "\n", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
