"""Shared fixtures: small real corpora on disk and real SQLite indexes built from them."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from support import front_matter_article

from bot.index.build import reindex
from bot.index.search import SearchIndex, load_index

REPO = Path(__file__).resolve().parent.parent
BUNDLED_CORPUS = REPO / "corpus"

WriteArticle = Callable[..., Path]

# No per-example deadline: it is a timing assertion, and on a busy 2-core machine one slow
# example of a correct function fails the run. Work is bounded by tests that count it.
settings.register_profile("citebot", deadline=None)
settings.load_profile("citebot")


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    """An empty corpus folder."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    return folder


@pytest.fixture
def write_article(corpus_dir: Path) -> WriteArticle:
    """Write `corpus/<name>.txt` in front matter format; returns its path."""

    def write(name: str, title: str, paragraphs: list[str], **meta: str) -> Path:
        path = corpus_dir / f"{name}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(front_matter_article(title, paragraphs, **meta), encoding="utf-8")
        return path

    return write


@pytest.fixture
def bundled_corpus(tmp_path: Path) -> Path:
    """A copy of the repository's bundled corpus."""
    return Path(shutil.copytree(BUNDLED_CORPUS, tmp_path / "bundled"))


@pytest.fixture(scope="module")
def own_words_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    """The own-words set's corpus (benchmarks/own_words, in the repository), indexed once
    for a module's tests: eleven real articles for questions on neighbouring topics."""
    db = tmp_path_factory.mktemp("own-words") / "index.db"
    reindex(Path(__file__).parent.parent / "benchmarks" / "own_words" / "corpus", db)
    index = load_index(db)
    yield index
    index.close()


@pytest.fixture
def bundled_index(bundled_corpus: Path, tmp_path: Path) -> Iterator[SearchIndex]:
    """The bundled corpus, indexed into a real SQLite file and loaded."""
    db = tmp_path / "bundled.db"
    reindex(bundled_corpus, db)
    index = load_index(db)
    yield index
    index.close()
