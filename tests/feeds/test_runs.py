"""A feed run against the local news site: entries become answerable, each once; a feed that
is down, slow or malformed is recorded and changes nothing; a bad entry stops no other."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from collection_samples import folder_state
from feed_site import closed_port, story_page

from bot.answer import AnswerStatus, answer
from bot.collections import add_article, collection, open_collection
from bot.collections.pages import fetch_page
from bot.feeds import FeedStore, run_feed, subscribe
from bot.feeds.store import RunRecord, iso
from bot.fetch import FetchKind, policy_for

LIGHTHOUSE_Q = "How many ships did the lighthouse keeper count?"
BAKERY_Q = "Which bakery won the rye bread contest?"


def ask(settings, name, question):
    return answer(open_collection(collection(settings, name)), question, 1)


def follow(settings, store, url, name="club"):
    return subscribe(settings, store, url, name).subscription


def test_a_new_entry_becomes_answerable_and_a_second_run_adds_nothing(settings, store, site):
    site.publish("lighthouse")
    sub = follow(settings, store, site.url("/feed.xml"))
    result = run_feed(settings, store, sub)
    assert (result.status, result.error, len(result.added)) == ("ok", None, 1)
    report = result.added[0]
    assert (report.title, report.author, report.date) == (
        "Lighthouse keeper counts ships",
        "Kim Lund",
        "2024-04-01",
    )
    found = ask(settings, "club", LIGHTHOUSE_Q)
    assert found.status is AnswerStatus.ANSWERED
    assert "counted 412 ships" in found.passages[0].text
    before = folder_state(collection(settings, "club").folder)
    again = run_feed(settings, store, store.get("club", sub.url))
    assert (again.status, again.added, again.present) == ("ok", (), 0)
    assert folder_state(collection(settings, "club").folder) == before
    stored = store.get("club", sub.url)
    assert (stored.last_status, stored.last_added, stored.last_error) == ("ok", 0, None)


def test_an_entry_published_later_is_added_by_the_next_run(settings, store, site):
    site.publish("lighthouse")
    sub = follow(settings, store, site.url("/feed.xml"))
    run_feed(settings, store, sub)
    assert ask(settings, "club", BAKERY_Q).status is AnswerStatus.NO_RELEVANT_PASSAGE
    site.publish("bakery")
    result = run_feed(settings, store, store.get("club", sub.url))
    assert [r.title for r in result.added] == ["Bakery wins the rye contest"]
    assert "Mill Street" in ask(settings, "club", BAKERY_Q).passages[0].text
    assert site.requests.count("/news/lighthouse") == 1  # seen entries are not fetched again


def test_entries_are_added_oldest_first(settings, store, site):
    for name in ("glacier", "lighthouse", "bakery"):
        site.publish(name)
    result = run_feed(settings, store, follow(settings, store, site.url("/feed.xml")))
    assert [r.date for r in result.added] == ["2024-04-01", "2024-04-02", "2024-04-03"]


def test_an_article_already_in_the_collection_counts_as_seen(settings, store, site):
    site.publish("lighthouse")
    page = fetch_page(site.url("/news/lighthouse"), policy_for(FetchKind.PAGE, settings))
    add_article(collection(settings, "club"), page)
    sub = follow(settings, store, site.url("/feed.xml"))
    result = run_feed(settings, store, sub)
    assert (result.status, result.added, result.present) == ("ok", (), 1)
    assert store.seen("club", sub.url) == {"valley-lighthouse"}


def test_a_bad_entry_page_does_not_stop_the_good_ones(settings, store, site):
    site.publish("lighthouse")
    site.publish("bakery", page=False)  # the feed links to a page that is gone
    site.publish("glacier")
    sub = follow(settings, store, site.url("/feed.xml"))
    result = run_feed(settings, store, sub)
    assert result.status == "partial"
    assert sorted(r.title for r in result.added) == [
        "Glacier retreats past the hut",
        "Lighthouse keeper counts ships",
    ]
    assert [f.link for f in result.failed] == [site.url("/news/bakery")]
    assert "404" in result.failed[0].error
    stored = store.get("club", sub.url)
    assert stored.last_status == "partial" and "1 of 3 entries failed" in stored.last_error
    # The failed entry is tried again next run (and added once its page is there).
    site.pages["/news/bakery"] = (200, "text/html", story_page("bakery"))
    retry = run_feed(settings, store, stored)
    assert [r.title for r in retry.added] == ["Bakery wins the rye contest"]


def _assert_failed_and_unchanged(settings, store, sub, error_part):
    folder = collection(settings, "club").folder
    before = folder_state(folder) if folder.exists() else None
    seen = store.seen("club", sub.url)
    now = datetime.now(UTC)
    result = run_feed(settings, store, sub, now)
    assert (result.status, result.added) == ("failed", ())
    assert error_part in result.error
    stored = store.get("club", sub.url)
    assert (stored.last_status, stored.last_added, stored.failures) == ("failed", 0, 1)
    assert error_part in stored.last_error and stored.last_run_at == iso(now)
    assert (folder_state(folder) if folder.exists() else None) == before
    assert store.seen("club", sub.url) == seen
    return stored, now


def _subscribed(store, url):
    return store.add("club", url, datetime.now(UTC))


def test_a_feed_that_is_down_is_recorded_and_retried_sooner(settings, store):
    sub = _subscribed(store, f"http://127.0.0.1:{closed_port()}/feed.xml")
    stored, now = _assert_failed_and_unchanged(settings, store, sub, "Could not connect")
    # Refused connections may pass: retried after 5 minutes, not the usual 30.
    assert stored.next_due_at == iso(now + timedelta(minutes=5))
    again = run_feed(settings, store, stored, now)
    assert again.next_due_at == iso(now + timedelta(minutes=10))


def test_a_slow_feed_is_recorded_as_failed(settings, store, site):
    site.publish("lighthouse")
    sub = _subscribed(store, site.url("/slow.xml"))
    started = datetime.now(UTC)
    _assert_failed_and_unchanged(settings, store, sub, "took longer than 1 seconds")
    assert datetime.now(UTC) - started < timedelta(seconds=2.5)


def test_a_malformed_feed_is_recorded_and_retried_at_the_usual_time(settings, store, site):
    site.publish("lighthouse")
    sub = _subscribed(store, site.url("/malformed.xml"))
    stored, now = _assert_failed_and_unchanged(settings, store, sub, "malformed")
    assert stored.next_due_at == iso(now + timedelta(minutes=30))


def test_a_run_after_a_failure_resets_the_count(settings, store, site):
    site.publish("lighthouse")
    sub = _subscribed(store, site.url("/feed.xml"))
    now = iso(datetime.now(UTC))
    store.record(sub, RunRecord(now, "failed", "down", 0, now), 3)
    result = run_feed(settings, store, store.get("club", sub.url))
    assert result.status == "ok" and store.get("club", sub.url).failures == 0


def test_subscriptions_survive_reopening_the_file(settings, site):
    site.publish("lighthouse")
    follow(settings, FeedStore(settings.state_path), site.url("/feed.xml"))
    reopened = FeedStore(settings.state_path)
    assert [s.url for s in reopened.subscriptions()] == [site.url("/feed.xml")]


def test_a_run_told_to_stop_adds_no_more_entries_and_is_due_again_at_once(settings, store, site):
    site.publish("lighthouse")
    site.publish("bakery")
    sub = follow(settings, store, site.url("/feed.xml"))
    stop = threading.Event()
    stop.set()  # the bot is shutting down
    now = datetime.now(UTC)
    stopped = run_feed(settings, store, sub, now, stop)
    assert (stopped.status, stopped.added, stopped.next_due_at) == ("ok", (), iso(now))
    assert not collection(settings, "club").folder.exists()
    resumed = run_feed(settings, store, store.get("club", sub.url))
    assert len(resumed.added) == 2
