"""How a fleet process moves between generations, against a real PostgreSQL: only the
articles a move wrote or deleted are reindexed, and what it then serves is what a whole
build of that generation serves; the whole folder is compared again whenever that shortcut
is not known to be right (a first move, a failed or interrupted one, a restarted process);
a generation not newer than the one served is never applied."""

from __future__ import annotations

import asyncio
import logging
import random

import numpy as np
import pytest

from bot.collections import SHARED, ServedCollections
from bot.config import Settings
from bot.fleet.connect import connect
from bot.fleet.mirror import mirror_generation
from bot.fleet.model import StoredArticle
from bot.fleet.processes import ProcessInfo
from bot.fleet.serving import FleetServing, fleet_settings
from bot.fleet.store import commit_collection
from bot.index.build import reindex
from bot.index.search import SearchIndex, load_index
from bot.library import Library
from bot.text import analyze

WORDS = (
    "harbour lamp tide otter comet orbit glacier valley river storm lighthouse keeper"
    " whale song island bridge forest fire winter market bread salt copper mine"
).split()
QUESTION = "why does the lighthouse keeper watch the storm over the harbour and the tide"


def _text(rng: random.Random) -> str:
    paragraphs = [" ".join(rng.choices(WORDS, k=rng.randint(12, 30))) for _ in range(3)]
    return "\n\n".join(p.capitalize() + "." for p in paragraphs)


def _article(article_id: str, text: str, suffix: str = ".txt") -> StoredArticle:
    body = f"{article_id.title()}\n\n{text}\n"
    return StoredArticle(article_id, f"{article_id}{suffix}", body.encode(), article_id.title())


def _commit(url: str, articles: dict[str, StoredArticle]) -> int:
    with connect(url) as conn:
        generation = commit_collection(conn, SHARED, list(articles.values())).generation
    assert generation is not None
    return generation


def _serving(url: str, cache, name: str = "p1") -> tuple[FleetServing, Library]:
    base = Settings(db=cache / "citebot.db", database_url=url, fleet_poll_seconds=5)
    settings = fleet_settings(base)
    settings.corpus.mkdir(parents=True, exist_ok=True)
    library = Library.open(settings)
    source = cache / "source"
    source.mkdir(exist_ok=True)
    return FleetServing(settings, ProcessInfo(name), library, ServedCollections(), source), library


def _whole_build(url: str, generation: int, work) -> SearchIndex:
    """The generation built from scratch in a folder of its own."""
    folder = work / f"whole-{generation}"
    with connect(url) as conn:
        mirror_generation(conn, SHARED, generation, folder)
    db = work / f"whole-{generation}.db"
    reindex(folder, db)
    return load_index(db)


def assert_same_answers(served: SearchIndex, whole: SearchIndex) -> None:
    """Same articles in the same places, same BM25 scores for every paragraph, same meaning
    vectors, same stored paragraphs (term ids may differ: they are numbered by history)."""
    assert [(a.id, a.first_doc, a.paragraph_count) for a in served.articles] == [
        (a.id, a.first_doc, a.paragraph_count) for a in whole.articles
    ]
    docs = list(range(whole.paragraph_count))
    terms = analyze(QUESTION)
    np.testing.assert_allclose(served.bm25_of(terms, docs), whole.bm25_of(terms, docs))
    # A term of a removed article stays known with idf 0, which answers treat as unknown.
    served_idf = {t: v for t, v in served.idf_of(terms).items() if v != 0.0}
    assert served_idf == pytest.approx({t: v for t, v in whole.idf_of(terms).items() if v})
    assert served.vectors is not None and whole.vectors is not None
    assert np.array_equal(served.vectors, whole.vectors)
    assert served.search(terms, 5) == whole.search(terms, 5)
    assert [p.text for p in served.paragraphs(docs)] == [p.text for p in whole.paragraphs(docs)]


def _how(caplog: pytest.LogCaptureFixture) -> list[str]:
    """How each move logged so far reindexed, in order."""
    ways = ("moved articles reindexed", "whole folder compared")
    return [w for r in caplog.records for w in ways if w in r.getMessage()]


