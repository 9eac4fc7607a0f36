"""Settings: read once from the environment (and a `.env` file), validated in one place."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from dotenv import dotenv_values

T = TypeVar("T", int, float)

# The no-answer bar (see bot/relevance.py), fitted on half of each question set's articles
# (benchmarks/quality.py): the highest bar that keeps wrong refusals of answerable questions
# within 1% on natural-nq, 2% on squadshifts and 3% on the own-words set.
DEFAULT_MIN_RELEVANCE = 0.24


class ConfigError(ValueError):
    """A setting has a value citebot cannot use; the message names it."""


@dataclass(frozen=True)
class Settings:
    """Everything configurable about citebot. The token is kept out of `repr`."""

    corpus: Path = Path("corpus")
    db: Path = Path("citebot.db")
    # The folder holding every collection but the shared one (see bot/collections).
    collections: Path = Path("collections")
    discord_token: str | None = field(default=None, repr=False)
    admin_ids: frozenset[int] = frozenset()
    dev_guild: int | None = None
    results: int = 3
    min_relevance: float = DEFAULT_MIN_RELEVANCE
    max_question_chars: int = 500
    cooldown_questions: int = 5
    cooldown_seconds: float = 30.0
    log_level: str = "INFO"
    # Fetching pages, feeds and attachments (bot/fetch/). The size cap is the article file
    # limit (bot/corpus/files.py MAX_FILE_BYTES): a fetched page is saved as an article file.
    fetch_allow_private: bool = False
    fetch_max_bytes: int = 10 * 1024 * 1024
    fetch_timeout_seconds: float = 20.0
    # Per-server settings (bot/server_settings.py); None: citebot-state.db beside the index.
    state_db: Path | None = None
    # Whether the running bot reindexes by itself when files in the corpus folder change.
    watch: bool = True
    # How often the bot checks each followed feed for new entries, in minutes; 0: never
    # (bot/feeds/; `citebot feeds run` still runs them by hand).
    feed_minutes: int = 30
    # Fleet mode (bot/fleet/): the PostgreSQL holding the library, shared by every process.
    # None: the single-process SQLite files above. Kept out of `repr`: it may hold a password.
    database_url: str | None = field(default=None, repr=False)
    # How often a fleet process re-reads the generations table besides NOTIFY's hints, and
    # beats its heartbeat, in seconds: the longest a lost hint can delay a change.
    fleet_poll_seconds: float = 5.0
    # This process's name in the fleet's processes table; None: host name and process id.
    process_name: str | None = None
    # Fleet mode: the local folder holding this process's mirror of each collection and its
    # index (a cache, rebuilt from PostgreSQL); None: `citebot-fleet` beside CITEBOT_DB.
    # Two processes on one machine need folders of their own.
    fleet_cache: Path | None = None
    # The largest index (in paragraphs) whose best candidates the contextual model and the
    # reading head read closely (bot/rerank/context.py); 0: never. Larger indexes answer in
    # milliseconds without them: at 7,505 paragraphs with them, 0.4 s a question on 2 cores.
    close_reading_limit: int = 10_000

    @property
    def state_path(self) -> Path:
        """The per-server settings file: kept apart from the index, which is a disposable
        cache (rebuilt when damaged or outdated) while these are an admin's choices."""
        return self.state_db or Path(self.db).parent / "citebot-state.db"

    @property
    def fleet_cache_path(self) -> Path:
        """Fleet mode's local mirror and index folder (see `fleet_cache`)."""
        return self.fleet_cache or Path(self.db).parent / "citebot-fleet"

    def with_paths(self, corpus: Path | None = None, db: Path | None = None) -> Settings:
        """A copy with command-line overrides applied."""
        return replace(self, corpus=corpus or self.corpus, db=db or self.db)


def load_settings(
    environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")
) -> Settings:
    """Settings from `environ` (default: the process environment) over the `.env` file."""
    values: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        values.update({k: v for k, v in _env_file(env_file).items() if v is not None})
    values.update(os.environ if environ is None else environ)
    return _parse(values)


def _env_file(path: Path) -> dict[str, str | None]:
    try:
        return dotenv_values(path, encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: not UTF-8 text (byte {exc.start + 1}): save it as UTF-8"
        ) from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read it ({exc.strerror or exc})") from None


