"""The analyzer: one function for passages and questions."""

import itertools
from pathlib import Path

import nltk.redos
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from lemminflect import getAllLemmas
from lemminflect.core.Lemmatizer import Lemmatizer

import bot.text
from bot.corpus import parse_article
from bot.text import (
    _AGREEING,
    _PLAIN_SENTENCE_END,
    STOP_WORDS,
    TermCache,
    _plain_sentences,
    _sentence_splitter,
    analyze,
    fold_case,
    normalize_token,
    split_sentences,
    token_spans,
    tokens,
)


def test_possessive_with_curly_apostrophe_splits_off():
    assert analyze("Nato’s door") == ["nato", "door"]


def test_straight_apostrophe_possessive_matches_curly_one():
    assert analyze("NATO's door") == analyze("Nato’s door")


def test_numbers_with_thousands_separators_stay_one_searchable_term():
    assert analyze("Russia has amassed 100,000 troops") == ["russia", "amass", "100000", "troop"]
    assert analyze("8,500 troops") == analyze("8500 troops")


def test_dashes_and_curly_quotes_separate_words():
    assert analyze("response – which “sets out” a path—forward") == [
        "respons",
        "set",
        "out",
        "path",
        "forward",
    ]


def test_decimal_numbers_are_kept():
    assert "3.5" in analyze("a 3.5% rise")


def test_question_and_passage_share_stems():
    assert set(analyze("Were the troops amassed?")) <= set(
        analyze("Russia has amassed 100,000 troops and military equipment.")
    )


def test_question_of_only_stop_words_has_no_terms():
    assert analyze("What is it that they were doing there?") == []


def test_stop_word_list_is_kept_in_code():
    assert {"the", "what", "is"} <= STOP_WORDS
    assert len(STOP_WORDS) == 143  # nltk's 179 without 36 words that carry meaning


def test_words_of_quantity_negation_and_order_are_terms():
    assert analyze("before 1795") != analyze("after 1795")
    assert analyze("not the most common") == ["not", "most", "common"]


def test_sentences_do_not_break_after_known_abbreviations():
    text = "Mr. Blinken spoke at 9 a.m. on Wednesday. Then he left."
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "Mr. Blinken spoke at 9 a.m. on Wednesday.",
        "Then he left.",
    ]


@given(st.text())
def test_analyzing_is_deterministic_and_yields_clean_terms(text):
    terms = analyze(text)
    assert terms == analyze(text)
    assert all(term and term == term.strip() and term not in STOP_WORDS for term in terms)


@given(st.text())
def test_analyzer_is_idempotent_on_its_own_output(text):
    # Stems of stems are stable: re-analysing the index terms changes nothing, so questions
    # that contain already-stemmed words still meet the passages they came from.
    once = analyze(text)
    assert analyze(" ".join(once)) == analyze(" ".join(analyze(" ".join(once))))


@given(text=st.text())
def test_sentence_spans_cover_text_in_order(text):
    spans = split_sentences(text)
    assert all(0 <= s <= e <= len(text) for s, e in spans)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


def _nltk_punkt():
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    from bot.text import ABBREVIATIONS

    params = PunktParameters()
    params.abbrev_types = set(ABBREVIATIONS)
    return PunktSentenceTokenizer(params)


_plain_punkt = _nltk_punkt()
_word = st.sampled_from(["troops", "Troops", "Mr", "mr", "etc", "J", "ok", "ZZ", "1990", "x"])
_gap = st.sampled_from([" ", "  ", "\n", "\n\n", "\t", " \r\n", "\x1c", "\xa0", "\u2028"])
_rest = st.text(max_size=12) | st.sampled_from(["The", "the", ". .", "...", "“Yes", "(a)", "5"])
_context = st.builds(
    lambda w, p, g, r: w + p + g + r, _word, st.sampled_from([".", "..", "?"]), _gap, _rest
)


