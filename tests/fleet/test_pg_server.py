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


def test_a_server_left_by_a_killed_run_is_stopped_by_the_next(pg_server):
    import pytest
    from pg_server import OWNER, local_server, stop_abandoned

    if pg_server.local is None:
        pytest.skip("CITEBOT_TEST_PG_DSN names a server these tests did not start")
    gone = _dead_pid()
    with local_server(pg_server.local.bin_dir) as left:
        (left.root / OWNER).write_text(str(gone))
        assert stop_abandoned(left.bin_dir) == [left.root]
        assert not left.root.exists()
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(left.url, connect_timeout=5)
    assert pg_server.local.root.exists()  # the running session's own server is kept


def _dead_pid() -> int:
    import subprocess

    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid
