"""Re-ranking evidence on small real indexes: answer kind, surface words, word windows,
the question's wording and names."""

import pytest
from support import built

import bot.rerank.context as context
from bot.rank import rank_candidates
from bot.rerank.answer_type import AnswerKind, answer_kind
from bot.rerank.question import WORDING_LENGTHS, question_names, question_wording
from bot.text import analyze


@pytest.fixture(autouse=True)
def lexical_evidence_only():
    """These tests are about the second stage's own evidence: the contextual model, which
    re-orders its best candidates on small indexes, is tested in test_context_model.py."""
    context.set_index_limit(0)
    yield
    context.set_index_limit(context.DEFAULT_INDEX_LIMIT)


def first_position(index, question: str, with_text: bool = True) -> int:
    text = question if with_text else None
    doc, _ = rank_candidates(index, analyze(question), 1, question=text)[0]
    return index.paragraph(doc).position


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How many bridges cross the river?", AnswerKind.NUMBER),
        ("What percentage of voters stayed home?", AnswerKind.NUMBER),
        ("In what year was the bridge opened?", AnswerKind.DATE),
        ("When did the bridge open?", AnswerKind.DATE),
        ("Who designed the bridge?", AnswerKind.NAME),
        ("where is the bridge", AnswerKind.NAME),
        ("Why was the bridge closed?", AnswerKind.NONE),
    ],
)
def test_question_wording_names_the_kind_of_answer(question, kind):
    assert answer_kind(question) is kind


def test_how_many_question_prefers_the_sentence_with_a_number(tmp_path):
    with built(
        tmp_path,
        [
            "Red bridges of stone cross the river in the old town.",
            "Eleven bridges of stone cross the river in the old town.",
        ],
    ) as index:
        assert first_position(index, "How many stone bridges cross the river?") == 1
        # Without the question's wording the two paragraphs tie and document order wins.
        assert first_position(index, "How many stone bridges cross the river?", False) == 0


def test_who_question_prefers_the_sentence_with_a_new_name(tmp_path):
    with built(
        tmp_path,
        [
            "The harbour lighthouse design was by local builders, admired by visitors.",
            "The harbour lighthouse design was by Margaret Hale, admired by visitors.",
        ],
    ) as index:
        question = "who was the design of the harbour lighthouse by?"
        assert first_position(index, question) == 1
        assert first_position(index, question, with_text=False) == 0


def test_words_written_as_in_the_question_outrank_other_forms_of_the_stem(tmp_path):
    with built(
        tmp_path,
        [
            "Georgian traded timber with merchants of the coast.",
            "Georgians traded timber with merchants of the coast.",
        ],
    ) as index:
        assert analyze("Georgian") == analyze("Georgians")  # the stemmer conflates them
        assert first_position(index, "What did Georgians trade?") == 1
        assert first_position(index, "What did Georgian trade?") == 0


def test_question_terms_close_together_outrank_the_same_terms_spread_out(tmp_path):
    spread = (
        "Copper was mined near the valley. Later, after wars, floods, famines, migrations,"
        " reforms, elections, treaties, strikes, fires, plagues and harvests, the furnace"
        " closed."
    )
    close = (
        "Copper furnace workers lived by the valley. Later, wars, floods, famines,"
        " migrations, reforms, elections, treaties, strikes, fires, plagues, harvests came."
    )
    with built(tmp_path, [spread, close]) as index:
        assert first_position(index, "copper furnace") == 1


def test_question_wording_with_stop_words_outranks_the_same_terms_reworded(tmp_path):
    with built(
        tmp_path,
        [
            "Lead is toxic, as mercury is, for the workers.",
            "Lead is as toxic as mercury for the workers.",
        ],
    ) as index:
        question = "What is as toxic as mercury?"
        assert analyze(question) == ["toxic", "mercuri"]  # the wording is in stop words
        assert first_position(index, question) == 1
        assert first_position(index, question, with_text=False) == 0


def test_names_written_as_in_the_question_outrank_the_same_word_lower_cased(tmp_path):
    with built(
        tmp_path,
        [
            "The painter, brown, worked by the sea.",
            "The painter, Brown, worked by the sea.",
        ],
    ) as index:
        assert first_position(index, "What did Brown work by?") == 1
        assert first_position(index, "What did Brown work by?", with_text=False) == 0


def test_wording_runs_need_a_weighted_word_and_share_at_most_the_total():
    weights = {"toxic": 2.0, "mercury": 1.0}
    words = "what is as toxic as mercury".split()
    pairs = {run.words: run for run in question_wording(words, weights, 2)}
    assert ("what", "is") not in pairs  # stop words alone say nothing
    assert pairs[("as", "toxic")].weight == 1.0  # toxic's 2.0 spread over its two pairs
    assert pairs[("as", "toxic")].padded == " as toxic "
    for n in WORDING_LENGTHS:
        runs = question_wording(words, weights, n)
        assert sum(run.weight for run in runs) <= sum(weights.values())


def test_question_names_are_capitalised_or_numbers_but_not_the_first_word():
    weights = {"pitt": 1.0, "2001": 2.0, "univers": 0.5}
    names = question_names("When did Pitt become a University in 2001".split(), weights)
    assert names == {"Pitt": 1.0, "University": 0.5, "2001": 2.0}
    assert question_names("Pitt was founded when".split(), weights) == {}
