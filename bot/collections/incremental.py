"""Indexing a change the collection made itself, without comparing the whole folder again.

An add, remove or restore knows which files it wrote or took away, so only their articles
are reindexed (`bot.index.targeted`); at 100k paragraphs comparing all 10,000 files took
about half a second of the one second an add took. That is only right if nothing else
changed, so it is checked on both sides:

- before (`Baseline`): the index is current, and the collection's folder (its list of
  names) did not change since the index last compared the folder (the index file's time,
  `bot.index.freshness`); its names are listed first;
- after: every entry that changed since that comparison is ours: a file written, with the
  times it had once written, or the collection's folder, holding exactly the names it held
  plus those added and minus those taken away. Hidden names are never read as articles
  (`.citebot/` holds the trash, the lock and the index), so they do not count.

Then the index file's time moves on, as after a full reindex (the folder has been compared
up to that moment); otherwise, or for an article in a subfolder, a full reindex runs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from bot.collections.articles import update_index
from bot.collections.layout import Collection
from bot.corpus import article_id_for
from bot.index import store
from bot.index.build import ReindexSummary
from bot.index.freshness import changes_after, last_written
from bot.index.targeted import reindex_articles


@dataclass(frozen=True)
class Baseline:
    """The collection before a change of its own (take it under the collection's lock)."""

    names: frozenset[str]  # in the collection's folder, as the index holds them
    compared: int | None  # when the index last compared the folder (None: it never did)


def baseline(collection: Collection) -> Baseline:
    """The folder's names, and when the index last compared the folder, if the folder's
    names have not changed since and the index is current (otherwise `compared` is None)."""
    if not collection.folder.is_dir():
        return Baseline(frozenset(), None)
    names = _names(collection.folder)  # before its time is read: a later change shows there
    compared = last_written(collection.db)
    if compared is None or _changed(collection.folder) > compared:
        return Baseline(names, None)
    return Baseline(names, compared if store.is_current(collection.db) else None)


def index_change(
    collection: Collection, before: Baseline, written: list[Path], gone: list[Path]
) -> ReindexSummary:
    """Index the change: files `written` and `gone` (directly in the collection's folder)."""
    touched = [*written, *gone]
    if before.compared is None or any(p.parent != collection.folder for p in touched):
        return update_index(collection)
    times = {os.path.abspath(p): _times(p) for p in written}
    ids = [article_id_for(p.relative_to(collection.folder)) for p in touched]
    summary = reindex_articles(collection.folder, collection.db, ids)
    # Copying the log into the database at commit or close writes its file, whose time would
    # then claim the folder compared up to now; until it is checked, it was not.
    os.utime(collection.db, ns=(before.compared, before.compared))
    checked = _file_system_now(collection) - 1  # a change from now on is stamped later
    added, removed = {p.name for p in written}, {p.name for p in gone}
    if not _only_ours(collection, before, before.compared, times, added, removed):
        return update_index(collection)
    os.utime(collection.db, ns=(checked, checked))
    return summary


def _only_ours(
    collection: Collection,
    before: Baseline,
    compared: int,
    times: dict[str, tuple[int, int] | None],
    added: set[str],
    removed: set[str],
) -> bool:
    """Whether everything that changed since the folder was last compared is this change."""
    # The names are compared even if the folder's time looks unchanged: it is not looked at
    # when the folder holds the index (as the shared collection's may), whose files come
    # and go.
    if _names(collection.folder) != (before.names - removed) | added:
        return False
    folder = os.path.abspath(collection.folder)
    for path in changes_after(collection.folder, compared, collection.db):
        if path != folder and (path not in times or _times(Path(path)) != times[path]):
            return False
    return True


def _file_system_now(collection: Collection) -> int:
    """Now, as the file system stamps files: its clock ticks coarsely (a file written a few
    milliseconds after `time.time_ns()` may be stamped before it), so the time is read off a
    file touched now (the lock, in the hidden state folder, which the scan never reads)."""
    clock = collection.state / "lock"
    os.utime(clock)
    return os.stat(clock).st_mtime_ns


def _changed(path: Path) -> int:
    status = os.stat(path)
    return max(status.st_mtime_ns, status.st_ctime_ns)


def _names(folder: Path) -> frozenset[str]:
    """The names in the folder the scan reads (not hidden ones: `.citebot/`, temporary files)."""
    return frozenset(n for n in os.listdir(folder) if not n.startswith("."))


def _times(path: Path) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_mtime_ns, status.st_ctime_ns
