"""A fleet process serving from its mirrors, against a real PostgreSQL: each commit is
mirrored, reindexed and swapped in; an answer keeps the index it started with; every answer
is logged with its generation."""

from __future__ import annotations

import asyncio
import logging

import pytest
from follow_support import converge

from bot.answer import AnswerStatus, answer
from bot.collections import SHARED, ServedCollections, collection
from bot.collections.search import MergedAnswer
from bot.config import Settings
from bot.fleet.connect import connect
from bot.fleet.model import StoredArticle
from bot.fleet.processes import ProcessInfo
from bot.fleet.serving import FleetServing, fleet_settings
from bot.fleet.store import commit_collection
from bot.library import Library

OTTERS = "Sea otters hold hands while they sleep so that they do not drift apart at sea."
COMETS = "Comets grow a bright tail of gas and dust when their orbit brings them near the sun."


def commit(url: str, collection: str, texts: dict[str, str]) -> int:
    """Make the collection hold one article per (name, text); returns the new generation."""
    articles = [
        StoredArticle(name, f"{name}.txt", f"{name.title()}\n\n{text}\n".encode(), name.title())
        for name, text in texts.items()
    ]
    with connect(url) as conn:
        generation = commit_collection(conn, collection, articles).generation
    assert generation is not None
    return generation


@pytest.fixture
async def fleet(pg_url, tmp_path):
    """A started FleetServing over a fresh cache (stopped afterwards), its Library and
    ServedCollections; the shared collection holds the otters article at generation 1."""
    commit(pg_url, SHARED, {"otters": OTTERS})
    base = Settings(db=tmp_path / "citebot.db", database_url=pg_url, fleet_poll_seconds=5)
    settings = fleet_settings(base)
    settings.corpus.mkdir(parents=True)
    library = Library.open(settings)
    served = ServedCollections()
    source = tmp_path / "source"
    source.mkdir()
    serving = FleetServing(settings, ProcessInfo("p1"), library, served, source)
    serving.start()
    await converge(serving.follower, SHARED, 1, within=20)
    yield serving, library, served, settings
    await serving.stop()


def test_fleet_settings_serve_from_the_cache_without_watchers(tmp_path):
    base = Settings(db=tmp_path / "x" / "citebot.db", database_url="postgresql://h/d")
    settings = fleet_settings(base)
    cache = tmp_path / "x" / "citebot-fleet"
    assert (settings.corpus, settings.collections) == (cache / "corpus", cache / "collections")
    assert settings.db == cache / "citebot.db" and not settings.watch
    assert settings.state_path == base.state_path  # an admin's choices stay where they were


async def test_a_commit_is_mirrored_reindexed_and_swapped_in(fleet, pg_url):
    serving, library, _, settings = fleet
    first = library.index
    assert answer(first, "why do otters hold hands?").status is AnswerStatus.ANSWERED
    assert serving.generation_of(SHARED, first) == 1
    generation = await asyncio.to_thread(
        commit, pg_url, SHARED, {"otters": OTTERS, "comets": COMETS}
    )
    await converge(serving.follower, SHARED, generation, within=20)
    now = library.index
    assert now is not first and serving.generation_of(SHARED, now) == generation
    assert answer(now, "why do comets have a tail?").status is AnswerStatus.ANSWERED
    # An answer that started on the old index keeps it: generation 1 has no comets.
    assert answer(first, "why do comets have a tail?").status is not AnswerStatus.ANSWERED
    assert (settings.corpus / "comets.txt").read_text().startswith("Comets")


async def test_a_server_collection_is_served_from_its_own_mirror(fleet, pg_url):
    serving, _, served, settings = fleet
    generation = await asyncio.to_thread(commit, pg_url, "server-42", {"comets": COMETS})
    await converge(serving.follower, "server-42", generation, within=20)
    assert served.loaded() == ("server-42",)
    index = served.index(collection(settings, "server-42"))
    assert (settings.collections / "server-42" / "comets.txt").is_file()
    assert serving.generation_of("server-42", index) == generation
    assert answer(index, "why do comets have a tail?").status is AnswerStatus.ANSWERED


async def test_every_answer_is_logged_with_its_generation(fleet, caplog):
    serving, library, _, _ = fleet
    index = library.index
    found = answer(index, "why do otters hold hands?")
    caplog.set_level(logging.INFO, logger="bot.fleet.serving")
    serving.log_answer([(SHARED, index)], MergedAnswer(found, (SHARED,) * len(found.passages)))
    (line,) = [r.getMessage() for r in caplog.records if "fleet answer" in r.getMessage()]
    cited = found.passages[0].citation
    assert line == (
        f"fleet answer: process=p1 collection=shared generation=1"
        f" paragraphs={index.paragraph_count} cited={cited.article_id}#{cited.paragraph}"
    )


async def test_reindex_commits_the_source_folder_once_the_fleet_serves_it(fleet, pg_url, tmp_path):
    serving, library, _, _ = fleet
    for name, text in {"otters": OTTERS, "comets": COMETS}.items():
        (tmp_path / "source" / f"{name}.txt").write_text(f"{name.title()}\n\n{text}\n")
    published = await serving.reindex_shared()
    assert (published.generation, published.new, published.articles) == (2, True, 2)
    assert published.lagging == ()  # answered only once this process serves generation 2
    assert serving.generation_of(SHARED, library.index) == 2
    again = await serving.reindex_shared()
    assert (again.generation, again.new, again.lagging) == (2, False, ())


async def test_reindex_names_a_live_process_that_lags(fleet, pg_url, tmp_path, monkeypatch):
    serving, _, _, _ = fleet
    monkeypatch.setattr("bot.fleet.serving.REINDEX_WAIT_SECONDS", 0.5)
    with connect(pg_url) as conn:  # alive (a fresh heartbeat) but never serving anything
        conn.execute("INSERT INTO processes (name) VALUES ('stuck')")
        conn.commit()
    (tmp_path / "source" / "comets.txt").write_text(f"Comets\n\n{COMETS}\n")
    published = await serving.reindex_shared()
    assert published.new and published.lagging == ("stuck",)
