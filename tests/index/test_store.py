"""The SQLite store: round trips, incremental updates, failed reindexes and snapshots."""

import os
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from bot.answer import AnswerStatus, answer
from bot.index import analysis, build, search, store
from bot.index.build import reindex
from bot.index.compile import Compiled
from bot.index.search import load_index
from bot.index.store import StoreError
from bot.paragraph import analyse_paragraph
from bot.text import analyze

ARTICLES = {
    "troops": [
        "Russia has amassed 100,000 troops near the border with Ukraine.",
        "Diplomats met in Geneva to discuss the crisis.",
    ],
    "glaciers": [
        "The Plomo glacier does not reach ten kilometres in length.",
        "Glaciers in the Andes were ten times longer in glacial times.",
        "Snowlines were lower during the last glacial period.",
    ],
    "markets": [
        "Oil prices rose sharply after the announcement.",
        "Investors sold shares in European banks.",
    ],
    "harvest": ["Farmers expect a record wheat harvest this summer."],
}


def write(corpus: Path, name: str, paragraphs: list[str]) -> Path:
    path = corpus / f"{name}.txt"
    body = "\n\n".join(paragraphs)
    path.write_text(f'---\ntitle: "{name.title()}"\n---\n\n{body}\n', encoding="utf-8")
    return path


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, paragraphs in ARTICLES.items():
        write(folder, name, paragraphs)
    return folder


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "index" / "citebot.sqlite"


def all_paragraphs() -> list[str]:
    return [p for name in sorted(ARTICLES) for p in ARTICLES[name]]


def test_round_trip_serves_verbatim_paragraphs_with_rank_bm25_scores(corpus, db):
    summary = reindex(corpus, db)
    index = load_index(db)
    assert (
        (summary.articles, summary.paragraphs)
        == (4, 8)
        == (len(index.articles), index.paragraph_count)
    )
    terms = analyze("Where were the glaciers longer?")
    hits = index.search(terms, k=3)
    assert index.paragraph(hits[0][0]).text == ARTICLES["glaciers"][1]
    expected = BM25Okapi([analyze(p) for p in all_paragraphs()]).get_scores(terms)
    for doc, score in hits:
        assert score == pytest.approx(expected[doc], rel=1e-9)
    at = index.paragraph_at("glaciers", 2)
    assert at is not None and at.text == ARTICLES["glaciers"][2] and at.position == 2
    assert index.paragraph_at("glaciers", 3) is None
    assert index.article("troops").title == "Troops"
    index.close()


def test_unchanged_files_are_not_parsed_again(corpus, db, monkeypatch):
    reindex(corpus, db)
    parsed: list[str] = []
    real_parse = analysis.parse_article

    def counting_parse(article_id, data, suffix):
        parsed.append(article_id)
        return real_parse(article_id, data, suffix)

    monkeypatch.setattr(analysis, "parse_article", counting_parse)
    write(corpus, "markets", ["Oil prices fell after the glacier report."])
    summary = reindex(corpus, db)
    assert parsed == ["markets"]
    assert summary.changed == ("markets",) and summary.unchanged == 3
    index = load_index(db)
    assert index.paragraph_at("markets", 0).text == "Oil prices fell after the glacier report."
    assert index.paragraph_at("markets", 1) is None
    assert index.generation == 2
    index.close()


def test_reindex_with_nothing_changed_keeps_the_index_as_it_is(corpus, db, monkeypatch):
    first = reindex(corpus, db)
    before = dump(db)
    monkeypatch.setattr("bot.index.build.compile_postings", None)  # must not be needed
    again = reindex(corpus, db)
    assert (again.articles, again.paragraphs) == (first.articles, first.paragraphs)
    assert (again.added, again.changed, again.removed) == ((), (), ())
    assert again.unchanged == first.articles
    assert dump(db) == before
    index = load_index(db)
    assert index.generation == 1
    index.close()


def _stamps(db: Path) -> dict[str, str | None]:
    conn = sqlite3.connect(db)
    try:
        return dict(conn.execute("SELECT article_id, stamp FROM files").fetchall())
    finally:
        conn.close()


