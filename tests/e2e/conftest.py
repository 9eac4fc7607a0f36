"""Fixtures for end-to-end tests against the fake Discord (tests/e2e/fake_discord)."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

# The suite runs with --import-mode=importlib, which puts no test directory on sys.path:
# make `import fake_discord` work for this directory's tests explicitly.
if str(Path(__file__).parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).parent))

from fake_discord import FakeDiscord
from fake_discord.harness import point_discord_at


@pytest.fixture
async def fake_discord(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    """A started FakeDiscord with discord.py's REST base and gateway URL pointed at it."""
    async with FakeDiscord() as fake:
        point_discord_at(fake, monkeypatch)
        yield fake