@settings(max_examples=1500, deadline=None)
@given(_context | st.text(max_size=20))
def test_punkt_shortcut_answers_as_nltk_does(context):
    assert _sentence_splitter.text_contains_sentbreak(context) == bool(
        _plain_punkt.text_contains_sentbreak(context)
    )


def test_punkt_shortcut_is_taken_for_plain_sentence_ends():
    assert _PLAIN_SENTENCE_END.fullmatch("troops. The")
    assert not _PLAIN_SENTENCE_END.fullmatch("troops. . . The")


@settings(max_examples=500, deadline=None)
@given(st.lists(_context | st.text(max_size=15), max_size=8).map(" ".join))
def test_sentences_are_nltks(text):
    assert split_sentences(text) == list(_plain_punkt.span_tokenize(text))


def test_sentences_are_nltks_on_the_bundled_article():
    seed = next((Path(__file__).resolve().parent.parent / "corpus").glob("*.txt"))
    for paragraph in parse_article("seed", seed.read_bytes(), ".txt").paragraphs:
        assert split_sentences(paragraph) == list(_plain_punkt.span_tokenize(paragraph))


# Prose as the plain-sentence path sees it: mostly plain words and ends, with every kind of
# period it must leave to Punkt (abbreviations, initials, numbers, quotes, odd white space).
_prose_word = st.sampled_from(
    ["troops", "The", "said", "ZZ", "Mr", "no", "a", "I", "x", "8.5", "e.g", "U.S", "1990", "é"]
)
_prose_mark = st.sampled_from(
    ["", "", "", ".", ".", ". ", ", ", ".\n", ".  ", ".\t", ". .", ".\xa0", ".)", '."', "?", "-"]
) | st.sampled_from([",", ";", ":", ":)", ".,", ".;"])
_prose_gap = st.sampled_from([" ", " ", " ", "\n", "\r\n", "\x0b", "", "\xa0", "("])
_prose = st.lists(st.tuples(_prose_word, _prose_mark, _prose_gap), max_size=30).map(
    lambda parts: "".join(w + m + g for w, m, g in parts)
)


@settings(max_examples=2000, deadline=None)
@given(_prose | st.text(alphabet=" .\nabAB1?\t", max_size=30))
def test_plain_sentence_path_splits_as_punkt_does(text):
    assert split_sentences(text) == list(_plain_punkt.span_tokenize(text))


def test_plain_sentence_path_is_taken_for_plain_prose_only():
    prose = "Troops left the border. They came back in spring.\nTalks resumed on 8.5 terms."
    assert _plain_sentences(prose) == [(0, 23), (24, 49), (50, len(prose))]
    # Abbreviations and initials before a plain token: no end, except an initial before a
    # number (Punkt's answers, which the hypothesis test above compares throughout).
    for text, spans in (
        ("Mr. Smith left. Talks", [(0, 15), (16, 21)]),
        ("It was no. 5 of them. Talks", [(0, 21), (22, 27)]),
        ("Troops met J. Bach, then left.", [(0, 30)]),
        ("Troops met a. and b. Talks", [(0, 26)]),
        ("Plan a. 5 troops left.", [(0, 7), (8, 22)]),
    ):
        assert _plain_sentences(text) == spans == list(_plain_punkt.span_tokenize(text)), text
    for text in (
        "Mr. Smith. Left",  # the token after the abbreviation ends in a period
        "Troops left. Why?",
        "It was 1990. Talks",
        " Troops. Left",
    ):
        assert _plain_sentences(text) is None


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=_AGREEING, max_size=40) | st.text(max_size=40))
def test_case_folding_changes_no_token_but_its_case(text):
    folded = fold_case(text)
    assert len(folded) == len(text)
    assert tokens(folded) == [token.lower() for token in tokens(text)] or folded == text


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=_AGREEING, min_size=1, max_size=12), max_size=20))
def test_term_cache_gives_the_same_terms_as_questions_get(words):
    cache = TermCache()
    assert [cache[w] for w in words] == [normalize_token(w) for w in words]
    assert [cache[w] for w in words] == [normalize_token(w) for w in words]  # from the cache


