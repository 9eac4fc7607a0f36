"""A real PostgreSQL for the fleet tests: `CITEBOT_TEST_PG_DSN`, or one started here.

The server is started once per session (about a second); each test gets a fresh database,
dropped afterwards. `.ci/run` installs Debian's PostgreSQL when it is missing.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

# --import-mode=importlib puts no test directory on sys.path (see tests/e2e/conftest.py).
if str(Path(__file__).parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).parent))

from pg_server import LocalServer, find_bin_dir, fresh_database, local_server


@dataclass(frozen=True)
class PgServer:
    """The server the fleet tests use: its admin URL, and the cluster when it is ours."""

    url: str
    local: LocalServer | None

    def restart(self) -> None:
        """Restart PostgreSQL (only a server these tests started can be restarted)."""
        if self.local is None:
            pytest.skip("CITEBOT_TEST_PG_DSN names a server these tests cannot restart")
        self.local.restart()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """The session's PostgreSQL server."""
    given = os.environ.get("CITEBOT_TEST_PG_DSN", "").strip()
    if given:
        yield PgServer(given, None)
        return
    bin_dir = find_bin_dir()
    if bin_dir is None:
        pytest.skip("no PostgreSQL: install Debian's postgresql or set CITEBOT_TEST_PG_DSN")
    with local_server(bin_dir) as server:
        yield PgServer(server.url, server)


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """A postgresql:// URL of a fresh, empty database of its own."""
    with fresh_database(pg_server.url) as url:
        yield url
