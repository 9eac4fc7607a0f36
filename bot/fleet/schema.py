"""The fleet's PostgreSQL schema, created and upgraded by the program itself.

Each migration is a list of statements, applied once, in order, in one transaction that
also records its number in `schema_version`; an advisory lock makes processes starting
together take turns. Migrations only ever add (tables, columns, indexes), so a process of
the previous release keeps working on an upgraded database during a rolling upgrade.

Articles are versioned by generation: a row is the article as it was from generation
`added_in` until `removed_in` (exclusive; NULL while current). Reading a collection "at
generation N" is therefore exact, and no reader can see half of a change.
"""

from __future__ import annotations

import logging

import psycopg
from psycopg.rows import TupleRow

log = logging.getLogger(__name__)

# pg_advisory_xact_lock key: "citebot" in ASCII, so no other program's lock is taken by chance.
MIGRATION_LOCK = 0x63697465626F74

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE collections (
            name text PRIMARY KEY,
            created_at timestamptz NOT NULL DEFAULT now()
        )""",
        """CREATE TABLE generations (
            collection text NOT NULL REFERENCES collections (name),
            generation bigint NOT NULL CHECK (generation > 0),
            committed_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (collection, generation)
        )""",
        """CREATE TABLE articles (
            collection text NOT NULL REFERENCES collections (name),
            article_id text NOT NULL,
            added_in bigint NOT NULL,
            removed_in bigint CHECK (removed_in > added_in),
            file_name text NOT NULL,
            content bytea NOT NULL,
            sha256 text NOT NULL,
            title text NOT NULL,
            author text,
            date text,
            PRIMARY KEY (collection, article_id, added_in)
        )""",
        """CREATE UNIQUE INDEX articles_current ON articles (collection, article_id)
            WHERE removed_in IS NULL""",
        """CREATE TABLE processes (
            name text PRIMARY KEY,
            shard_ids integer[],
            shard_count integer,
            started_at timestamptz NOT NULL DEFAULT now(),
            heartbeat_at timestamptz NOT NULL DEFAULT now()
        )""",
        """CREATE TABLE served (
            process text NOT NULL REFERENCES processes (name) ON DELETE CASCADE,
            collection text NOT NULL REFERENCES collections (name),
            generation bigint NOT NULL,
            served_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (process, collection)
        )""",
    ),
    (
        # Per-server settings (bot/fleet/settings_store.py): only the values a server chose,
        # as the SQLite state file keeps them. Each change takes the next number of
        # `server_settings_change` for its server, so a process can ask what changed since
        # the number it last saw.
        """CREATE TABLE server_settings (
            guild_id bigint NOT NULL,
            name text NOT NULL,
            value text NOT NULL,
            PRIMARY KEY (guild_id, name)
        )""",
        "CREATE SEQUENCE server_settings_change",
        """CREATE TABLE server_settings_changed (
            guild_id bigint PRIMARY KEY,
            change bigint NOT NULL
        )""",
        # Feeds (bot/fleet/feed_store.py): the SQLite state file's feed tables, times kept
        # as the same fixed-width ISO text.
        """CREATE TABLE feeds (
            collection text NOT NULL,
            url text NOT NULL,
            added_at text NOT NULL,
            last_run_at text,
            last_status text,
            last_error text,
            last_added integer,
            failures integer NOT NULL DEFAULT 0,
            next_due_at text NOT NULL,
            PRIMARY KEY (collection, url)
        )""",
        """CREATE TABLE feed_entries (
            collection text NOT NULL,
            url text NOT NULL,
            entry_id text NOT NULL,
            status text NOT NULL,
            attempts integer NOT NULL,
            at text NOT NULL,
            PRIMARY KEY (collection, url, entry_id),
            FOREIGN KEY (collection, url) REFERENCES feeds (collection, url) ON DELETE CASCADE
        )""",
    ),
)

LATEST = len(MIGRATIONS)


def migrate(conn: psycopg.Connection[TupleRow]) -> int:
    """Bring the schema up to date (a no-op when it is); returns the database's version."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_version ("
            " version integer PRIMARY KEY,"
            " applied_at timestamptz NOT NULL DEFAULT now())"
        )
        current = schema_version(conn)
        for version in range(current + 1, LATEST + 1):
            for statement in MIGRATIONS[version - 1]:
                conn.execute(statement)
            conn.execute("INSERT INTO schema_version (version) VALUES (%s)", (version,))
            log.info("database schema upgraded to version %d", version)
    if current > LATEST:
        log.warning("database schema %d is newer than this program's %d", current, LATEST)
    return max(current, LATEST)


def schema_version(conn: psycopg.Connection[TupleRow]) -> int:
    """The highest migration applied (0 for an empty database)."""
    row = conn.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()
    return int(row[0]) if row else 0
