"""The fetch settings: read from the environment, validated, and turned into policies."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, Settings, load_settings
from bot.corpus import MAX_FILE_BYTES
from bot.fetch import FetchKind, FetchPolicy, policy_for


def test_fetch_defaults_refuse_private_addresses_and_cap_at_the_article_file_limit():
    settings = Settings()
    assert settings.fetch_allow_private is False
    assert settings.fetch_max_bytes == MAX_FILE_BYTES
    assert FetchPolicy().max_bytes == MAX_FILE_BYTES


def test_fetch_settings_are_read_from_the_environment():
    settings = load_settings(
        {
            "CITEBOT_FETCH_ALLOW_PRIVATE": "true",
            "CITEBOT_FETCH_MAX_BYTES": "2048",
            "CITEBOT_FETCH_TIMEOUT_SECONDS": "4.5",
        },
        env_file=None,
    )
    assert (settings.fetch_allow_private, settings.fetch_max_bytes) == (True, 2048)
    assert settings.fetch_timeout_seconds == 4.5


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("CITEBOT_FETCH_ALLOW_PRIVATE", "maybe", "CITEBOT_FETCH_ALLOW_PRIVATE: not true or false"),
        ("CITEBOT_FETCH_MAX_BYTES", "10", r"CITEBOT_FETCH_MAX_BYTES: 10 is outside"),
        ("CITEBOT_FETCH_TIMEOUT_SECONDS", "0", r"CITEBOT_FETCH_TIMEOUT_SECONDS: 0\.0 is outside"),
    ],
)
def test_bad_fetch_values_name_the_setting(name, value, message):
    with pytest.raises(ConfigError, match=message):
        load_settings({name: value}, env_file=None)


def test_a_policy_carries_the_settings_and_keeps_each_step_within_the_deadline():
    settings = Settings(fetch_allow_private=True, fetch_max_bytes=4096, fetch_timeout_seconds=3)
    got = policy_for(FetchKind.FEED, settings)
    assert (got.kind, got.allow_private, got.max_bytes, got.total_seconds) == (
        FetchKind.FEED,
        True,
        4096,
        3,
    )
    assert got.connect_seconds == got.read_seconds == 3
    assert got.max_redirects == 5
    assert policy_for(FetchKind.PAGE, Settings()).read_seconds == 10
