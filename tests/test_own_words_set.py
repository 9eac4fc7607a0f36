"""The own-words question set in benchmarks/own_words is consistent with citebot's parsing.

Gold paragraphs are positions in the article as citebot parses it, so a file edited without
updating the questions (a paragraph split, merged or dropped) must fail here, not silently
score the wrong paragraph in a benchmark.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.corpus import Article, article_id_for, find_article_files, parse_article, read_article_file
from bot.corpus.frontmatter import split_front_matter
from bot.evaluate import load_questions
from bot.index.build import reindex
from bot.index.search import load_index

SET = Path(__file__).resolve().parent.parent / "benchmarks" / "own_words"
CORPUS = SET / "corpus"
QUESTIONS = SET / "questions.jsonl"
OFF_TOPIC = SET / "off_topic.jsonl"


def _rows(path: Path) -> list[dict[str, Any]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture(scope="module")
def articles() -> dict[str, Article]:
    paths, skipped = find_article_files(CORPUS)
    assert skipped == []
    parsed = {}
    for path in paths:
        article_id = article_id_for(path.relative_to(CORPUS))
        parsed[article_id] = parse_article(article_id, read_article_file(path), path.suffix)
    return parsed


@pytest.fixture(scope="module")
def questions() -> list[dict[str, Any]]:
    return _rows(QUESTIONS)


@pytest.fixture(scope="module")
def off_topic() -> list[dict[str, Any]]:
    return _rows(OFF_TOPIC)


def test_the_set_has_the_promised_size(articles, questions, off_topic):
    assert 10 <= len(articles) <= 12
    assert len(questions) >= 40
    assert len(off_topic) >= 10


def test_every_article_file_names_its_source_and_licence():
    for path in sorted(CORPUS.iterdir()):
        split = split_front_matter(path.read_text(encoding="utf-8"))
        assert split is not None, path.name
        fields = yaml.safe_load(split[0])
        for key in ("title", "source", "license"):
            assert str(fields.get(key) or "").strip(), f"{path.name}: no {key}"
        assert fields.get("url") or fields.get("retrieved_from"), f"{path.name}: no origin"


def test_every_question_names_an_existing_article_and_in_range_paragraphs(articles, questions):
    for row in questions:
        article = articles.get(row["article"])
        assert article is not None, row["id"]
        golds = row["paragraphs"]
        assert golds and golds[0] == row["paragraph"], row["id"]
        assert len(set(golds)) == len(golds), row["id"]
        for gold in golds:
            assert isinstance(gold, int) and 0 <= gold < len(article.paragraphs), row["id"]


def test_questions_are_spread_over_every_article(articles, questions):
    asked = {row["article"] for row in questions}
    assert asked == set(articles)


def test_ids_are_unique_and_do_not_collide_across_files(questions, off_topic):
    ids = [row["id"] for row in questions] + [row["id"] for row in off_topic]
    assert len(ids) == len(set(ids))
    assert all(row["id"].startswith("ow-") for row in questions)
    assert all(row["id"].startswith("ot-") for row in off_topic)


def test_every_question_is_a_non_empty_distinct_string(questions, off_topic):
    texts = [row["question"].strip().lower() for row in questions + off_topic]
    assert all(texts)
    assert len(texts) == len(set(texts))


def test_citebot_eval_reads_the_file_and_finds_every_gold_paragraph_indexed(tmp_path, questions):
    """`citebot eval` skips a question whose gold paragraph is not indexed; none may be."""
    loaded = load_questions(QUESTIONS)
    assert [q.id for q in loaded] == [row["id"] for row in questions]
    reindex(CORPUS, tmp_path / "ow.db")
    index = load_index(tmp_path / "ow.db")
    try:
        for row in questions:
            indexed = index.article(row["article"])
            assert indexed is not None, row["id"]
            assert max(row["paragraphs"]) < indexed.paragraph_count, row["id"]
    finally:
        index.close()
