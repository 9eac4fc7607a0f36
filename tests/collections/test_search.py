import pytest
from collection_samples import FERRY, FILLER, ORCHARD, article_bytes

from bot.answer import Answer, AnswerStatus, Passage, answer
from bot.citation import Citation
from bot.collections import (
    ServedCollections,
    add_article,
    answer_from,
    collection,
    file_source,
    merge,
)
from bot.text import analyze

ORCHARD_Q = "Why did the orchard harvest of apples double?"
FERRY_Q = "How will the council pay for the ferry?"


@pytest.fixture
def two(settings):
    """A small collection with the orchard story and a larger one with the ferry story."""
    a, b = collection(settings, "server-a"), collection(settings, "server-b")
    add_article(a, file_source("o.txt", article_bytes("Orchard", ORCHARD)))
    add_article(b, file_source("f.txt", article_bytes("Ferry", FERRY)))
    add_article(b, file_source("n.txt", article_bytes("Town news", FILLER)))
    served = ServedCollections()
    return [("server-a", served.index(a)), ("server-b", served.index(b))]


def test_merged_search_finds_each_collections_article_and_names_its_collection(two):
    for question, article, name in (
        (ORCHARD_Q, "orchard", "server-a"),
        (FERRY_Q, "ferry", "server-b"),
    ):
        merged = answer_from(two, question, k=3)
        assert merged.answer.passages[0].citation.article_id == article
        assert merged.collections[0] == name
        assert [p.rank for p in merged.answer.passages] == list(
            range(1, len(merged.collections) + 1)
        )


def test_a_paragraphs_relevance_is_the_same_in_collections_of_different_sizes(settings):
    small, large = collection(settings, "small"), collection(settings, "large")
    add_article(small, file_source("o.txt", article_bytes("Orchard", ORCHARD)))
    add_article(large, file_source("o.txt", article_bytes("Orchard", ORCHARD)))
    add_article(large, file_source("n.txt", article_bytes("Town news", FILLER)))
    add_article(large, file_source("f.txt", article_bytes("Ferry", FERRY)))
    served = ServedCollections()
    question = "Did the valley grow more fruit in the orchard?"
    found = [answer(served.index(c), question, k=1).passages[0] for c in (small, large)]
    assert found[0].text == found[1].text
    assert 0 < found[0].relevance < 1
    assert found[0].relevance == pytest.approx(found[1].relevance, abs=1e-6)
    bm25 = [served.index(c).search(analyze(question), 1)[0][1] for c in (small, large)]
    assert bm25[0] != pytest.approx(bm25[1])  # each index has its own statistics


def test_merge_keeps_each_collections_order_and_takes_the_more_relevant_head(two):
    a, b = (answer(index, FERRY_Q, k=3) for _, index in two)
    merged = merge(FERRY_Q, [("server-a", a), ("server-b", b)], k=5)
    for name, own in (("server-a", a), ("server-b", b)):
        mine = [
            p.text
            for p, n in zip(merged.answer.passages, merged.collections, strict=True)
            if n == name
        ]
        assert mine == [p.text for p in own.passages][: len(mine)]
    heads = [merged.answer.passages[0].relevance]
    assert heads[0] == max(p.relevance for x in (a, b) for p in x.passages[:1])


def test_merge_takes_at_most_k(two):
    merged = answer_from(two, "orchard ferry council apples tax", k=2)
    assert len(merged.answer.passages) <= 2 and len(merged.collections) == len(
        merged.answer.passages
    )


def test_nothing_relevant_anywhere_gives_no_answer_with_the_closest_articles(two):
    merged = answer_from(two, "What is the recipe for banana bread?", k=3)
    assert merged.answer.status is AnswerStatus.NO_RELEVANT_PASSAGE
    assert merged.collections == ()


def test_a_question_of_stop_words_has_no_search_terms_in_every_collection(two):
    merged = answer_from(two, "what is the", k=3)
    assert merged.answer.status is AnswerStatus.NO_SEARCH_TERMS


def test_merge_of_no_answers_is_no_answer():
    empty = Answer("q", AnswerStatus.NO_RELEVANT_PASSAGE, (), ("A", "B"))
    merged = merge(
        "q", [("x", empty), ("y", Answer("q", AnswerStatus.NO_RELEVANT_PASSAGE, (), ("B", "C")))], 3
    )
    assert merged.answer.closest_articles == ("A", "B", "C")


def passage(text: str, relevance: float) -> Passage:
    citation = Citation(text, text, None, None, None, 1)
    return Passage(0, 1.0, relevance, citation, text, ((0, len(text)),), (), ())


def test_merge_follows_relevance_between_collections_but_never_reorders_one():
    a = Answer("q", AnswerStatus.ANSWERED, (passage("a1", 0.5), passage("a2", 0.9)))
    b = Answer("q", AnswerStatus.ANSWERED, (passage("b1", 0.7), passage("b2", 0.6)))
    merged = merge("q", [("a", a), ("b", b)], k=3)
    assert [p.text for p in merged.answer.passages] == ["b1", "b2", "a1"]
    assert merged.collections == ("b", "b", "a")
    assert [p.rank for p in merged.answer.passages] == [1, 2, 3]
