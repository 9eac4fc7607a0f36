"""Indexing a change the collection made itself, without comparing the whole folder again.

An add, remove or restore knows which files it wrote or took away, so only their articles
are reindexed (`bot.index.targeted`); at 100k paragraphs comparing all 10,000 files took
about half a second of the one second an add took. That is only right if nothing else
changed, so it is checked on both sides:

- before (`Baseline`): the index is current and nothing in the folder changed since the
  folder was last compared (`corpus_is_newer`); the names in the collection's folder are
  listed first;
- after: every entry that changed since the baseline is one of ours: a file written, with
  the times it had once written, or the collection's folder, holding exactly the names it
  held plus those added and minus those taken away. Hidden names are never read as
  articles (`.citebot/` holds the trash, the lock and the index), so they do not count.

Then the index file's time moves on, as after a full reindex (the folder has been compared
up to that moment); otherwise, or for an article in a subfolder, a full reindex runs.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from bot.collections.articles import update_index
from bot.collections.layout import Collection
from bot.corpus import article_id_for
from bot.index import store
from bot.index.build import ReindexSummary
from bot.index.freshness import changes_after, corpus_is_newer
from bot.index.targeted import reindex_articles


@dataclass(frozen=True)
class Baseline:
    """The collection before a change of its own (take it under the collection's lock)."""

    names: frozenset[str]
    started: int
    quiet: bool


def baseline(collection: Collection) -> Baseline:
    """The folder's names, and whether the index already holds everything in it."""
    names = _names(collection.folder) if collection.folder.is_dir() else frozenset()
    started = time.time_ns()
    quiet = store.is_current(collection.db) and not corpus_is_newer(
        collection.folder, collection.db
    )
    return Baseline(names, started, quiet)


def index_change(
    collection: Collection, before: Baseline, written: list[Path], gone: list[Path]
) -> ReindexSummary:
    """Index the change: files `written` and `gone` (directly in the collection's folder)."""
    touched = [*written, *gone]
    if not before.quiet or any(p.parent != collection.folder for p in touched):
        return update_index(collection)
    times = {os.path.abspath(p): _times(p) for p in written}
    ids = [article_id_for(p.relative_to(collection.folder)) for p in touched]
    summary = reindex_articles(collection.folder, collection.db, ids)
    checked = time.time_ns()
    if not _only_ours(collection, before, times, {p.name for p in written}, {p.name for p in gone}):
        return update_index(collection)
    os.utime(collection.db, ns=(checked, checked))
    return summary


def _only_ours(
    collection: Collection,
    before: Baseline,
    times: dict[str, tuple[int, int] | None],
    added: set[str],
    removed: set[str],
) -> bool:
    """Whether everything that changed since the baseline is the change itself."""
    folder = os.path.abspath(collection.folder)
    changed = changes_after(collection.folder, before.started, collection.db)
    for path in changed:
        if path == folder:
            if _names(collection.folder) != (before.names - removed) | added:
                return False
        elif path not in times or _times(Path(path)) != times[path]:
            return False
    return True


def _names(folder: Path) -> frozenset[str]:
    """The names in the folder the scan reads (not hidden ones: `.citebot/`, temporary files)."""
    return frozenset(n for n in os.listdir(folder) if not n.startswith("."))


def _times(path: Path) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_mtime_ns, status.st_ctime_ns