async def test_moves_reindex_only_what_moved_and_serve_what_a_whole_build_serves(
    pg_url, tmp_path, caplog
):
    caplog.set_level(logging.INFO, logger="bot.fleet.serving")
    rng = random.Random(14)
    articles = {f"a{i}": _article(f"a{i}", _text(rng)) for i in range(6)}
    generation = _commit(pg_url, articles)
    serving, library = _serving(pg_url, tmp_path / "cache")
    await serving.apply(SHARED, generation)
    for step in range(8):
        article_id = rng.choice([f"a{i}" for i in range(9)])
        choice = ("change", "remove", "rename", "add")[step % 4]
        if choice == "remove":
            articles.pop(article_id, None)
        else:
            suffix = ".md" if choice == "rename" else ".txt"
            articles[article_id] = _article(article_id, _text(rng), suffix)
        articles["news/n"] = _article("news/n", f"Step {step}. " + _text(rng))  # a subfolder
        generation = _commit(pg_url, articles)
        await serving.apply(SHARED, generation)
        assert serving.generation_of(SHARED, library.index) == generation
        whole = await asyncio.to_thread(_whole_build, pg_url, generation, tmp_path)
        assert_same_answers(library.index, whole)
    assert _how(caplog) == ["whole folder compared"] + ["moved articles reindexed"] * 8
    await serving.stop()


async def test_a_generation_not_newer_than_the_one_served_is_not_applied(pg_url, tmp_path):
    rng = random.Random(1)
    articles = {"a": _article("a", _text(rng))}
    first = _commit(pg_url, articles)
    articles["b"] = _article("b", _text(rng))
    second = _commit(pg_url, articles)
    serving, library = _serving(pg_url, tmp_path / "cache")
    # Asked at once (the follower and a caller of its own), in either order: the newest wins.
    await asyncio.gather(serving.apply(SHARED, second), serving.apply(SHARED, first))
    served = library.index
    assert serving.generation_of(SHARED, served) == second
    await serving.apply(SHARED, first)
    await serving.apply(SHARED, second)
    assert library.index is served and [a.id for a in served.articles] == ["a", "b"]
    await serving.stop()


async def test_a_move_after_an_interrupted_one_compares_the_whole_folder(pg_url, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="bot.fleet.serving")
    rng = random.Random(2)
    articles = {"a": _article("a", _text(rng))}
    serving, library = _serving(pg_url, tmp_path / "cache")
    await serving.apply(SHARED, _commit(pg_url, articles))
    # The next move stops half way: "b" is written, then a file stands where "c/" goes.
    articles |= {"b": _article("b", _text(rng)), "c/d": _article("c/d", _text(rng))}
    broken = _commit(pg_url, articles)
    obstacle = tmp_path / "cache" / "citebot-fleet" / "corpus" / "c"
    obstacle.write_text("in the way")
    with pytest.raises(OSError):
        await serving.apply(SHARED, broken)
    obstacle.unlink()
    del articles["b"]  # and the next generation removes what the broken move wrote
    generation = _commit(pg_url, articles)
    await serving.apply(SHARED, generation)
    whole = await asyncio.to_thread(_whole_build, pg_url, generation, tmp_path)
    assert_same_answers(library.index, whole)
    assert _how(caplog) == ["whole folder compared", "whole folder compared"]
    await serving.stop()


async def test_a_process_killed_between_mirror_and_index_recovers_on_restart(
    pg_url, tmp_path, caplog
):
    caplog.set_level(logging.INFO, logger="bot.fleet.serving")
    rng = random.Random(3)
    articles = {"a": _article("a", _text(rng)), "b": _article("b", _text(rng))}
    cache = tmp_path / "cache"
    serving, _ = _serving(pg_url, cache)
    await serving.apply(SHARED, _commit(pg_url, articles))
    await serving.stop()
    # Killed after mirroring the next generation, before its index was committed.
    articles["a"] = _article("a", _text(rng))
    del articles["b"]
    generation = _commit(pg_url, articles)
    with connect(pg_url) as conn:
        mirror_generation(conn, SHARED, generation, cache / "citebot-fleet" / "corpus")
    restarted, library = _serving(pg_url, cache, "p1")
    assert [a.id for a in library.index.articles] == ["a", "b"]  # the stale index, untagged
    await restarted.apply(SHARED, generation)
    whole = await asyncio.to_thread(_whole_build, pg_url, generation, tmp_path)
    assert_same_answers(library.index, whole)
    assert _how(caplog)[-1] == "whole folder compared"
    await restarted.stop()
