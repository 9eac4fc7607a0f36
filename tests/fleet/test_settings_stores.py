"""Per-server settings: the SQLite file and PostgreSQL pass the same contract; in
PostgreSQL a change made by one process reaches the others (hint, poll, killed listener)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from bot.config import Settings
from bot.fleet.settings_store import PgServerSettingsStore, follow_settings
from bot.server_settings import (
    ServerSettings,
    ServerSettingsError,
    ServerSettingsStore,
    SettingsStore,
)
from bot.stores import open_settings_store

GUILD, OTHER = 111, 222


@pytest.fixture
def defaults(tmp_path: Path) -> Settings:
    return Settings(db=tmp_path / "citebot.db", results=2, min_relevance=0.3)


@pytest.fixture(params=["sqlite", "postgresql"])
def opener(request, defaults, tmp_path) -> Iterator[object]:
    """Opens a store as a new process would: the SQLite file, or a fresh database."""
    if request.param == "sqlite":
        yield lambda: ServerSettingsStore(defaults.state_path, defaults)
        return
    url = request.getfixturevalue("pg_url")
    opened: list[PgServerSettingsStore] = []

    def open_pg() -> PgServerSettingsStore:
        opened.append(PgServerSettingsStore(url, defaults))
        return opened[-1]

    yield open_pg
    for store in opened:
        store.close()


def test_a_server_that_chose_nothing_gets_the_defaults(opener, defaults):
    store: SettingsStore = opener()
    assert store.view(GUILD).chosen == frozenset()
    assert store.get(GUILD) == ServerSettings.defaults(defaults)
    assert store.get(None) == ServerSettings.defaults(defaults)  # DMs


def test_changes_are_kept_per_server_and_seen_by_a_new_store(opener, defaults):
    opener().update(GUILD, {"results": 4, "min_relevance": 0.5, "private": True, "editor_role": 9})
    view = opener().view(GUILD)
    assert (view.values.results, view.values.min_relevance) == (4, 0.5)
    assert view.values.private is True and view.values.editor_role == 9
    assert view.chosen == {"results", "min_relevance", "private", "editor_role"}
    assert opener().view(OTHER).values == ServerSettings.defaults(defaults)


def test_reset_puts_a_setting_back_to_the_default(opener):
    store = opener()
    store.update(GUILD, {"results": 4, "include_shared": False})
    view = store.update(GUILD, {}, reset=frozenset({"results"}))
    assert view.values.results == 2 and view.values.include_shared is False
    assert view.chosen == {"include_shared"}
    assert opener().view(GUILD).chosen == {"include_shared"}


@pytest.mark.parametrize(
    ("changes", "reset", "message"),
    [
        ({"results": 6}, frozenset(), "results: 6 is outside 1..5"),
        ({"private": 1}, frozenset(), "private: must be true or false"),
        ({"volume": 11}, frozenset(), "volume: no such setting"),
        ({}, frozenset({"volume"}), "volume: no such setting"),
    ],
)
def test_a_bad_change_is_one_line_and_changes_nothing(opener, changes, reset, message):
    store = opener()
    with pytest.raises(ServerSettingsError) as caught:
        store.update(GUILD, {"results": 4, **changes}, reset)
    assert str(caught.value) == message
    assert opener().view(GUILD).chosen == frozenset()


def test_fleet_mode_keeps_the_settings_in_postgresql(pg_url, defaults):
    fleet = open_settings_store(Settings(db=defaults.db, database_url=pg_url))
    assert isinstance(fleet, PgServerSettingsStore)
    fleet.update(GUILD, {"results": 5})
    assert not defaults.state_path.exists()  # no SQLite file in fleet mode
    assert isinstance(open_settings_store(defaults), ServerSettingsStore)


def test_a_change_by_one_process_is_seen_by_another_after_a_refresh(pg_url, defaults):
    one, other = PgServerSettingsStore(pg_url, defaults), PgServerSettingsStore(pg_url, defaults)
    assert other.get(GUILD).results == 2  # remembered by the other process
    one.update(GUILD, {"results": 4})
    assert other.get(GUILD).results == 2  # from memory until it learns of the change
    assert other.refresh() == 1
    assert other.get(GUILD).results == 4
    assert other.refresh() == 0  # nothing new


async def _until(check, timeout: float) -> float:
    """Seconds until `check()` held (fails the test after `timeout`)."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    while not check():
        assert loop.time() - start < timeout, "not seen in time"
        await asyncio.sleep(0.02)
    return loop.time() - start


