"""Real collections on disk: a shared corpus folder and a collections folder in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest
from collection_samples import FILLER, article_bytes

from bot.config import Settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings with an empty shared corpus and no collections yet."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "filler.txt").write_bytes(article_bytes("Town news", FILLER))
    return Settings(corpus=corpus, db=tmp_path / "shared.db", collections=tmp_path / "collections")
