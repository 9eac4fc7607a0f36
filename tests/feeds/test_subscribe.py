"""Following and unfollowing feeds: a feed is checked by reading it once; one that cannot be
read is refused and nothing is stored."""

from __future__ import annotations

from dataclasses import replace

import pytest
from feed_site import closed_port

from bot.collections import CollectionError
from bot.feeds import FeedStoreError, subscribe, unsubscribe
from bot.feeds.run import run_feed
from bot.feeds.store import MAX_ENTRY_ATTEMPTS
from bot.fetch import FeedError, FetchError


def test_a_feed_is_followed_under_its_canonical_address(settings, store, site):
    site.publish("lighthouse")
    written = site.url("/feed.xml#top").replace("http:", "HTTP:")
    done = subscribe(settings, store, f"  {written} ", "club")
    assert done.subscription.url == site.url("/feed.xml")
    assert done.feed.title == "Valley News" and len(done.feed.entries) == 1
    assert [(s.collection, s.url) for s in store.subscriptions()] == [
        ("club", site.url("/feed.xml"))
    ]


@pytest.mark.parametrize(
    ("path", "error"),
    [("/malformed.xml", FeedError), ("/news/none", FetchError), ("/slow.xml", FetchError)],
)
def test_a_feed_that_cannot_be_read_is_refused_and_nothing_is_stored(
    settings, store, site, path, error
):
    site.pages["/news/none"] = (200, "text/html", b"<p>not a feed</p>")
    with pytest.raises(error):
        subscribe(settings, store, site.url(path), "club")
    assert store.subscriptions() == []


def test_a_down_feed_or_a_bad_name_is_refused(settings, store, site):
    with pytest.raises(FetchError, match="Could not connect"):
        subscribe(settings, store, f"http://127.0.0.1:{closed_port()}/f.xml", "club")
    with pytest.raises(CollectionError):
        subscribe(settings, store, site.url("/feed.xml"), "../up")
    with pytest.raises(CollectionError, match="corpus folder"):
        subscribe(
            replace(settings, corpus=settings.corpus / "gone"),
            store,
            site.url("/feed.xml"),
            "shared",
        )
    assert store.subscriptions() == []


def test_following_twice_is_refused_but_two_collections_may_follow_one_feed(settings, store, site):
    subscribe(settings, store, site.url("/feed.xml"), "club")
    with pytest.raises(FeedStoreError, match="already follows"):
        subscribe(settings, store, site.url("/feed.xml"), "club")
    subscribe(settings, store, site.url("/feed.xml"), "other")
    with pytest.raises(FeedStoreError, match="name one"):
        unsubscribe(store, site.url("/feed.xml"), None)
    assert unsubscribe(store, site.url("/feed.xml"), "other").collection == "other"
    assert unsubscribe(store, site.url("/feed.xml"), None).collection == "club"
    assert store.subscriptions() == []
    with pytest.raises(FeedStoreError, match="no collection follows"):
        unsubscribe(store, site.url("/feed.xml"), None)


def test_removing_a_feed_forgets_its_entries_but_keeps_its_articles(settings, store, site):
    site.publish("lighthouse")
    sub = subscribe(settings, store, site.url("/feed.xml"), "club").subscription
    assert len(run_feed(settings, store, sub).added) == 1
    unsubscribe(store, sub.url, "club")
    assert store.seen("club", sub.url) == frozenset()
    again = subscribe(settings, store, site.url("/feed.xml"), "club").subscription
    result = run_feed(settings, store, again)
    assert (result.added, result.present) == ((), 1)  # the article stayed in the collection


def test_an_entry_that_keeps_failing_is_given_up_after_a_few_runs(settings, store, site):
    site.publish("bakery", page=False)
    sub = subscribe(settings, store, site.url("/feed.xml"), "club").subscription
    for _ in range(MAX_ENTRY_ATTEMPTS):
        assert run_feed(settings, store, store.get("club", sub.url)).status == "partial"
    assert store.seen("club", sub.url) == {"valley-bakery"}
    last = run_feed(settings, store, store.get("club", sub.url))
    assert (last.status, last.failed) == ("ok", ())
    assert site.requests.count("/news/bakery") == MAX_ENTRY_ATTEMPTS