@contextlib.asynccontextmanager
async def following(store: PgServerSettingsStore, url: str, poll: float):
    task = asyncio.create_task(follow_settings(store, url, poll))
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_a_change_reaches_a_following_process_through_its_hint(pg_url, defaults):
    one, other = PgServerSettingsStore(pg_url, defaults), PgServerSettingsStore(pg_url, defaults)
    other.get(GUILD)
    async with following(other, pg_url, poll=30.0):
        await asyncio.sleep(0.5)  # listening
        await asyncio.to_thread(one.update, GUILD, {"private": True})
        took = await _until(lambda: other.get(GUILD).private, timeout=5.0)
    assert took < 5.0  # far below the 30 s poll: the hint did it
    print(f"seen {took:.3f} s after the change, through its hint")


async def test_after_its_listener_is_killed_a_process_converges_within_the_poll(pg_url, defaults):
    one, other = PgServerSettingsStore(pg_url, defaults), PgServerSettingsStore(pg_url, defaults)
    other.get(GUILD)
    async with following(other, pg_url, poll=1.0):
        await asyncio.sleep(0.5)
        with psycopg.connect(pg_url, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE application_name = 'citebot settings listener'"
            )
            await asyncio.to_thread(one.update, GUILD, {"results": 5})
        took = await _until(lambda: other.get(GUILD).results == 5, timeout=3.0)
    print(f"converged {took:.2f} s after the change, its listener killed (1 s poll)")


def test_a_killed_store_connection_is_replaced_on_the_next_call(pg_url, defaults):
    store = PgServerSettingsStore(pg_url, defaults)
    store.update(GUILD, {"results": 3})
    with psycopg.connect(pg_url, autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE application_name = 'citebot settings'"
        )
    assert store.update(GUILD, {"results": 4}).values.results == 4


def test_questions_get_the_defaults_while_postgresql_is_unreachable(defaults, caplog):
    store = PgServerSettingsStore("postgresql://nobody@127.0.0.1:1/none", defaults)
    assert store.get(GUILD) == ServerSettings.defaults(defaults)
    assert "answering with the default settings" in caplog.text
    with pytest.raises(ServerSettingsError, match="cannot use the settings in PostgreSQL"):
        store.update(GUILD, {"results": 1})


async def test_a_change_whose_hint_is_lost_is_seen_within_the_poll_interval(pg_url, defaults):
    other = PgServerSettingsStore(pg_url, defaults)
    other.get(GUILD)
    async with following(other, pg_url, poll=1.0):
        await asyncio.sleep(0.5)
        with psycopg.connect(pg_url, autocommit=True) as conn:  # a change without its NOTIFY
            conn.execute(
                "INSERT INTO server_settings (guild_id, name, value) VALUES (%s, 'results', '1')",
                (GUILD,),
            )
            conn.execute(
                "INSERT INTO server_settings_changed (guild_id, change)"
                " VALUES (%s, nextval('server_settings_change'))",
                (GUILD,),
            )
        took = await _until(lambda: other.get(GUILD).results == 1, timeout=3.0)
    assert took < 1.5  # the 1 s poll, and the time a refresh takes
    print(f"seen {took:.2f} s after a change without a hint (1 s poll)")


@pytest.mark.slow
def test_while_postgresql_does_not_answer_only_one_question_waits_for_it(defaults):
    """A server that accepts connections and never answers (a hung PostgreSQL): the first
    question of an unread server waits for the connect timeout, the next ones do not."""
    import socket
    import time

    from bot.fleet.connect import CONNECT_TIMEOUT

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        store = PgServerSettingsStore(f"postgresql://nobody@127.0.0.1:{port}/none", defaults)
        started = time.monotonic()
        assert store.get(GUILD) == ServerSettings.defaults(defaults)
        first = time.monotonic() - started
        started = time.monotonic()
        assert store.get(OTHER) == ServerSettings.defaults(defaults)
        second = time.monotonic() - started
    assert first >= CONNECT_TIMEOUT - 1 and second < 0.1, (first, second)
