"""The served index and its rebuilds: join a running rebuild, keep the old index on failure."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import bot.library
from bot.config import Settings
from bot.context_model import load_context_model
from bot.library import Library
from bot.meaning import load_embedder
from bot.rerank.context import DEFAULT_INDEX_LIMIT, set_index_limit
from bot.rerank.reading import load_reading_head
from bot.text import _irregular_lemmas


def make_library(corpus: Path, tmp_path: Path) -> Library:
    return Library.open(Settings(corpus=corpus, db=tmp_path / "lib.db"))


async def test_reindex_swaps_in_the_new_article(write_article, corpus_dir, tmp_path):
    write_article("a", "Apples", ["Apple orchards grow apples.", "Pears.", "Plums."])
    library = make_library(corpus_dir, tmp_path)
    assert not library.ask("zebra stripes", 3).passages
    write_article("z", "Zebras", ["Zebra stripes confuse flies.", "Lions.", "Grass."])
    outcome = await library.reindex()
    assert outcome.summary is not None and outcome.summary.added == ("z",)
    assert "Zebra stripes" in library.ask("zebra stripes", 3).passages[0].text


async def test_second_reindex_while_one_runs_joins_it(
    write_article, corpus_dir, tmp_path, monkeypatch
):
    write_article("a", "Apples", ["Apple orchards grow apples.", "Pears.", "Plums."])
    library = make_library(corpus_dir, tmp_path)
    calls = []
    release = threading.Event()
    real = bot.library.reindex

    def slow_reindex(*args, **kwargs):
        calls.append(1)
        release.wait(5)
        return real(*args, **kwargs)

    monkeypatch.setattr(bot.library, "reindex", slow_reindex)
    first = asyncio.create_task(library.reindex())
    await asyncio.sleep(0.05)
    second = asyncio.create_task(library.reindex())
    await asyncio.sleep(0.05)
    assert library.reindexing
    release.set()
    one, two = await asyncio.gather(first, second)
    assert one is two and len(calls) == 1


async def test_failed_reindex_reports_and_keeps_serving_the_old_index(
    write_article, corpus_dir, tmp_path, monkeypatch
):
    write_article("a", "Apples", ["Apple orchards grow apples.", "Pears.", "Plums."])
    library = make_library(corpus_dir, tmp_path)
    generation = library.index.generation

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(bot.library, "reindex", broken)
    outcome = await library.reindex()
    assert outcome.summary is None and outcome.error == "disk full"
    assert library.index.generation == generation
    assert "Apple orchards" in library.ask("apple orchards", 3).passages[0].text


async def test_questions_are_answered_while_a_reindex_runs(
    write_article, corpus_dir, tmp_path, monkeypatch
):
    write_article("a", "Apples", ["Apple orchards grow apples.", "Pears.", "Plums."])
    library = make_library(corpus_dir, tmp_path)
    release = threading.Event()
    real = bot.library.reindex

    def slow_reindex(*args, **kwargs):
        release.wait(5)
        return real(*args, **kwargs)

    monkeypatch.setattr(bot.library, "reindex", slow_reindex)
    running = asyncio.create_task(library.reindex())
    await asyncio.sleep(0.05)
    assert library.reindexing
    assert library.ask("apple orchards", 3).passages
    release.set()
    await running


async def test_the_log_starts_over_after_each_reindex_instead_of_growing(
    write_article, corpus_dir, tmp_path
):
    write_article("a", "Apples", ["Apple orchards grow apples.", "Pears.", "Plums."])
    library = make_library(corpus_dir, tmp_path)
    long = [f"Paragraph {n} about zebra stripes and the flies they confuse." for n in range(300)]
    sizes = []
    for n in range(5):
        path = write_article(f"z{n}", f"Zebras {n}", long)
        assert (await library.reindex()).summary is not None
        path.unlink()
        assert (await library.reindex()).summary is not None
        sizes.append((tmp_path / "lib.db-wal").stat().st_size)
    assert sizes[-1] == sizes[1], sizes
    assert "Apple orchards" in library.ask("apple orchards", 3).passages[0].text


LAZY_LOADS = (_irregular_lemmas, load_embedder, load_context_model, load_reading_head)


def test_opening_loads_what_the_first_questions_would_have_loaded_side_by_side(
    write_article, corpus_dir, tmp_path
):
    write_article("a", "Apples", ["Apple orchards grow apples.", "Pears.", "Plums."])
    for load in LAZY_LOADS:
        load.cache_clear()
    make_library(corpus_dir, tmp_path)
    assert [load.cache_info().currsize for load in LAZY_LOADS] == [1, 1, 1, 1]


def test_an_index_too_large_to_read_closely_does_not_load_the_contextual_model(
    write_article, corpus_dir, tmp_path
):
    write_article("a", "Apples", ["Apple orchards grow apples.", "Pears.", "Plums."])
    load_context_model.cache_clear()
    set_index_limit(2)  # the article has 3 paragraphs
    try:
        make_library(corpus_dir, tmp_path)
    finally:
        set_index_limit(DEFAULT_INDEX_LIMIT)
    assert load_context_model.cache_info().currsize == 0
