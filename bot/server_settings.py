"""Per-server settings: what a server's admins chose, over the environment's defaults.

They live in their own SQLite file (`Settings.state_path`, default `citebot-state.db` beside
the index), never in the index database: the index is a cache of the corpus folder that
citebot deletes and rebuilds when it is damaged or made by another version, and an admin's
choices must survive that. Only values a server set are stored; everything else follows the
environment, so changing CITEBOT_RESULTS still changes every server that never chose.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Protocol

from bot.config import Settings
from bot.errors import UserFacingError

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
Value = int | float | bool | None


class ServerSettingsError(UserFacingError):
    """A value a server cannot have, or a settings file citebot cannot use (one line)."""


@dataclass(frozen=True)
class ServerSettings:
    """One server's effective settings."""

    results: int  # passages per page, 1-5
    min_relevance: float  # the no-answer bar, 0-1
    cooldown_questions: int  # at most this many questions per member ...
    cooldown_seconds: float  # ... in any window this long (either 0: no limit)
    private: bool  # answers only the asker sees, unless /ask private: says otherwise
    editor_role: int | None  # members with this role may edit the server's collection
    include_shared: bool  # the bot owner's shared collection is searched too

    @classmethod
    def defaults(cls, settings: Settings) -> ServerSettings:
        """What a server that chose nothing gets: the environment's settings."""
        return cls(
            results=settings.results,
            min_relevance=settings.min_relevance,
            cooldown_questions=settings.cooldown_questions,
            cooldown_seconds=settings.cooldown_seconds,
            private=False,
            editor_role=None,
            include_shared=True,
        )


NAMES = tuple(f.name for f in fields(ServerSettings))


@dataclass(frozen=True)
class ServerView:
    """A server's settings and which of them the server chose itself (the rest are defaults)."""

    values: ServerSettings
    chosen: frozenset[str]


class SettingsStore(Protocol):
    """Where the per-server settings live: this module's SQLite file for one process, or
    PostgreSQL in fleet mode (bot/fleet/settings_store.py), chosen by bot.stores."""

    def view(self, guild_id: int) -> ServerView:
        """The server's settings and which it chose, read from the store."""

    def get(self, guild_id: int | None) -> ServerSettings:
        """The server's settings for a question (DMs: the defaults); from memory when it
        can be, never raising (the defaults while the store is unusable)."""

    def update(
        self, guild_id: int, changes: Mapping[str, Value], reset: frozenset[str] = frozenset()
    ) -> ServerView:
        """Validate every change, then store them all (dropping `reset`) or none."""


def validate(name: str, value: Value) -> Value:
    """The value as stored, or ServerSettingsError saying in one line what is wrong."""
    if name not in NAMES:
        raise ServerSettingsError(f"{name}: no such setting")
    if name in ("private", "include_shared"):
        if not isinstance(value, bool):
            raise ServerSettingsError(f"{name}: must be true or false")
        return value
    if name == "editor_role":
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise ServerSettingsError("editor_role: must be a role id")
        if isinstance(value, int) and value <= 0:
            raise ServerSettingsError("editor_role: must be a role id")
        return value
    return _number(name, value)


_RANGES: dict[str, tuple[type, float, float]] = {
    "results": (int, 1, 5),
    "min_relevance": (float, 0.0, 1.0),
    "cooldown_questions": (int, 0, 1000),
    "cooldown_seconds": (float, 0.0, 86400.0),
}


def _number(name: str, value: Value) -> Value:
    kind, low, high = _RANGES[name]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ServerSettingsError(f"{name}: must be a number")
    if kind is int and value != int(value):
        raise ServerSettingsError(f"{name}: must be a whole number")
    if not low <= value <= high:
        shown = f"{low:g}..{high:g}"
        raise ServerSettingsError(f"{name}: {value:g} is outside {shown}")
    return int(value) if kind is int else float(value)


