"""The search backend seam: answering needs nothing of an index beyond `SearchBackend`."""

from __future__ import annotations

from typing import Any

import pytest

from bot.answer import answer
from bot.collections.search import answer_from
from bot.index.backend import SearchBackend
from bot.index.search import SearchIndex

# Every member the protocol declares (its methods and properties), read off the class so
# that a member added to the protocol is exposed here too.
PROTOCOL_MEMBERS = frozenset(
    name for name in vars(SearchBackend) if not name.startswith("_") and name != "register"
)

QUESTIONS = [
    "What did Nato and the US say about Russia?",
    "Should American citizens leave Ukraine?",
    "How large is the Russian military build-up?",
    "What is the recipe for banana bread?",
    "the",
]


class OnlyTheProtocol:
    """An index seen through the protocol alone: any other attribute is an error."""

    def __init__(self, index: SearchIndex) -> None:
        self._index = index

    def __getattr__(self, name: str) -> Any:
        if name not in PROTOCOL_MEMBERS:
            raise AssertionError(f"answering used {name!r}, which is not in SearchBackend")
        return getattr(self._index, name)


def test_the_protocol_names_the_operations_answering_needs() -> None:
    assert {"search", "bm25_of", "idf_of", "nearest", "similarities", "paragraphs"} <= (
        PROTOCOL_MEMBERS
    )


def test_the_sqlite_index_is_a_search_backend(bundled_index: SearchIndex) -> None:
    assert isinstance(bundled_index, SearchBackend)


@pytest.mark.parametrize("question", QUESTIONS)
def test_answers_through_the_protocol_alone_equal_the_index_s_own(
    bundled_index: SearchIndex, question: str
) -> None:
    narrow = OnlyTheProtocol(bundled_index)
    assert answer(narrow, question, k=3) == answer(bundled_index, question, k=3)  # type: ignore[arg-type]
    article = bundled_index.articles[0].id
    scoped = answer(narrow, question, k=3, article_id=article)  # type: ignore[arg-type]
    assert scoped == answer(bundled_index, question, k=3, article_id=article)


def test_merged_answers_through_the_protocol_alone_equal_the_index_s_own(
    bundled_index: SearchIndex,
) -> None:
    narrow = OnlyTheProtocol(bundled_index)
    question = QUESTIONS[0]
    merged = answer_from([("a", narrow), ("b", narrow)], question)  # type: ignore[list-item]
    assert merged == answer_from([("a", bundled_index), ("b", bundled_index)], question)


def test_idf_of_leaves_out_terms_the_corpus_never_uses(bundled_index: SearchIndex) -> None:
    known = next(iter(bundled_index.vocabulary))
    idf = bundled_index.idf_of([known, "zzzunusedzzz"])
    assert set(idf) == {known}
    assert idf[known] == float(bundled_index.scorer.idf[bundled_index.vocabulary[known]])
