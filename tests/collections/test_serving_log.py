"""A served collection's write-ahead log starts over after each reload instead of growing.

A served index pins a snapshot of its database. SQLite can start its log over only when no
snapshot uses it, so with one always pinned the log grew by every generation written (at
100k paragraphs, 40 MB an add: 1.2 GB after 15 adds), and a dropped generation's snapshot
stayed open until the next full garbage collection.
"""

from __future__ import annotations

import gc
import os
import sqlite3
import threading

from collection_samples import FERRY, FILLER, ORCHARD, article_bytes

from bot.collections import (
    ServedCollections,
    add_article,
    collection,
    file_source,
    open_collection,
    remove_article,
    shared_collection,
)
from bot.index import wal
from bot.index.freshness import corpus_is_newer, last_written
from bot.index.search import load_index

# A long article, so that every generation writes a good number of pages.
LONG = [f"{sentence} (part {n})" for n in range(40) for sentence in ORCHARD]


def log_size(found) -> int:
    return os.path.getsize(f"{found.db}-wal")


def test_the_log_stops_growing_when_a_served_collection_is_reloaded_after_each_add(settings):
    found = collection(settings, "server-1")
    add_article(found, file_source("f.txt", article_bytes("Town news", FILLER)))
    served = ServedCollections()
    served.index(found)
    sizes = []
    gc.disable()  # a collection now and then must not be what keeps the log small
    try:
        for n in range(6):
            report = add_article(found, file_source(f"l{n}.txt", article_bytes(f"L {n}", LONG)))
            served.reload(found)
            remove_article(found, report.article_id)
            served.reload(found)
            sizes.append(log_size(found))
    finally:
        gc.enable()
    assert sizes[-1] == sizes[1], sizes


def test_reloading_keeps_the_time_the_folder_was_last_compared(settings):
    found = collection(settings, "server-1")
    served = ServedCollections()
    add_article(found, file_source("f.txt", article_bytes("Town news", FILLER)))
    served.index(found)
    add_article(found, file_source("o.txt", article_bytes("Orchard", ORCHARD)))
    compared = last_written(found.db)
    served.reload(found)  # copies the log into the database file
    assert last_written(found.db) == compared
    assert not corpus_is_newer(found.folder, found.db)


def test_a_dropped_generation_lets_go_of_its_snapshot_at_once(settings):
    found = collection(settings, "server-1")
    add_article(found, file_source("f.txt", article_bytes("Town news", FILLER)))
    gc.disable()
    try:
        index = load_index(found.db)
        add_article(found, file_source("o.txt", article_bytes("Orchard", ORCHARD)))
        del index
        with sqlite3.connect(found.db) as conn:
            _, frames, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    finally:
        gc.enable()
    assert frames > 0 and copied == frames


def test_an_index_is_not_repinned_to_another_generation(settings):
    found = collection(settings, "server-1")
    add_article(found, file_source("f.txt", article_bytes("Town news", FILLER)))
    index = load_index(found.db)
    assert index.repin(found.db)
    add_article(found, file_source("o.txt", article_bytes("Ferry", FERRY)))
    assert not index.repin(found.db)
    assert [a.id for a in index.articles] == ["town-news"]
    assert index.paragraph(0).text == FILLER[0]  # still read from its own generation
    index.close()


def test_a_reload_works_when_the_log_cannot_be_copied_in(settings, monkeypatch):
    found = collection(settings, "server-1")
    served = ServedCollections()
    add_article(found, file_source("f.txt", article_bytes("Town news", FILLER)))
    served.index(found)
    add_article(found, file_source("o.txt", article_bytes("Orchard", ORCHARD)))
    compared = last_written(found.db)

    def failing(db):  # as a disk that fails while the log is copied in
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(wal, "checkpoint", failing)
    index = served.reload(found)
    assert sorted(a.id for a in index.articles) == ["orchard", "town-news"]
    assert last_written(found.db) == compared


def test_serving_the_shared_collection_writes_nothing_in_its_folder(settings):
    shared = shared_collection(settings)
    served = ServedCollections()
    served.index(shared)
    before = sorted(p.name for p in settings.corpus.iterdir())
    open_collection(shared).close()  # leaves a log behind for the reload to copy in
    assert os.path.exists(f"{shared.db}-wal")
    served.reload(shared)
    assert sorted(p.name for p in settings.corpus.iterdir()) == before == ["filler.txt"]


def test_the_log_is_copied_in_when_the_old_generation_is_let_go_a_moment_after_the_swap(
    settings,
):
    # As the worker thread that loaded the new index: it holds the old one (its `previous`)
    # a moment after the event loop has swapped and asked for the log to be copied in.
    found = collection(settings, "server-1")
    add_article(found, file_source("f.txt", article_bytes("Town news", FILLER)))
    held = [load_index(found.db)]
    add_article(found, file_source("l.txt", article_bytes("Long", LONG)))
    fresh = load_index(found.db)
    threading.Timer(0.1, held.clear).start()
    gc.disable()
    try:
        wal.restart_log(found.db, fresh)
        with sqlite3.connect(found.db) as conn:
            _, frames, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    finally:
        gc.enable()
    assert not held
    assert frames > 0 and copied == frames
    fresh.close()
