"""Add an article to a collection: parsed first, saved atomically, indexed at once.

Nothing is saved unless the article parses; the file is written whole or not at all; the
index is updated incrementally (only the new file is read, and when nothing else changed,
only its article is compared: `bot.collections.incremental`); and if indexing fails, the
file is taken back out, so a failed add leaves the collection as it was. A process killed
midway leaves the old collection or the new one (a file saved but not yet indexed is
indexed on the next open: see `refresh`; a replace by another file type is finished or
undone there: `bot.collections.replacing`). Repeats are found in the index as it stands: a
file copied into the folder by hand counts once a reindex has read it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from bot.collections.articles import article_file, id_is_free, update_index
from bot.collections.duplicates import Existing, find_existing
from bot.collections.files import link_copy, locked, move, sweep_temporary, write_atomically
from bot.collections.incremental import baseline, index_change
from bot.collections.layout import Collection
from bot.collections.names import CollectionError, slug
from bot.collections.replacing import recover, replace_with_other_type
from bot.collections.report import ArticleReport, report_of
from bot.collections.source import Overrides, Source, file_bytes
from bot.collections.trash import trash_slot
from bot.corpus import Article, ArticleError, parse_article
from bot.corpus.parse import title_from_id
from bot.index.build import ReindexSummary

log = logging.getLogger(__name__)

Undo = Callable[[], None]


class AlreadyAdded(CollectionError):
    """The collection has this article already; adding it with `replace=True` replaces it."""

    def __init__(self, collection: str, existing: Existing) -> None:
        self.existing = existing
        super().__init__(
            f"this is already the article {existing.article_id!r} of collection {collection}"
            f" ({existing.reason}: {existing.title!r})"
        )


def add_article(
    collection: Collection,
    source: Source,
    overrides: Overrides | None = None,
    *,
    replace: bool = False,
) -> ArticleReport:
    """Save and index an article; what was found is in the report.

    Blocking (it reads and writes files and the index): call it from a worker thread in an
    event loop. `CollectionError` (`AlreadyAdded` for a repeat) says why nothing changed.
    """
    data = file_bytes(source, overrides or Overrides())
    draft = _parse(source.name, data, source.suffix)
    with locked(collection.state):
        sweep_temporary(collection.folder)
        recover(collection)
        existing = find_existing(collection, draft, (source.url, source.requested_url))
        if existing is not None and not replace:
            raise AlreadyAdded(collection.name, existing)
        article_id = existing.article_id if existing else _free_id(collection, draft, source.name)
        path = collection.folder / f"{article_id}{source.suffix}"
        old = article_file(collection, article_id)
        before = baseline(collection)
        undo = _save(collection, path, data, old)
        gone = [old] if old is not None and old != path else []
        _index_or_undo(
            collection, path, undo, lambda: index_change(collection, before, [path], gone)
        )
    log.info("added %s to collection %s", article_id, collection.name)
    return report_of(collection.name, article_id, draft, source.name, existing is not None)


def _parse(name: str, data: bytes, suffix: str) -> Article:
    try:
        return parse_article(name, data, suffix)
    except ArticleError as exc:
        raise CollectionError(f"cannot add it: {exc}") from exc


def _free_id(collection: Collection, article: Article, name: str) -> str:
    """An id from the title (or the file's name when no title was found), not yet taken."""
    base = name if article.title == title_from_id(name) else slug(article.title, name)
    candidate, n = base, 1
    while not id_is_free(collection, candidate):
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _save(collection: Collection, path: Path, data: bytes, old: Path | None) -> Undo:
    """Write the file (an older version of the article first goes to the trash, so a
    replace loses nothing); returns how to put things back."""
    if old is None:
        write_atomically(path, data)
        return lambda: _discard(path)
    kept = trash_slot(collection, old)
    link_copy(old, kept)
    if old == path:
        write_atomically(path, data)
    else:  # another file type: the old file goes once the new one is in place
        replace_with_other_type(collection, old, path, data)

    def undo() -> None:
        if old != path:
            _discard(path)
        move(kept, old)

    return undo


def _discard(path: Path) -> None:
    path.unlink(missing_ok=True)


def _index_or_undo(
    collection: Collection, path: Path, undo: Undo, index: Callable[[], ReindexSummary]
) -> None:
    """Index the saved file; if that fails or skips it, undo the save and index again."""
    try:
        summary = index()
    except BaseException:
        undo()
        raise
    relative = str(path.relative_to(collection.folder))
    reasons = [s.reason for s in summary.skipped if s.path == relative]
    if reasons:
        undo()
        update_index(collection)
        raise CollectionError(f"cannot add it: {reasons[0]}")
