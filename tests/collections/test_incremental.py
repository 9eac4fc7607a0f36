"""An add, remove or restore reindexes only its article, unless something else changed too."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from collection_samples import FERRY, FILLER, ORCHARD, article_bytes

from bot.collections import add as add_module
from bot.collections import (
    add_article,
    collection,
    file_source,
    incremental,
    open_collection,
    remove_article,
    restore_article,
    shared_collection,
)
from bot.collections import trash as trash_module
from bot.config import Settings
from bot.index.freshness import corpus_is_newer


@pytest.fixture
def target(settings):
    """A collection of two articles, its index current."""
    found = collection(settings, "server-1")
    add_article(found, file_source("filler.txt", article_bytes("Town news", FILLER)))
    add_article(found, file_source("ferry.txt", article_bytes("Ferry vote", FERRY)))
    assert not corpus_is_newer(found.folder, found.db)
    return found


@pytest.fixture
def full_reindexes(monkeypatch) -> list[str]:
    calls: list[str] = []
    real = incremental.update_index

    def counted(found):
        calls.append(found.name)
        return real(found)

    monkeypatch.setattr(incremental, "update_index", counted)
    return calls


def served_ids(found) -> set[str]:
    index = open_collection(found)
    try:
        return {a.id for a in index.articles}
    finally:
        index.close()


def test_an_add_reindexes_only_its_article_and_leaves_the_index_current(target, full_reindexes):
    add_article(target, file_source("orchard.txt", article_bytes("Orchard", ORCHARD)))
    assert full_reindexes == []
    assert not corpus_is_newer(target.folder, target.db)
    assert served_ids(target) == {"town-news", "ferry-vote", "orchard"}


def test_remove_and_restore_reindex_only_their_article(target, full_reindexes):
    remove_article(target, "ferry-vote")
    assert not corpus_is_newer(target.folder, target.db)
    assert served_ids(target) == {"town-news"}
    restore_article(target, "ferry-vote")
    assert not corpus_is_newer(target.folder, target.db)
    assert served_ids(target) == {"town-news", "ferry-vote"}
    assert full_reindexes == []


def test_a_replace_by_another_file_type_reindexes_only_its_article(target, full_reindexes):
    data = article_bytes("Ferry vote", FERRY)
    report = add_article(target, file_source("ferry.md", data), replace=True)
    assert report.replaced and full_reindexes == []
    assert sorted(p.name for p in target.folder.iterdir()) == [
        ".citebot",
        "ferry-vote.md",
        "town-news.txt",
    ]
    assert served_ids(target) == {"town-news", "ferry-vote"}
    assert not corpus_is_newer(target.folder, target.db)


def elsewhere_during(monkeypatch, module, change) -> None:
    """Make `change` to the folder just after the operation took its baseline."""
    real = module.baseline

    def then_change(found):
        taken = real(found)
        change(found.folder)
        return taken

    monkeypatch.setattr(module, "baseline", then_change)


CHANGES = {
    "a new file": lambda folder: (folder / "extra.txt").write_bytes(
        article_bytes("Extra", ["A brand new extra article about lighthouses."])
    ),
    "a deleted file": lambda folder: (folder / "town-news.txt").unlink(),
    "an edited file": lambda folder: (folder / "town-news.txt").write_bytes(
        article_bytes("Town news", ["Only one paragraph about lighthouses now."])
    ),
}
EXPECTED = {
    "a new file": {"town-news", "ferry-vote", "extra"},
    "a deleted file": {"ferry-vote"},
    "an edited file": {"town-news", "ferry-vote"},
}


@pytest.mark.parametrize("what", CHANGES)
def test_another_change_during_an_add_is_seen_by_a_full_reindex(
    target, full_reindexes, monkeypatch, what
):
    elsewhere_during(monkeypatch, add_module, CHANGES[what])
    add_article(target, file_source("orchard.txt", article_bytes("Orchard", ORCHARD)))
    assert full_reindexes == ["server-1"]
    assert served_ids(target) == EXPECTED[what] | {"orchard"}
    assert not corpus_is_newer(target.folder, target.db)
    if what == "an edited file":
        index = open_collection(target)
        assert index.article("town-news").paragraph_count == 1
        index.close()


@pytest.mark.parametrize("what", CHANGES)
def test_another_change_during_a_remove_is_seen_by_a_full_reindex(
    target, full_reindexes, monkeypatch, what
):
    elsewhere_during(monkeypatch, trash_module, CHANGES[what])
    remove_article(target, "ferry-vote")
    assert full_reindexes == ["server-1"]
    assert served_ids(target) == EXPECTED[what] - {"ferry-vote"}


@pytest.mark.parametrize("what", CHANGES)
def test_a_change_before_the_add_is_seen_by_a_full_reindex(target, full_reindexes, what):
    CHANGES[what](target.folder)
    add_article(target, file_source("orchard.txt", article_bytes("Orchard", ORCHARD)))
    assert full_reindexes == ["server-1"]
    assert served_ids(target) == EXPECTED[what] | {"orchard"}


def test_an_article_in_a_subfolder_is_restored_by_a_full_reindex(target, full_reindexes):
    sub = target.folder / "old"
    sub.mkdir()
    (sub / "note.txt").write_bytes(article_bytes("Note", ["A short note about lighthouses."]))
    open_collection(target).close()
    remove_article(target, "old/note")
    restore_article(target, "old/note")
    assert full_reindexes == ["server-1", "server-1"]
    assert served_ids(target) == {"town-news", "ferry-vote", "old/note"}


def test_the_index_time_is_the_moment_the_folder_was_checked(target):
    started = time.time_ns()
    add_article(target, file_source("orchard.txt", article_bytes("Orchard", ORCHARD)))
    written = os.stat(target.db).st_mtime_ns
    assert started < written < time.time_ns()
    assert written >= os.stat(target.folder / "orchard.txt").st_ctime_ns


def test_nothing_hidden_counts_as_a_change(target, full_reindexes, monkeypatch):
    def hidden(folder: Path) -> None:
        (folder / ".citebot" / "trash" / "by-hand").mkdir(parents=True)
        (folder / ".swap.txt").write_text("an editor's file")

    elsewhere_during(monkeypatch, trash_module, hidden)
    remove_article(target, "ferry-vote")
    assert full_reindexes == []
    assert not corpus_is_newer(target.folder, target.db)


def test_a_deletion_next_to_an_index_kept_in_the_corpus_folder_is_seen(
    tmp_path, full_reindexes, monkeypatch
):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    settings = Settings(corpus=corpus, db=corpus / "citebot.db", collections=tmp_path / "c")
    shared = shared_collection(settings)
    add_article(shared, file_source("filler.txt", article_bytes("Town news", FILLER)))
    add_article(shared, file_source("ferry.txt", article_bytes("Ferry vote", FERRY)))
    full_reindexes.clear()
    elsewhere_during(monkeypatch, add_module, CHANGES["a deleted file"])
    add_article(shared, file_source("orchard.txt", article_bytes("Orchard", ORCHARD)))
    assert full_reindexes == ["shared"]
    assert served_ids(shared) == {"ferry-vote", "orchard"}


class Killed(BaseException):
    """Stands for SIGKILL at one point of the work (nothing after it runs)."""


def test_a_kill_before_the_folder_is_checked_leaves_an_older_edit_to_be_seen(target, monkeypatch):
    CHANGES["an edited file"](target.folder)  # not yet compared with the index
    before = incremental.baseline(target)
    written = target.folder / "orchard.txt"
    written.write_bytes(article_bytes("Orchard", ORCHARD))

    def killed(found):
        raise Killed

    monkeypatch.setattr(incremental, "_file_system_now", killed)
    with pytest.raises(Killed):  # the article is indexed, the folder not yet checked
        incremental.index_change(target, before, [written], [])
    monkeypatch.undo()
    index = open_collection(target)
    assert index.article("town-news").paragraph_count == 1  # the edit, not the old text
    assert index.article("orchard") is not None
    index.close()
