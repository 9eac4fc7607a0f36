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
