"""The program creates and upgrades its own schema, once, from an empty database."""

from __future__ import annotations

import threading

import psycopg

from bot.fleet.connect import connect
from bot.fleet.schema import LATEST, migrate, schema_version

TABLES = {
    "schema_version",
    "collections",
    "articles",
    "generations",
    "processes",
    "served",
    "server_settings",
    "server_settings_changed",
    "feeds",
    "feed_entries",
}


def _tables(conn) -> set[str]:
    rows = conn.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
    )
    return {name for (name,) in rows}


def test_an_empty_database_gets_every_table_and_the_latest_version(pg_url):
    with psycopg.connect(pg_url, autocommit=True) as conn:
        assert _tables(conn) == set()
        assert migrate(conn) == LATEST
        assert _tables(conn) == TABLES
        assert schema_version(conn) == LATEST


def test_applying_the_migrations_again_changes_nothing(pg_url):
    with connect(pg_url) as conn:
        conn.execute("INSERT INTO collections (name) VALUES ('shared')")
    with connect(pg_url) as conn:
        assert migrate(conn) == LATEST
        versions = conn.execute("SELECT version FROM schema_version ORDER BY version").fetchall()
        assert versions == [(v,) for v in range(1, LATEST + 1)]
        assert conn.execute("SELECT name FROM collections").fetchall() == [("shared",)]


def test_processes_starting_together_migrate_once(pg_url):
    errors: list[BaseException] = []

    def start() -> None:
        try:
            connect(pg_url).close()
        except BaseException as exc:  # reported below: a thread cannot fail the test
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT count(*) FROM schema_version").fetchone() == (LATEST,)
