"""The peers of `benchmarks/quality.py`, each ranking the same paragraphs (document numbers).

Each peer is built from the paragraph texts in citebot's document order, with the article of
each paragraph, and answers `rank(question, k, article)` with document numbers, best first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

_NON_WORD = re.compile(r"[^\w\s]")


class RankBm25Whitespace:
    """rank-bm25 BM25Okapi on lower-cased whitespace tokens.

    `rank` sums the library's own per-token term over the paragraphs holding each token
    only: the library adds exactly 0 for a paragraph without the token, so the scores are
    equal to `get_scores` bit for bit, without its Python loop over every paragraph for
    every token (minutes on 7,500 paragraphs). `library_rank` calls the library itself;
    the benchmark times that on a sample and checks both give the same rankings.
    """

    name = "rank-bm25 Okapi, whitespace"

    def __init__(self, texts: Sequence[str], articles: Sequence[str]) -> None:
        from rank_bm25 import BM25Okapi

        self._bm25 = BM25Okapi([t.lower().split() for t in texts])
        self._by_article = _by_article(articles)
        self._doc_len = np.array(self._bm25.doc_len)
        postings: dict[str, tuple[list[int], list[int]]] = {}
        for doc, freqs in enumerate(self._bm25.doc_freqs):
            for token, freq in freqs.items():
                docs, counts = postings.setdefault(token, ([], []))
                docs.append(doc)
                counts.append(freq)
        self._postings = {t: (np.array(d), np.array(c)) for t, (d, c) in postings.items()}

    def rank(self, question: str, k: int, article: str | None) -> list[int]:
        scores = self._scores(question.lower().split())
        if article is None:
            return _top(scores, k)
        ids = self._by_article[article]
        return [ids[i] for i in _top(scores[ids], k)]

    def library_rank(self, question: str, k: int, article: str | None) -> list[int]:
        tokens = question.lower().split()
        if article is None:
            return _top(self._bm25.get_scores(tokens), k)
        ids = self._by_article[article]
        scores = np.asarray(self._bm25.get_batch_scores(tokens, ids))
        return [ids[i] for i in _top(scores, k)]

    def _scores(self, tokens: list[str]) -> np.ndarray:
        bm25 = self._bm25
        score = np.zeros(bm25.corpus_size)
        for token in tokens:
            if token in self._postings:
                docs, freq = self._postings[token]
                doc_len = self._doc_len[docs]
                score[docs] += (bm25.idf.get(token) or 0) * (
                    freq
                    * (bm25.k1 + 1)
                    / (freq + bm25.k1 * (1 - bm25.b + bm25.b * doc_len / bm25.avgdl))
                )
        return score


class Bm25s:
    """bm25s with its English stop words and the PyStemmer English stemmer."""

    name = "bm25s, stop words + PyStemmer"

    def __init__(self, texts: Sequence[str], articles: Sequence[str]) -> None:
        import bm25s
        import Stemmer

        self._bm25s = bm25s
        self._stemmer = Stemmer.Stemmer("english")
        tokens = bm25s.tokenize(
            list(texts), stopwords="en", stemmer=self._stemmer, show_progress=False
        )
        self._retriever = bm25s.BM25()
        self._retriever.index(tokens, show_progress=False)
        self._by_article = _by_article(articles)

    def rank(self, question: str, k: int, article: str | None) -> list[int]:
        tokens = self._bm25s.tokenize(
            [question], stopwords="en", stemmer=self._stemmer, show_progress=False, return_ids=False
        )[0]
        scores = self._retriever.get_scores(tokens)
        if article is None:
            return _top(scores, k)
        ids = self._by_article[article]
        return [ids[i] for i in _top(scores[ids], k)]


class Tantivy:
    """tantivy's BM25 with its `en_stem` tokenizer; article scope as a required term."""

    name = "tantivy en_stem"

    def __init__(self, texts: Sequence[str], articles: Sequence[str]) -> None:
        import tantivy

        self._tantivy = tantivy
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("body", stored=False, tokenizer_name="en_stem")
        builder.add_text_field("article", stored=False, tokenizer_name="raw")
        builder.add_integer_field("doc", stored=True, fast=True)
        self._schema = builder.build()
        self._index = tantivy.Index(self._schema)
        writer = self._index.writer(heap_size=64 * 2**20, num_threads=1)
        for doc, (text, article) in enumerate(zip(texts, articles, strict=True)):
            writer.add_document(tantivy.Document(body=text, article=article, doc=doc))
        writer.commit()
        self._index.reload()
        self._searcher = self._index.searcher()

    def rank(self, question: str, k: int, article: str | None) -> list[int]:
        words = _NON_WORD.sub(" ", question).lower().split()
        if not words:
            return []
        query = self._index.parse_query(" ".join(words), ["body"])
        if article is not None:
            must = self._tantivy.Occur.Must
            scope = self._tantivy.Query.term_query(self._schema, "article", article)
            query = self._tantivy.Query.boolean_query([(must, query), (must, scope)])
        hits = self._searcher.search(query, k).hits
        return [self._searcher.doc(address)["doc"][0] for _, address in hits]


PEERS = (RankBm25Whitespace, Bm25s, Tantivy)


def _by_article(articles: Sequence[str]) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = {}
    for doc, article in enumerate(articles):
        groups.setdefault(article, []).append(doc)
    return groups


def _top(scores: np.ndarray, k: int) -> list[int]:
    """The k best positive-scoring positions, best first, ties by position."""
    order = np.lexsort((np.arange(len(scores)), -scores))[:k]
    return [int(i) for i in order if scores[i] > 0]
