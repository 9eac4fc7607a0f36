"""Reindexing named articles only writes the database a full reindex writes."""

import os
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.index import targeted
from bot.index.build import reindex
from bot.index.search import load_index
from bot.index.store import StoreError
from bot.index.targeted import reindex_articles

WORDS = ["troops", "border", "cobalt", "miners", "glacier", "talks", "wheat", "oil", "the"]
NAMES = ["a", "b", "c", "d", "e"]

paragraph = st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(" ".join)
article = st.lists(paragraph, min_size=1, max_size=4)
step = st.tuples(st.sampled_from(NAMES), article | st.none())


def write(corpus: Path, name: str, paragraphs: list[str] | None, suffix: str = ".txt") -> None:
    path = corpus / f"{name}{suffix}"
    if paragraphs is None:
        path.unlink(missing_ok=True)
    else:
        path.write_text(f"---\ntitle: {name}\n---\n\n" + "\n\n".join(paragraphs) + "\n")


def dump(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """Everything a reindex writes but the files' stamps (they depend on the clock)."""
    conn = sqlite3.connect(db)
    queries = {
        "terms": "SELECT * FROM terms ORDER BY id",
        "articles": "SELECT * FROM articles ORDER BY id",
        "paragraphs": "SELECT * FROM paragraphs ORDER BY id",
        "analyses": "SELECT * FROM analyses ORDER BY article_id",
        "vectors": "SELECT * FROM vectors ORDER BY article_id",
        "compiled": "SELECT * FROM compiled ORDER BY name, chunk",
        "files": "SELECT article_id, path, sha256 FROM files ORDER BY article_id",
        "generation": "SELECT value FROM meta WHERE key = 'generation'",
    }
    result = {name: conn.execute(query).fetchall() for name, query in queries.items()}
    conn.close()
    return result


@settings(max_examples=30, deadline=None)
@given(
    start=st.dictionaries(st.sampled_from(NAMES), article, min_size=1),
    steps=st.lists(st.lists(step, min_size=1, max_size=3), min_size=1, max_size=4),
)
def test_reindexing_the_changed_articles_writes_what_a_full_reindex_writes(start, steps):
    with tempfile.TemporaryDirectory() as tmp:
        corpus, full, some = Path(tmp) / "corpus", Path(tmp) / "full.db", Path(tmp) / "some.db"
        corpus.mkdir()
        for name, paragraphs in start.items():
            write(corpus, name, paragraphs)
        reindex(corpus, full)
        reindex(corpus, some)
        for changes in steps:
            for name, paragraphs in changes:
                write(corpus, name, paragraphs)
            expected = reindex(corpus, full)
            summary = reindex_articles(corpus, some, [name for name, _ in changes])
            assert (summary.added, summary.changed, summary.removed) == (
                expected.added,
                expected.changed,
                expected.removed,
            )
            assert (summary.articles, summary.paragraphs) == (
                expected.articles,
                expected.paragraphs,
            )
            assert dump(some) == dump(full)


@pytest.fixture
def indexed(tmp_path: Path) -> tuple[Path, Path]:
    corpus, db = tmp_path / "corpus", tmp_path / "index.db"
    corpus.mkdir()
    write(corpus, "a", ["troops at the border"])
    write(corpus, "b", ["cobalt miners on strike"])
    reindex(corpus, db)
    return corpus, db


def counting_full_reindexes(monkeypatch) -> list[Path]:
    calls: list[Path] = []
    real = targeted.reindex

    def counted(corpus, db):
        calls.append(corpus)
        return real(corpus, db)

    monkeypatch.setattr(targeted, "reindex", counted)
    return calls


def test_an_added_article_is_searchable_without_looking_at_the_others(indexed, monkeypatch):
    corpus, db = indexed
    full = counting_full_reindexes(monkeypatch)
    write(corpus, "c", ["glacier talks in the valley"])
    summary = reindex_articles(corpus, db, ["c"])
    assert summary.added == ("c",) and full == []
    index = load_index(db)
    doc, _ = index.search(["glacier"], 1)[0]
    assert index.paragraph(doc).article.id == "c"
    index.close()


@pytest.mark.parametrize(
    "odd",
    [
        pytest.param(lambda c: write(c, "a", ["troops again"], ".md"), id="two files, one id"),
        pytest.param(lambda c: os.symlink(c / "b.txt", c / "a.md"), id="symbolic link"),
        pytest.param(lambda c: os.link(c / "b.txt", c / "a.md"), id="hard link"),
    ],
)
def test_unusual_files_are_left_to_a_full_reindex(indexed, monkeypatch, odd):
    corpus, db = indexed
    full = counting_full_reindexes(monkeypatch)
    odd(corpus)
    reindex_articles(corpus, db, ["a"])
    assert full == [corpus]


def test_an_outdated_index_is_reindexed_in_full(tmp_path, monkeypatch):
    corpus, db = tmp_path / "corpus", tmp_path / "index.db"
    corpus.mkdir()
    write(corpus, "a", ["troops at the border"])
    full = counting_full_reindexes(monkeypatch)
    assert reindex_articles(corpus, db, ["a"]).added == ("a",)
    assert full == [corpus]


def test_an_unreadable_file_keeps_the_previous_version_as_a_reindex_does(indexed):
    corpus, db = indexed
    (corpus / "a.txt").write_bytes(b"\xff" * (11 * 1024 * 1024))  # over the size limit
    summary = reindex_articles(corpus, db, ["a"])
    assert [s.path for s in summary.skipped] == ["a.txt"]
    assert "previous version kept" in summary.skipped[0].reason
    assert summary.removed == () and summary.articles == 2


def test_a_locked_database_is_a_store_error_and_changes_nothing(indexed):
    corpus, db = indexed
    write(corpus, "c", ["glacier talks in the valley"])
    before = dump(db)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("PRAGMA busy_timeout=0")
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("bot.index.store.BUSY_TIMEOUT_MS", 0)
            with pytest.raises(StoreError, match="locked"):
                reindex_articles(corpus, db, ["c"])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert dump(db) == before
