"""The feed tables share the state file with the server settings without touching their
schema version, in whichever order the two are first opened."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime

import pytest

from bot.config import Settings
from bot.feeds import FeedStore, FeedStoreError
from bot.server_settings import ServerSettingsStore


def _user_version(path) -> int:
    with closing(sqlite3.connect(path)) as conn:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])


@pytest.mark.parametrize("feeds_first", [True, False])
def test_feeds_and_server_settings_share_the_state_file(tmp_path, feeds_first):
    path = tmp_path / "citebot-state.db"
    settings = Settings(state_db=path)
    if feeds_first:
        FeedStore(path).add("club", "http://news.example/feed.xml", datetime.now(UTC))
    ServerSettingsStore(path, settings).update(42, {"results": 4})
    if not feeds_first:
        FeedStore(path).add("club", "http://news.example/feed.xml", datetime.now(UTC))
    assert _user_version(path) == 1  # the server settings' version, untouched by feeds
    assert ServerSettingsStore(path, settings).get(42).results == 4
    assert [s.url for s in FeedStore(path).subscriptions()] == ["http://news.example/feed.xml"]


def test_a_file_from_a_newer_citebot_is_refused_in_one_line(tmp_path):
    path = tmp_path / "state.db"
    FeedStore(path)
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("UPDATE feed_schema SET version = 99")
    with pytest.raises(FeedStoreError, match="newer citebot"):
        FeedStore(path)


def test_a_state_path_that_is_not_a_file_is_one_line(tmp_path):
    (tmp_path / "state.db").mkdir()
    with pytest.raises(FeedStoreError, match="cannot use the feeds file"):
        FeedStore(tmp_path / "state.db")