# Sentences of prose with the periods Punkt must decide (abbreviations, initials).
_sentence = st.lists(st.tuples(_prose_word, _prose_mark, _prose_gap), min_size=1, max_size=8).map(
    lambda parts: "".join(w + m + g for w, m, g in parts).strip() + "."
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_sentence, max_size=40).map(" ".join))
# Found by hypothesis: after a fresh first sentence, only the piece's last sentence started
# after ASCII white space, and it was not tried as the restart, so the piece was cut.
@example(
    "troops. troops troops troops troops troops troops troops. \xa0troops.. troops troops "
    "troops troops troops a ZZ. \xa0troops. troops troops troops troops troops troops."
)
def test_punkt_read_piece_by_piece_splits_as_it_does_whole(text):
    whole = list(_plain_punkt.span_tokenize(text))
    saved, bot.text.PUNKT_PIECE = bot.text.PUNKT_PIECE, 150
    try:
        pieces = bot.text._punkt_sentences(text)
    finally:
        bot.text.PUNKT_PIECE = saved
    assume(all(end - start < 50 for start, end in whole))  # shorter than a third of a piece
    assert pieces == whole


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="ab. \n", max_size=400))
def test_sentences_longer_than_a_piece_are_cut_between_words(text):
    saved, bot.text.PUNKT_PIECE = bot.text.PUNKT_PIECE, 30
    try:
        spans = bot.text._punkt_sentences(text)
    finally:
        bot.text.PUNKT_PIECE = saved
    assert all(0 <= s < e <= len(text) for s, e in spans)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    tokens = set(token_spans(text))
    cuts = {end for _, end in spans}
    assert not any(start < cut < end for start, end in tokens for cut in cuts)


def test_a_long_one_line_paragraph_of_abbreviations_splits_within_nltks_time_limit(
    monkeypatch,
):
    # nltk limits every regular expression scan to 5 s of wall-clock time; at 1 s, Punkt
    # on this whole paragraph (about 3 s here) would go past it.
    monkeypatch.setattr(nltk.redos, "DEFAULT_TIMEOUT", 1.0)
    text = "Mr. Smith met Dr. Jones at St. Paul's on Jan. 5 and said no. " * 6_000
    spans = split_sentences(text)
    assert spans[0][0] == 0 and spans[-1][1] == len(text.rstrip())
    assert all(end - start <= bot.text.PUNKT_PIECE for start, end in spans)


@pytest.mark.parametrize(
    ("form", "lemma"),
    [("said", "say"), ("children", "child"), ("went", "go"), ("sang", "sing"), ("mice", "mouse")],
)
def test_irregular_forms_meet_their_lemma(form, lemma):
    assert bot.text.lemma_of(form) == lemma
    assert analyze(f"they {form}") == analyze(f"they {lemma}")


@pytest.mark.parametrize("word", ["saw", "left", "found", "troops", "blinken", "nato"])
def test_a_form_that_is_a_lemma_itself_or_unknown_is_kept(word):
    assert bot.text.lemma_of(word) == word


def test_lemmas_agree_with_lemminflects_own_lookup():
    """The table read directly gives what `getAllLemmas` gives, under the same rule."""
    lemmatizer = Lemmatizer()
    forms = sorted(lemmatizer._getLemmaDict())[::7] + sorted(lemmatizer._getOverridesDict())
    preferred = ("VERB", "NOUN", "ADJ", "ADV")
    for form in (f for f in forms if f == f.lower()):
        lemmas = getAllLemmas(form)
        if not lemmas or any(form in found for found in lemmas.values()):
            expected = form
        else:
            expected = next(lemmas[p][0] for p in (*preferred, *lemmas) if p in lemmas)
        assert bot.text.lemma_of(form) == expected, form
