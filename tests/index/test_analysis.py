"""Indexing-speed shortcuts in the analyzer change nothing it returns."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import text
from bot.corpus import Article
from bot.index.analysis import analyze_article

# Characters where the stdlib fast path applies, and some where it must not (combining marks,
# superscripts, other scripts), mixed with the separators the pattern cares about.
mixed = st.text(
    alphabet=st.sampled_from(list("aZ9 .,_'’–—é\u00b2\u0301\u0660\u4e2d\n")) | st.characters(),
    max_size=80,
)


@settings(max_examples=500, deadline=None)
@given(mixed)
def test_fast_tokenizer_equals_nltks(sample):
    assert text.tokens(sample) == list(text._tokenizer.tokenize(sample))
    assert text.token_spans(sample) == list(text._tokenizer.span_tokenize(sample))


def test_cached_analysis_hands_out_a_fresh_list_each_time():
    first = text.analyze("Troops amassed near the border")
    first.append("mutated")
    assert text.analyze("Troops amassed near the border") == ["troop", "amass", "near", "border"]


def test_article_analysis_counts_each_paragraphs_terms():
    article = Article(
        id="a",
        title="A",
        paragraphs=("troops troops border", "the", "border talks"),
        author=None,
        date=None,
        url=None,
        source=None,
        place=None,
        standfirst=None,
    )
    analyzed = analyze_article(article, "a.txt", "digest")
    assert analyzed.terms == ("troop", "border", "talk")
    assert list(analyzed.lengths) == [3, 0, 2]
    assert list(analyzed.counts) == [2, 0, 2]
    assert list(analyzed.term_ids) == [0, 1, 1, 2]
    assert list(analyzed.tfs) == [2, 1, 1, 1]
    # Every token, stop words too (0), over local ids + 1; mapped to global ids for the store.
    assert list(analyzed.tokens) == [1, 1, 2, 0, 2, 3]
    assert list(analyzed.token_counts) == [3, 1, 2]
    stored = analyzed.paragraph_tokens(np.array([10, 20, 30], dtype=np.uint32))
    assert [np.frombuffer(blob, dtype="<u4").tolist() for blob in stored] == [
        [11, 11, 21],
        [0],
        [21, 31],
    ]
