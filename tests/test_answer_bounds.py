"""Answering costs work linear in the paragraph's size and bounded in the question's.

Work is counted, not timed: the Python lines executed while answering (the core's and
nltk's), which a loaded 2-core machine cannot change. A stage that is quadratic in the
paragraph (the re-ranker's window once compared every matching word with every later one)
makes a paragraph four times larger cost about sixteen times as much.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from support import front_matter_article

from bot.answer import (
    MAX_QUESTION_CHARS,
    MAX_QUESTION_TERMS,
    AnswerStatus,
    answer,
    bounded_question,
)
from bot.index.build import reindex
from bot.index.search import load_index

QUESTION = "How many troops has Russia amassed on the border with Ukraine?"

# A paragraph made only of the question's words: every word is a match. As one sentence,
# as many short sentences, and with a character (a combining accent) that sends
# tokenizing to nltk's own tokenizer.
UNITS = {
    "one sentence": "troops Russia amassed border Ukraine ",
    "many sentences": "Troops Russia amassed border Ukraine. ",
    "nltk tokenizer": "Troops Russia amassed border Ukraine caf\u00e9\u0301. ",
}


class TooMuchWork(Exception):
    """The traced call went past its budget of executed lines."""


def lines_executed(call: Callable[[], Any], budget: int) -> int:
    """How many Python lines `call` executes (stopping it past `budget`)."""
    count = 0

    def local(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        if event == "line":
            count += 1
            if count > budget:
                raise TooMuchWork(f"more than {budget} lines")
        return local

    def start(frame: FrameType, event: str, arg: Any) -> Any:
        return local

    sys.settrace(start)
    try:
        call()
    finally:
        sys.settrace(None)
    return count


def _index_with_paragraph(folder: Path, text: str) -> Path:
    corpus = folder / "corpus"
    corpus.mkdir(parents=True)
    (corpus / "big.md").write_text(front_matter_article("Big", [text]), encoding="utf-8")
    for n in range(4):  # the question's words in fewer than half the paragraphs
        other = front_matter_article(f"Other {n}", [f"Something else entirely, number {n}."])
        (corpus / f"other-{n}.md").write_text(other, encoding="utf-8")
    reindex(corpus, folder / "index.db")
    return folder / "index.db"


def _answer_work(db: Path, budget: int) -> int:
    index = load_index(db)
    try:

        def ask() -> None:
            # The paragraph holds every word of the question but no figure, so the quantity
            # check reads all of its sentences before refusing: the most work it can do.
            assert answer(index, QUESTION, k=1).status is AnswerStatus.NO_RELEVANT_PASSAGE

        return lines_executed(ask, budget)
    finally:
        index.close()


@pytest.mark.parametrize("unit", UNITS.values(), ids=list(UNITS))
def test_answer_work_grows_linearly_with_a_paragraph_of_question_words(tmp_path, unit):
    small = _index_with_paragraph(tmp_path / "small", unit * (20_000 // len(unit)))
    large = _index_with_paragraph(tmp_path / "large", unit * (80_000 // len(unit)))
    small_work = _answer_work(small, budget=10**8)
    # Four times the paragraph: four times the work, and a little for fixed costs.
    large_work = _answer_work(large, budget=5 * small_work)
    assert large_work <= 5 * small_work


def _long_question(chars: int) -> str:
    words = "troops Russia Ukraine border Nato sanctions response Moscow delivered".split()
    text = " ".join(f"{words[n % len(words)]}{n}" if n % 3 else words[n % 9] for n in range(chars))
    return text[:chars]


def test_a_megabyte_question_costs_what_its_first_part_costs(bundled_index):
    huge = _long_question(1_000_000)
    head = huge[:MAX_QUESTION_CHARS]

    def ask(question: str) -> Callable[[], None]:
        return lambda: answer(bundled_index, question)

    ask(head)()  # warm the caches both calls share
    head_work = lines_executed(ask(head), budget=10**8)
    assert lines_executed(ask(huge), budget=2 * head_work) <= 2 * head_work


def test_a_question_past_the_bound_is_answered_from_its_start_and_says_so(bundled_index):
    start = "Who delivered the US response in Moscow?"
    question = start + " " + "x" * 2 * MAX_QUESTION_CHARS
    result = answer(bundled_index, question)
    assert result.truncated
    assert result.question == question  # the answer still names the whole question
    assert result.passages == answer(bundled_index, start).passages
    assert not answer(bundled_index, start).truncated


def test_a_question_with_more_terms_than_the_bound_says_so(bundled_index):
    many = " ".join(f"word{n}" for n in range(MAX_QUESTION_TERMS + 1))
    assert len(many) < MAX_QUESTION_CHARS
    assert answer(bundled_index, many).truncated
    assert not answer(bundled_index, many.rsplit(" ", 1)[0]).truncated


@pytest.mark.parametrize(
    ("question", "read"),
    [
        ("a" * MAX_QUESTION_CHARS, "a" * MAX_QUESTION_CHARS),
        ("word " * MAX_QUESTION_CHARS, ("word " * MAX_QUESTION_CHARS)[:MAX_QUESTION_CHARS]),
        ("abcdef " * MAX_QUESTION_CHARS, "abcdef " * (MAX_QUESTION_CHARS // 7)),
        ("x" * (MAX_QUESTION_CHARS + 5), "x" * MAX_QUESTION_CHARS),
    ],
)
def test_a_long_question_is_cut_between_words(question, read):
    assert bounded_question(question)[0] == read
