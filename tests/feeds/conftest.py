"""Fixtures for the feed tests: the news site on 127.0.0.1, real folders, a real state file."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# --import-mode=importlib puts no test directory on sys.path: make `import feed_site` work.
if str(Path(__file__).parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).parent))

from collection_samples import FILLER, article_bytes
from feed_site import FeedSite, serving

from bot.config import Settings
from bot.feeds import FeedStore


@pytest.fixture
def site() -> Iterator[FeedSite]:
    with serving() as running:
        yield running


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """A shared corpus with one article, collections in tmp_path, fetching from 127.0.0.1
    allowed and a 1 s time-out."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "filler.txt").write_bytes(article_bytes("Town news", FILLER))
    return Settings(
        corpus=corpus,
        db=tmp_path / "shared.db",
        collections=tmp_path / "collections",
        state_db=tmp_path / "state.db",
        fetch_allow_private=True,
        fetch_timeout_seconds=1.0,
    )


@pytest.fixture
def store(settings: Settings) -> FeedStore:
    return FeedStore(settings.state_path)
