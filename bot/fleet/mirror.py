"""A local folder holding one generation of a collection, kept up to date incrementally.

This is how a fleet process can build its index with the single-process code: mirror the
generation to serve into a folder, then index that folder as usual (unchanged files are
not even read again). Moving from generation A to B writes only what changed between them
and deletes only what went; the generation the folder holds is recorded last, in a file
whose name starts with a dot (never scanned as an article), so a mirror interrupted half
way is brought up to date again in full: the record is taken away before the first file
is touched (a move interrupted half way may have written an article that a later generation
removed again, which no list of changes between two generations names).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from bot.corpus import article_id_for, find_article_files
from bot.fleet.connect import Connection
from bot.fleet.folders import remove_files, stored_path, write_atomically, write_collection
from bot.fleet.model import StoredArticle
from bot.fleet.store import articles_at, changes_between

MARKER = ".citebot-generation"


@dataclass(frozen=True)
class Mirrored:
    """What bringing a folder to a generation did."""

    generation: int
    written: tuple[str, ...]
    deleted: tuple[str, ...]
    full: bool
    # The generation the folder held before (None: unknown, so `full` is True). When not
    # full, the folder changed from exactly that generation by `written` and `deleted` only.
    since: int | None = None
    # The article ids of the files written or deleted (what an index must look at again).
    article_ids: tuple[str, ...] = ()


def held_generation(folder: Path) -> int | None:
    """The generation the folder holds, or None (never mirrored, or the record unreadable)."""
    try:
        return int((folder / MARKER).read_text(encoding="ascii"))
    except (OSError, ValueError):
        return None


def mirror_generation(conn: Connection, collection: str, generation: int, folder: Path) -> Mirrored:
    """Make `folder` hold exactly the collection's article files at `generation`."""
    folder.mkdir(parents=True, exist_ok=True)
    held = held_generation(folder)
    if held == generation:
        return Mirrored(generation, (), (), False, held)
    if held is None or held > generation:
        articles = articles_at(conn, collection, generation)
        (folder / MARKER).unlink(missing_ok=True)
        done = _full(articles, generation, folder)
    else:
        written, gone = changes_between(conn, collection, held, generation)
        (folder / MARKER).unlink(missing_ok=True)  # from here the folder is between the two
        done = replace(_apply(folder, generation, written, gone, full=False), since=held)
    write_atomically(folder / MARKER, str(generation).encode("ascii"))
    return done


def _full(articles: list[StoredArticle], generation: int, folder: Path) -> Mirrored:
    """Rewrite what differs from the generation and delete every other article file."""
    wanted = {a.file_name for a in articles}
    paths, _ = find_article_files(folder)
    present = [p.relative_to(folder).as_posix() for p in paths]
    stray = [name for name in present if name not in wanted]
    differing = [a for a in articles if not _holds(folder, a)]
    return _apply(folder, generation, differing, stray, full=True)


def _holds(folder: Path, article: StoredArticle) -> bool:
    try:
        return stored_path(folder, article.file_name).read_bytes() == article.content
    except OSError:
        return False


def _apply(
    folder: Path, generation: int, written: list[StoredArticle], gone: list[str], full: bool
) -> Mirrored:
    # Deleted first: an article whose file name is reused by another is written after.
    kept = {a.file_name for a in written}
    deleted = [name for name in gone if name not in kept]
    remove_files(folder, deleted)
    write_collection(folder, written)
    names = tuple(a.file_name for a in written)
    # As the index names them: by file (an article's id is its file's path without suffix).
    ids = sorted({article_id_for(Path(n)) for n in (*names, *deleted)})
    return Mirrored(generation, names, tuple(deleted), full, article_ids=tuple(ids))
