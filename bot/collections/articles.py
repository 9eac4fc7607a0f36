"""Find an article's file in a collection, and bring the collection's index up to date."""

from __future__ import annotations

import logging
from pathlib import Path, PurePosixPath

from bot.collections.layout import Collection
from bot.collections.names import CollectionError
from bot.corpus import SUPPORTED_SUFFIXES
from bot.index import store
from bot.index.build import ReindexSummary, reindex
from bot.index.freshness import corpus_is_newer

log = logging.getLogger(__name__)


def checked_id(article_id: str) -> str:
    """An article id that names a file inside the collection (no '..', no hidden part)."""
    parts = PurePosixPath(article_id).parts
    if (
        not parts
        or article_id.startswith("/")
        or any(p in ("..", ".") or p.startswith(".") for p in parts)
    ):
        raise CollectionError(f"{article_id!r} is not an article id (see `citebot articles`)")
    return article_id


def article_file(collection: Collection, article_id: str) -> Path | None:
    """The file that provides this article id, if there is one."""
    checked_id(article_id)
    base = collection.folder / article_id
    for suffix in sorted(SUPPORTED_SUFFIXES):
        for candidate in (
            base.with_name(base.name + suffix),
            base.with_name(base.name + suffix.upper()),
        ):
            if candidate.is_file():
                return candidate
    return None


def id_is_free(collection: Collection, article_id: str) -> bool:
    """Whether no file provides this article id."""
    return article_file(collection, article_id) is None


def refresh(collection: Collection) -> ReindexSummary | None:
    """Reindex if the index is missing, outdated or older than a change in the folder."""
    if store.is_current(collection.db) and not corpus_is_newer(collection.folder, collection.db):
        return None
    log.info("collection %s changed on disk: reindexing it", collection.name)
    return update_index(collection)


def update_index(collection: Collection) -> ReindexSummary:
    """Bring the collection's index in line with its folder (only changed files are read)."""
    collection.db.parent.mkdir(parents=True, exist_ok=True)
    return reindex(collection.folder, collection.db)
