"""A served index's write-ahead log, started over after each new generation is served.

Used by every holder of a served index that is rebuilt while it serves: the shared
library (`bot.library`) and the server collections (`bot.collections.serving`).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from pathlib import Path

from bot.index import store
from bot.index.search import SearchIndex

log = logging.getLogger(__name__)

# How long the copy waits for the previous generation to be let go of. The swap itself can
# outrun the last reference: the worker thread that loaded the new index holds the old one
# (its `previous`) until it has finished handing the result back, a moment after the event
# loop has already swapped. Seen as a log that grew by a generation under CPU load.
RELEASE_WAIT_SECONDS = 0.25
RELEASE_POLL_SECONDS = 0.02


def restart_log(db: Path, index: SearchIndex) -> None:
    """Copy the write-ahead log into the database, then take the index's snapshot again.

    A served index pins its snapshot, and SQLite starts its log over only when no snapshot
    is using it: with one always pinned, the log grew by every generation written (about
    40 MB an add at 100k paragraphs, 1.2 GB after 15 adds). Once the previous generation is
    released, the log is copied in and the index takes a snapshot of the database alone, so
    the next write starts the log over. The copy writes the database file, whose time says
    when the folder was last compared (`bot.index.freshness`), so that time is put back. No
    lock is taken (nothing is created in the folder, which may be the bundled corpus): a
    reindex that sets the time meanwhile may see it put back to the earlier one, which only
    makes the folder look changed, and the next open compares it again. Nothing is done for
    a generation a question still uses: the next reload tries again.
    """
    if not os.path.exists(f"{db}-wal"):
        return
    try:
        status = os.stat(db)
        try:
            _checkpoint_once_released(db)
        finally:
            os.utime(db, ns=(status.st_atime_ns, status.st_mtime_ns))
    except (OSError, store.StoreError, sqlite3.Error) as exc:
        # Housekeeping: it never fails a reload (a read-only folder, a locked database).
        log.debug("the write-ahead log of %s was not copied in: %s", db, exc)
        return
    index.repin(db)


def _checkpoint_once_released(db: Path) -> None:
    """Copy the log in, trying again for a moment while a reader still holds part of it."""
    deadline = time.monotonic() + RELEASE_WAIT_SECONDS
    while not checkpoint(db) and time.monotonic() < deadline:
        time.sleep(RELEASE_POLL_SECONDS)


def checkpoint(db: Path) -> bool:
    """Copy the database's write-ahead log into it, as far as no reader still needs it:
    whether all of it was copied."""
    conn = store.connect(db)
    try:
        _busy, frames, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    finally:
        conn.close()
    return bool(frames == copied)
