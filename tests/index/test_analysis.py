"""Indexing-speed shortcuts in the analyzer change nothing it returns."""

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import meaning, text
from bot.corpus import Article, parse_article
from bot.index import store
from bot.index.analysis import (
    AnalysisState,
    Job,
    TermTable,
    analyze_article,
    paragraph_vectors,
    run_jobs,
)
from bot.index.chunks import ChunkCache, coded_paragraph
from bot.index.vocabulary import Vocabulary
from bot.paragraph import analyse_paragraph

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
    analyzed = analyze_article(article, "a.txt", "digest", AnalysisState())
    assert analyzed.terms.added == ("troop", "border", "talk")
    assert list(analyzed.terms.refs) == [0, 1, 2]
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


def _article(article_id, *paragraphs):
    return Article(article_id, article_id, paragraphs, None, None, None, None, None, None)


def test_a_workers_term_table_sends_each_term_once():
    state = AnalysisState()
    first = analyze_article(_article("a", "troops border"), "a.txt", "d", state)
    second = analyze_article(_article("b", "talks at the border", "troops"), "b.txt", "d", state)
    assert first.terms.added == ("troop", "border")
    assert second.terms.added == ("talk",)
    assert list(second.terms.refs) == [2, 1, 0]  # talk, border, troop: the article's order
    assert first.terms.table == second.terms.table


def test_vocabulary_numbers_terms_in_article_order_whichever_worker_sent_them(tmp_path):
    conn = store.connect(tmp_path / "v.sqlite")
    store.ensure_schema(conn)
    vocabulary = Vocabulary(conn)
    one, two = TermTable(), TermTable()
    articles = [
        one.refer(["troop", "border"]),
        two.refer(["talk", "troop"]),
        one.refer(["talk", "troop", "cobalt"]),
        two.refer(["cobalt", "border"]),
    ]
    resolved = [vocabulary.resolve(terms).tolist() for terms in articles]
    assert resolved == [[0, 1], [2, 0], [2, 0, 3], [3, 1]]
    assert vocabulary.ids(["troop", "border", "talk", "cobalt"]) == [0, 1, 2, 3]
    conn.close()


def test_vocabulary_looked_up_term_by_term_agrees_with_the_preloaded_one(tmp_path):
    conn = store.connect(tmp_path / "v.sqlite")
    store.ensure_schema(conn)
    first = Vocabulary(conn)
    known = [f"term{i}" for i in range(2000)]  # more than one lookup batch
    assert first.ids(known) == list(range(2000))
    first.save(conn)
    asked = ["new", *known[::-7], "newer", "new"]
    preloaded, looked_up = Vocabulary(conn), Vocabulary(conn, preload=False)
    assert looked_up.ids(asked) == preloaded.ids(asked)
    assert looked_up.ids(["new", "newer"]) == [2000, 2001]
    conn.close()


def test_each_reindex_in_one_process_keeps_its_own_term_table(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("---\ntitle: A\n---\n\nTroops at the border.\n")
    jobs = [Job("a", path, "a.txt", path.stat().st_size)] * 2
    first, second = run_jobs(jobs, workers=1), run_jobs(jobs, workers=1)
    one, two = next(first), next(second)  # two reindexes interleaved, as threads may
    assert one.terms.table != two.terms.table
    assert one.terms.added == two.terms.added == ("troop", "border")
    assert next(first).terms.added == ()  # the second article: every term already sent


def _reference_analysis(article, table, stems):
    """What `analyze_article` computed before tokens were coded in the worker's table:
    each paragraph's terms numbered in a dictionary, then the article's terms referred."""
    local: dict[str, int] = {}
    blobs = [analyse_paragraph(p, stems.__getitem__).encode(local) for p in article.paragraphs]
    tokens = np.frombuffer(b"".join(t for t, _ in blobs), dtype="<u4")
    return table.refer(list(local)), tokens, [len(t) // 4 for t, _ in blobs], [s for _, s in blobs]


paragraph_text = (
    st.lists(
        st.sampled_from(
            ["Troops", "troops", "the", "Border", "talks", "Mr.", "8.5", "é", ". ", " "]
        ),
        max_size=30,
    ).map("".join)
    | mixed
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(paragraph_text, min_size=1, max_size=5), min_size=1, max_size=4))
def test_coded_tokens_give_what_numbering_each_articles_terms_gave(articles):
    state, table, stems = AnalysisState(), TermTable(), text.TermCache()
    for number, paragraphs in enumerate(articles):
        analyzed = analyze_article(_article(f"a{number}", *paragraphs), "a.txt", "d", state)
        terms, tokens, counts, sentences = _reference_analysis(analyzed.article, table, stems)
        assert analyzed.terms.added == terms.added
        assert analyzed.terms.refs.tolist() == terms.refs.tolist()
        assert analyzed.tokens.tolist() == tokens.tolist()
        assert analyzed.token_counts.tolist() == counts
        assert list(analyzed.sentences) == sentences
        assert analyzed.vectors == meaning.to_blob(paragraph_vectors(analyzed.article))


def test_real_articles_analyse_as_token_by_token_and_mostly_chunk_by_chunk():
    corpus = Path(__file__).resolve().parents[2] / "corpus"
    articles = [
        parse_article(path.stem, path.read_bytes(), path.suffix)
        for path in sorted(corpus.rglob("*.*"))
    ]
    state, table, stems = AnalysisState(), TermTable(), text.TermCache()
    paragraphs = [p for article in articles for p in article.paragraphs]
    chunked = sum(
        coded_paragraph(p, ChunkCache(state.embedder, len)) is not None for p in paragraphs
    )
    assert chunked >= len(paragraphs) * 0.5
    for article in articles:
        analyzed = analyze_article(article, "a.txt", "d", state)
        terms, tokens, counts, sentences = _reference_analysis(article, table, stems)
        assert (analyzed.terms.added, analyzed.tokens.tolist()) == (terms.added, tokens.tolist())
        assert (analyzed.token_counts.tolist(), list(analyzed.sentences)) == (counts, sentences)
        assert analyzed.vectors == meaning.to_blob(paragraph_vectors(article))


@pytest.mark.parametrize(
    "paragraph",
    [
        "Troops left İstanbul.",  # "İ" lower-cases to two characters
        "Troops x\u0301 gathered.",  # a combining mark: nltk's engine, not stdlib re
        "He left.(Then he came back.) Later.",  # a sentence ends inside a chunk
    ],
)
def test_text_not_certain_to_read_alike_chunk_by_chunk_goes_token_by_token(paragraph):
    state, table, stems = AnalysisState(), TermTable(), text.TermCache()
    assert coded_paragraph(paragraph, state.chunks) is None
    article = _article("a", paragraph, "Troops left.")
    analyzed = analyze_article(article, "a.txt", "d", state)
    terms, tokens, counts, sentences = _reference_analysis(article, table, stems)
    assert (analyzed.terms.added, analyzed.tokens.tolist()) == (terms.added, tokens.tolist())
    assert (analyzed.token_counts.tolist(), list(analyzed.sentences)) == (counts, sentences)
    assert analyzed.vectors == meaning.to_blob(paragraph_vectors(article))
