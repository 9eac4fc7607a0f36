"""Remove an article to the collection's trash, and restore it from there.

Removing is one rename into `.citebot/trash/<time>/`, then a reindex: the article leaves
the index at once, and its file waits in the trash (never scanned) until restored. Each
removal gets its own folder, so removing the same id twice keeps both versions.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

from bot.collections.articles import article_file, checked_id
from bot.collections.files import locked, move
from bot.collections.incremental import baseline, index_change
from bot.collections.layout import Collection
from bot.collections.names import CollectionError
from bot.collections.replacing import recover
from bot.collections.report import ArticleReport, report_of
from bot.corpus import Article, ArticleError, parse_article, read_article_file

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Removed:
    """An article taken out of its collection: its file waits in `trashed`."""

    collection: str
    article_id: str
    trashed: Path


@dataclass(frozen=True)
class Trashed:
    """A removed article's file in the trash."""

    article_id: str
    removed_at: str  # the trash folder's name: UTC time of the removal
    path: Path


def trash_slot(collection: Collection, path: Path) -> Path:
    """Where a file of the collection goes in the trash: a new folder per removal."""
    now = time.time_ns()
    moment = time.strftime("%Y%m%dT%H%M%S", time.gmtime(now // 10**9)) + f".{now % 10**9:09d}Z"
    return collection.trash / moment / path.relative_to(collection.folder)


def remove_article(collection: Collection, article_id: str) -> Removed:
    """Move the article's file to the trash and take it out of the index (blocking)."""
    with locked(collection.state):
        recover(collection)
        path = article_file(collection, checked_id(article_id))
        if path is None:
            raise CollectionError(f"collection {collection.name} has no article {article_id!r}")
        slot = trash_slot(collection, path)
        before = baseline(collection)
        move(path, slot)
        try:
            index_change(collection, before, [], [path])
        except BaseException:
            move(slot, path)
            raise
    log.info("removed %s from collection %s", article_id, collection.name)
    return Removed(collection.name, article_id, slot)


def trashed_articles(collection: Collection) -> list[Trashed]:
    """The removed articles that can be restored, the latest removal first."""
    if not collection.trash.is_dir():
        return []
    found = []
    for folder in sorted(collection.trash.iterdir(), reverse=True):
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            article_id = path.relative_to(folder).with_suffix("").as_posix()
            found.append(Trashed(article_id, folder.name, path))
    return found


def restore_article(collection: Collection, article_id: str) -> ArticleReport:
    """Bring the latest removed version of the article back and index it (blocking)."""
    with locked(collection.state):
        recover(collection)
        checked_id(article_id)
        entry = next((t for t in trashed_articles(collection) if t.article_id == article_id), None)
        if entry is None:
            raise CollectionError(
                f"the trash of collection {collection.name} has no {article_id!r}"
            )
        if article_file(collection, article_id) is not None:
            raise CollectionError(
                f"collection {collection.name} has an article {article_id!r} already:"
                " remove it first"
            )
        article = _parse(entry.path, article_id)
        home = collection.folder / entry.path.relative_to(collection.trash / entry.removed_at)
        before = baseline(collection)
        move(entry.path, home)
        try:
            index_change(collection, before, [home], [])
        except BaseException:
            move(home, entry.path)
            raise
        _prune(entry.path.parent, collection.trash)
    log.info("restored %s to collection %s", article_id, collection.name)
    return report_of(collection.name, article_id, article, article_id)


def _parse(path: Path, article_id: str) -> Article:
    try:
        return parse_article(article_id, read_article_file(path), path.suffix)
    except ArticleError as exc:
        raise CollectionError(f"cannot restore it: {exc}") from exc


def _prune(folder: Path, stop: Path) -> None:
    """Remove the emptied folders of a restored removal, up to the trash itself."""
    while folder != stop and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