def _counting_reads(monkeypatch) -> list[str]:
    reads: list[str] = []
    real_read = build.read_article_file

    def counting_read(path, *args):
        reads.append(Path(path).stem)
        return real_read(path, *args)

    monkeypatch.setattr(build, "read_article_file", counting_read)
    return reads


def test_files_whose_stamp_is_unchanged_are_not_even_read(corpus, db, monkeypatch):
    monkeypatch.setattr(build, "SETTLED_NS", 0)  # trust stamps however recent the files
    reindex(corpus, db)
    reads = _counting_reads(monkeypatch)
    summary = reindex(corpus, db)
    assert reads == [] and summary.unchanged == 4


def test_touched_but_unchanged_file_is_hashed_not_parsed_then_restamped(corpus, db, monkeypatch):
    monkeypatch.setattr(build, "SETTLED_NS", 0)
    reindex(corpus, db)
    old = _stamps(db)
    os.utime(corpus / "markets.txt")  # new modification time, same bytes
    reads = _counting_reads(monkeypatch)
    summary = reindex(corpus, db)
    assert reads == ["markets"] and summary.changed == () and summary.unchanged == 4
    assert _stamps(db)["markets"] != old["markets"] and _stamps(db)["troops"] == old["troops"]
    reads.clear()
    reindex(corpus, db)
    assert reads == []


def test_rewrite_keeping_size_and_modification_time_is_still_seen(corpus, db, monkeypatch):
    monkeypatch.setattr(build, "SETTLED_NS", 0)
    path = write(corpus, "markets", ["Oil prices rose."])
    reindex(corpus, db)
    before = path.stat()
    write(corpus, "markets", ["Oil prices 1ell."])  # same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # as `cp -p` or rsync leave it
    assert path.stat().st_size == before.st_size
    summary = reindex(corpus, db)
    assert summary.changed == ("markets",)


def test_files_written_in_the_last_seconds_get_no_stamp_and_are_hashed(corpus, db):
    reindex(corpus, db)  # the corpus was just written: no file is settled
    assert set(_stamps(db).values()) == {None}


def test_removed_article_leaves_the_index(corpus, db):
    reindex(corpus, db)
    (corpus / "harvest.txt").unlink()
    assert reindex(corpus, db).removed == ("harvest",)
    index = load_index(db)
    assert index.article("harvest") is None and index.paragraph_count == 7
    assert index.search(analyze("wheat harvest"), k=3) == []
    index.close()


def test_changed_article_stores_tokens_over_the_grown_vocabulary(corpus, db):
    reindex(corpus, db)
    write(corpus, "markets", ["Oil prices rose; zinc and cobalt futures slumped.", "Banks sold."])
    write(corpus, "mining", ["Cobalt miners in Katanga struck for higher wages."])
    reindex(corpus, db)
    index = load_index(db)
    for doc in range(index.paragraph_count):
        paragraph = index.paragraph(doc)
        assert paragraph.analysis == analyse_paragraph(paragraph.text)
    index.close()


def crash_in_analysis(monkeypatch):
    real = analysis.analyze_article

    def crash_on_second(article, *rest):
        if article.id == "markets":
            raise RuntimeError("simulated crash halfway through the reindex")
        return real(article, *rest)

    monkeypatch.setattr(analysis, "analyze_article", crash_on_second)


def disk_full_while_saving(monkeypatch):
    def full(self, conn):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(Compiled, "save", full)


@pytest.mark.parametrize("failure", [crash_in_analysis, disk_full_while_saving])
def test_failed_reindex_keeps_the_previous_index(corpus, db, monkeypatch, failure):
    reindex(corpus, db)
    write(corpus, "glaciers", ["Completely different text about volcanoes."])
    write(corpus, "markets", ["Markets changed too."])
    failure(monkeypatch)
    with pytest.raises((RuntimeError, StoreError)):  # a SQLite failure is a StoreError
        reindex(corpus, db)
    index = load_index(db)
    assert index.generation == 1
    assert index.paragraph_at("glaciers", 1).text == ARTICLES["glaciers"][1]
    assert index.search(analyze("volcanoes"), k=3) == []
    index.close()
    monkeypatch.undo()
    assert set(reindex(corpus, db).changed) == {"glaciers", "markets"}


