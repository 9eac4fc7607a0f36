"""The paragraph analysis stored at index time: what the re-ranker and highlights read back."""

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.paragraph import ParagraphAnalysis, analyse_paragraph, sentence_tokens
from bot.text import TermCache, analyze, split_sentences, token_spans

words = st.sampled_from(
    ["Troops", "the", "border", "Mr.", "U.S.", "8.5", "1,000", "talks", "é", "—", "x\u0301"]
)
marks = st.sampled_from([". ", "? ", "! ", " ", ", ", ".", '." ', ".) ", "... ", "1. ", "(", "\n"])
paragraphs = st.lists(words | marks, max_size=40).map("".join) | st.text(max_size=120)


@settings(max_examples=300, deadline=None)
@given(paragraphs)
def test_analysis_holds_every_token_and_what_bm25_counts(text):
    analysis = analyse_paragraph(text)
    assert len(analysis.terms) == len(token_spans(text))
    assert [term for term in analysis.terms if term is not None] == analyze(text)
    assert sum(count for _, _, count in analysis.sentences) == len(analysis.terms)
    assert analyse_paragraph(text, TermCache().__getitem__) == analysis  # as indexing does


@settings(max_examples=300, deadline=None)
@given(paragraphs)
def test_analysis_survives_the_store_round_trip(text):
    analysis = analyse_paragraph(text)
    vocabulary: dict[str, int] = {}
    tokens, sentences = analysis.encode(vocabulary)
    assert ParagraphAnalysis.decode(tokens, sentences, [None, *vocabulary]) == analysis


@settings(max_examples=500, deadline=None)
@given(paragraphs)
def test_tokens_are_dealt_to_sentences_as_their_spans_say(text):
    sentences = split_sentences(text) or [(0, len(text))]
    ends = [end for _, end in sentences]
    expected: list[list[str]] = [[] for _ in sentences]
    for start, end in token_spans(text):
        number = next((n for n, e in enumerate(ends[:-1]) if start < e), len(ends) - 1)
        expected[number].append(text[start:end])
    assert sentence_tokens(text, sentences) == expected


def test_tokens_go_to_the_sentence_they_start_in():
    text = "Mr. Blinken met the troops. Talks failed? Yes."
    analysis = analyse_paragraph(text)
    spans = split_sentences(text)
    assert [(start, end) for start, end, _ in analysis.sentences] == spans
    assert [count for _, _, count in analysis.sentences] == [5, 2, 1]
    assert analysis.terms[:5] == ("mr", "blinken", "meet", None, "troop")
