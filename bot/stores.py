"""Where the bot's own state lives: the one place that chooses the stores.

Without CITEBOT_DATABASE_URL: the SQLite state file (`CITEBOT_STATE_DB`) for the per-server
settings and the feeds, as for every single-process bot. With it (fleet mode): PostgreSQL
(bot/fleet/), so that every process sees the same settings and feeds. bot.fleet (and so
psycopg) is imported only then.
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

from bot.config import Settings
from bot.feeds.schedule import FeedScheduler, OnAdded
from bot.feeds.storage import FeedStorage, Leader
from bot.feeds.store import FeedStore
from bot.server_settings import ServerSettingsStore, SettingsStore


def open_settings_store(settings: Settings) -> SettingsStore:
    """The per-server settings (opening the SQLite file, or nothing yet for PostgreSQL)."""
    if settings.database_url is None:
        return ServerSettingsStore(settings.state_path, settings)
    from bot.fleet.settings_store import PgServerSettingsStore

    return PgServerSettingsStore(settings.database_url, settings)


def follow_settings(store: SettingsStore, settings: Settings) -> Coroutine[Any, Any, None] | None:
    """What keeps a shared store's remembered settings current (run it as a task while the
    bot runs); None when nothing needs to, as for the SQLite file only this process (and its
    shards' own servers) changes."""
    if settings.database_url is None:
        return None
    from bot.fleet.settings_store import PgServerSettingsStore
    from bot.fleet.settings_store import follow_settings as follow

    assert isinstance(store, PgServerSettingsStore)
    return follow(store, settings.database_url, settings.fleet_poll_seconds)


def open_feed_store(settings: Settings) -> FeedStorage:
    """The feed subscriptions (blocking: the SQLite file is opened and checked)."""
    if settings.database_url is None:
        return FeedStore(settings.state_path)
    from bot.fleet.feed_store import PgFeedStore

    return PgFeedStore(settings.database_url)


def feed_leader(settings: Settings) -> Leader | None:
    """Who may run the feed schedule: in fleet mode the one process elected through
    PostgreSQL (bot/fleet/election.py); a single process always may (None)."""
    if settings.database_url is None:
        return None
    from bot.fleet.election import FEED_POLLER, Election

    return Election(settings.database_url, FEED_POLLER, "citebot feed poller")


def feed_scheduler(settings: Settings, on_added: OnAdded) -> FeedScheduler:
    """The bot's feed schedule. In fleet mode only the elected process runs it, and every
    process checks every CITEBOT_FLEET_POLL_SECONDS (whether it is the one, then what is
    due: two small queries), so a feed added through any process is run within that, and
    a dead poller is replaced within that; one process checks once a minute."""
    if settings.database_url is None:
        return FeedScheduler(settings, on_added)
    return FeedScheduler(
        settings,
        on_added,
        tick_seconds=settings.fleet_poll_seconds,
        leader=feed_leader(settings),
        open_store=lambda: open_feed_store(settings),
    )