def test_loaded_index_keeps_serving_its_generation_while_a_reindex_commits(corpus, db):
    reindex(corpus, db)
    old = load_index(db)
    write(corpus, "glaciers", ["Volcanoes erupted in Iceland."])
    reindex(corpus, db)
    assert old.generation == 1
    assert old.paragraph_at("glaciers", 1).text == ARTICLES["glaciers"][1]
    hits = old.search(analyze("Andes glaciers longer"), k=1)
    assert old.paragraph(hits[0][0]).text == ARTICLES["glaciers"][1]
    new = load_index(db)
    assert new.generation == 2 and new.paragraph_at("glaciers", 1) is None
    old.close()
    new.close()


def test_empty_corpus_gives_an_empty_index_that_answers_nothing(tmp_path, db):
    (tmp_path / "empty").mkdir()
    assert reindex(tmp_path / "empty", db).paragraphs == 0
    index = load_index(db)
    assert index.paragraph_count == 0 and index.articles == ()
    assert index.search(["troop"], k=3) == []
    assert answer(index, "How many troops?").status == AnswerStatus.NO_RELEVANT_PASSAGE
    index.close()


def test_term_in_every_paragraph_scores_like_rank_bm25(tmp_path, db):
    folder = tmp_path / "corpus"
    folder.mkdir()
    texts = ["Ukraine talks began.", "Ukraine border troops.", "Ukraine grain exports."]
    write(folder, "only", texts)
    reindex(folder, db)
    index = load_index(db)
    expected = BM25Okapi([analyze(t) for t in texts]).get_scores(["ukrain"])
    scores = index.scorer.scores(index.term_ids(["ukrain"]))
    np.testing.assert_allclose(scores, expected, rtol=1e-12)
    assert [doc for doc, _ in index.search(["ukrain"], k=3)] == [0, 1, 2]  # ties: by order
    index.close()


def test_question_of_only_stop_words_searches_nothing(corpus, db):
    reindex(corpus, db)
    index = load_index(db)
    assert index.search(analyze("What was it that they did?"), k=3) == []
    assert answer(index, "What was it that they did?").status == AnswerStatus.NO_SEARCH_TERMS
    index.close()


