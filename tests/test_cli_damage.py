"""Damaged or unusable index databases: rebuilt from the corpus, or one clear line."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from support import isolate_environment

from bot.cli import main
from bot.index import store

QUESTION = "Who delivered the US response in Moscow?"
REBUILT = "the index database was damaged ("


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch, tmp_path):
    isolate_environment(monkeypatch, tmp_path)


@pytest.fixture
def indexed(bundled_corpus, capsys) -> list[str]:
    """Command-line options of a freshly built index of the bundled corpus."""
    options = ["--corpus", str(bundled_corpus), "--db", "x.db"]
    assert main(["index", *options]) == 0
    capsys.readouterr()
    return options


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _overwrite_page(number: int) -> None:
    with open("x.db", "r+b") as db:
        db.seek((number - 1) * 4096)
        db.write(os.urandom(4096))


def _sql(statement: str) -> None:
    conn = sqlite3.connect("x.db")
    with conn:
        conn.execute(statement)
    conn.close()


DAMAGE = {
    "page 7 overwritten": lambda: _overwrite_page(7),
    "page 1 overwritten": lambda: _overwrite_page(1),
    "page 2 overwritten": lambda: _overwrite_page(2),
    "paragraphs table dropped": lambda: _sql("DROP TABLE paragraphs"),
    "terms table dropped": lambda: _sql("DROP TABLE terms"),
    "schema row deleted": lambda: _sql("DELETE FROM meta WHERE key = 'schema'"),
    "a paragraph deleted": lambda: _sql("DELETE FROM paragraphs WHERE position = 3"),
    "files emptied": lambda: _sql("DELETE FROM files"),
    "compiled emptied": lambda: _sql("DELETE FROM compiled"),
}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=list(DAMAGE))
@pytest.mark.parametrize("command", ["ask", "index"])
def test_a_damaged_index_is_rebuilt_from_the_corpus_saying_so(capsys, indexed, damage, command):
    damage()
    argv = [command, QUESTION, *indexed] if command == "ask" else [command, *indexed]
    code, out, err = run(capsys, *argv)
    assert code == 0
    said = out + err
    assert said.count(REBUILT) == 1 and "rebuilt it from the corpus" in said
    assert "1 article, 20 paragraphs (1 added" in said
    code, out, err = run(capsys, "ask", QUESTION, *indexed)
    assert (code, err) == (0, "")
    assert "John Sullivan" in out


def test_damage_found_only_when_reading_a_paragraph_is_rebuilt(capsys, indexed):
    conn = sqlite3.connect("x.db")
    pages = [row[0] for row in conn.execute("SELECT pageno FROM dbstat WHERE name = 'paragraphs'")]
    conn.close()
    for page in pages:  # the table's pages only: loading the index reads none of them
        _overwrite_page(page)
    code, out, err = run(capsys, "ask", QUESTION, *indexed)
    assert code == 0
    assert err.count(REBUILT) == 1
    assert "John Sullivan" in out


def _new_article(corpus: Path) -> None:
    (corpus / "new.md").write_text("---\ntitle: New\n---\n\nOrchards grow apples.\n")


def test_a_read_only_database_is_one_clear_line_and_keeps_serving(
    capsys, indexed, bundled_corpus, monkeypatch
):
    # As a file the user may not write (root may write any file, so the test opens the
    # database read-only itself: SQLite then refuses every write the same way).
    connect = store.connect
    _new_article(bundled_corpus)
    with monkeypatch.context() as patch:
        patch.setattr(store, "connect", lambda path, readonly=False: connect(path, readonly=True))
        code, out, err = run(capsys, "index", *indexed)
    assert (code, out) == (1, "")
    assert err == (
        "citebot: cannot write the index database x.db: it is read-only"
        " (the previous index is unchanged)\n"
    )
    with monkeypatch.context() as patch:  # ask finds the new file and cannot add it
        patch.setattr(store, "connect", lambda path, readonly=False: connect(path, readonly=True))
        code, out, err = run(capsys, "ask", QUESTION, *indexed)
    assert code == 0
    assert err.endswith(
        "it is read-only (the previous index is unchanged): answering from it as it is\n"
    )
    assert "John Sullivan" in out


def test_a_full_disk_during_reindex_is_one_clear_line_and_keeps_serving(
    capsys, indexed, bundled_corpus, monkeypatch
):
    connect = store.connect

    def full_at_the_current_size(path: Path, readonly: bool = False) -> sqlite3.Connection:
        conn = connect(path, readonly=readonly)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")  # no page more: the disk is full
        return conn

    (bundled_corpus / "big.md").write_text(
        "---\ntitle: Big\n---\n\n" + "\n\n".join(f"Paragraph {n} of words." for n in range(3000))
    )
    with monkeypatch.context() as patch:
        patch.setattr(store, "connect", full_at_the_current_size)
        code, out, err = run(capsys, "index", *indexed)
    assert (code, out) == (1, "")
    assert err == (
        "citebot: the disk is full: cannot write the index database x.db"
        " (the previous index is unchanged)\n"
    )
    (bundled_corpus / "big.md").unlink()
    code, out, err = run(capsys, "ask", QUESTION, *indexed)
    assert (code, err) == (0, "")
    assert "John Sullivan" in out


def test_a_reindex_locked_out_too_long_is_one_clear_line(
    capsys, indexed, bundled_corpus, monkeypatch
):
    monkeypatch.setattr(store, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect("x.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        _new_article(bundled_corpus)
        code, out, err = run(capsys, "index", *indexed)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert (code, out) == (1, "")
    assert err == (
        "citebot: the index database x.db is still locked by another reindex after 0.2 s:"
        " try again when it has finished (the previous index is unchanged)\n"
    )
