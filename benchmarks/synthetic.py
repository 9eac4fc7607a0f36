"""Reproducible synthetic corpora and questions with realistic word statistics.

Words are drawn with Zipf-Mandelbrot frequencies over a vocabulary ranked by frequency in
real articles (stop words included: they are the most frequent words of real text, and the
analyzers must drop them). Real text has far more word types than a small sample shows
(Heaps' law), so the tail is extended with generated pronounceable words, rarest last.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

BUNDLED_CORPUS = Path(__file__).resolve().parent.parent / "corpus"
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
_SYLLABLES = [c + v for c in "bcdfghjklmnprstvwz" for v in ("a", "e", "i", "o", "u", "ai", "ou")]
_QUESTION_OPENERS = (
    "What is the",
    "Who was the",
    "When did the",
    "Where is the",
    "How many",
    "Why did the",
    "Which",
    "What happened to the",
)


@dataclass(frozen=True)
class Spec:
    """What to generate: paragraph count, seed and word statistics."""

    paragraphs: int
    seed: int = 20240601
    vocabulary_size: int = 300_000
    zipf_s: float = 1.05
    zipf_q: float = 2.7
    min_words: int = 60
    max_words: int = 150
    min_article: int = 4
    max_article: int = 16


def real_words(source: Path) -> list[str]:
    """The words of every article under `source`, most frequent first (ties alphabetical)."""
    counts: Counter[str] = Counter()
    for path in sorted(source.rglob("*")):
        if path.is_file() and path.suffix in {".txt", ".md", ".html", ".htm"}:
            text = path.read_text(encoding="utf-8", errors="replace")
            counts.update(_WORD.findall(text.lower()))
    return [w for w, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


def vocabulary(source: Path, size: int, seed: int) -> np.ndarray:
    """Real words by rank, extended with generated words to `size` types."""
    words = real_words(source)[:size]
    seen = set(words)
    rng = np.random.default_rng(seed)
    syllables = np.array(_SYLLABLES)
    while len(words) < size:
        length = int(rng.integers(2, 5))
        word = "".join(syllables[rng.integers(0, len(syllables), length)])
        if word not in seen:
            seen.add(word)
            words.append(word)
    return np.array(words, dtype=object)


def _cdf(spec: Spec) -> np.ndarray:
    ranks = np.arange(1, spec.vocabulary_size + 1, dtype=np.float64)
    weights = 1.0 / (ranks + spec.zipf_q) ** spec.zipf_s
    return np.cumsum(weights) / weights.sum()


def _paragraph(words: np.ndarray, ids: np.ndarray, rng: np.random.Generator) -> str:
    """Words into sentences of 8-25 words, capitalised and full-stopped."""
    parts, start = [], 0
    while start < len(ids):
        end = min(len(ids), start + int(rng.integers(8, 26)))
        sentence = " ".join(words[ids[start:end]])
        parts.append(sentence[:1].upper() + sentence[1:] + ".")
        start = end
    return " ".join(parts)


def write_corpus(spec: Spec, source: Path, folder: Path) -> list[list[str]]:
    """Write the articles under `folder` (front matter + one paragraph per block)."""
    rng = np.random.default_rng(spec.seed)
    words = vocabulary(source, spec.vocabulary_size, spec.seed)
    cdf = _cdf(spec)
    folder.mkdir(parents=True, exist_ok=True)
    articles, written = [], 0
    while written < spec.paragraphs:
        count = min(
            int(rng.integers(spec.min_article, spec.max_article + 1)), spec.paragraphs - written
        )
        lengths = rng.integers(spec.min_words, spec.max_words + 1, count)
        ids = np.searchsorted(cdf, rng.random(int(lengths.sum())), side="right")
        bounds = np.concatenate(([0], np.cumsum(lengths)))
        paragraphs = [_paragraph(words, ids[a:b], rng) for a, b in itertools.pairwise(bounds)]
        number = len(articles)
        body = "\n\n".join(paragraphs)
        (folder / f"a{number:07d}.txt").write_text(
            f'---\ntitle: "Article {number}"\n---\n\n{body}\n', encoding="utf-8"
        )
        articles.append(paragraphs)
        written += count
    return articles


def questions(articles: list[list[str]], count: int, seed: int) -> list[str]:
    """Question-like queries: an opener plus 2-5 content words taken from one paragraph."""
    rng = np.random.default_rng(seed + 1)
    result = []
    while len(result) < count:
        paragraphs = articles[int(rng.integers(0, len(articles)))]
        words = [
            w
            for w in _WORD.findall(paragraphs[int(rng.integers(0, len(paragraphs)))].lower())
            if len(w) > 3
        ]
        if len(words) < 5:
            continue
        picked = [
            words[i] for i in sorted(rng.choice(len(words), int(rng.integers(2, 6)), replace=False))
        ]
        opener = _QUESTION_OPENERS[int(rng.integers(0, len(_QUESTION_OPENERS)))]
        result.append(f"{opener} {' '.join(picked)}?")
    return result


def read_corpus(folder: Path) -> list[str]:
    """Every paragraph of the written corpus, in file order (for the peer engines)."""
    paragraphs: list[str] = []
    for path in sorted(folder.glob("*.txt")):
        body = path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
        paragraphs.extend(p for p in body.split("\n\n") if p.strip())
    return [p.strip() for p in paragraphs]
