"""Where collections live on disk.

The shared collection is the corpus folder (`CITEBOT_CORPUS`) with its index `CITEBOT_DB`,
exactly as before collections existed. Every other collection is a folder under
`CITEBOT_COLLECTIONS`:

    collections/                  CITEBOT_COLLECTIONS
      server-1234/                one collection: its articles (subfolders scanned)
        some-article.html
        .citebot/                 citebot's own files, never scanned as articles
          index.db                the collection's index (rebuilt from the articles if lost)
          trash/<time>/<file>     removed articles, until `citebot restore`
          lock                    one add or remove at a time, across processes

The shared collection keeps its trash and lock in `<corpus>/.citebot/` too. The corpus scan
skips names starting with a dot, so neither the reserved folder nor a half-written temporary
file is ever read as an article.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

from bot.collections.names import SHARED, CollectionError, valid_name
from bot.config import Settings

RESERVED = ".citebot"


@dataclass(frozen=True)
class Collection:
    """One collection: its articles' folder (the source of truth) and its index file."""

    name: str
    folder: Path
    db: Path

    @property
    def state(self) -> Path:
        """citebot's own folder inside the collection (trash, lock, the index if not shared)."""
        return self.folder / RESERVED

    @property
    def trash(self) -> Path:
        """Where removed articles wait, one folder per removal."""
        return self.state / "trash"

    @property
    def shared(self) -> bool:
        """Whether this is the owner's shared collection (the corpus folder)."""
        return self.name == SHARED


def shared_collection(settings: Settings) -> Collection:
    """The shared collection: the corpus folder and the index as configured."""
    return Collection(SHARED, settings.corpus, settings.db)


def collection(settings: Settings, name: str) -> Collection:
    """The collection with this name (validated; it need not exist yet)."""
    if name == SHARED:
        return shared_collection(settings)
    check_layout(settings)
    folder = settings.collections / valid_name(name)
    return Collection(name, folder, folder / RESERVED / "index.db")


def existing_collection(settings: Settings, name: str) -> Collection:
    """The collection with this name, which must exist (`CollectionError` if not)."""
    found = collection(settings, name)
    if not found.folder.is_dir():
        if found.shared:
            raise CollectionError(f"the corpus folder {found.folder} does not exist")
        raise CollectionError(f"there is no collection named {name!r} (see `citebot collections`)")
    return found


def list_collections(settings: Settings) -> list[Collection]:
    """The shared collection, then every collection folder under CITEBOT_COLLECTIONS."""
    found = [shared_collection(settings)]
    root = settings.collections
    if root.is_dir():
        check_layout(settings)
        with os.scandir(root) as entries:
            names = sorted(e.name for e in entries if e.is_dir(follow_symlinks=False))
        found += [collection(settings, n) for n in names if _is_name(n) and n != SHARED]
    return found


def _is_name(text: str) -> bool:
    try:
        valid_name(text)
    except CollectionError:
        return False
    return True


def check_layout(settings: Settings) -> None:
    """Refuse a collections folder the shared corpus scan would read, or the reverse."""
    # Absolute (without touching the disk), so a relative folder is not taken for the same
    # one after the working folder changed.
    _check_layout(settings.corpus.absolute(), settings.collections.absolute())


# A layout that passed is not checked again: every question in a server looks up its
# collection, and resolving both folders took 5% of an answer thread's time in
# benchmarks/discord_load.py. One that fails raises each time (exceptions are not cached).
@functools.lru_cache(maxsize=16)
def _check_layout(corpus_folder: Path, collections_folder: Path) -> None:
    corpus, root = corpus_folder.resolve(), collections_folder.resolve()
    if root == corpus or corpus.is_relative_to(root):
        raise CollectionError("CITEBOT_CORPUS must not be inside CITEBOT_COLLECTIONS")
    if root.is_relative_to(corpus):
        hidden = any(part.startswith(".") for part in root.relative_to(corpus).parts)
        if not hidden:
            raise CollectionError(
                "CITEBOT_COLLECTIONS inside CITEBOT_CORPUS must be under a folder whose name"
                " starts with a dot (such as corpus/.collections), or the shared collection"
                " would index every collection"
            )
