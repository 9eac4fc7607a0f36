"""Feed subscriptions: the SQLite file and PostgreSQL pass the same contract."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import Settings
from bot.feeds import FeedStore, FeedStoreError
from bot.feeds.storage import FeedStorage
from bot.feeds.store import MAX_ENTRY_ATTEMPTS, EntryOutcome, RunRecord, iso
from bot.fleet.connect import connect
from bot.fleet.feed_store import PgFeedStore
from bot.stores import open_feed_store

NOW = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)
FEED, OTHER_FEED = "https://news.example/feed.xml", "https://other.example/rss"


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path: Path) -> Iterator[FeedStorage]:
    if request.param == "sqlite":
        yield FeedStore(tmp_path / "state.db")
        return
    pg = PgFeedStore(request.getfixturevalue("pg_url"))
    yield pg
    pg.close()


def _run(at: datetime, *entries: tuple[str, str], due_in: int = 30) -> RunRecord:
    outcomes = tuple(EntryOutcome(i, s) for i, s in entries)
    added = sum(1 for _, s in entries if s == "added")
    return RunRecord(iso(at), "ok", None, added, iso(at + timedelta(minutes=due_in)), outcomes)


def test_a_subscription_is_due_at_once_and_followed_once_per_collection(store):
    sub = store.add("club", FEED, NOW)
    assert (sub.collection, sub.url, sub.added_at, sub.next_due_at) == (
        "club",
        FEED,
        iso(NOW),
        iso(NOW),
    )
    assert sub.last_run_at is None and sub.failures == 0
    with pytest.raises(FeedStoreError, match="already follows"):
        store.add("club", FEED, NOW)
    store.add("other", FEED, NOW)  # another collection may follow the same feed
    assert [s.collection for s in store.with_url(FEED)] == ["club", "other"]


def test_subscriptions_are_listed_by_collection_then_address(store):
    store.add("zoo", FEED, NOW)
    store.add("club", OTHER_FEED, NOW)
    store.add("club", FEED, NOW)
    assert [(s.collection, s.url) for s in store.subscriptions()] == [
        ("club", FEED),
        ("club", OTHER_FEED),
        ("zoo", FEED),
    ]
    assert [s.url for s in store.subscriptions("zoo")] == [FEED]


def test_removing_stops_following_and_a_missing_one_is_one_line(store):
    store.add("club", FEED, NOW)
    store.remove("club", FEED)
    assert store.subscriptions() == []
    with pytest.raises(FeedStoreError, match="does not follow"):
        store.remove("club", FEED)
    with pytest.raises(FeedStoreError, match="does not follow"):
        store.get("club", FEED)


def test_a_recorded_run_sets_the_next_due_time_and_the_seen_entries(store):
    sub = store.add("club", FEED, NOW)
    store.add("club", OTHER_FEED, NOW - timedelta(minutes=5))
    store.record(sub, _run(NOW, ("a", "added"), ("b", "present"), ("c", "failed")), 0)
    stored = store.get("club", FEED)
    assert (stored.last_run_at, stored.last_status, stored.last_added) == (iso(NOW), "ok", 1)
    assert stored.next_due_at == iso(NOW + timedelta(minutes=30))
    assert [s.url for s in store.due(NOW)] == [OTHER_FEED]
    assert [s.url for s in store.due(NOW + timedelta(hours=1))] == [OTHER_FEED, FEED]
    assert store.seen("club", FEED) == {"a", "b"}  # a failed entry is tried again


def test_an_entry_that_keeps_failing_is_given_up_on(store):
    sub = store.add("club", FEED, NOW)
    for attempt in range(MAX_ENTRY_ATTEMPTS):
        at = NOW + timedelta(hours=attempt)
        assert store.seen("club", FEED) == frozenset()
        store.record(sub, _run(at, ("dead", "failed")), 0)
        sub = store.get("club", FEED)
    assert store.seen("club", FEED) == {"dead"}


def test_a_run_of_a_feed_removed_meanwhile_records_nothing(store):
    sub = store.add("club", FEED, NOW)
    store.remove("club", FEED)
    store.record(sub, _run(NOW, ("a", "added")), 0)
    assert store.subscriptions() == []
    store.add("club", FEED, NOW)
    assert store.seen("club", FEED) == frozenset()


def test_fleet_mode_keeps_the_feeds_in_postgresql(pg_url, tmp_path):
    settings = Settings(db=tmp_path / "citebot.db")
    assert isinstance(open_feed_store(settings), FeedStore)
    fleet = open_feed_store(Settings(db=tmp_path / "citebot.db", database_url=pg_url))
    assert isinstance(fleet, PgFeedStore)
    fleet.add("club", FEED, NOW)
    assert [s.url for s in PgFeedStore(pg_url).subscriptions()] == [FEED]  # another process


def test_two_runs_of_one_feed_record_once(pg_url):
    """A poller that lost its election mid-run and the one that took over: the second
    run to finish started from the same record and is not recorded."""
    store = PgFeedStore(pg_url)
    sub = store.add("club", FEED, NOW)
    store.record(sub, _run(NOW, ("a", "added")), 0)
    store.record(sub, _run(NOW + timedelta(minutes=1), ("b", "added")), 0)
    stored = store.get("club", FEED)
    assert stored.last_run_at == iso(NOW)
    assert store.seen("club", FEED) == {"a"}


def test_two_runs_of_one_feed_commit_their_articles_once(pg_url):
    from bot.fleet.model import StoredArticle
    from bot.fleet.store import latest_generation

    store = PgFeedStore(pg_url)
    sub = store.add("club", FEED, NOW)
    first = StoredArticle("keeper", "keeper.txt", b"The keeper counted ships.", "Keeper")
    again = StoredArticle("keeper-2", "keeper-2.txt", b"The keeper counted ships.", "Keeper")
    assert store.record_with_articles(sub, _run(NOW, ("a", "added")), 0, [first]) == 1
    late = _run(NOW + timedelta(minutes=1), ("a", "added"))
    assert store.record_with_articles(sub, late, 0, [again]) is None
    assert store.current_ids("club") == {"keeper"}
    with connect(pg_url) as conn:
        assert latest_generation(conn, "club") == 1
