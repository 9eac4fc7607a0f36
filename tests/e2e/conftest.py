"""Fixtures for end-to-end tests against the fake Discord (tests/e2e/fake_discord)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import AsyncIterator, Callable, Collection, Iterator
from pathlib import Path
from typing import Any

import pytest

# The suite runs with --import-mode=importlib, which puts no test directory on sys.path:
# make `import fake_discord` work for this directory's tests explicitly.
if str(Path(__file__).parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).parent))

from bot_fixtures import rejected, write_lighthouses
from fake_discord import FakeDiscord
from fake_discord.harness import point_discord_at, run_client

from bot.config import Settings
from bot.discord_app import CitebotClient, create_client

StartBot = Callable[..., contextlib.AbstractAsyncContextManager[CitebotClient]]


@pytest.fixture
async def fake_discord(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    """A started FakeDiscord with discord.py's REST base and gateway URL pointed at it."""
    async with FakeDiscord() as fake:
        point_discord_at(fake, monkeypatch)
        yield fake


@pytest.fixture
def start_bot(fake_discord: FakeDiscord, tmp_path: Path) -> StartBot:
    """Runs the real bot (`create_client(settings)`) against the fake until the block ends.

    On a clean exit it checks that Discord rejected nothing the bot sent, except the
    `(status, route key)` pairs listed in `expected_errors` (injected faults). The corpus
    watcher is off unless a test turns it on (`watch=True`): tests that edit the corpus and
    then /reindex expect to see those edits in the reindex's summary."""

    @contextlib.asynccontextmanager
    async def start(
        corpus: Path, *, expected_errors: Collection[tuple[int, str]] = (), **overrides: Any
    ) -> AsyncIterator[CitebotClient]:
        settings = Settings(
            corpus=corpus,
            db=tmp_path / "citebot.db",
            discord_token=fake_discord.token,
            **({"watch": False} | overrides),
        )
        client = create_client(settings)
        # discord.py waits guild_ready_timeout (2 s) after the last GUILD_CREATE before READY;
        # the fake sends every guild at once, so waiting is pointless here.
        client._connection.guild_ready_timeout = 0.05
        async with run_client(client, fake_discord):
            yield client
        unexpected = [e for e in rejected(fake_discord.requests) if e not in expected_errors]
        assert not unexpected, f"Discord rejected requests: {unexpected}"

    return start


@pytest.fixture
def lighthouses(corpus_dir: Path, write_article: Callable[..., Path]) -> Path:
    """A corpus where "Who was the lighthouse keeper?" has three pages of passages."""
    write_lighthouses(write_article)
    return corpus_dir


@pytest.fixture(scope="session")
def pg_admin_url() -> Iterator[str]:
    """A PostgreSQL server for the fleet tests, started on first use (tests/fleet/pg_server.py)."""
    from fleet_postgres import find_bin_dir, local_server

    bin_dir = find_bin_dir()
    if bin_dir is None:
        pytest.skip("no PostgreSQL: install Debian's postgresql")
    with local_server(bin_dir) as server:
        yield server.url