class ServerSettingsStore:
    """The per-server settings file. Every read or write opens its own connection (several
    bot processes, one per group of shards, may share the file); `get`, called for every
    question, answers from memory after a server's first read. That stays true across
    processes because Discord sends a server's interactions to one shard only, so the
    process that answers a server is also the one whose /settings changes it."""

    def __init__(self, path: Path, defaults: Settings) -> None:
        self._path = path
        self._defaults = ServerSettings.defaults(defaults)
        self._known: dict[int, ServerSettings] = {}
        with self._connect() as conn:
            _ensure_schema(conn, path)

    @property
    def path(self) -> Path:
        """The SQLite file."""
        return self._path

    def view(self, guild_id: int) -> ServerView:
        """The server's settings and which it chose."""
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT name, value FROM server_setting WHERE guild_id = ?", (guild_id,)
            ).fetchall()
        view = view_of(self._defaults, rows)
        self._known[guild_id] = view.values
        return view

    def get(self, guild_id: int | None) -> ServerSettings:
        """The server's settings; outside servers (DMs) the defaults."""
        if guild_id is None:
            return self._defaults
        known = self._known.get(guild_id)
        if known is not None:
            return known
        try:
            return self.view(guild_id).values
        except ServerSettingsError as exc:
            # Questions are still answered, with the defaults, while the file is unusable.
            log.warning("answering with the default settings: %s", exc)
            return self._defaults

    def update(
        self, guild_id: int, changes: Mapping[str, Value], reset: frozenset[str] = frozenset()
    ) -> ServerView:
        """Validate every change first, then store all of them (and drop the `reset` ones,
        back to the defaults) in one transaction: all or nothing."""
        checked = checked_changes(changes, reset)
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            for name in reset:
                conn.execute(
                    "DELETE FROM server_setting WHERE guild_id = ? AND name = ?", (guild_id, name)
                )
            conn.executemany(
                "INSERT OR REPLACE INTO server_setting (guild_id, name, value) VALUES (?, ?, ?)",
                [(guild_id, name, encode(value)) for name, value in checked.items()],
            )
            conn.execute("COMMIT")
        return self.view(guild_id)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            with closing(sqlite3.connect(self._path, timeout=10, isolation_level=None)) as conn:
                yield conn
        except sqlite3.Error as exc:
            raise ServerSettingsError(
                f"{self._path}: cannot use the settings file ({exc})"
            ) from exc


def _ensure_schema(conn: sqlite3.Connection, path: Path) -> None:
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise ServerSettingsError(
            f"{path}: made by a newer citebot (schema {version}); upgrade citebot"
        )
    if version == SCHEMA_VERSION:
        return
    conn.execute("BEGIN IMMEDIATE")
    conn.execute(
        "CREATE TABLE IF NOT EXISTS server_setting ("
        " guild_id INTEGER NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL,"
        " PRIMARY KEY (guild_id, name))"
    )
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    conn.execute("COMMIT")


def checked_changes(changes: Mapping[str, Value], reset: frozenset[str]) -> dict[str, Value]:
    """The changes as stored, once every one and every reset name is valid."""
    checked = {name: validate(name, value) for name, value in changes.items()}
    unknown = sorted(reset - set(NAMES))
    if unknown:
        raise ServerSettingsError(f"{unknown[0]}: no such setting")
    return checked


def view_of(defaults: ServerSettings, rows: Iterable[tuple[str, str]]) -> ServerView:
    """A server's view from its stored (name, value) rows over the defaults."""
    chosen: dict[str, Value] = {}
    for name, raw in rows:
        usable, value = _read(name, raw)
        if usable:
            chosen[name] = value
    values = replace(defaults, **chosen)  # type: ignore[arg-type]
    return ServerView(values, frozenset(chosen))


# Values are stored as text ("none", "true", "0.3"), readable with the sqlite3 shell.


def encode(value: Value) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def _read(name: str, raw: str) -> tuple[bool, Value]:
    """(True, value) for a stored value; (False, None) for a row edited by hand into nonsense
    or a setting this version does not know (the default then applies, and the log says so)."""
    try:
        return True, validate(name, _decode(name, raw))
    except (ServerSettingsError, ValueError):
        log.warning("ignoring an unusable stored value for setting %s", name)
        return False, None


def _decode(name: str, raw: str) -> Value:
    if raw == "none":
        return None
    if raw in ("true", "false"):
        return raw == "true"
    kind = _RANGES[name][0] if name in _RANGES else int
    return kind(raw)  # type: ignore[no-any-return]


def is_editor(settings: ServerSettings, role_ids: frozenset[int], manage_guild: bool) -> bool:
    """Whether a member may edit the server's collection: Manage Server always may; with an
    editor role set, its holders may too. For the collection commands (/add, /remove)."""
    return manage_guild or (settings.editor_role is not None and settings.editor_role in role_ids)