def _parse(values: Mapping[str, str]) -> Settings:
    def get(name: str) -> str | None:
        value = values.get(name, "").strip()
        return value or None

    defaults = Settings()
    return Settings(
        corpus=Path(get("CITEBOT_CORPUS") or defaults.corpus),
        db=Path(get("CITEBOT_DB") or defaults.db),
        collections=Path(get("CITEBOT_COLLECTIONS") or defaults.collections),
        discord_token=get("DISCORD_TOKEN"),
        admin_ids=frozenset(_ids("CITEBOT_ADMIN_IDS", get("CITEBOT_ADMIN_IDS"))),
        dev_guild=_optional_id("CITEBOT_DEV_GUILD", get("CITEBOT_DEV_GUILD")),
        results=_number(int, "CITEBOT_RESULTS", get("CITEBOT_RESULTS"), defaults.results, 1, 5),
        min_relevance=_number(
            float,
            "CITEBOT_MIN_RELEVANCE",
            get("CITEBOT_MIN_RELEVANCE"),
            defaults.min_relevance,
            0.0,
            1.0,
        ),
        max_question_chars=_number(
            int,
            "CITEBOT_MAX_QUESTION_CHARS",
            get("CITEBOT_MAX_QUESTION_CHARS"),
            defaults.max_question_chars,
            10,
            6000,
        ),
        cooldown_questions=_number(
            int,
            "CITEBOT_COOLDOWN_QUESTIONS",
            get("CITEBOT_COOLDOWN_QUESTIONS"),
            defaults.cooldown_questions,
            0,
            1000,
        ),
        cooldown_seconds=_number(
            float,
            "CITEBOT_COOLDOWN_SECONDS",
            get("CITEBOT_COOLDOWN_SECONDS"),
            defaults.cooldown_seconds,
            0.0,
            86400.0,
        ),
        log_level=_log_level(get("CITEBOT_LOG_LEVEL") or defaults.log_level),
        fetch_allow_private=_flag(
            "CITEBOT_FETCH_ALLOW_PRIVATE", get("CITEBOT_FETCH_ALLOW_PRIVATE"), False
        ),
        fetch_max_bytes=_number(
            int,
            "CITEBOT_FETCH_MAX_BYTES",
            get("CITEBOT_FETCH_MAX_BYTES"),
            defaults.fetch_max_bytes,
            1024,
            100 * 1024 * 1024,
        ),
        fetch_timeout_seconds=_number(
            float,
            "CITEBOT_FETCH_TIMEOUT_SECONDS",
            get("CITEBOT_FETCH_TIMEOUT_SECONDS"),
            defaults.fetch_timeout_seconds,
            1.0,
            300.0,
        ),
        state_db=_optional_path(get("CITEBOT_STATE_DB")),
        watch=_flag("CITEBOT_WATCH", get("CITEBOT_WATCH"), defaults.watch),
        feed_minutes=_number(
            int,
            "CITEBOT_FEED_MINUTES",
            get("CITEBOT_FEED_MINUTES"),
            defaults.feed_minutes,
            0,
            10080,
        ),
        database_url=_database_url(get("CITEBOT_DATABASE_URL")),
        fleet_poll_seconds=_number(
            float,
            "CITEBOT_FLEET_POLL_SECONDS",
            get("CITEBOT_FLEET_POLL_SECONDS"),
            defaults.fleet_poll_seconds,
            0.1,
            10.0,
        ),
        process_name=_process_name(get("CITEBOT_PROCESS_NAME")),
        fleet_cache=_optional_path(get("CITEBOT_FLEET_CACHE")),
        close_reading_limit=_number(
            int,
            "CITEBOT_CLOSE_READING_LIMIT",
            get("CITEBOT_CLOSE_READING_LIMIT"),
            defaults.close_reading_limit,
            0,
            10_000_000,
        ),
    )


# Error messages never repeat a setting's value: a token pasted into the wrong setting
# would be printed on the terminal or in a log.


def _ids(name: str, raw: str | None) -> list[int]:
    if raw is None:
        return []
    parts = [p.strip() for p in raw.replace(";", ",").split(",") if p.strip()]
    return [
        _id(f"{name} (entry {n})" if len(parts) > 1 else name, part)
        for n, part in enumerate(parts, start=1)
    ]


def _optional_id(name: str, raw: str | None) -> int | None:
    return None if raw is None else _id(name, raw)


def _id(name: str, raw: str) -> int:
    if not (raw.isascii() and raw.isdigit()):  # int() also reads "²" and "١"
        raise ConfigError(f"{name}: not a Discord id (digits only)")
    return int(raw)


def _number(kind: type[T], name: str, raw: str | None, default: T, low: T, high: T) -> T:
    if raw is None:
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise ConfigError(f"{name}: not a number") from None
    if not low <= value <= high:
        raise ConfigError(f"{name}: {value} is outside {low}..{high}")
    return value


def _optional_path(raw: str | None) -> Path | None:
    return None if raw is None else Path(raw)


def _flag(name: str, raw: str | None, default: bool) -> bool:
    if raw is None:
        return default
    value = raw.lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name}: not true or false")


def _database_url(raw: str | None) -> str | None:
    if raw is not None and not raw.startswith(("postgresql://", "postgres://")):
        raise ConfigError("CITEBOT_DATABASE_URL: not a postgresql:// address")
    return raw


def _process_name(raw: str | None) -> str | None:
    if raw is not None and (len(raw) > 100 or not raw.isprintable()):
        raise ConfigError("CITEBOT_PROCESS_NAME: at most 100 printable characters")
    return raw


def _log_level(raw: str) -> str:
    level = raw.upper()
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        raise ConfigError("CITEBOT_LOG_LEVEL: not DEBUG, INFO, WARNING or ERROR")
    return level
