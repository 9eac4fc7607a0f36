"""Answers on the bundled corpus and on small hand-made corpora."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answer import AnswerStatus, answer
from bot.index.build import reindex
from bot.index.search import load_index

BOILERPLATE = ("register", "sign in", "commenting", "recaptcha", "cookie", "privacy")


def test_troops_question_puts_the_100000_troops_paragraph_first(bundled_index):
    result = answer(bundled_index, "How many troops has Russia amassed on the border with Ukraine?")
    assert result.status is AnswerStatus.ANSWERED
    assert "100,000 troops" in result.passages[0].text


def test_who_delivered_the_response_puts_the_sullivan_paragraph_first(bundled_index):
    result = answer(bundled_index, "Who delivered the US response in Moscow?")
    top = result.passages[0]
    assert "John Sullivan" in top.text
    assert top.citation.paragraph == 7
    assert top.citation.author == "Alex Woodward"
    assert top.citation.date is not None and top.citation.date.startswith("2022-01-26")


def test_off_topic_question_gets_no_passage(bundled_index):
    result = answer(bundled_index, "What is the recipe for banana bread?")
    assert result.status is AnswerStatus.NO_RELEVANT_PASSAGE
    assert result.passages == ()


def test_question_of_only_stop_words_gets_no_answer(bundled_index):
    result = answer(bundled_index, "What is it that they were doing there?")
    assert result.status is AnswerStatus.NO_SEARCH_TERMS
    assert result.passages == ()


@pytest.mark.parametrize(
    "question",
    [
        "How do I register for free?",
        "Can I sign in to my account?",
        "Where is the commenting forum?",
        "Is this site protected by reCAPTCHA?",
        "What are the terms of use and privacy notice?",
    ],
)
def test_no_question_ever_returns_site_furniture(bundled_index, question):
    for passage in answer(bundled_index, question, k=10).passages:
        lowered = passage.text.lower()
        assert not any(word in lowered for word in BOILERPLATE), passage.text


def test_passages_are_verbatim_paragraphs_without_duplicates(bundled_index):
    result = answer(bundled_index, "Nato Russia Ukraine sanctions troops", k=10)
    texts = [p.text for p in result.passages]
    assert len(texts) == len(set(texts))
    for p in result.passages:
        stored = bundled_index.paragraph_at(p.citation.article_id, p.citation.paragraph - 1)
        assert stored is not None and stored.text == p.text


def test_passage_carries_best_sentence_matched_terms_and_highlights(bundled_index):
    top = answer(bundled_index, "Who delivered the US response in Moscow?").passages[0]
    assert "John Sullivan" in top.sentence_text()
    assert {"deliv", "moscow"} <= set(top.matched_terms)
    assert [top.text[s:e] for s, e in top.highlights][:3] == ["US", "response", "delivered"]


def test_citation_reads_title_author_date_paragraph_and_link(bundled_index):
    citation = answer(bundled_index, "Who delivered the US response?").passages[0].citation
    assert citation.format(1) == (
        "[1] US made no concessions to Russia over Ukraine… — Alex Woodward, 26 Jan 2022, ¶7"
    )


def test_answer_can_be_restricted_to_one_article(write_article, corpus_dir, tmp_path):
    write_article("a", "Apples", ["Apple orchards grow apples.", "Pears are fine.", "x y z."])
    write_article("b", "Orchards", ["Apple orchards everywhere here.", "Plums.", "Figs."])
    db = tmp_path / "i.db"
    reindex(corpus_dir, db)
    index = load_index(db)
    result = answer(index, "apple orchards", k=5, article_id="b")
    assert {p.citation.article_id for p in result.passages} == {"b"}
    assert result.passages[0].citation.paragraph == 1
    index.close()


def test_empty_corpus_answers_nothing(corpus_dir: Path, tmp_path: Path):
    db = tmp_path / "empty.db"
    summary = reindex(corpus_dir, db)
    assert (summary.articles, summary.paragraphs) == (0, 0)
    index = load_index(db)
    assert answer(index, "anything at all?").status is AnswerStatus.NO_RELEVANT_PASSAGE
    index.close()
