"""Side measurements in their own subprocess: analyzer throughput and top-10 parity.

python -m benchmarks.checks throughput CORPUS OUT.json
python -m benchmarks.checks parity CORPUS INDEX_DIR QUESTIONS.json OUT.json
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

from benchmarks.synthetic import read_corpus

THROUGHPUT_PARAGRAPHS = 100_000
PARITY_QUESTIONS = 100


def throughput(corpus: Path) -> dict[str, float]:
    """Paragraphs per second: citebot's indexing analysis (tokens, stems and sentences, with
    the stem cache a reindex uses; cold, then warm) vs bm25s.tokenize (tokens and stems)."""
    import bm25s
    import Stemmer

    from bot.paragraph import analyse_paragraph
    from bot.text import TermCache

    texts = read_corpus(corpus)[:THROUGHPUT_PARAGRAPHS]
    result: dict[str, float] = {"paragraphs": len(texts)}
    stems = TermCache()
    for label in ("citebot_cold_cache", "citebot_warm_cache"):
        started = time.perf_counter()
        looked_up = sum(len(analyse_paragraph(text, stems.__getitem__).terms) for text in texts)
        result[f"{label}_per_s"] = len(texts) / (time.perf_counter() - started)
        if label.endswith("cold_cache"):
            result["stem_cache_hit_rate"] = 1 - len(stems) / max(looked_up, 1)
            result["stem_cache_entries"] = len(stems)
    stemmer = Stemmer.Stemmer("english")
    started = time.perf_counter()
    bm25s.tokenize(texts, stopwords="en", stemmer=stemmer, show_progress=False)
    result["bm25s_tokenize_per_s"] = len(texts) / (time.perf_counter() - started)
    return result


def parity(corpus: Path, index: Path, questions: list[str]) -> dict[str, float]:
    """citebot's top 10 against rank-bm25 get_scores on the same tokens, same paragraphs."""
    from rank_bm25 import BM25Okapi

    from bot.index.search import load_index
    from bot.text import analyze, analyze_uncached

    bm25 = BM25Okapi([analyze_uncached(t) for t in read_corpus(corpus)])
    loaded = load_index(index / "citebot.sqlite")
    same, worst = 0, 0.0
    questions = questions[:PARITY_QUESTIONS]
    for q in questions:
        terms = analyze(q)
        ours = loaded.search(terms, 10)
        scores = bm25.get_scores(terms)
        # rank-bm25 has no tie rule: order by score, then paragraph, as citebot does.
        order = np.lexsort((np.arange(len(scores)), -scores))
        theirs = [int(d) for d in order[:10] if scores[d] > 0]
        same += [d for d, _ in ours] == theirs
        for doc, score in ours:
            worst = max(worst, abs(score - scores[doc]) / abs(scores[doc]))
    return {"queries": len(questions), "identical_top10": same, "max_rel_diff": worst}


def main(argv: list[str]) -> int:
    """Entry point of the subprocess."""
    if argv[0] == "throughput":
        result = throughput(Path(argv[1]))
    else:
        questions = json.loads(Path(argv[3]).read_text())
        result = parity(Path(argv[1]), Path(argv[2]), questions)
    Path(argv[-1]).write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
