"""A question that asks for a quantity is answered only by a passage that states one."""

import pytest
from support import built

import bot.rerank.context as context
from bot.answer import AnswerStatus, answer
from bot.rerank.answer_type import QuantityAsked
from bot.text import tokens


@pytest.mark.parametrize(
    ("passage", "states"),
    [
        ("Eleven bridges cross the river.", True),
        ("It took 20 working days.", True),
        ("Several bridges cross the river.", True),
        ("One of the bridges is made of stone.", False),  # "one" is mostly a pronoun
        ("The bridges of the old town cross the river.", False),
        ("How many bridges? Nobody counted 3 of them.", True),
    ],
)
def test_a_passage_states_a_quantity_with_a_number_or_an_amount(passage, states):
    asked = QuantityAsked.of("How many bridges cross the river?")
    assert asked is not None
    assert asked.stated_in(tokens(passage)) is states


def test_a_number_the_question_gives_is_not_an_answer_to_it():
    asked = QuantityAsked.of("How many of the 12 bridges are made of stone?")
    assert asked is not None
    assert not asked.stated_in(tokens("All 12 bridges were rebuilt."))
    assert asked.stated_in(tokens("Of the 12 bridges, 5 are stone."))


def test_a_duration_answers_how_long_but_not_how_many():
    how_long = QuantityAsked.of("How long does the crossing take?")
    how_many = QuantityAsked.of("How many crossings are there?")
    assert how_long is not None and how_many is not None
    assert how_long.stated_in(tokens("It takes about a week."))
    assert not how_many.stated_in(tokens("It takes about a week."))


def test_a_question_that_asks_for_no_quantity_is_not_judged_by_one():
    assert QuantityAsked.of("Who built the bridge?") is None
    assert QuantityAsked.of("Why was the bridge closed?") is None


@pytest.fixture
def lexical_only():
    """The quantity rule alone: close reading, which can also refuse, is off."""
    context.set_index_limit(0)
    yield
    context.set_index_limit(context.DEFAULT_INDEX_LIMIT)


def test_a_how_many_question_about_a_subject_the_articles_give_no_figure_for_is_refused(
    tmp_path, lexical_only
):
    about = "Stone bridges cross the river in the old town and carry its trams."
    with built(tmp_path, [about]) as index:
        assert answer(index, "How many stone bridges cross the river?").status is (
            AnswerStatus.NO_RELEVANT_PASSAGE
        )
        assert answer(index, "Which bridges carry the trams?").status is AnswerStatus.ANSWERED


def test_the_same_question_is_answered_once_a_passage_gives_the_figure(tmp_path, lexical_only):
    paragraphs = [
        "Stone bridges cross the river in the old town and carry its trams.",
        "Eleven stone bridges cross the river; the oldest was built in 1342.",
    ]
    with built(tmp_path, paragraphs) as index:
        found = answer(index, "How many stone bridges cross the river?")
    assert found.status is AnswerStatus.ANSWERED
    assert "Eleven" in found.passages[0].text


def test_how_long_a_process_takes_is_refused_of_an_article_about_it_that_gives_no_time(
    own_words_index, monkeypatch
):
    # The own-words set's FOIA article describes the request process, with no time; its
    # passages pass the relevance bar and the reading head believes one answers.
    question = "how long does a FOIA request usually take to get answered?"
    assert answer(own_words_index, question).status is AnswerStatus.NO_RELEVANT_PASSAGE
    answerable = "since when have people had a legal right to ask the government for records?"
    assert answer(own_words_index, answerable).status is AnswerStatus.ANSWERED
    monkeypatch.setattr(QuantityAsked, "of", classmethod(lambda cls, question: None))
    assert answer(own_words_index, question).status is AnswerStatus.ANSWERED
