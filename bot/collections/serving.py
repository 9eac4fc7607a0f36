"""The loaded indexes of many collections, for one process serving them all (the bot).

Each collection's index is loaded the first time a question needs it, brought up to date
first if its folder changed. After an add, remove or restore the caller reloads that
collection: the new generation is swapped in once loaded, and questions already running keep
the snapshot they started with (it is released when the last of them drops it).
"""

from __future__ import annotations

import threading

from bot.collections.articles import refresh
from bot.collections.layout import Collection
from bot.index.search import SearchIndex, load_index


def open_collection(collection: Collection) -> SearchIndex:
    """The collection's index, reindexed first if missing, outdated or older than its folder
    (blocking: from a worker thread in an event loop)."""
    collection.folder.mkdir(parents=True, exist_ok=True)
    refresh(collection)
    return load_index(collection.db)


class ServedCollections:
    """Loaded indexes by collection name; safe to use from several threads."""

    def __init__(self) -> None:
        self._indexes: dict[str, SearchIndex] = {}
        self._lock = threading.Lock()

    def index(self, collection: Collection) -> SearchIndex:
        """The collection's loaded index, loading it on first use."""
        with self._lock:
            loaded = self._indexes.get(collection.name)
        return loaded if loaded is not None else self.reload(collection)

    def reload(self, collection: Collection) -> SearchIndex:
        """Load the collection's current index and serve it from now on."""
        fresh = open_collection(collection)
        with self._lock:
            self._indexes[collection.name] = fresh
        return fresh

    def loaded(self) -> tuple[str, ...]:
        """The names of the collections loaded so far."""
        with self._lock:
            return tuple(self._indexes)
