"""The fleet's settings: off by default, validated, the database URL kept secret."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, load_settings

URL = "postgresql://citebot:s3cret-password@db.internal:5432/citebot"


def test_fleet_mode_is_off_unless_a_database_url_is_given():
    settings = load_settings({}, env_file=None)
    assert (settings.database_url, settings.fleet_poll_seconds) == (None, 5.0)


def test_the_database_url_is_read_and_never_shown_in_repr():
    settings = load_settings({"CITEBOT_DATABASE_URL": URL}, env_file=None)
    assert settings.database_url == URL
    assert "s3cret" not in repr(settings)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("CITEBOT_DATABASE_URL", "sqlite:///citebot.db", "not a postgresql:// address"),
        ("CITEBOT_FLEET_POLL_SECONDS", "30", r"30.0 is outside 0.1..10.0"),
        ("CITEBOT_PROCESS_NAME", "a\x1bb", "at most 100 printable characters"),
    ],
)
def test_bad_fleet_settings_name_the_setting_without_the_value(name, value, message):
    with pytest.raises(ConfigError, match=message) as error:
        load_settings({name: value}, env_file=None)
    assert name in str(error.value) and "sqlite:" not in str(error.value)


def test_a_process_is_named_by_the_setting_else_by_host_and_process_id():
    import os
    import socket

    from bot.fleet.processes import process_info

    assert process_info("web-1", (0, 1), 6).name == "web-1"
    assert process_info(None).name == f"{socket.gethostname()}:{os.getpid()}"
