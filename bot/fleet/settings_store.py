"""Per-server settings in PostgreSQL, shared by every process of the fleet.

The same rows as the SQLite state file (bot/server_settings.py: only the values a server
chose, as text), so the behaviour is the same; what differs is that another process may
change them. `get`, called for every question, answers from memory; a server's remembered
settings are re-read when another process changes them:

- every change takes the next number of the `server_settings_change` sequence for its
  server (under a transaction-scoped advisory lock, so changes commit in number order and
  "changed since number N" misses none) and sends `NOTIFY citebot_settings`;
- `follow_settings` LISTENs and, on each hint and at least every poll interval
  (CITEBOT_FLEET_POLL_SECONDS), re-reads the servers changed since the last number seen.

So a change reaches the other processes within milliseconds, and within one poll interval
when a hint is lost (a listener connection dropped, PostgreSQL restarted).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from typing import TypeVar

import psycopg

from bot.config import Settings
from bot.fleet.connect import Connection, FleetError, connect_async, first_line
from bot.fleet.session import Session
from bot.server_settings import (
    ServerSettings,
    ServerSettingsError,
    ServerView,
    Value,
    checked_changes,
    encode,
    view_of,
)

log = logging.getLogger(__name__)

T = TypeVar("T")

CHANNEL = "citebot_settings"
# pg_advisory_xact_lock keys taken by every change: "cbst" in ASCII, then 0.
CHANGE_LOCK = (0x63627374, 0)
# After PostgreSQL failed to give a server's settings, questions of servers not read yet get
# the defaults for this long without asking it again.
RETRY_SECONDS = 10.0
# The first reconnect of the listener waits this long, then twice as long, up to the poll.
FIRST_RETRY_SECONDS = 0.1


class PgServerSettingsStore:
    """The settings in PostgreSQL; a `bot.server_settings.SettingsStore`."""

    def __init__(self, url: str, defaults: Settings) -> None:
        self._session = Session(url, "citebot settings")
        self._defaults = ServerSettings.defaults(defaults)
        self._known: dict[int, ServerSettings] = {}
        self._seen_change = 0  # the newest change number already re-read
        self._unreachable_until = 0.0  # monotonic time before which reads are not tried

    def view(self, guild_id: int) -> ServerView:
        """The server's settings and which it chose, read from PostgreSQL (and remembered)."""
        while True:
            seen = self._seen_change
            view = view_of(self._defaults, self._run(lambda conn: _rows(conn, guild_id)))
            self._known[guild_id] = view.values
            # A refresh that ran meanwhile may have passed over this server before it was
            # remembered, with a change newer than what was read: read it again then.
            if self._seen_change == seen:
                return view

    def get(self, guild_id: int | None) -> ServerSettings:
        """The server's settings (DMs: the defaults), from memory after the first read."""
        if guild_id is None:
            return self._defaults
        known = self._known.get(guild_id)
        if known is not None:
            return known
        if time.monotonic() < self._unreachable_until:
            return self._defaults
        try:
            return self.view(guild_id).values
        except ServerSettingsError as exc:
            # Questions are answered on the event loop: while PostgreSQL does not answer,
            # only one question per RETRY_SECONDS waits for it (up to the connect timeout).
            self._unreachable_until = time.monotonic() + RETRY_SECONDS
            log.warning("answering with the default settings: %s", exc)
            return self._defaults

    def update(
        self, guild_id: int, changes: Mapping[str, Value], reset: frozenset[str] = frozenset()
    ) -> ServerView:
        """Store every change (and drop the `reset` ones) in one transaction, or none."""
        checked = checked_changes(changes, reset)
        self._run(lambda conn: _store(conn, guild_id, checked, reset))
        return self.view(guild_id)

    def refresh(self) -> int:
        """Re-read the remembered servers that any process changed since the last refresh;
        returns how many changes were new."""
        changed = self._run(lambda conn: _changed_since(conn, self._seen_change))
        for guild_id, change in changed:
            if guild_id in self._known:
                self.view(guild_id)
            self._seen_change = max(self._seen_change, change)
        return len(changed)

    def close(self) -> None:
        """Close the store's connection."""
        self._session.close()

    def _run(self, operation: Callable[[Connection], T]) -> T:
        try:
            return self._session.run(operation)
        except FleetError as exc:
            raise ServerSettingsError(f"cannot use the settings in PostgreSQL ({exc})") from exc


def _rows(conn: Connection, guild_id: int) -> list[tuple[str, str]]:
    cursor = conn.execute(
        "SELECT name, value FROM server_settings WHERE guild_id = %s", (guild_id,)
    )
    return [(name, value) for name, value in cursor.fetchall()]


def _store(
    conn: Connection, guild_id: int, checked: Mapping[str, Value], reset: frozenset[str]
) -> None:
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", CHANGE_LOCK)
        conn.execute(
            "DELETE FROM server_settings WHERE guild_id = %s AND name = ANY(%s)",
            (guild_id, sorted(reset)),
        )
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO server_settings (guild_id, name, value) VALUES (%s, %s, %s)"
                " ON CONFLICT (guild_id, name) DO UPDATE SET value = excluded.value",
                [(guild_id, name, encode(value)) for name, value in checked.items()],
            )
        conn.execute(
            "INSERT INTO server_settings_changed (guild_id, change)"
            " VALUES (%s, nextval('server_settings_change'))"
            " ON CONFLICT (guild_id) DO UPDATE SET change = excluded.change",
            (guild_id,),
        )
        conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, str(guild_id)))


def _changed_since(conn: Connection, change: int) -> list[tuple[int, int]]:
    cursor = conn.execute(
        "SELECT guild_id, change FROM server_settings_changed WHERE change > %s ORDER BY change",
        (change,),
    )
    return [(int(guild_id), int(number)) for guild_id, number in cursor.fetchall()]


async def follow_settings(store: PgServerSettingsStore, url: str, poll_seconds: float) -> None:
    """Keep the store's remembered settings current until cancelled: re-read them after
    every (re)connect, on every hint and every `poll_seconds` (see the module's text)."""
    failures = 0
    while True:
        listener = _Listener(store, url, poll_seconds)
        try:
            await listener.run()
        except (psycopg.Error, FleetError, ServerSettingsError, OSError, TimeoutError) as exc:
            log.warning("settings: lost PostgreSQL (%s); reconnecting", first_line(exc))
        # Back off only while PostgreSQL stays unreachable.
        failures = 0 if listener.connected else failures + 1
        await asyncio.sleep(min(poll_seconds, FIRST_RETRY_SECONDS * 2.0**failures))


class _Listener:
    """One listening connection's life."""

    def __init__(self, store: PgServerSettingsStore, url: str, poll_seconds: float) -> None:
        self._store = store
        self._url = url
        self._poll = poll_seconds
        self.connected = False

    async def run(self) -> None:
        conn = await connect_async(self._url, "citebot settings listener")
        async with conn:
            async with asyncio.timeout(self._poll + 10):
                await conn.execute(f"LISTEN {CHANNEL}")
            self.connected = True
            while True:
                await asyncio.to_thread(self._store.refresh)
                # A hint, or none within the poll interval: read the changes again.
                async for _ in conn.notifies(timeout=self._poll, stop_after=1):
                    pass
