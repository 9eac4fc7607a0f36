"""Per-server settings on a real SQLite file: defaults, validation, persistence, atomicity."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.config import Settings, load_settings
from bot.cooldown import Cooldown
from bot.server_cooldowns import ServerCooldowns
from bot.server_settings import (
    SCHEMA_VERSION,
    ServerSettings,
    ServerSettingsError,
    ServerSettingsStore,
    is_editor,
)

GUILD, OTHER = 111, 222


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(db=tmp_path / "citebot.db", results=2, min_relevance=0.3)


def test_a_server_that_chose_nothing_gets_the_environment_settings(settings):
    store = ServerSettingsStore(settings.state_path, settings)
    view = store.view(GUILD)
    assert view.chosen == frozenset()
    assert view.values == ServerSettings(
        results=2,
        min_relevance=0.3,
        cooldown_questions=settings.cooldown_questions,
        cooldown_seconds=settings.cooldown_seconds,
        private=False,
        editor_role=None,
        include_shared=True,
    )
    assert store.get(None) == view.values  # DMs: the defaults


def test_the_state_file_sits_beside_the_index_not_inside_it(tmp_path):
    settings = Settings(db=tmp_path / "sub" / "index.db")
    assert settings.state_path == tmp_path / "sub" / "citebot-state.db"
    chosen = Settings(db=tmp_path / "index.db", state_db=tmp_path / "elsewhere.db")
    assert chosen.state_path == tmp_path / "elsewhere.db"


def test_the_state_file_and_watch_come_from_the_environment(tmp_path):
    loaded = load_settings(
        {"CITEBOT_STATE_DB": str(tmp_path / "s.db"), "CITEBOT_WATCH": "false"}, env_file=None
    )
    assert loaded.state_path == tmp_path / "s.db" and loaded.watch is False
    assert load_settings({}, env_file=None).watch is True


def test_a_watch_value_that_is_not_a_flag_is_one_clear_line():
    from bot.config import ConfigError

    with pytest.raises(ConfigError, match=r"^CITEBOT_WATCH: not true or false$"):
        load_settings({"CITEBOT_WATCH": "sometimes"}, env_file=None)


def test_changes_survive_reopening_the_file_and_stay_per_server(settings):
    store = ServerSettingsStore(settings.state_path, settings)
    assert store.get(GUILD).results == 2  # read once (and remembered) before the change
    store.update(GUILD, {"results": 4, "min_relevance": 0.5, "private": True, "editor_role": 9})
    assert store.get(GUILD).results == 4
    reopened = ServerSettingsStore(settings.state_path, settings)
    view = reopened.view(GUILD)
    assert (view.values.results, view.values.min_relevance) == (4, 0.5)
    assert view.values.private is True and view.values.editor_role == 9
    assert view.chosen == {"results", "min_relevance", "private", "editor_role"}
    assert reopened.view(OTHER).values == ServerSettings.defaults(settings)


def test_unchosen_values_follow_the_environment_when_it_changes(settings, tmp_path):
    ServerSettingsStore(settings.state_path, settings).update(GUILD, {"results": 5})
    later = Settings(db=settings.db, results=1, min_relevance=0.6)
    values = ServerSettingsStore(later.state_path, later).get(GUILD)
    assert (values.results, values.min_relevance) == (5, 0.6)


def test_reset_puts_a_setting_back_to_the_default(settings):
    store = ServerSettingsStore(settings.state_path, settings)
    store.update(GUILD, {"results": 4, "include_shared": False})
    view = store.update(GUILD, {}, reset=frozenset({"results"}))
    assert view.values.results == 2 and view.values.include_shared is False
    assert view.chosen == {"include_shared"}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"results": 0}, "results: 0 is outside 1..5"),
        ({"results": 6}, "results: 6 is outside 1..5"),
        ({"results": 2.5}, "results: must be a whole number"),
        ({"min_relevance": 1.5}, "min_relevance: 1.5 is outside 0..1"),
        ({"min_relevance": "high"}, "min_relevance: must be a number"),
        ({"cooldown_questions": -1}, "cooldown_questions: -1 is outside 0..1000"),
        ({"cooldown_seconds": 90000}, "cooldown_seconds: 90000 is outside 0..86400"),
        ({"private": 1}, "private: must be true or false"),
        ({"editor_role": "admins"}, "editor_role: must be a role id"),
        ({"volume": 11}, "volume: no such setting"),
    ],
)
def test_a_bad_value_is_one_clear_line_and_changes_nothing(settings, changes, message):
    store = ServerSettingsStore(settings.state_path, settings)
    with pytest.raises(ServerSettingsError) as caught:
        store.update(GUILD, {"results": 4, **changes})
    assert str(caught.value) == message and "\n" not in str(caught.value)
    assert store.view(GUILD).chosen == frozenset()  # the valid change was not half-applied


def test_the_schema_is_versioned_and_a_newer_file_is_refused(settings):
    ServerSettingsStore(settings.state_path, settings)
    with sqlite3.connect(settings.state_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(ServerSettingsError, match="made by a newer citebot"):
        ServerSettingsStore(settings.state_path, settings)


def test_a_stored_value_damaged_by_hand_falls_back_to_the_default(settings):
    store = ServerSettingsStore(settings.state_path, settings)
    store.update(GUILD, {"results": 4, "private": True})
    with sqlite3.connect(settings.state_path) as conn:
        conn.execute("UPDATE server_setting SET value = 'lots' WHERE name = 'results'")
    view = store.view(GUILD)
    assert view.values.results == 2 and view.values.private is True
    assert view.chosen == {"private"}


def test_a_settings_file_that_cannot_be_opened_is_one_clear_line(tmp_path):
    settings = Settings(db=tmp_path / "citebot.db", state_db=tmp_path / "missing" / "s.db")
    with pytest.raises(ServerSettingsError, match="cannot use the settings file"):
        ServerSettingsStore(settings.state_path, settings)


def test_editors_are_manage_server_members_and_holders_of_the_editor_role(settings):
    plain = ServerSettings.defaults(settings)
    with_role = ServerSettingsStore(settings.state_path, settings).update(
        GUILD, {"editor_role": 42}
    )
    assert is_editor(plain, frozenset(), manage_guild=True)
    assert not is_editor(plain, frozenset({42}), manage_guild=False)
    assert is_editor(with_role.values, frozenset({7, 42}), manage_guild=False)
    assert not is_editor(with_role.values, frozenset({7}), manage_guild=False)


def test_each_server_counts_questions_under_its_own_limits(settings):
    store = ServerSettingsStore(settings.state_path, settings)
    strict = store.update(GUILD, {"cooldown_questions": 1, "cooldown_seconds": 60}).values
    open_ = store.update(OTHER, {"cooldown_questions": 0}).values
    cooldowns = ServerCooldowns(Cooldown(5, 30))
    assert cooldowns.for_server(GUILD, strict).retry_after(1) == 0
    assert cooldowns.for_server(GUILD, strict).retry_after(1) > 0
    assert all(cooldowns.for_server(OTHER, open_).retry_after(1) == 0 for _ in range(20))
    assert cooldowns.for_server(None, open_) is cooldowns.default


def test_questions_get_the_defaults_while_the_settings_file_is_unusable(settings, caplog):
    store = ServerSettingsStore(settings.state_path, settings)
    store.update(GUILD, {"results": 4})
    assert store.get(GUILD).results == 4
    settings.state_path.unlink()
    settings.state_path.mkdir()  # a folder where the file was: SQLite cannot open it
    assert store.get(GUILD).results == 4  # already known
    assert store.get(OTHER) == ServerSettings.defaults(settings)
    assert "answering with the default settings" in caplog.text
    with pytest.raises(ServerSettingsError, match="cannot use the settings file"):
        store.update(OTHER, {"results": 1})
