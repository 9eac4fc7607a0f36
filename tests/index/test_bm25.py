"""BM25 scores equal rank-bm25's BM25Okapi.get_scores on the same tokens."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rank_bm25 import BM25Okapi

from bot.index.bm25 import Bm25Params, Bm25Scorer
from bot.index.compile import term_major


def scorer_for(docs: list[list[str]], params: Bm25Params = Bm25Params()):
    vocabulary: dict[str, int] = {}
    terms, tfs = [], []
    for doc in docs:
        counts: dict[int, int] = {}
        for token in doc:
            term_id = vocabulary.setdefault(token, len(vocabulary))
            counts[term_id] = counts.get(term_id, 0) + 1
        ids = sorted(counts)
        terms.append(np.array(ids, dtype=np.uint32))
        tfs.append(np.array([counts[i] for i in ids], dtype=np.uint32))
    lengths = np.array([len(d) for d in docs], dtype=np.uint32)
    postings = term_major(terms, tfs, lengths, len(vocabulary))
    return Bm25Scorer.build(postings, params), vocabulary


def our_scores(docs, query, params=Bm25Params()):
    scorer, vocabulary = scorer_for(docs, params)
    return scorer.scores([vocabulary.get(t, -1) for t in query])


words = st.sampled_from([f"w{i}" for i in range(30)])
corpora = st.lists(st.lists(words, min_size=0, max_size=25), min_size=1, max_size=40)


@settings(max_examples=300, deadline=None)
@given(
    corpora,
    st.lists(st.one_of(words, st.just("unseen")), min_size=1, max_size=8),
    st.sampled_from([(1.5, 0.75), (1.2, 0.75), (0.9, 0.4), (2.0, 1.0), (1.2, 0.0)]),
)
def test_scores_equal_rank_bm25_on_random_corpora_and_queries(docs, query, k1_b):
    if sum(len(d) for d in docs) == 0:
        return  # rank-bm25 divides by zero on a corpus without tokens
    k1, b = k1_b
    with np.errstate(invalid="ignore"):
        expected = BM25Okapi(docs, k1=k1, b=b).get_scores(query)
    actual = our_scores(docs, query, Bm25Params(k1=k1, b=b))
    # With b = 1 rank-bm25 computes 0/0 = NaN for a paragraph with no tokens; that paragraph
    # does not contain the term, so it scores 0 here (the only deliberate difference).
    undefined = np.isnan(expected)
    assert (actual[undefined] == 0).all()
    np.testing.assert_allclose(actual[~undefined], expected[~undefined], rtol=1e-9, atol=1e-12)


def test_term_in_exactly_half_the_paragraphs_scores_zero():
    docs = [["apple", "x"], ["apple", "y"], ["pear", "z"], ["plum", "q"]]
    assert list(our_scores(docs, ["apple"])) == [0.0, 0.0, 0.0, 0.0]


def test_term_in_more_than_half_gets_the_epsilon_floor_like_rank_bm25():
    docs = [["apple"], ["apple", "b"], ["apple", "c"], ["pear"], ["plum", "fig"]]
    expected = BM25Okapi(docs).get_scores(["apple"])
    actual = our_scores(docs, ["apple"])
    assert actual[0] > 0
    np.testing.assert_allclose(actual, expected, rtol=1e-12)


def test_term_in_every_paragraph_still_matches_rank_bm25():
    docs = [["common", "a"], ["common", "b"], ["common", "c"]]
    np.testing.assert_allclose(
        our_scores(docs, ["common"]), BM25Okapi(docs).get_scores(["common"]), rtol=1e-12
    )


def test_repeated_query_terms_count_twice_as_in_rank_bm25():
    docs = [["troop", "a"], ["b", "c"], ["d", "e"]]
    single, double = our_scores(docs, ["troop"]), our_scores(docs, ["troop", "troop"])
    assert double[0] == pytest.approx(2 * single[0])


def test_top_breaks_ties_by_paragraph_order_and_drops_zero_scores():
    docs = [["x"], ["cat"], ["y"], ["cat"], ["z"], ["w"]]
    scorer, vocabulary = scorer_for(docs)
    ranked = scorer.top([vocabulary["cat"]], k=5)
    assert [doc for doc, _ in ranked] == [1, 3]


def test_top_within_allowed_paragraphs_only():
    docs = [["cat"], ["cat", "dog"], ["x"], ["y"], ["z"]]
    scorer, vocabulary = scorer_for(docs)
    ranked = scorer.top([vocabulary["cat"]], k=3, allowed=np.array([1, 2]))
    assert [doc for doc, _ in ranked] == [1]


def test_empty_corpus_scores_nothing():
    scorer, _ = scorer_for([])
    assert scorer.top([0], k=3) == []
