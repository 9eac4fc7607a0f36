"""One run of one feed: fetch it, take its new entries, add each entry's page to the feed's
collection, record what happened.

A run never raises for the network or the feed: a feed that is down, slow or malformed is
recorded as failed with a one-line error and is due again later (sooner when the failure may
pass by itself); an entry whose page cannot be fetched or added is recorded as failed and
the other entries go on. Each article is added by `add_article`, which leaves the collection
as it was when it fails, so a failed entry changes nothing. Blocking: the bot calls it in a
worker thread.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from threading import Event

from bot.citation import shorten
from bot.collections import AlreadyAdded, ArticleReport, Overrides, collection
from bot.collections.pages import fetch_page
from bot.collections.source import MAX_FIELD_CHARS
from bot.config import Settings
from bot.errors import UserFacingError
from bot.feeds.storage import EntrySink, FeedStorage
from bot.feeds.store import EntryOutcome, RunRecord, Subscription, iso
from bot.fetch import (
    Feed,
    FeedEntry,
    FetchError,
    FetchKind,
    fetch,
    new_entries,
    parse_feed,
    policy_for,
)

log = logging.getLogger(__name__)

# Entries added per run at most (the newest ones first taken, added oldest first): a feed
# listing hundreds of old entries is caught up over several runs, not in one long one.
MAX_ENTRIES_PER_RUN = 20
# A feed that failed in a way that may pass (time-out, refused connection, server error) is
# tried again after 5 minutes, then 10, 20 ..., never later than its usual interval.
RETRY_MINUTES = 5
DEFAULT_INTERVAL_MINUTES = 30  # the interval `citebot feeds run` uses when the schedule is off
ERROR_CHARS = 300


@dataclass(frozen=True)
class EntryFailure:
    """An entry that could not be added, and why."""

    link: str
    error: str


@dataclass(frozen=True)
class RunResult:
    """What a run did: the articles added, entries already there, entries that failed."""

    subscription: Subscription  # as it was before the run
    status: str  # "ok", "partial" or "failed"
    error: str | None
    added: tuple[ArticleReport, ...] = ()
    present: int = 0
    failed: tuple[EntryFailure, ...] = ()
    next_due_at: str = ""


def read_feed(url: str, settings: Settings) -> Feed:
    """Fetch and parse the feed (FetchError or FeedError say why it cannot be read)."""
    fetched = fetch(url, policy_for(FetchKind.FEED, settings))
    return parse_feed(fetched.body, fetched.final_url, fetched.charset)


def run_feed(
    settings: Settings,
    store: FeedStorage,
    sub: Subscription,
    now: datetime | None = None,
    stop: Event | None = None,
) -> RunResult:
    """Run one subscription now and record the outcome (see the module's docstring).

    `stop`, once set, ends the run after the entry being added (the bot shutting down): the
    entries not reached are new again at the next run, which is due at once.
    """
    now = now or datetime.now(UTC)
    try:
        feed = read_feed(sub.url, settings)
        target = collection(settings, sub.collection)
    except UserFacingError as exc:  # FetchError, FeedError, CollectionError
        transient = isinstance(exc, FetchError) and exc.transient
        return _record_failure(settings, store, sub, now, str(exc), transient)
    fresh = new_entries(feed.entries, store.seen(sub.collection, sub.url), MAX_ENTRIES_PER_RUN)
    sink = store.articles(target)
    results = _add_entries(settings, sink, fresh, stop)
    added = tuple(r for _, r in results if isinstance(r, ArticleReport))
    failed = tuple(r for _, r in results if isinstance(r, EntryFailure))
    present = sum(1 for outcome, _ in results if outcome.status == "present")
    status = "partial" if failed else "ok"
    error = _entries_error(failed, len(results)) if failed else None
    stopped = len(results) < len(fresh)
    due = iso(now + timedelta(minutes=0 if stopped else _interval(settings)))
    outcomes = tuple(outcome for outcome, _ in results)
    sink.finish(sub, RunRecord(iso(now), status, error, len(added), due, outcomes), 0)
    log.info("feed %s -> %s: %d added, %d failed", sub.url, sub.collection, len(added), len(failed))
    return RunResult(sub, status, error, added, present, failed, due)


def _add_entries(
    settings: Settings, sink: EntrySink, entries: Sequence[FeedEntry], stop: Event | None
) -> list[tuple[EntryOutcome, ArticleReport | EntryFailure | None]]:
    results = []
    for entry in entries:
        if stop is not None and stop.is_set():
            break
        results.append(_add_entry(settings, sink, entry))
    return results


def _add_entry(
    settings: Settings, sink: EntrySink, entry: FeedEntry
) -> tuple[EntryOutcome, ArticleReport | EntryFailure | None]:
    try:
        source = fetch_page(entry.link, policy_for(FetchKind.PAGE, settings))
        report = sink.add(source, _overrides(entry))
    except AlreadyAdded:
        return EntryOutcome(entry.id, "present"), None
    except UserFacingError as exc:  # FetchError, CollectionError
        return EntryOutcome(entry.id, "failed"), EntryFailure(entry.link, _short(str(exc)))
    except Exception as exc:  # one entry's surprise must not stop the others
        log.exception("feed entry %s could not be added", entry.link)
        failure = EntryFailure(entry.link, _short(f"{type(exc).__name__}: {exc}"))
        return EntryOutcome(entry.id, "failed"), failure
    return EntryOutcome(entry.id, "added"), report


def _overrides(entry: FeedEntry) -> Overrides:
    """What the feed says of the entry wins over what the page shows: feeds name the
    author and date that pages often leave out. Over-long fields are left to the page."""

    def usable(text: str) -> str | None:
        return text if text and len(text) <= MAX_FIELD_CHARS else None

    date = entry.published[:10] if entry.published else None
    return Overrides(usable(entry.title), usable(entry.author), date)


def _record_failure(
    settings: Settings,
    store: FeedStorage,
    sub: Subscription,
    now: datetime,
    error: str,
    transient: bool,
) -> RunResult:
    interval = _interval(settings)
    wait = min(interval, RETRY_MINUTES * 2**sub.failures) if transient else interval
    due = iso(now + timedelta(minutes=wait))
    error = _short(error)
    store.record(sub, RunRecord(iso(now), "failed", error, 0, due), sub.failures + 1)
    log.warning("feed %s -> %s failed: %s", sub.url, sub.collection, error)
    return RunResult(sub, "failed", error, next_due_at=due)


def _entries_error(failed: tuple[EntryFailure, ...], tried: int) -> str:
    first = failed[0]
    return _short(f"{len(failed)} of {tried} entries failed; {first.link}: {first.error}")


def _interval(settings: Settings) -> int:
    return settings.feed_minutes or DEFAULT_INTERVAL_MINUTES


def _short(text: str) -> str:
    return shorten(" ".join(text.split()), ERROR_CHARS)
