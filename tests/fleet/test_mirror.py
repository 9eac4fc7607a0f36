"""Mirroring a generation into a local folder: exact, incremental, and indexable as usual."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bot.fleet.connect import connect
from bot.fleet.mirror import MARKER, held_generation, mirror_generation
from bot.fleet.model import StoredArticle
from bot.fleet.store import articles_at, commit_collection
from bot.index.build import reindex
from bot.index.search import load_index


def _article(article_id: str, text: str, suffix: str = ".txt") -> StoredArticle:
    body = f"---\ntitle: {article_id}\n---\n\n{text}\n"
    return StoredArticle(article_id, f"{article_id}{suffix}", body.encode(), article_id)


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and p.name != MARKER
    }


def _expected(conn, generation: int) -> dict[str, bytes]:
    return {a.file_name: a.content for a in articles_at(conn, "c", generation)}


@pytest.fixture
def conn(pg_url):
    with connect(pg_url) as conn:
        yield conn


def test_moving_on_writes_only_what_changed_and_deletes_only_what_went(conn, tmp_path):
    folder = tmp_path / "mirror"
    same = _article("same", "Untouched since the first generation.")
    commit_collection(conn, "c", [same, _article("edited", "old"), _article("gone", "bye")])
    first = mirror_generation(conn, "c", 1, folder)
    assert (first.full, sorted(first.written)) == (True, ["edited.txt", "gone.txt", "same.txt"])
    before = (folder / "same.txt").stat()
    commit_collection(conn, "c", [same, _article("edited", "new"), _article("news/new", "hi")])
    second = mirror_generation(conn, "c", 2, folder)
    assert (second.full, second.written, second.deleted) == (
        False,
        ("edited.txt", "news/new.txt"),
        ("gone.txt",),
    )
    assert _files(folder) == _expected(conn, 2) and held_generation(folder) == 2
    after = (folder / "same.txt").stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert mirror_generation(conn, "c", 2, folder).written == ()


def test_a_folder_of_unknown_or_newer_generation_is_rebuilt_whole(conn, tmp_path):
    folder = tmp_path / "mirror"
    commit_collection(conn, "c", [_article("a", "one")])
    commit_collection(conn, "c", [_article("a", "two")])
    folder.mkdir()
    (folder / "stray.txt").write_text("not in any generation")
    (folder / MARKER).write_text("7")
    done = mirror_generation(conn, "c", 2, folder)
    assert (done.full, done.deleted) == (True, ("stray.txt",))
    assert _files(folder) == _expected(conn, 2)


def test_a_renamed_file_moves_and_the_mirror_stays_exact_over_many_generations(conn, tmp_path):
    rng = random.Random(14)
    folder, articles, deltas = tmp_path / "mirror", {}, 0
    for step in range(1, 16):
        for article_id in rng.sample([f"a{i}" for i in range(8)], 3):
            choice = rng.choice(["write", "write", "remove", "rename"])
            if choice == "remove":
                articles.pop(article_id, None)
            else:
                suffix = ".md" if choice == "rename" else ".txt"
                articles[article_id] = _article(article_id, f"step {step}", suffix)
        generation = commit_collection(conn, "c", list(articles.values())).generation
        if generation is not None and rng.random() < 0.5:
            deltas += not mirror_generation(conn, "c", generation, folder).full
            assert _files(folder) == _expected(conn, generation)
    assert deltas >= 3  # the incremental path, not only full rebuilds, was checked


def test_the_single_process_index_builds_from_a_mirrored_generation(conn, tmp_path):
    folder = tmp_path / "mirror"
    commit_collection(conn, "c", [_article("lamps", "The lighthouse lamp turns all night.")])
    mirror_generation(conn, "c", 1, folder)
    reindex(folder, tmp_path / "index.db")
    commit_collection(conn, "c", [_article("tides", "Spring tides flood the harbour wall.")])
    mirror_generation(conn, "c", 2, folder)
    summary = reindex(folder, tmp_path / "index.db")
    assert (summary.added, summary.removed) == (("tides",), ("lamps",))
    index = load_index(tmp_path / "index.db")
    assert [a.id for a in index.articles] == ["tides"]


def test_a_move_interrupted_half_way_is_finished_whole_and_leaves_no_stray_article(conn, tmp_path):
    folder = tmp_path / "mirror"
    commit_collection(conn, "c", [_article("a", "kept")])
    mirror_generation(conn, "c", 1, folder)
    # Generation 2 adds two articles; the second cannot be written (a file stands where its
    # folder goes), so the move stops after writing the first.
    commit_collection(conn, "c", [_article("a", "kept"), _article("b", "x"), _article("c/d", "y")])
    (folder / "c").write_text("in the way")
    with pytest.raises(OSError):
        mirror_generation(conn, "c", 2, folder)
    assert (folder / "b.txt").exists()
    (folder / "c").unlink()
    # Generation 3 removes the article the interrupted move wrote: no list of changes from
    # generation 1 names it, so the folder must be compared whole.
    commit_collection(conn, "c", [_article("a", "kept"), _article("c/d", "y")])
    done = mirror_generation(conn, "c", 3, folder)
    assert done.full and "b.txt" in done.deleted
    assert _files(folder) == _expected(conn, 3) and held_generation(folder) == 3


def test_a_move_names_the_generation_it_started_from_and_the_articles_it_moved(conn, tmp_path):
    folder = tmp_path / "mirror"
    commit_collection(conn, "c", [_article("a", "one"), _article("gone", "bye")])
    assert mirror_generation(conn, "c", 1, folder).since is None
    commit_collection(conn, "c", [_article("a", "one", ".md"), _article("news/b", "two")])
    moved = mirror_generation(conn, "c", 2, folder)
    assert (moved.full, moved.since) == (False, 1)
    assert moved.article_ids == ("a", "gone", "news/b")
    assert mirror_generation(conn, "c", 2, folder).since == 2
