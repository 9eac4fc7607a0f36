"""A first build writes its pages once, into the file, and leaves the database in WAL mode."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from support import front_matter_article

from bot.index import store
from bot.index.build import reindex
from bot.index.search import load_index


def journal_mode(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return str(conn.execute("PRAGMA journal_mode").fetchone()[0])


def test_a_new_database_is_built_without_the_log_then_served_with_it(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(front_matter_article("Apples", ["Orchards grow apples."]))
    db = tmp_path / "index.db"
    reindex(corpus, db)
    assert journal_mode(db) == "wal"
    assert not Path(f"{db}-journal").exists()
    # The next reindex writes through the log, so a reader keeps its snapshot meanwhile.
    reader = store.connect(db, readonly=True)
    reader.execute("BEGIN")
    assert reader.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
    (corpus / "b.txt").write_text(front_matter_article("Rivers", ["Rivers flood in spring."]))
    assert reindex(corpus, db).added == ("b",)
    assert reader.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
    reader.close()
    index = load_index(db)
    assert [a.id for a in index.articles] == ["a", "b"]
    index.close()


def test_a_new_database_is_opened_with_a_rollback_journal_only_when_asked(tmp_path: Path):
    built = store.connect(tmp_path / "new.db", log=False)
    assert built.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    built.close()
    store.connect(tmp_path / "new.db").close()
    assert journal_mode(tmp_path / "new.db") == "wal"
    served = store.connect(tmp_path / "other.db")
    assert served.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    served.close()
