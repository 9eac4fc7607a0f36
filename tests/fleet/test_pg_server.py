"""The fixture's PostgreSQL is real, and each test's database starts empty."""

from __future__ import annotations

import psycopg


def test_each_test_gets_an_empty_database_of_its_own(pg_url: str):
    with psycopg.connect(pg_url, autocommit=True) as conn:
        tables = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()
        conn.execute("CREATE TABLE scratch (x int)")
    assert tables == (0,)


def test_the_server_survives_a_restart(pg_server, pg_url: str):
    pg_server.restart()
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
