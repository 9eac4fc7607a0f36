"""One engine per subprocess: `build` (text -> persisted, queryable index) or `serve`.

    python -m benchmarks.engines build ENGINE CORPUS INDEX_DIR OUT.json
    python -m benchmarks.engines serve ENGINE CORPUS INDEX_DIR QUESTIONS.json T0 OUT.json

Peak memory is this process's own: its peak RSS since it started (Linux `VmHWM`), or the
sampled RSS of it and its children (every 10 ms) where that is higher, so worker processes
count too. Not `ru_maxrss`: Linux carries the peak RSS of the process that started this one
across fork and exec, so an engine started from a parent holding 600 MB reported 613 MB
whatever it used itself. `serve` reports cold start as wall time from T0 (the parent's clock
just before it started this process) to the first answer.
"""

from __future__ import annotations

import json
import re
import resource
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from benchmarks.synthetic import read_corpus

Query = Callable[[str], object]
_NON_WORD = re.compile(r"[^\w\s]")


def own_peak_bytes() -> int:
    """This process's own peak RSS since exec (Linux `VmHWM`; 0 where /proc has none)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


class PeakRss:
    """Samples the RSS of this process tree in a daemon thread."""

    def __init__(self) -> None:
        self.peak = 0
        try:
            import psutil  # the bench extra: without it, this process's own peak only
        except ImportError:
            return
        self._psutil = psutil
        self._me = psutil.Process()
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while True:
            try:
                procs = [self._me, *self._me.children(recursive=True)]
                self.peak = max(self.peak, sum(p.memory_info().rss for p in procs))
            except self._psutil.Error:
                pass
            time.sleep(0.01)

    def mb(self) -> float:
        return max(self.peak, own_peak_bytes()) / 2**20


def _content_words(question: str) -> list[str]:
    from bot.text import STOP_WORDS

    return [w for w in _NON_WORD.sub(" ", question).lower().split() if w not in STOP_WORDS]


def build_citebot(corpus: Path, index: Path) -> dict[str, float]:
    from bot.index.build import reindex
    from bot.index.search import load_index

    db = index / "citebot.sqlite"
    reindex(corpus, db)
    load_index(db).close()
    return {}


def incremental_citebot(corpus: Path, index: Path) -> dict[str, float]:
    """Change one article, reindex, restore it, reindex; and a reindex with nothing changed."""
    from bot.index.build import reindex

    db = index / "citebot.sqlite"
    victim = sorted(corpus.glob("*.txt"))[len(list(corpus.glob("*.txt"))) // 2]
    original = victim.read_text(encoding="utf-8")
    times = {}
    try:
        victim.write_text(
            original + "\nA new closing paragraph about glaciers.\n", encoding="utf-8"
        )
        started = time.perf_counter()
        summary = reindex(corpus, db)
        times["reindex_one_changed_s"] = time.perf_counter() - started
        assert summary.changed == (victim.stem,), summary
    finally:
        victim.write_text(original, encoding="utf-8")
    reindex(corpus, db)
    started = time.perf_counter()
    reindex(corpus, db)
    times["reindex_nothing_changed_s"] = time.perf_counter() - started
    return times


def serve_citebot(corpus: Path, index: Path) -> tuple[Query, dict[str, Query]]:
    from bot.answer import answer
    from bot.index.search import load_index
    from bot.text import analyze

    loaded = load_index(index / "citebot.sqlite")
    return (lambda q: loaded.search(analyze(q), 10)), {"answer": lambda q: answer(loaded, q, k=10)}


def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("english")


def build_bm25s(corpus: Path, index: Path) -> dict[str, float]:
    import bm25s

    tokens = bm25s.tokenize(
        read_corpus(corpus), stopwords="en", stemmer=_stemmer(), show_progress=False
    )
    retriever = bm25s.BM25()
    retriever.index(tokens, show_progress=False)
    retriever.save(str(index / "bm25s"))
    return {}


def serve_bm25s(corpus: Path, index: Path) -> tuple[Query, dict[str, Query]]:
    import bm25s

    retriever = bm25s.BM25.load(str(index / "bm25s"))
    stemmer = _stemmer()

    def query(q: str) -> object:
        tokens = bm25s.tokenize(
            [q], stopwords="en", stemmer=stemmer, show_progress=False, return_ids=False
        )
        return retriever.retrieve(tokens, k=10, show_progress=False, n_threads=1)

    return query, {"fast": _bm25s_fast_path(retriever, stemmer)}


def _bm25s_fast_path(retriever, stemmer) -> Query:  # type: ignore[no-untyped-def]
    """bm25s at its fastest: the same tokens as `bm25s.tokenize` (its pattern, English stop
    words, PyStemmer) without its per-call set-up, `get_scores`, then `np.argpartition`."""
    from bm25s.stopwords import STOPWORDS_EN

    split = re.compile(r"(?u)\b\w\w+\b").findall
    stop = frozenset(STOPWORDS_EN)

    def fast(q: str) -> object:
        tokens = stemmer.stemWords([w for w in split(q.lower()) if w not in stop])
        if not tokens:
            return [], []
        scores = retriever.get_scores(tokens)
        top = np.argpartition(-scores, 10)[:10]
        top = top[np.argsort(-scores[top])]
        return top, scores[top]

    return fast


def build_tantivy(corpus: Path, index: Path) -> dict[str, float]:
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("body", stored=False, tokenizer_name="en_stem")
    folder = index / "tantivy"
    folder.mkdir()
    tindex = tantivy.Index(builder.build(), path=str(folder))
    writer = tindex.writer(heap_size=512 * 2**20, num_threads=2)
    for text in read_corpus(corpus):
        writer.add_document(tantivy.Document(body=text))
    writer.commit()
    writer.wait_merging_threads()
    return {}


def serve_tantivy(corpus: Path, index: Path) -> tuple[Query, dict[str, Query]]:
    import tantivy

    tindex = tantivy.Index.open(str(index / "tantivy"))
    searcher = tindex.searcher()

    def query(q: str) -> object:
        words = _content_words(q)
        return (
            searcher.search(tindex.parse_query(" ".join(words), ["body"]), 10).hits if words else []
        )

    return query, {}


def build_fts5(corpus: Path, index: Path) -> dict[str, float]:
    import sqlite3

    conn = sqlite3.connect(index / "fts5.sqlite")
    conn.execute("CREATE VIRTUAL TABLE p USING fts5(body, tokenize='porter unicode61')")
    conn.executemany("INSERT INTO p(body) VALUES (?)", ((t,) for t in read_corpus(corpus)))
    conn.execute("INSERT INTO p(p) VALUES ('optimize')")
    conn.commit()
    conn.close()
    return {}


def serve_fts5(corpus: Path, index: Path) -> tuple[Query, dict[str, Query]]:
    import sqlite3

    conn = sqlite3.connect(index / "fts5.sqlite")
    sql = "SELECT rowid, rank FROM p WHERE p MATCH ? ORDER BY rank LIMIT 10"

    def query(q: str) -> object:
        words = _content_words(q)
        return (
            conn.execute(sql, (" OR ".join(f'"{w}"' for w in words),)).fetchall() if words else []
        )

    return query, {}


def _rank_bm25(corpus: Path):  # type: ignore[no-untyped-def]
    from rank_bm25 import BM25Okapi

    from bot.text import analyze_uncached

    return BM25Okapi([analyze_uncached(t) for t in read_corpus(corpus)])


def build_rank_bm25(corpus: Path, index: Path) -> dict[str, float]:
    _rank_bm25(corpus)
    return {}


def serve_rank_bm25(corpus: Path, index: Path) -> tuple[Query, dict[str, Query]]:
    """No persisted index: "cold start" includes re-analysing and re-building it."""
    from bot.text import analyze

    bm25 = _rank_bm25(corpus)

    def query(q: str) -> object:
        scores = bm25.get_scores(analyze(q))
        top = np.argpartition(-scores, 10)[:10]
        return top[np.argsort(-scores[top])]

    return query, {}


BUILD = {
    "citebot": build_citebot,
    "bm25s": build_bm25s,
    "tantivy": build_tantivy,
    "fts5": build_fts5,
    "rank_bm25": build_rank_bm25,
}
SERVE = {
    "citebot": serve_citebot,
    "bm25s": serve_bm25s,
    "tantivy": serve_tantivy,
    "fts5": serve_fts5,
    "rank_bm25": serve_rank_bm25,
}


def _size(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def _cpu_s() -> float:
    """User + system CPU seconds of this process and its finished children."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run_build(engine: str, corpus: Path, index: Path) -> dict[str, float]:
    """Time text -> queryable index, then (citebot) the incremental reindexes."""
    peak = PeakRss()
    started, cpu = time.perf_counter(), _cpu_s()
    BUILD[engine](corpus, index)
    result = {"build_s": time.perf_counter() - started, "build_rss_mb": peak.mb()}
    # CPU reads less of a busy machine than wall time (worker processes count once joined).
    result["build_cpu_s"] = _cpu_s() - cpu
    result["disk_mb"] = _size(index) if engine != "rank_bm25" else float("nan")
    if engine == "citebot":
        result.update(incremental_citebot(corpus, index))
    return result


