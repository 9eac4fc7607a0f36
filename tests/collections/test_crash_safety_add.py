"""SIGKILL during `citebot add` leaves the collection as it was or with the article added.

A real `citebot add` process is killed at random moments. Every time, the folder holds the
old articles or the old ones plus the whole new file (never part of it), the index passes
SQLite's integrity check, and once opened the collection serves exactly what its folder
holds; the next add works (no lock is left behind).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from collection_samples import article_bytes, folder_state

from bot.collections import add_article, collection, file_source, open_collection
from bot.config import Settings

KILLS = 16
WORDS = "troop border treaty harvest orchard river senate ballot rocket vaccine glacier".split()


def paragraphs(seed: int) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) for _ in range(30)) + f" s{seed} p{p}." for p in range(8)]


def is_temporary(name: str) -> bool:
    """A file an atomic write was writing when its process was killed."""
    return name.startswith(".") and name.endswith(".citebot-tmp")


def article_files(folder: Path) -> dict[str, bytes]:
    """The folder's files less a killed writer's hidden temporary file: not an article (the
    scan skips dot names), and swept by the next add (checked at the end)."""
    return {name: data for name, data in folder_state(folder).items() if not is_temporary(name)}


def served(target) -> dict[str, tuple[str, ...]]:
    """Every article the opened collection serves, with its paragraphs."""
    index = open_collection(target)
    try:
        return {
            a.id: tuple(index.paragraph(a.first_doc + i).text for i in range(a.paragraph_count))
            for a in index.articles
        }
    finally:
        index.close()


def add_process(tmp_path: Path, seed: int) -> subprocess.Popen[bytes]:
    source = tmp_path / f"new{seed}.txt"
    source.write_bytes(article_bytes(f"New {seed}", paragraphs(seed)))
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "add", str(source), "--collection", "c"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=tmp_path,
        env={**os.environ, "CITEBOT_LOG_LEVEL": "ERROR", "CITEBOT_COLLECTIONS": "collections"},
    )


@pytest.mark.slow
def test_sigkill_during_add_leaves_the_old_or_the_new_collection(tmp_path: Path):
    (tmp_path / "corpus").mkdir()
    settings = Settings(corpus=tmp_path / "corpus", collections=tmp_path / "collections")
    target = collection(settings, "c")
    for seed in range(60):
        add_article(
            target, file_source(f"a{seed}.txt", article_bytes(f"Old {seed}", paragraphs(seed)))
        )
    started = time.monotonic()
    assert add_process(tmp_path, 1000).wait() == 0
    full_run = time.monotonic() - started
    rng = random.Random(2026)
    outcomes = []
    for kill in range(KILLS):
        seed = 2000 + kill
        before = article_files(target.folder)
        process = add_process(tmp_path, seed)
        time.sleep(full_run * 1.5 * (kill + rng.random()) / KILLS)
        process.send_signal(signal.SIGKILL)
        process.wait()
        with sqlite3.connect(target.db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        after = article_files(target.folder)
        added = {name: data for name, data in after.items() if name not in before}
        assert {n: after[n] for n in before} == before
        assert added in ({}, {f"new-{seed}.txt": article_bytes(f"New {seed}", paragraphs(seed))})
        articles = served(target)
        assert set(articles) == {name.removesuffix(".txt") for name in after}
        if added:
            assert articles[f"new-{seed}"] == tuple(paragraphs(seed))
        outcomes.append(bool(added))
    assert any(outcomes) and not all(outcomes), outcomes
    final = add_article(target, file_source("last.txt", article_bytes("Last", paragraphs(9999))))
    assert final.article_id == "last"
    assert not [name for name in folder_state(target.folder) if is_temporary(name)]
