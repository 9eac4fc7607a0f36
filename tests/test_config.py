"""Settings: environment over .env, validated in one place, token kept secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, Settings, load_settings

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.secret.token-value"


def test_defaults_need_no_environment(tmp_path: Path):
    settings = load_settings({}, env_file=tmp_path / "missing.env")
    assert settings == Settings()
    assert settings.corpus == Path("corpus")


def test_environment_wins_over_env_file(tmp_path: Path):
    env_file = tmp_path / ".env"
    env_file.write_text("CITEBOT_CORPUS=from-file\nCITEBOT_DB=file.db\nDISCORD_TOKEN=abc\n")
    settings = load_settings({"CITEBOT_CORPUS": "from-env"}, env_file=env_file)
    assert (settings.corpus, settings.db, settings.discord_token) == (
        Path("from-env"),
        Path("file.db"),
        "abc",
    )


def test_admin_ids_and_dev_guild_are_parsed():
    settings = load_settings(
        {"CITEBOT_ADMIN_IDS": "123, 456;789", "CITEBOT_DEV_GUILD": "42"}, env_file=None
    )
    assert settings.admin_ids == frozenset({123, 456, 789})
    assert settings.dev_guild == 42


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("CITEBOT_ADMIN_IDS", "12,bob", r"CITEBOT_ADMIN_IDS \(entry 2\): not a Discord id"),
        ("CITEBOT_DEV_GUILD", "²", "CITEBOT_DEV_GUILD: not a Discord id"),
        ("CITEBOT_RESULTS", "9", "CITEBOT_RESULTS: 9 is outside 1..5"),
        ("CITEBOT_MIN_RELEVANCE", "high", "CITEBOT_MIN_RELEVANCE: not a number"),
        ("CITEBOT_LOG_LEVEL", "loud", "CITEBOT_LOG_LEVEL: not DEBUG"),
    ],
)
def test_bad_values_name_the_setting(name, value, message):
    with pytest.raises(ConfigError, match=message):
        load_settings({name: value}, env_file=None)


def test_token_never_appears_in_repr_or_str():
    settings = load_settings({"DISCORD_TOKEN": TOKEN}, env_file=None)
    assert settings.discord_token == TOKEN
    assert TOKEN not in repr(settings) and TOKEN not in str(settings)


def test_command_line_paths_override_settings():
    settings = Settings().with_paths(Path("other"), None)
    assert (settings.corpus, settings.db) == (Path("other"), Path("citebot.db"))


def test_env_file_is_ignored_by_git():
    gitignore = (Path(__file__).resolve().parent.parent / ".gitignore").read_text().split()
    assert ".env" in gitignore


@pytest.mark.parametrize(
    "name",
    [
        "CITEBOT_ADMIN_IDS",
        "CITEBOT_DEV_GUILD",
        "CITEBOT_RESULTS",
        "CITEBOT_MIN_RELEVANCE",
        "CITEBOT_MAX_QUESTION_CHARS",
        "CITEBOT_COOLDOWN_QUESTIONS",
        "CITEBOT_COOLDOWN_SECONDS",
        "CITEBOT_LOG_LEVEL",
    ],
)
def test_a_token_in_the_wrong_setting_is_never_repeated(name):
    for value in (TOKEN, f"123,{TOKEN}"):
        with pytest.raises(ConfigError) as error:
            load_settings({"DISCORD_TOKEN": TOKEN, name: value}, env_file=None)
        assert name in str(error.value)
        assert not any(part in str(error.value) for part in TOKEN.split("."))


def test_an_env_file_that_is_not_utf8_is_one_clear_error(tmp_path: Path):
    env_file = tmp_path / ".env"
    env_file.write_bytes(b"CITEBOT_CORPUS=caf\xe9\nDISCORD_TOKEN=abc\n")
    with pytest.raises(ConfigError, match=r"\.env: not UTF-8 text \(byte 19\): save it as UTF-8"):
        load_settings({}, env_file=env_file)


def test_the_close_reading_limit_defaults_to_the_rankings_own_and_refuses_negatives():
    import bot.rerank.context as context

    assert Settings().close_reading_limit == context.DEFAULT_INDEX_LIMIT
    assert (
        load_settings({"CITEBOT_CLOSE_READING_LIMIT": "0"}, env_file=None).close_reading_limit == 0
    )
    with pytest.raises(ConfigError, match=r"CITEBOT_CLOSE_READING_LIMIT: -1 is outside"):
        load_settings({"CITEBOT_CLOSE_READING_LIMIT": "-1"}, env_file=None)
