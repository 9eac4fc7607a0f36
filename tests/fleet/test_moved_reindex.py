"""A fleet move's reindex (`reindex_moved`): the postings patched from the served
generation's in memory are exactly those a load reads back, and are served as written; when
the database no longer holds the served generation, they are read from it as before."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np

from bot.index.build import reindex
from bot.index.search import SearchIndex, load_index
from bot.index.targeted import reindex_moved

WORDS = (
    "harbour lamp tide otter comet orbit glacier valley river storm lighthouse keeper"
    " whale song island bridge forest fire winter market bread salt copper mine"
).split()


def _write(folder: Path, name: str, seed: int) -> None:
    rng = random.Random(seed)
    paragraphs = [" ".join(rng.choices(WORDS, k=rng.randint(12, 30))) for _ in range(3)]
    text = "\n\n".join(p.capitalize() + "." for p in paragraphs)
    (folder / f"{name}.txt").write_text(f"{name.title()}\n\n{text}\n")


def _same_postings(a: SearchIndex, b: SearchIndex) -> None:
    for field in ("ptr", "docs", "tfs", "doc_lengths"):
        x, y = getattr(a.compiled.postings, field), getattr(b.compiled.postings, field)
        assert x.dtype == y.dtype and np.array_equal(x, y), field


def _library(tmp_path: Path) -> tuple[Path, Path, SearchIndex]:
    folder, db = tmp_path / "corpus", tmp_path / "index.db"
    folder.mkdir()
    for n in range(40):  # two touched stay under the share that is patched
        _write(folder, f"a{n:02}", n)
    reindex(folder, db)
    served = load_index(db)
    assert len(served.articles) == 40
    return folder, db, served


def test_the_patched_postings_are_served_as_written_and_equal_what_is_stored(tmp_path):
    folder, db, served = _library(tmp_path)
    _write(folder, "a03", 100)  # changed
    (folder / "a07.txt").unlink()  # and removed
    summary, written = reindex_moved(folder, db, ["a03", "a07"], served.held())
    assert (summary.changed, summary.removed) == (("a03",), ("a07",))
    assert written is not None and written.generation == served.generation + 1
    moved = load_index(db, previous=served, written=written)
    assert moved.compiled is written.compiled and moved.generation == written.generation
    _same_postings(moved, load_index(db))  # what a load reads back, dtypes included


def test_postings_are_read_from_the_database_when_it_moved_past_the_served_generation(
    tmp_path,
):
    folder, db, served = _library(tmp_path)
    _write(folder, "a01", 200)
    reindex(folder, db)  # another generation written since the one served
    _write(folder, "a02", 300)
    _, written = reindex_moved(folder, db, ["a02"], served.held())
    assert written is None
    stale = served.held()
    moved = load_index(db, previous=served)
    _same_postings(moved, load_index(db))
    assert stale.generation == served.generation < moved.generation