def run_serve(
    engine: str, corpus: Path, index: Path, questions: list[str], t0: float
) -> dict[str, float]:
    """Cold start to first answer, then p50/p99 over every question (after a warm-up)."""
    peak = PeakRss()
    query, extra = SERVE[engine](corpus, index)
    query(questions[0])
    result = {"cold_start_s": time.time() - t0}
    for q in questions[:20]:
        query(q)
    for name, fn in {"query": query, **extra}.items():
        latencies = []
        for q in questions:
            started = time.perf_counter()
            fn(q)
            latencies.append(time.perf_counter() - started)
        result[f"{name}_p50_ms"] = float(np.percentile(latencies, 50) * 1e3)
        result[f"{name}_p99_ms"] = float(np.percentile(latencies, 99) * 1e3)
    result["serve_rss_mb"] = peak.mb()
    if "fast" in extra:
        result["fast_same_top10"] = _same_top10(query, extra["fast"], questions[:100])
    return result


def _same_top10(retrieve: Query, fast: Query, questions: list[str]) -> float:
    """On how many questions bm25s's fast path finds the same top-10 scores as `retrieve()`
    (scores, not documents: equal scores may come in either order)."""
    same = 0
    for q in questions:
        _, theirs = retrieve(q)  # type: ignore[misc]
        _, ours = fast(q)  # type: ignore[misc]
        a, b = np.sort(np.ravel(ours)), np.sort(np.ravel(theirs))
        same += bool(a.shape == b.shape and np.allclose(a, b, rtol=1e-6))
    return float(same)


def main(argv: list[str]) -> int:
    """Entry point of the subprocess."""
    mode, engine, corpus, index = argv[0], argv[1], Path(argv[2]), Path(argv[3])
    if mode == "build":
        result = run_build(engine, corpus, index)
    else:
        questions = json.loads(Path(argv[4]).read_text())
        result = run_serve(engine, corpus, index, questions, float(argv[5]))
    Path(argv[-1]).write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
