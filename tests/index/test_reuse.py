"""Loading a new generation from the one being served gives the index a fresh load gives."""

from pathlib import Path

import numpy as np
import pytest

from bot.answer import answer
from bot.index import reuse
from bot.index.build import reindex
from bot.index.search import SearchIndex, load_index

ARTICLES = {
    "troops": ["Russia has amassed troops near the border.", "Diplomats met in Geneva."],
    "glaciers": ["The Plomo glacier is short.", "Glaciers in the Andes were longer."],
    "markets": ["Oil prices rose sharply.", "Investors sold shares in banks."],
}
QUESTIONS = ["Where did the diplomats meet?", "Which glacier is short?", "What did oil do?"]


def write(corpus: Path, name: str, paragraphs: list[str]) -> None:
    body = "\n\n".join(paragraphs)
    (corpus / f"{name}.txt").write_text(f"---\ntitle: {name}\n---\n\n{body}\n")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, paragraphs in ARTICLES.items():
        write(folder, name, paragraphs)
    return folder


def assert_same(kept: SearchIndex, fresh: SearchIndex) -> None:
    assert kept.vocabulary == fresh.vocabulary
    assert kept.articles == fresh.articles
    assert kept.vectors is not None and fresh.vectors is not None
    assert np.array_equal(kept.vectors, fresh.vectors)
    for question in QUESTIONS:
        assert answer(kept, question, k=3) == answer(fresh, question, k=3)


def reads(monkeypatch) -> list[str]:
    """The articles whose vectors are read from the database."""
    read: list[str] = []
    real = reuse._read_into

    def recording(conn, out, articles):
        read.extend(a.id for a in articles)
        return real(conn, out, articles)

    monkeypatch.setattr(reuse, "_read_into", recording)
    return read


def test_after_a_change_only_the_changed_articles_vectors_are_read(corpus, tmp_path, monkeypatch):
    db = tmp_path / "index.db"
    reindex(corpus, db)
    served = load_index(db)
    write(corpus, "aardvarks", ["Aardvarks dig burrows at night.", "They eat termites."])
    write(corpus, "markets", ["Oil prices fell sharply.", "A new word: zeppelins."])
    (corpus / "troops.txt").unlink()
    reindex(corpus, db)
    read = reads(monkeypatch)
    kept = load_index(db, previous=served)
    assert sorted(read) == ["aardvarks", "markets"]
    monkeypatch.undo()
    fresh = load_index(db)
    assert_same(kept, fresh)
    assert kept.term_ids(["zeppelin"]) != [-1]
    for index in (served, kept, fresh):
        index.close()


def test_a_database_built_afresh_is_read_whole(corpus, tmp_path, monkeypatch):
    db = tmp_path / "index.db"
    reindex(corpus, db)
    served = load_index(db)
    served.close()  # what it holds stays usable for the next load
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    (corpus / "troops.txt").unlink()  # so that terms get other ids in the new database
    write(corpus, "aardvarks", ["Aardvarks dig burrows at night."])
    reindex(corpus, db)
    read = reads(monkeypatch)
    kept = load_index(db, previous=served)
    assert sorted(read) == ["aardvarks", "glaciers", "markets"]
    assert kept.lineage != served.lineage
    monkeypatch.undo()
    fresh = load_index(db)
    assert_same(kept, fresh)
    kept.close()
    fresh.close()


def test_terms_that_do_not_extend_the_held_ones_are_read_whole(corpus, tmp_path):
    db = tmp_path / "index.db"
    reindex(corpus, db)
    served = load_index(db)
    held = served.held()
    shuffled = {term: len(held.vocabulary) - 1 - i for i, term in enumerate(held.vocabulary)}
    stale = reuse.Held(held.lineage, shuffled, held.digests, held.layout, held.vectors)
    conn = served._conn
    assert reuse.read_vocabulary(conn, stale) == served.vocabulary
    served.close()
