"""Edits on disk (issue 13, item 6): the corpus watcher with a real Library on real files."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from watchfiles import Change

import bot.library
import bot.watch
from bot.config import Settings
from bot.library import Library, ReindexOutcome
from bot.watch import CorpusFilter, CorpusWatcher

MILL = ["The millwright at Eling rebuilt the wheel after the great storm."]
FILLER = [f"Paragraph {n} about gardens, bicycles and bread." for n in range(6)]


class CountingLibrary(Library):
    """A real library that counts the reindexes it runs."""

    calls = 0

    async def reindex(self) -> ReindexOutcome:
        self.calls += 1
        return await super().reindex()


@pytest.fixture(autouse=True)
def quick_quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bot.watch, "QUIET_SECONDS", 0.3)


@pytest.fixture
def settings(corpus_dir: Path, write_article: Callable[..., Path], tmp_path: Path) -> Settings:
    write_article("filler", "Filler", FILLER)
    return Settings(corpus=corpus_dir, db=tmp_path / "citebot.db")


async def until(check: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


@contextlib.asynccontextmanager
async def watching(settings: Settings) -> AsyncIterator[tuple[CountingLibrary, CorpusWatcher]]:
    library = CountingLibrary.open(settings)
    watcher = CorpusWatcher(library, settings)
    watcher.start()
    await asyncio.sleep(0.3)  # let the watcher attach to the folder before editing it
    try:
        yield library, watcher
    finally:
        await watcher.stop()


@pytest.fixture
async def watched(settings: Settings) -> AsyncIterator[tuple[CountingLibrary, CorpusWatcher]]:
    async with watching(settings) as pair:
        yield pair


def test_the_filter_keeps_articles_and_folders_and_drops_the_index_and_temp_files(tmp_path):
    corpus = tmp_path / "corpus"
    settings = Settings(corpus=corpus, db=corpus / "citebot.db")
    keep = CorpusFilter(settings)
    assert keep(Change.added, str(corpus / "a.txt"))
    assert keep(Change.modified, str(corpus / "sub" / "b.MD"))
    assert keep(Change.deleted, str(corpus / "reports"))  # maybe a folder
    for name in (
        "citebot.db",
        "citebot.db-wal",
        "citebot.db-journal",
        "citebot.db.damaged-1",
        "citebot-state.db",
        ".a.txt.swp",
        "a.txt~",
        "a.txt.tmp",
        ".hidden.txt",
        "photo.jpg",
    ):
        assert not keep(Change.modified, str(corpus / name)), name
    # The same names in a subfolder are articles' business, not the database's.
    assert keep(Change.added, str(corpus / "sub" / "citebot.db.txt"))
    # A database named without a suffix could pass for a folder: it is still the database.
    bare = CorpusFilter(Settings(corpus=corpus, db=corpus / "index"))
    assert not any(bare(Change.modified, str(corpus / n)) for n in ("index", "index-journal"))


async def test_a_file_written_into_the_corpus_becomes_answerable_without_reindex(
    watched, write_article
):
    library, _ = watched
    assert library.ask("Who was the millwright?", 3).passages == ()
    write_article("mill", "Tidal mills", MILL)
    await until(lambda: library.index.article("mill") is not None)
    assert library.ask("Who was the millwright?", 3).passages[0].citation.title == "Tidal mills"


async def test_a_burst_of_edits_is_one_reindex_and_removal_is_picked_up(
    watched, write_article, corpus_dir
):
    library, _ = watched
    for n in range(5):
        write_article(f"mill-{n}", f"Tidal mills {n}", MILL)
        await asyncio.sleep(0.05)
    await until(lambda: all(library.index.article(f"mill-{n}") for n in range(5)))
    assert library.calls == 1
    (corpus_dir / "mill-0.txt").unlink()
    await until(lambda: library.index.article("mill-0") is None)
    assert library.calls == 2


async def test_a_failed_reindex_keeps_the_old_index_and_is_logged(
    watched, write_article, monkeypatch, caplog
):
    library, _ = watched
    generation = library.index.generation
    real = bot.library.reindex

    def failing(corpus: Path, db: Path, progress=None):
        raise OSError("disk read error")

    monkeypatch.setattr(bot.library, "reindex", failing)
    caplog.set_level(logging.WARNING, logger="bot.watch")
    write_article("mill", "Tidal mills", MILL)
    await until(lambda: "disk read error" in caplog.text)
    assert library.index.generation == generation and library.index.article("mill") is None
    monkeypatch.setattr(bot.library, "reindex", real)
    write_article("mill", "Tidal mills", [*MILL, "A second paragraph on the sluice gates."])
    await until(lambda: library.index.article("mill") is not None)


async def test_an_index_kept_inside_the_corpus_folder_does_not_retrigger_itself(
    corpus_dir, write_article
):
    write_article("filler", "Filler", FILLER)
    # No suffix: only the database rule, not the article-suffix one, keeps its events out.
    settings = Settings(corpus=corpus_dir, db=corpus_dir / "index")
    async with watching(settings) as (library, _):
        write_article("mill", "Tidal mills", MILL)
        await until(lambda: library.index.article("mill") is not None)
        # Writing the database raised events; none of them may start another reindex.
        await asyncio.sleep(bot.watch.QUIET_SECONDS * 4)
        assert library.calls == 1


async def test_a_missing_corpus_folder_is_logged_and_does_not_stop_anything(
    settings, tmp_path, caplog
):
    library = Library.open(settings)
    gone = Settings(corpus=tmp_path / "nowhere", db=settings.db)
    watcher = CorpusWatcher(library, gone)
    caplog.set_level(logging.WARNING, logger="bot.watch")
    watcher.start()
    await until(lambda: "not watching the corpus folder" in caplog.text, timeout=5)
    await watcher.stop()


def test_the_collections_filter_skips_each_collections_own_hidden_folder(tmp_path: Path) -> None:
    settings = Settings(corpus=tmp_path / "corpus", collections=tmp_path / "collections")
    keep = bot.watch.CollectionsFilter(settings)
    club = tmp_path / "collections" / "club"
    assert keep(Change.added, str(club / "notes.md"))
    assert not keep(Change.modified, str(club / ".citebot" / "index.db"))
    assert not keep(Change.added, str(club / ".citebot" / "trash" / "t" / "old.md"))