def dump(db: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(db)
    tables = ("terms", "paragraphs", "analyses", "compiled", "files")
    result = {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in tables}
    conn.close()
    return result


def test_worker_processes_write_the_same_database_as_one_process(corpus, tmp_path):
    reindex(corpus, tmp_path / "one.sqlite", workers=1)
    reindex(corpus, tmp_path / "two.sqlite", workers=2)
    assert dump(tmp_path / "one.sqlite") == dump(tmp_path / "two.sqlite")


def test_compiled_arrays_round_trip_across_many_chunks(corpus, db, monkeypatch):
    monkeypatch.setattr(store, "CHUNK_BYTES", 8)
    reindex(corpus, db)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM compiled WHERE name = 'docs'").fetchone()[0] > 2
    conn.close()
    index = load_index(db)
    hits = index.search(analyze("wheat harvest farmers"), k=1)
    assert index.paragraph(hits[0][0]).text == ARTICLES["harvest"][0]
    index.close()


def test_index_built_by_another_analyzer_is_rebuilt_not_misread(corpus, db, monkeypatch):
    with monkeypatch.context() as patched:
        patched.setattr(store, "analyzer_fingerprint", lambda: "another stop word list")
        reindex(corpus, db)
        assert store.is_current(db)
    assert not store.is_current(db)
    with pytest.raises(store.StoreError):
        load_index(db)
    assert len(reindex(corpus, db).added) == 4
    assert store.is_current(db)
    load_index(db).close()


def test_missing_or_foreign_files_are_not_current_indexes(tmp_path):
    assert not store.is_current(tmp_path / "nothing.db")
    (tmp_path / "notes.db").write_bytes(b"not a database" * 100)
    assert not store.is_current(tmp_path / "notes.db")


def test_index_of_an_older_schema_is_rebuilt_not_misread(corpus, db):
    reindex(corpus, db)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema'")
    conn.commit()
    conn.close()
    with pytest.raises(store.StoreError):
        load_index(db)
    assert len(reindex(corpus, db).added) == 4
    load_index(db).close()


def test_vectors_past_the_scan_limit_are_read_on_demand_and_agree(corpus, db, monkeypatch):
    reindex(corpus, db)
    in_memory = load_index(db)
    monkeypatch.setattr(search, "DENSE_SCAN_LIMIT", 3)  # 8 paragraphs: past both limits
    monkeypatch.setattr(search, "VECTORS_IN_MEMORY_LIMIT", 3)
    on_demand = load_index(db)
    assert in_memory.vectors is not None and on_demand.vectors is None
    question = np.asarray(in_memory.vectors[5], dtype=np.float32)
    docs = [7, 0, 5, 5, 2]  # any order, repeats, several articles
    assert np.array_equal(
        on_demand.similarities(question, docs), in_memory.similarities(question, docs)
    )
    assert on_demand.nearest(question, 3) == []  # no scan past the limit
    assert in_memory.nearest(question, 1) == [5]


def test_a_missing_vector_read_on_demand_is_a_store_error(corpus, db, monkeypatch):
    reindex(corpus, db)
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM vectors WHERE article_id = 'troops'")
    monkeypatch.setattr(search, "VECTORS_IN_MEMORY_LIMIT", 3)
    index = load_index(db)
    troops = index.article("troops")
    assert troops is not None
    with pytest.raises(StoreError, match="no meaning vector"):
        index.similarities(np.ones(256, dtype=np.float32), [troops.first_doc])


def test_term_frequencies_are_stored_narrow_and_read_back_exactly(corpus, db):
    write(corpus, "repeats", [" ".join(["glacier"] * 300) + ".", "One glacier."])
    reindex(corpus, db)
    with sqlite3.connect(db) as conn:
        tf_bytes, doc_bytes = (
            conn.execute(
                "SELECT sum(length(data)) FROM compiled WHERE name = ?", (name,)
            ).fetchone()[0]
            for name in ("tfs", "docs")
        )
    assert tf_bytes * 2 == doc_bytes  # 300 needs two bytes a posting, documents four
    index = load_index(db)
    assert int(index.compiled.postings.tfs.max()) == 300
    repeats = index.article("repeats")
    assert repeats is not None
    reference = BM25Okapi([analyze(p) for p in all_paragraphs_with_repeats()])
    scores = index.scorer.scores(index.term_ids(["glacier"]))
    assert np.allclose(scores, reference.get_scores(["glacier"]))
    (corpus / "repeats.txt").unlink()
    reindex(corpus, db)  # patched postings: back to one byte
    with sqlite3.connect(db) as conn:
        tf_bytes = conn.execute("SELECT sum(length(data)) FROM compiled WHERE name = 'tfs'")
        assert (
            tf_bytes.fetchone()[0] * 4
            == conn.execute(
                "SELECT sum(length(data)) FROM compiled WHERE name = 'docs'"
            ).fetchone()[0]
        )


def all_paragraphs_with_repeats() -> list[str]:
    paragraphs = {**ARTICLES, "repeats": [" ".join(["glacier"] * 300) + ".", "One glacier."]}
    return [p for name in sorted(paragraphs) for p in paragraphs[name]]


def test_answers_are_the_same_with_vectors_read_on_demand(corpus, db, monkeypatch):
    reindex(corpus, db)
    questions = ["How many troops are near the border?", "glacier length", "wheat harvest"]
    monkeypatch.setattr(search, "DENSE_SCAN_LIMIT", 3)  # as past the in-memory limit: no scan
    in_memory = [answer(load_index(db), q) for q in questions]
    monkeypatch.setattr(search, "VECTORS_IN_MEMORY_LIMIT", 3)
    on_demand_index = load_index(db)
    assert on_demand_index.vectors is None
    assert [answer(on_demand_index, q) for q in questions] == in_memory
