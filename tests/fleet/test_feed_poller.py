"""Feeds in fleet mode: one poller for the whole fleet, elected through PostgreSQL, and a
feed run's new articles committed as one generation of their collection."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "feeds"))

from feed_site import FeedSite, serving

from bot.config import Settings
from bot.feeds import FeedScheduler, run_feed, subscribe
from bot.fleet.connect import connect
from bot.fleet.election import FEED_POLLER, Election
from bot.fleet.feed_store import PgFeedStore
from bot.fleet.store import articles_at, latest_generation


@pytest.fixture
def site() -> Iterator[FeedSite]:
    with serving() as running:
        yield running


@pytest.fixture
def settings(tmp_path: Path, pg_url: str) -> Settings:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    return Settings(
        corpus=corpus,
        db=tmp_path / "shared.db",
        collections=tmp_path / "collections",
        fetch_allow_private=True,
        fetch_timeout_seconds=1.0,
        database_url=pg_url,
    )


def _kill(url: str, application_name: str) -> None:
    """End the session and wait until it is gone (pg_terminate_backend only signals it)."""
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
            " WHERE application_name = %s",
            (application_name,),
        )


def test_one_contender_wins_and_the_other_takes_over_when_its_session_is_killed(pg_url):
    first, second = (
        Election(pg_url, FEED_POLLER, "poller a"),
        Election(pg_url, FEED_POLLER, "poller b"),
    )
    try:
        assert first.holds() and not second.holds()
        assert first.holds() and not second.holds()  # asking again changes nothing
        _kill(pg_url, "poller a")
        assert second.holds()
        assert not first.holds()  # it learns that its session ended, and the job is taken
        second.close()  # a process stopping gives the job up
        assert first.holds()
    finally:
        first.close()
        second.close()


def test_no_contender_holds_the_job_while_postgresql_is_unreachable():
    assert not Election("postgresql://nobody@127.0.0.1:1/none", FEED_POLLER, "x").holds()


def _generation(url: str, name: str) -> int:
    with connect(url) as conn:
        return latest_generation(conn, name)


def _articles(url: str, name: str, generation: int) -> dict[str, bytes]:
    with connect(url) as conn:
        return {a.article_id: a.content for a in articles_at(conn, name, generation)}


def test_a_feed_run_commits_its_new_articles_as_one_generation(settings, site, pg_url):
    store = PgFeedStore(pg_url)
    site.publish("lighthouse")
    site.publish("bakery")
    sub = subscribe(settings, store, site.url("/feed.xml"), "club").subscription
    result = run_feed(settings, store, sub)
    assert (result.status, len(result.added)) == ("ok", 2)
    assert _generation(pg_url, "club") == 1
    stored = _articles(pg_url, "club", 1)
    assert sorted(stored) == sorted(r.article_id for r in result.added)
    lighthouse = next(r.article_id for r in result.added if r.title.startswith("Lighthouse"))
    assert b"counted 412 ships" in stored[lighthouse]
    assert stored[lighthouse].startswith(b"---\nurl: ")  # the file /add would save
    assert not (settings.collections / "club").exists()  # nothing written beside the mirror
    assert store.seen("club", sub.url) == {"valley-lighthouse", "valley-bakery"}

    again = run_feed(settings, store, store.get("club", sub.url))
    assert again.added == () and _generation(pg_url, "club") == 1  # nothing new: no generation
    site.publish("glacier")
    third = run_feed(settings, store, store.get("club", sub.url))
    assert [r.title for r in third.added] == ["Glacier retreats past the hut"]
    assert _generation(pg_url, "club") == 2
    assert len(_articles(pg_url, "club", 2)) == 3 and len(_articles(pg_url, "club", 1)) == 2


def test_an_entry_repeating_another_of_the_same_run_is_added_once(settings, site, pg_url):
    store = PgFeedStore(pg_url)
    site.publish("lighthouse")
    site.publish("lighthouse-again", page=False)
    site.pages["/news/lighthouse-again"] = site.pages["/news/lighthouse"]  # same text
    sub = subscribe(settings, store, site.url("/feed.xml"), "club").subscription
    result = run_feed(settings, store, sub)
    assert (len(result.added), result.present) == (1, 1)
    assert len(_articles(pg_url, "club", 1)) == 1


def _due_now(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("UPDATE feeds SET next_due_at = '2000-01-01T00:00:00Z'")


async def _until(check, timeout: float) -> None:
    loop = asyncio.get_running_loop()
    start = loop.time()
    while not await asyncio.to_thread(check):
        assert loop.time() - start < timeout, "not in time"
        await asyncio.sleep(0.05)


async def test_of_two_processes_only_the_elected_one_runs_the_feeds(settings, site, pg_url):
    store = PgFeedStore(pg_url)
    site.publish("lighthouse")
    await asyncio.to_thread(subscribe, settings, store, site.url("/feed.xml"), "club")
    leaders = [Election(pg_url, FEED_POLLER, f"poller {n}") for n in range(2)]
    schedulers = [
        FeedScheduler(
            settings, tick_seconds=0.1, leader=leader, open_store=lambda: PgFeedStore(pg_url)
        )
        for leader in leaders
    ]
    for scheduler in schedulers:
        scheduler.start()
    try:
        await _until(lambda: _generation(pg_url, "club") == 1, timeout=10)
        await asyncio.sleep(0.5)  # several ticks of both
        assert site.requests.count("/feed.xml") == 2  # subscribing, then one run
        holds = [await asyncio.to_thread(leader.holds) for leader in leaders]
        assert sorted(holds) == [False, True]
        await schedulers[
            holds.index(True)
        ].stop()  # the holder stops: the other takes the feeds over
        site.publish("bakery")
        await asyncio.to_thread(_due_now, pg_url)
        await _until(lambda: _generation(pg_url, "club") == 2, timeout=10)
    finally:
        for scheduler in schedulers:
            await scheduler.stop()


def test_the_feeds_command_line_works_on_the_database_in_fleet_mode(
    monkeypatch, tmp_path, site, pg_url, capsys
):
    from support import isolate_environment

    from bot.cli import main

    isolate_environment(monkeypatch, tmp_path)
    (tmp_path / "corpus").mkdir()
    monkeypatch.setenv("CITEBOT_DATABASE_URL", pg_url)
    monkeypatch.setenv("CITEBOT_FETCH_ALLOW_PRIVATE", "true")
    site.publish("lighthouse")
    url = site.url("/feed.xml")
    assert main(["feeds", "add", url, "--collection", "club"]) == 0
    assert main(["feeds", "run"]) == 0
    assert "added" in capsys.readouterr().out
    assert [s.url for s in PgFeedStore(pg_url).subscriptions("club")] == [url]
    assert _generation(pg_url, "club") == 1
    assert not (tmp_path / "citebot-state.db").exists()  # no state file in fleet mode
