"""The loaded indexes of many collections, for one process serving them all (the bot).

Each collection's index is loaded the first time a question needs it, brought up to date
first if its folder changed. After an add, remove or restore the caller reloads that
collection: the new generation is swapped in once loaded, and questions already running keep
the snapshot they started with (it is released when the last of them drops it).
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict

from bot.answer import prepare_for_questions
from bot.collections.articles import refresh
from bot.collections.layout import Collection
from bot.collections.replacing import recover_if_needed
from bot.index.search import SearchIndex, load_index
from bot.index.wal import restart_log

log = logging.getLogger(__name__)


def open_collection(collection: Collection, previous: SearchIndex | None = None) -> SearchIndex:
    """The collection's index, reindexed first if missing, outdated or older than its folder
    (blocking: from a worker thread in an event loop). What `previous`, an earlier
    generation, holds unchanged is kept rather than read again."""
    collection.folder.mkdir(parents=True, exist_ok=True)
    recover_if_needed(collection)
    refresh(collection)
    index = load_index(collection.db, previous=previous)
    prepare_for_questions(index)
    return index


class ServedCollections:
    """Loaded indexes by collection name; safe to use from several threads.

    With `max_loaded`, at most that many stay loaded: the one used longest ago is dropped
    when another is loaded (a bot in many servers whose collections are mostly idle keeps
    its memory bounded; a dropped collection is loaded again by its next question, about
    0.1 s for 1,000 paragraphs).
    """

    def __init__(self, max_loaded: int | None = None) -> None:
        self._indexes: OrderedDict[str, SearchIndex] = OrderedDict()
        self._max_loaded = max_loaded
        self._lock = threading.Lock()

    def index(self, collection: Collection) -> SearchIndex:
        """The collection's loaded index, loading it on first use."""
        with self._lock:
            loaded = self._indexes.get(collection.name)
            if loaded is not None:
                self._indexes.move_to_end(collection.name)
        return loaded if loaded is not None else self.reload(collection)

    def reload(self, collection: Collection) -> SearchIndex:
        """Load the collection's current index and serve it from now on."""
        with self._lock:
            previous = self._indexes.get(collection.name)
        fresh = open_collection(collection, previous)
        del previous  # the last reference, unless a question still uses it
        self.serve(collection.name, fresh)
        restart_log(collection.db, fresh)
        return fresh

    def current(self, name: str) -> SearchIndex | None:
        """The index served for the collection `name`, if loaded."""
        with self._lock:
            return self._indexes.get(name)

    def serve(self, name: str, fresh: SearchIndex) -> SearchIndex:
        """Serve an index loaded elsewhere for the collection `name` from now on."""
        with self._lock:
            self._indexes[name] = fresh
            self._indexes.move_to_end(name)
            while self._max_loaded is not None and len(self._indexes) > self._max_loaded:
                self._indexes.popitem(last=False)  # closed when its last question is done
        return fresh

    def loaded(self) -> tuple[str, ...]:
        """The names of the collections loaded so far."""
        with self._lock:
            return tuple(self._indexes)
