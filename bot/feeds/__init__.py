"""Feeds: RSS and Atom feeds followed into collections, their new entries added on a schedule.

Public API (blocking, except the scheduler; the bot calls the rest in a worker thread):

    bot.stores.open_feed_store(settings)                the subscriptions: a FeedStorage
        (FeedStore: the SQLite state file; in fleet mode bot.fleet.feed_store.PgFeedStore)
    subscribe(settings, store, url, collection) -> Subscribed     fetches and parses once
    unsubscribe(store, url, collection=None) -> Subscription
    store.subscriptions(collection=None) -> list[Subscription]   url, last run, status, error, ...
    run_feed(settings, store, subscription) -> RunResult          never raises for the network
    FeedScheduler(settings, on_added)                   runs due feeds in the background;
        .store() the file it uses, .wake() checks for due feeds now, .run_due() one check

For the /feed commands, one call each (in a worker thread, `asyncio.to_thread`):
    /feed add     subscribe(settings, client.feeds.store(), url, name); client.feeds.wake()
    /feed list    client.feeds.store().subscriptions(name)
    /feed remove  unsubscribe(client.feeds.store(), url, name)

Fetching and parsing are bot.fetch's (FEED policy for the feed, PAGE for each entry);
adding is bot.collections' `add_article`, so an entry is saved and indexed like `/add`.
"""

from bot.feeds.run import MAX_ENTRIES_PER_RUN, EntryFailure, RunResult, read_feed, run_feed
from bot.feeds.schedule import FeedScheduler
from bot.feeds.store import FeedStore, FeedStoreError, Subscription
from bot.feeds.subscribe import Subscribed, find_subscription, subscribe, unsubscribe

__all__ = [
    "MAX_ENTRIES_PER_RUN",
    "EntryFailure",
    "FeedScheduler",
    "FeedStore",
    "FeedStoreError",
    "RunResult",
    "Subscribed",
    "Subscription",
    "find_subscription",
    "read_feed",
    "run_feed",
    "subscribe",
    "unsubscribe",
]
