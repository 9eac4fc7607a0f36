"""Adding and removing feeds: one call each for the command line and the Discord commands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.collections import CollectionError, collection
from bot.config import Settings
from bot.feeds.run import read_feed
from bot.feeds.storage import FeedStorage
from bot.feeds.store import FeedStoreError, Subscription
from bot.fetch import Feed, checked_url


@dataclass(frozen=True)
class Subscribed:
    """A new subscription and the feed as it was read to check it."""

    subscription: Subscription
    feed: Feed


def subscribe(settings: Settings, store: FeedStorage, url: str, collection_name: str) -> Subscribed:
    """Follow the feed at `url` into the collection, after fetching and parsing it once.

    Blocking. Raises a UserFacingError with one line when the feed cannot be followed:
    FetchError (bad address, down, too slow, not a feed's content type), FeedError (not a
    feed it can read), CollectionError (no such collection name), FeedStoreError (followed
    already). Nothing is stored unless the feed reads. It is due at once: the next scheduled
    check adds its entries (`run_feed` does it now).
    """
    canonical = checked_url(url)
    target = collection(settings, collection_name)
    if target.shared and not target.folder.is_dir():
        raise CollectionError(f"the corpus folder {target.folder} does not exist")
    if any(s.collection == target.name for s in store.with_url(canonical)):
        raise FeedStoreError(f"collection {target.name} already follows the feed {canonical}")
    feed = read_feed(canonical, settings)
    return Subscribed(store.add(target.name, canonical, datetime.now(UTC)), feed)


def find_subscription(store: FeedStorage, url: str, collection_name: str | None) -> Subscription:
    """The subscription to this feed in the collection; with no collection named, the only
    one there is (FeedStoreError if none, or if several collections follow it)."""
    canonical = checked_url(url)
    if collection_name is not None:
        return store.get(collection_name, canonical)
    found = store.with_url(canonical)
    if not found:
        raise FeedStoreError(f"no collection follows the feed {canonical}")
    if len(found) > 1:
        names = ", ".join(s.collection for s in found)
        raise FeedStoreError(f"collections {names} follow the feed {canonical}: name one")
    return found[0]


def unsubscribe(store: FeedStorage, url: str, collection_name: str | None) -> Subscription:
    """Stop following a feed (see `find_subscription`); the articles it added stay."""
    sub = find_subscription(store, url, collection_name)
    store.remove(sub.collection, sub.url)
    return sub
