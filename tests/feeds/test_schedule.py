"""The bot's feed schedule: CITEBOT_FEED_MINUTES, due feeds run in the background, the new
articles handed to `on_added`, and the task carries on after anything throws."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.config import ConfigError, load_settings
from bot.feeds import FeedScheduler, FeedStore, subscribe
from bot.feeds.store import iso


def test_feed_minutes_defaults_to_30_and_0_turns_feeds_off(tmp_path):
    assert load_settings({}, env_file=None).feed_minutes == 30
    off = load_settings({"CITEBOT_FEED_MINUTES": "0"}, env_file=None)
    assert off.feed_minutes == 0 and not FeedScheduler(off).enabled
    with pytest.raises(ConfigError, match="CITEBOT_FEED_MINUTES"):
        load_settings({"CITEBOT_FEED_MINUTES": "-5"}, env_file=None)


async def test_due_feeds_run_and_their_collections_are_reloaded(settings, store, site):
    site.publish("lighthouse")
    sub = subscribe(settings, store, site.url("/feed.xml"), "club").subscription
    reloaded: list[str] = []

    async def on_added(name: str) -> None:
        reloaded.append(name)

    scheduler = FeedScheduler(settings, on_added, store=store)
    results = await scheduler.run_due()
    assert [len(r.added) for r in results] == [1] and reloaded == ["club"]
    # Not due again until the interval has passed.
    assert await scheduler.run_due() == []
    assert store.get("club", sub.url).next_due_at >= iso(datetime.now(UTC) + timedelta(minutes=29))


async def test_the_schedule_survives_an_exception_and_runs_the_next_tick(settings, site):
    site.publish("lighthouse")
    calls: list[str] = []

    async def on_added(name: str) -> None:
        calls.append(name)
        if len(calls) == 1:
            raise RuntimeError("the served index could not be reloaded")

    # The state file is a folder at first: every check fails until it is usable.
    settings.state_path.mkdir()
    scheduler = FeedScheduler(settings, on_added, tick_seconds=0.05)
    scheduler.start()
    try:
        await asyncio.sleep(0.3)
        settings.state_path.rmdir()  # the file comes back (as after a restore) ...
        store = FeedStore(settings.state_path)
        subscribe(settings, store, site.url("/feed.xml"), "club")  # ... with two feeds
        subscribe(settings, store, site.url("/feed.xml"), "other")
        async with asyncio.timeout(10):
            while len(calls) < 2:
                await asyncio.sleep(0.05)
    finally:
        await scheduler.stop()
    # The first reload failed; the second feed still ran and was reloaded.
    assert calls == ["club", "other"]
    assert [s.last_status for s in store.subscriptions()] == ["ok", "ok"]


async def test_start_does_nothing_when_feeds_are_off(settings, store, site):
    site.publish("lighthouse")
    subscribe(settings, store, site.url("/feed.xml"), "club")
    scheduler = FeedScheduler(replace(settings, feed_minutes=0), store=store, tick_seconds=0.01)
    scheduler.start()
    await asyncio.sleep(0.2)
    await scheduler.stop()
    assert store.subscriptions()[0].last_run_at is None


async def test_wake_checks_for_due_feeds_before_the_next_tick(settings, site):
    site.publish("lighthouse")
    added: list[str] = []

    async def on_added(name: str) -> None:
        added.append(name)

    scheduler = FeedScheduler(settings, on_added, tick_seconds=3600)
    scheduler.start()
    try:
        await asyncio.sleep(0.2)  # the first check found nothing; the next is an hour away
        store = await asyncio.to_thread(scheduler.store)
        await asyncio.to_thread(subscribe, settings, store, site.url("/feed.xml"), "club")
        scheduler.wake()  # as /feed add does
        async with asyncio.timeout(10):
            while not added:
                await asyncio.sleep(0.05)
    finally:
        await scheduler.stop()
    assert added == ["club"]
